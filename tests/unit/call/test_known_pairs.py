"""Known fusions seen as discordant pairs only (issue 27): a candidate with an inferred breakpoint."""

import pytest
from helpers import TOY_GTF, record, write_chimeric

from fusion_pipeline.call.call_builtin import CallerParams, call_fusions
from fusion_pipeline.call.filters import FilterContext
from fusion_pipeline.call.known_pairs import inferred_breakpoint
from fusion_pipeline.call.region_lists import read_region_list
from fusion_pipeline.common.annotation import load_gtf

# Q on c2 '+': exons 101-200, 301-400, 501-600
Q_GTF = "".join(
    f'c2\tt\texon\t{s}\t{e}\t.\t+\t.\tgene_id "GQ"; gene_name "Q"; transcript_id "TQ";\n'
    for s, e in ((101, 200), (301, 400), (501, 600))
)


@pytest.fixture
def annotation(tmp_path):
    path = tmp_path / "a.gtf"
    path.write_text(TOY_GTF + Q_GTF)
    return load_gtf(str(path))


def pair(name, end5, start3):
    """An encompassing record: the 5' mate (c1 '+') ends at end5, the 3' mate (c2 '+') starts at start3."""
    return record("c1", end5 + 1, "+", "c2", start3 - 1, "+", -1, name, start_a=end5 - 49, cigar_a="50M",
                  start_b=start3, cigar_b="50M")  # fmt: skip


def call(tmp_path, annotation, lines, known="P\tQ\n"):
    known_path = tmp_path / "known.tsv"
    known_path.write_text(known)
    entries = read_region_list(str(known_path), allow_keywords=False)
    context = FilterContext(CallerParams(), annotation, known_fusions=entries)
    return call_fusions(write_chimeric(tmp_path, lines), annotation, CallerParams(), context=context)[0]


def test_two_discordant_pairs_of_a_known_pair_make_an_inferred_call(tmp_path, annotation):
    # mates end in P exon 2 (301-400) and start in Q exon 2 (301-400): the junction is P e2 :: Q e2
    table = call(tmp_path, annotation, [pair("d1", 350, 320), pair("d2", 380, 350)])
    assert len(table) == 1
    row = table.iloc[0]
    assert (row.fusion, row.breakpoint5, row.breakpoint3, row.exon5, row.exon3) == (
        "P::Q", "c1:400:+", "c2:301:+", "2", "2",
    )  # fmt: skip
    assert (row.junction_reads, row.spanning_pairs, row["pass"]) == (0, 2, "yes")
    assert "min_support" in row.filters and "known_fusions" in row.filters


def test_pairs_reach_the_nearest_boundary_past_every_mate(tmp_path, annotation):
    # one 5' mate already in P exon 3: the junction must lie after exon 3 (600)
    table = call(tmp_path, annotation, [pair("d1", 350, 320), pair("d2", 550, 350)])
    assert table.iloc[0].breakpoint5 == "c1:600:+"


def test_no_candidate_without_a_known_pair_or_enough_pairs(tmp_path, annotation):
    lines = [pair("d1", 350, 320), pair("d2", 380, 350)]
    assert call(tmp_path, annotation, lines, known="M\tQ\n").empty
    assert call(tmp_path, annotation, lines[:1]).empty
    # the wrong orientation: Q upstream of P is not the known P::Q
    assert call(tmp_path, annotation, lines, known="Q\tP\n").empty


def test_a_mate_in_an_intron_makes_no_inference(tmp_path, annotation):
    assert call(tmp_path, annotation, [pair("d1", 350, 320), pair("d2", 250, 350)]).empty  # 250: P intron 1


def test_split_reads_of_the_pair_decide(tmp_path, annotation):
    split = [record("c1", 401, "+", "c2", 300, "+", 1, f"s{i}", start_a=350 + i, cigar_a="50M50S",
                    start_b=301, cigar_b="50S50M") for i in range(3)]  # fmt: skip
    table = call(tmp_path, annotation, split + [pair("d1", 350, 320), pair("d2", 380, 350)])
    assert list(table["junction_reads"]) == [3]  # no second, inferred row of P::Q
    assert table.iloc[0].spanning_pairs == 2


def test_inferred_breakpoint_on_the_minus_strand(annotation):
    tx = annotation.transcript("TM")  # M on '-': exons 2001-2100, 1801-1900, 1601-1700 in transcript order
    assert inferred_breakpoint(tx, [1850, 1820], "5") == 1801  # 5': last base of exon 2 (downstream = lower)
    assert inferred_breakpoint(tx, [1650, 1690], "3") == 1700  # 3': first base of exon 3 (its highest base)
    assert inferred_breakpoint(tx, [1750], "3") is None  # intron


def test_split_reads_decide_over_junction_sequence_reads_and_both_over_pairs_alone():
    import pandas as pd

    from fusion_pipeline.call.known_pairs import without_confirmed

    rows = pd.DataFrame({"gene5": ["P", "P", "P", "M"], "gene3": ["Q", "Q", "Q", "Q"],
                         "junction_reads": [0, 0, 3, 0], "junction_sequence_reads": [0, 2, 0, 0],
                         "breakpoint5": ["pairs", "sequence", "split", "other pair"]})  # fmt: skip
    assert list(without_confirmed(rows)["breakpoint5"]) == ["split", "other pair"]
    assert list(without_confirmed(rows.iloc[[0, 1, 3]])["breakpoint5"]) == ["sequence", "other pair"]
