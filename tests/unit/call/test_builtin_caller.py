import pytest
from helpers import TOY_GTF, record, write_chimeric

from fusion_pipeline.call.call_builtin import CallerParams, assign_spanning, call_fusions
from fusion_pipeline.call.filters import FilterContext, promiscuous
from fusion_pipeline.common.annotation import Annotation, load_gtf
from fusion_pipeline.common.chimeric import cluster_split_reads, normalise, read_junctions, spanning_records
from fusion_pipeline.common.fusion_table import fusion_type

# Q on c2 '+': exons 101-200, 301-400, 501-600; R on c1 '+' right after P (read-through neighbour)
EXTRA = """\
c2\tt\texon\t101\t200\t.\t+\t.\tgene_id "GQ"; gene_name "Q"; transcript_id "TQ";
c2\tt\texon\t301\t400\t.\t+\t.\tgene_id "GQ"; gene_name "Q"; transcript_id "TQ";
c2\tt\texon\t501\t600\t.\t+\t.\tgene_id "GQ"; gene_name "Q"; transcript_id "TQ";
c1\tt\texon\t3001\t3100\t.\t+\t.\tgene_id "GR"; gene_name "R"; transcript_id "TR";
c1\tt\texon\t3201\t3300\t.\t+\t.\tgene_id "GR"; gene_name "R"; transcript_id "TR";
"""


@pytest.fixture
def annotation(tmp_path):
    path = tmp_path / "a.gtf"
    path.write_text(TOY_GTF + EXTRA)
    return load_gtf(str(path))


def split(n, tag, *junction, start=100, cigars=("30S70M", "30M70S")):
    return [
        record(*junction, f"{tag}{i}", start_a=start + i, cigar_a=cigars[0], cigar_b=cigars[1])
        for i in range(n)
    ]


def test_translocation_oriented_by_gene_strand_from_either_read_strand(tmp_path, annotation):
    # P exon 2 (last base 400) :: Q exon 3 (first base 501); reads from both strands
    lines = split(2, "s", "c1", 401, "+", "c2", 500, "+", 1) + split(
        2, "a", "c2", 500, "-", "c1", 401, "-", 2
    )
    lines += [record("c1", 351, "+", "c2", 560, "+", -1, "span", cigar_a="50M", cigar_b="40M")]
    table = call_fusions(write_chimeric(tmp_path, lines), annotation, CallerParams())[0]
    row = table.iloc[0]
    assert (row.fusion, row.breakpoint5, row.breakpoint3, row.exon5, row.exon3) == (
        "P::Q",
        "c1:400:+",
        "c2:501:+",
        "2",
        "3",
    )
    assert (row.junction_reads, row.spanning_pairs, row["pass"], row.filters) == (4, 1, "yes", ".")


def test_minus_strand_5prime_partner(tmp_path, annotation):
    # M (-) exon 2 ends at 1801 (last transcribed base) :: Q exon 2 starts at 301
    lines = split(3, "m", "c1", 1800, "-", "c2", 300, "+", 1)
    row = call_fusions(write_chimeric(tmp_path, lines), annotation, CallerParams())[0].iloc[0]
    assert (row.fusion, row.breakpoint5, row.breakpoint3, row.exon5, row.exon3) == (
        "M::Q",
        "c1:1801:-",
        "c2:301:+",
        "2",
        "2",
    )


def test_filters(tmp_path, annotation):
    lines = split(3, "rt", "c1", 601, "+", "c1", 3000, "+", 1)  # P -> R, adjacent same strand
    lines += split(2, "weak", "c1", 201, "+", "c2", 300, "+", 1)  # 2 reads < min_support 3
    lines += split(4, "off", "c1", 351, "+", "c2", 350, "+", 1, start=500)  # inside exons, 4 split reads only
    lines += split(
        3, "offspan", "c1", 341, "+", "c2", 340, "+", 1, start=700
    )  # inside exons, + a spanning pair
    lines += [record("c1", 330, "+", "c2", 345, "+", -1, "offspan-mates", cigar_a="50M", cigar_b="40M")]
    lines += split(3, "intronic", "c1", 251, "+", "c2", 450, "+", 1, start=800)  # both ends in introns
    lines += split(3, "short", "c1", 401, "+", "c2", 100, "+", 1, cigars=("90S10M", "90M10S"), start=900)
    table = call_fusions(write_chimeric(tmp_path, lines), annotation, CallerParams())[0].set_index(
        "breakpoint5"
    )
    assert table.loc["c1:600:+", "filters"] == "read_through"
    assert table.loc["c1:600:+", "type"] == "read-through"
    assert table.loc["c1:200:+", "filters"] == "min_support"
    assert table.loc["c1:350:+", "filters"] == "off_splice_site"  # split reads alone off a boundary
    assert table.loc["c1:340:+", "filters"] == "."  # 3 split reads and a spanning pair
    assert table.loc["c1:250:+", "filters"] == "intronic,off_splice_site"
    assert table.loc["c1:400:+", "filters"].split(",")[-1] == "low_anchor"
    assert set(table[table["pass"] == "yes"].index) == {"c1:340:+"}


def test_no_chimeric_reads_means_no_calls(tmp_path, annotation):
    assert call_fusions(write_chimeric(tmp_path, []), annotation, CallerParams())[0].empty


def test_spanning_pairs_on_wrong_side_are_inconsistent(tmp_path):
    lines = split(3, "j", "c1", 1001, "+", "c2", 500, "+", 1)
    lines += [record("c1", 901, "+", "c2", 700, "+", -1, "good")]  # mates end at 900 / 701: retained sides
    lines += [
        record("c1", 1201, "+", "c2", 700, "+", -1, f"bad{i}", start_a=i) for i in range(2)
    ]  # 1200 > 1000
    frame = normalise(read_junctions(write_chimeric(tmp_path, lines)))
    clusters, _ = cluster_split_reads(frame)
    result = assign_spanning(clusters, spanning_records(frame), 10000)
    assert result[["spanning_pairs", "inconsistent_pairs"]].values.tolist() == [[1, 2]]


def test_promiscuous_gene_keeps_only_its_best_call():
    import pandas as pd

    table = pd.DataFrame({
        "gene5": ["HUB"] * 4, "gene3": ["A", "B", "C", "D"], "junction_reads": [9, 3, 3, 3],
        "spanning_pairs": [0] * 4, "filters": ["."] * 4,
    })  # fmt: skip
    hits = promiscuous(table, FilterContext(CallerParams(max_partners=3)))
    assert hits.tolist() == [False, True, True, True]
    assert not promiscuous(table, FilterContext(CallerParams(max_partners=4))).any()


def test_fusion_type():
    assert fusion_type("a", 1, 1, "b", 5, -1) == "translocation"
    assert fusion_type("a", 100, 1, "a", 500, -1) == "deletion"
    assert fusion_type("a", 500, 1, "a", 100, -1) == "duplication"
    assert fusion_type("a", 100, 1, "a", 500, 1) == "inversion"


def test_unannotated_calls_use_the_splice_motif(tmp_path):
    lines = split(3, "x", "c9", 2000, "-", "c8", 100, "-", 2)  # CT/AC: c8 side is 5'
    row = call_fusions(write_chimeric(tmp_path, lines), Annotation({}), CallerParams())[0].iloc[0]
    assert (row.breakpoint5, row.breakpoint3) == ("c8:99:+", "c9:2001:+")
    assert row.fusion == "c8:99::c9:2001"
