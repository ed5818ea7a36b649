import pytest
from helpers import record, write_chimeric

from fusion_pipeline.common.chimeric import (
    cigar_anchors,
    cigar_geometry,
    cluster_split_reads,
    normalise,
    read_junctions,
    spanning_records,
)
from fusion_pipeline.common.errors import InputError


def test_read_formats(tmp_path):
    rec = record("chr1", 1001, "+", "chr2", 500, "+", 1, "r1")
    full = read_junctions(write_chimeric(tmp_path, [rec]))
    assert len(full) == 1 and full.frame["brkA"].iloc[0] == 1001
    assert full.chroms == ["chr1", "chr2"] and full.cigars == ["30S70M", "30M70S"]
    legacy = read_junctions(
        write_chimeric(tmp_path, ["\t".join(rec.split("\t")[:14]) + "\n"], "legacy", False, False)
    )
    assert legacy.frame["num_chim_aln"].iloc[0] == 1
    gz = read_junctions(write_chimeric(tmp_path, [rec, rec.replace("chr2", "chr3")], "x.junction.gz"))
    assert [gz.chroms[c] for c in gz.frame["chrB"]] == ["chr2", "chr3"]
    assert len(read_junctions(write_chimeric(tmp_path, [], "empty"))) == 0
    (tmp_path / "bad").write_text("a\tb\tc\n")
    with pytest.raises(InputError, match="at least 14"):
        read_junctions(str(tmp_path / "bad"))


def test_both_strands_of_one_junction_normalise_to_one_breakpoint(tmp_path):
    # fusion: chr1 + (5', last base 1000) joined to chr2 + (3', first base 501)
    sense = record("chr1", 1001, "+", "chr2", 500, "+", 1, "a")
    antisense = record("chr2", 500, "-", "chr1", 1001, "-", 2, "b")
    frame = normalise(read_junctions(write_chimeric(tmp_path, [sense, antisense])))
    assert frame[["chr1", "pos1", "dir1", "chr2", "pos2", "dir2"]].drop_duplicates().values.tolist() == [
        [0, 1000, 1, 1, 501, -1]  # chromosome codes: chr1 = 0, chr2 = 1
    ]
    assert frame["five_is_1"].tolist() == [1, 1]  # GT/AG read and CT/AC read agree chr1 is 5'
    clusters, _ = cluster_split_reads(frame)
    assert clusters["junction_reads"].tolist() == [2]


def test_minus_strand_breakends(tmp_path):
    # 5' partner on '-' keeps bases >= 2000; 3' partner on '-' keeps bases <= 799
    junctions = read_junctions(
        write_chimeric(tmp_path, [record("chr5", 1999, "-", "chr6", 800, "-", 1, "a")])
    )
    row = normalise(junctions).iloc[0]
    assert (junctions.chroms[int(row.chr1)], row.pos1, row.dir1) == ("chr5", 2000, -1)
    assert (junctions.chroms[int(row.chr2)], row.pos2, row.dir2) == ("chr6", 799, 1)


def test_duplicates_are_counted_once_and_adjacent_clusters_merge(tmp_path):
    lines = [record("chr1", 1001, "+", "chr2", 500, "+", 1, f"r{i}", start_a=100 + i) for i in range(3)]
    lines.append(record("chr1", 1001, "+", "chr2", 500, "+", 1, "dup", start_a=100))  # PCR copy of r0
    lines.append(record("chr1", 1003, "+", "chr2", 502, "+", 1, "shifted", start_a=300))
    lines.append(record("chr1", 1001, "+", "chr2", 500, "+", 1, "multi", num=2))
    clusters, split = cluster_split_reads(
        normalise(read_junctions(write_chimeric(tmp_path, lines))), merge_distance=5
    )
    assert len(clusters) == 1
    assert clusters.iloc[0]["junction_reads"] == 4  # r0-r2 + shifted; duplicate and multimapper left out
    assert clusters.iloc[0]["duplicates"] == 1
    assert split["cluster"].nunique() == 1


def test_spanning_records_and_anchors(tmp_path):
    lines = [record("chr1", 900, "+", "chr2", 700, "+", -1, "s1", cigar_a="100M", cigar_b="100M")]
    spans = spanning_records(normalise(read_junctions(write_chimeric(tmp_path, lines))))
    assert spans[["pos1", "pos2"]].values.tolist() == [[899, 701]]
    assert cigar_anchors("37S71M", "37M71S") == 37
    assert cigar_anchors("83S18M40p98M", "83M18S") == 18
    assert cigar_anchors("100M", "20M80S") == 20


def test_underflowed_soft_clips_are_read_as_negative():
    """STAR --clip3pAdapterSeq can write a negative clip as an unsigned 64-bit number."""
    assert cigar_geometry("18446744073709551601S40M") == (40, -15, 0)
    assert cigar_geometry("30S70M") == (70, 30, 0)
    assert cigar_anchors("18446744073709551601S40M-5p60M", "60M40S") == 40
