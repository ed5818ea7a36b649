"""QC gates, kinase evaluability and the sample's status (issue 17)."""

import gzip

import pytest
from scipy.stats import binom

from fusion_pipeline.align.check_fastq import verdict
from fusion_pipeline.common.annotation import Transcript, breakpoint_junctions
from fusion_pipeline.common.qc_gates import QcSettings, gate_failures, sample_status
from fusion_pipeline.qc.kinase_evaluability import detection_limit
from fusion_pipeline.qc.qc_metrics import star_log_metrics


def test_detection_limit_is_the_binomial_95_percent_point():
    lod = detection_limit(100, 2)
    assert 0.04 < lod < 0.05  # a fusion at 5% of ~100 wild-type fragments: found every time
    n = int(100 / (1 - lod))
    assert binom.sf(1, n, lod) >= 0.95 and binom.sf(1, int(100 / (1 - lod + 0.005)), lod - 0.005) < 0.95
    limits = [detection_limit(d, 3) for d in (5, 10, 20, 100, 500)]
    assert limits == sorted(limits, reverse=True) and limits[-1] < 0.02
    assert detection_limit(0, 3) is None


def test_breakpoint_junctions_on_both_strands_and_ends():
    plus = Transcript("T", "G", "K", "c", "+", exons=[(100, 199), (300, 399), (500, 599)])
    minus = Transcript("T", "G", "K", "c", "-", exons=[(500, 599), (300, 399), (100, 199)])
    # a 3' kinase keeps exon 2 on: its first base, retained downstream of the junction
    assert breakpoint_junctions(plus, [2], "3prime") == [(2, 300, -1)]
    assert breakpoint_junctions(minus, [2], "3prime") == [(2, 399, 1)]
    # a 5' kinase keeps up to exon 2: its last base
    assert breakpoint_junctions(plus, [2], "5prime") == [(2, 399, 1)]
    assert breakpoint_junctions(minus, [2, 3], "5prime") == [(2, 300, -1)]  # no junction after the last exon
    assert breakpoint_junctions(plus, [1], "3prime") == []


def test_gates_and_the_three_answers():
    settings = QcSettings()
    good = {"aligned_read_pairs": 5000, "uniquely_mapped_pct": 95.0, "too_short_pct": 1.0,
            "duplication_pct": 10.0, "control_reads_median": 500}  # fmt: skip
    assert gate_failures(good, settings) == []
    swamped = {**good, "too_short_pct": 42.9, "uniquely_mapped_pct": 52.2}
    assert gate_failures(swamped, settings) == ["too_short_pct 42.9 (needs <= 30.0)"]
    assert gate_failures({**good, "duplication_pct": None}, settings) == []  # not measured is not a failure
    assert sample_status(0, None, []) == ("no fusion detected", [])
    assert sample_status(0, None, ["too_short_pct 42.9 (needs <= 30.0)"])[0] == "not evaluable"
    assert sample_status(1, None, ["x"]) == ("fusion detected", ["x"])  # reported, with the caveat
    assert sample_status(0, "failed: cut.fq.gz: truncated", [])[1] == ["input: failed: cut.fq.gz: truncated"]
    # a fusion seen in a truncated file is no result: the sample is sent again
    assert sample_status(1, "failed: cut.fq.gz: truncated", [])[0] == "failed"
    assert sample_status(0, "empty: e.fq.gz: no reads (empty FASTQ)", [])[0] == "not evaluable"


def test_fastq_verdicts_never_raise(tmp_path):
    empty = tmp_path / "e_R1.fq.gz"
    with gzip.open(empty, "wt"):
        pass
    good = tmp_path / "g_R2.fq.gz"
    with gzip.open(good, "wt") as fh:
        fh.write("@r1\nACGT\n+\nIIII\n")
    assert verdict(str(empty), str(good))["status"] == "empty"
    (tmp_path / "cut.fq.gz").write_bytes(good.read_bytes()[:-8])
    result = verdict(str(tmp_path / "cut.fq.gz"), str(good))
    assert result["status"] == "failed" and "truncated or corrupt gzip" in result["reason"]


def test_star_log_of_an_empty_library(tmp_path):
    log = tmp_path / "Log.final.out"
    log.write_text("                          Number of input reads |\t0\n"
                   "                        Uniquely mapped reads % |\t0.00%\n"
                   "            % of reads unmapped: too short |\t0.00%\n"
                   "                            % of chimeric reads |\t0.00%\n")  # fmt: skip
    metrics = star_log_metrics(str(log))
    assert metrics == {
        "aligned_read_pairs": 0,
        "uniquely_mapped_pct": 0.0,
        "too_short_pct": 0.0,
        "chimeric_pct": 0.0,
    }
    assert gate_failures(metrics, QcSettings())[0] == "aligned_read_pairs 0 (needs >= 1000)"


@pytest.mark.parametrize("depth", [1, 7, 30])
def test_detection_limit_meets_its_probability(depth):
    lod = detection_limit(depth, 3)
    n = int(depth / (1 - lod))
    assert binom.sf(2, n, lod) >= 0.95
