import pandas as pd
import pytest
from helpers import ROOT, SHARED_DATA, close_to

from fusion_pipeline.call.adapt_calls import adapt, read_arriba, read_starfusion
from fusion_pipeline.call.call_builtin import CallerParams, call_fusions
from fusion_pipeline.common.annotation import Annotation
from fusion_pipeline.common.errors import InputError
from fusion_pipeline.common.fusion_table import CONTRACT_COLUMNS, merge_callers

DATA = ROOT / "tests" / "data"
DERIVED = SHARED_DATA / "derived-star2.7.10b-arriba2.5.1-runs"
KICKSTART = SHARED_DATA / "star-fusion-kickstart-junctions"
needs_shared = pytest.mark.skipif(
    not SHARED_DATA.is_dir(), reason=f"public test data not found at {SHARED_DATA}"
)


def test_arriba_adapter_on_the_tool_format():
    table = read_arriba(str(DATA / "arriba_fusions.tsv")).set_index("fusion")
    assert list(table.index) == ["AKAP9::7:338809", "HOOK3::RET"]  # AKAP9's partner is intergenic
    hook3 = table.loc["HOOK3::RET"]
    assert (hook3.breakpoint5, hook3.breakpoint3, hook3.junction_reads, hook3.spanning_pairs) == (
        "8:71369:+",
        "10:39621:+",
        12,
        1,
    )
    assert table.loc["AKAP9::7:338809", "breakpoint3"] == "7:338809:-"  # fusion strand when no gene
    assert table.loc["AKAP9::7:338809", "filters"] == "mismatches(2)"


def test_starfusion_adapter_on_the_tool_format():
    table = read_starfusion(str(DATA / "starfusion.abridged.tsv")).set_index("fusion")
    assert table.loc["HOOK3::RET", "gene_id5"] == "ENSG00000168172.9"
    assert table.loc["AKAP9::BRAF", "filters"] == "non_exon_boundary"
    assert (table.loc["AKAP9::BRAF", "junction_reads"], table.loc["AKAP9::BRAF", "spanning_pairs"]) == (10, 4)


def test_adapters_reject_other_files(tmp_path):
    (tmp_path / "x.tsv").write_text("a\tb\n1\t2\n")
    with pytest.raises(InputError, match="not an Arriba fusions.tsv file .missing column"):
        read_arriba(str(tmp_path / "x.tsv"))
    with pytest.raises(InputError, match="not a STAR-Fusion predictions file"):
        read_starfusion(str(tmp_path / "x.tsv"))


def test_merge_lists_every_caller_once():
    arriba = read_arriba(str(DATA / "arriba_fusions.tsv"))
    starfusion = read_starfusion(str(DATA / "starfusion.abridged.tsv"))
    merged = merge_callers({"starfusion": starfusion, "arriba": arriba}).set_index("fusion")
    assert list(merged.columns[: len(CONTRACT_COLUMNS) - 1]) == CONTRACT_COLUMNS[1:]
    assert merged.loc["HOOK3::RET", "callers"] == "arriba,starfusion"
    assert merged.loc["HOOK3::RET", "support_by_caller"] == "arriba:12/1;starfusion:12/1"
    assert len(merged) == 2  # AKAP9 breakpoints match within 5 bp although the names differ


@needs_shared
def test_arriba_adapter_on_the_easyfuse_run_gives_the_seven_truth_fusions():
    table = adapt(str(DERIVED / "easyfuse_fc.arriba.fusions.tsv"), "arriba")
    truth = pd.read_csv(SHARED_DATA / "fusioncatcher-test-reads/truth_on_easyfuse_minigenome.tsv", sep="\t")
    truth = truth[truth["detectable_on_easyfuse_minigenome"] == "yes"]
    assert len(table) == len(truth) == 7
    for row in truth.itertuples():
        found = [
            r for r in table.itertuples()
            if close_to(r.breakpoint5, row.minigenome_bp1) and close_to(r.breakpoint3, row.minigenome_bp2)
        ]  # fmt: skip
        assert found, row.fusion


@needs_shared
def test_builtin_counts_agree_with_starfusion_on_its_kickstart_junctions():
    """Same Chimeric.out.junction, no annotation: compare J/S at STAR-Fusion's breakpoints."""
    expected = read_starfusion(str(KICKSTART / "star-fusion.fusion_candidates.final.abridged"))
    ours, _ = call_fusions(str(KICKSTART / "hg19.Chimeric.out.junction.gz"), Annotation({}), CallerParams())
    by_bp = {(r.breakpoint5.rsplit(":", 1)[0], r.breakpoint3.rsplit(":", 1)[0]): r for r in ours.itertuples()}
    found = same_j = 0
    for row in expected.itertuples():
        mine = by_bp.get((row.breakpoint5.rsplit(":", 1)[0], row.breakpoint3.rsplit(":", 1)[0]))
        if mine is None:
            continue
        found += 1
        same_j += abs(mine.junction_reads - row.junction_reads) <= max(1, row.junction_reads // 2)
    # measured: 20 of 24 STAR-Fusion breakpoints found at the same positions and orientation
    assert found >= 20
    assert same_j >= 16
    top = by_bp[("chr17:35479453", "chr17:37374426")]  # ACACA--STAC2, 12 J / 51 S in STAR-Fusion
    assert top.junction_reads == 12 and 40 <= top.spanning_pairs <= 51
