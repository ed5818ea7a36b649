import math

import pysam
import pytest
from helpers import record, write_chimeric

from fusion_pipeline.abundance.abundance_trend import add_changes, followed_fusions, same_breakpoints
from fusion_pipeline.abundance.measure_abundance import FusionCounter, abundance_values, wilson_interval
from fusion_pipeline.common.wild_type import CountSettings, crosses, wild_type_fragments

# 5' partner on '+' with its exon ending at 1000 (1-based), next exon from 2001
BREAKPOINT = 1000


def test_crosses_needs_the_breakpoint_base_and_anchors_on_both_sides():
    spliced = [(950, 1000), (2000, 2050)]  # 0-based blocks: 951-1000 then 2001-2050
    assert crosses(spliced, 999, 1000, 20)
    assert not crosses(spliced, 999, 1000, 60)  # only 50 bases each side
    clipped = [(900, 1000)]  # a fusion read stops at the breakpoint
    assert not crosses(clipped, 999, 1000, 10)
    skipping = [(900, 950), (2000, 2050)]  # another isoform skips the base
    assert not crosses(skipping, 999, 1000, 10)
    minus_side = [(990, 1100)]  # retained part at and above 1000: junction before it
    assert crosses(minus_side, 999, 999, 9) and not crosses(minus_side, 999, 999, 10)


def bam_with(tmp_path, reads):
    path = str(tmp_path / "t.bam")
    header = {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": "c1", "LN": 5000}]}
    with pysam.AlignmentFile(path, "wb", header=header) as out:
        for name, start, cigar, flag, mapq, mate in sorted(reads, key=lambda r: r[1]):
            read = pysam.AlignedSegment(out.header)
            read.query_name, read.flag, read.reference_id = name, flag, 0
            read.reference_start, read.cigarstring, read.mapping_quality = start, cigar, mapq
            read.query_sequence = "A" * read.infer_query_length()
            read.next_reference_id, read.next_reference_start = 0, mate
            out.write(read)
    pysam.index(path)
    return pysam.AlignmentFile(path)


def test_wild_type_fragments_counts_each_fragment_once(tmp_path):
    reads = [
        ("spliced", 950, "50M1000N50M", 0, 255, 2300),
        ("straight", 960, "100M", 0, 255, 2300),  # unspliced (intron retention) also crosses
        ("pcr_copy", 950, "50M1000N50M", 0, 255, 2300),  # same alignments as 'spliced'
        ("dup_flag", 940, "60M1000N40M", 0x400, 255, 2300),
        ("secondary", 940, "60M1000N40M", 0x100, 255, 2300),
        ("low_mapq", 940, "60M1000N40M", 0, 3, 2300),
        ("fusion", 900, "100M50S", 0, 255, 2300),  # clipped at the breakpoint
        ("short", 985, "15M1000N85M", 0, 255, 2300),  # 15 < 20 anchor
    ]
    with bam_with(tmp_path, reads) as bam:
        assert wild_type_fragments(bam, "c1", BREAKPOINT, 1, CountSettings()) == 2
        assert wild_type_fragments(bam, "c1", BREAKPOINT, 1, CountSettings(min_anchor=10)) == 3
        assert wild_type_fragments(bam, "other", BREAKPOINT, 1, CountSettings()) == 0


def test_wilson_interval_and_values():
    low, high = wilson_interval(20, 100)
    assert low == pytest.approx(0.1333, abs=1e-3) and high == pytest.approx(0.2888, abs=1e-3)
    assert all(math.isnan(x) for x in wilson_interval(0, 0))
    values = abundance_values(80, 320, 20)
    assert values["abundance"] == values["abundance5"] == pytest.approx(0.2)
    assert values["abundance3"] == pytest.approx(0.8)
    assert values["abundance_ci_low"] < 0.2 < values["abundance_ci_high"]
    assert math.isnan(abundance_values(0, 0, 0)["abundance"])


def test_fusion_counter_applies_the_anchor_on_the_fusion_side(tmp_path):
    lines = [record("c1", 1001, "+", "c2", 500, "+", 1, f"long{i}", start_a=100 + i) for i in range(3)]
    lines += [
        record("c1", 1001, "+", "c2", 500, "+", 1, "short", start_a=300, cigar_a="85S15M", cigar_b="85M15S")
    ]
    counter = FusionCounter(write_chimeric(tmp_path, lines), min_anchor=20)
    assert counter.count("c1:1000:+", "c2:501:+") == 3
    assert counter.count("c1:1003:+", "c2:499:+") == 3  # within 5 bp
    assert counter.count("c1:1000:+", "c2:900:+") == 0
    assert FusionCounter(write_chimeric(tmp_path, lines), min_anchor=10).count("c1:1000:+", "c2:501:+") == 4


def test_trend_helpers():
    import pandas as pd

    assert same_breakpoints("c1:100:+", "c2:50:-", "c1:104:+", "c2:50:-")
    assert not same_breakpoints("c1:100:+", "c2:50:-", "c1:100:-", "c2:50:-")
    first = pd.DataFrame({"fusion": ["A::B", "C::D"], "breakpoint5": ["c1:100:+", "c3:5:+"],
                          "breakpoint3": ["c2:50:-", "c4:9:+"], "pass": ["yes", "no"]})  # fmt: skip
    second = pd.DataFrame({"fusion": ["A::B"], "breakpoint5": ["c1:101:+"], "breakpoint3": ["c2:50:-"],
                           "pass": ["yes"]})  # fmt: skip
    assert followed_fusions([first, second]) == [("A::B", "c1:100:+", "c2:50:-")]
    rows = [
        {"breakpoint5": "x", "breakpoint3": "y", "fusion_reads": 40, "wt_reads5": 160, "abundance": 0.2},
        {"breakpoint5": "x", "breakpoint3": "y", "fusion_reads": 62, "wt_reads5": 138, "abundance": 0.31},
    ]
    rows = add_changes(rows)
    assert math.isnan(rows[0]["p_value"])
    assert rows[1]["change"] == pytest.approx(0.11)
    assert rows[1]["p_value"] == pytest.approx(0.016, abs=0.002)  # 40/200 vs 62/200, as in the facts sheet
