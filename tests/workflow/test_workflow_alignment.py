"""The real workflow (STAR) on generated reads: alignment outputs and input errors."""

import gzip
import json
import shutil

import pysam
import pytest
from helpers import chimeric_breakpoints, run_workflow, write_config


def spliced_junctions(path):
    """(chrom, last exonic base, first exonic base) of each SJ.out.tab junction."""
    with open(path) as fh:
        return {(f[0], int(f[1]) - 1, int(f[2]) + 1) for f in (line.split("\t") for line in fh)}


def test_star_outputs_show_every_simulated_fusion(demo_run):
    checked = 0
    for truth in demo_run["truth"]:
        if truth["sim_junction_fragments"] < 3:
            continue
        star = demo_run["out"] / truth["sample"] / "star"
        c5, p5, _ = truth["breakpoint5"].split(":")
        c3, p3, _ = truth["breakpoint3"].split(":")
        pair = ((c5, int(p5)), (c3, int(p3)))
        if truth["fusion"] == "CTBS::GNG5":
            # a read-through of adjacent same-strand genes is an ordinary spliced alignment
            assert (c5, int(p5), int(p3)) in spliced_junctions(star / "SJ.out.tab")
        else:
            # a read from either strand of the fusion transcript reports it one way round
            junctions = chimeric_breakpoints(star / "Chimeric.out.junction")
            assert pair in junctions or pair[::-1] in junctions, truth["fusion"]
        checked += 1
    assert checked >= 10


def test_sorted_indexed_bam_holds_chimeric_alignments(demo_run):
    truth = next(t for t in demo_run["truth"] if t["fusion"] == "YWHAE::ROS1")
    bam_path = demo_run["out"] / truth["sample"] / "star/Aligned.sortedByCoord.out.bam"
    with pysam.AlignmentFile(bam_path) as bam:
        assert bam.header["HD"]["SO"] == "coordinate"
        chrom, pos, _ = truth["breakpoint3"].split(":")
        near = [r for r in bam.fetch(chrom, int(pos) - 5, int(pos) + 5) if r.has_tag("SA")]
        assert near, "no chimeric (SA-tagged) alignment at the ROS1 breakpoint"
        assert any("chr17" in r.get_tag("SA") for r in near)
    assert (demo_run["out"] / "S6/star/Log.final.out").exists()
    with open(demo_run["out"] / "S6/star/Chimeric.out.junction") as fh:
        assert not [line for line in fh if not line.startswith(("#", "chr_donorA"))]


def test_fastq_check_table(demo_run):
    lines = (demo_run["out"] / "S1/qc/fastq_check.tsv").read_text().splitlines()
    assert lines[0].split("\t")[:4] == ["sample", "fq1", "fq2", "read_pairs"]
    assert int(lines[1].split("\t")[3]) > 1000


@pytest.fixture
def small_case(tmp_path, demo_data, demo_star_index):
    """A work dir with one good sample and the demo reference."""
    data = demo_data["workdir"] / "data"
    for name in ("S6_R1.fastq.gz", "S6_R2.fastq.gz"):
        shutil.copy(data / "reads" / name, tmp_path / name)
    write_config(tmp_path, str(data / "genome.fa"), str(data / "genes.gtf"), star_index=demo_star_index)
    return tmp_path


def write_sheet(workdir, *rows):
    lines = ["sample\tpatient\ttimepoint\tfq1\tfq2"] + ["\t".join(row) for row in rows]
    (workdir / "samples.tsv").write_text("\n".join(lines) + "\n")


def test_bad_sample_sheet_stops_with_one_line(small_case):
    write_sheet(small_case, ("S6", "P", "1", "S6_R1.fastq.gz", "S6_R2.fastq.gz"),
                ("S6", "Q", "1", "S6_R1.fastq.gz", "S6_R2.fastq.gz"))  # fmt: skip
    result = run_workflow(small_case, "-n")
    assert result.returncode != 0
    error_lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert error_lines[-1] == (
        "ERROR: sample sheet samples.tsv, line 3 (sample 'S6'): duplicate sample name (first on line 2)"
    )
    assert "Traceback" not in result.stderr


def test_bad_config_key_stops_with_one_line(small_case):
    write_sheet(small_case, ("S6", "P", "1", "S6_R1.fastq.gz", "S6_R2.fastq.gz"))
    with open(small_case / "config.yaml", "a") as fh:
        fh.write("outdri: typo\n")
    result = run_workflow(small_case, "-n")
    assert result.returncode != 0
    assert "ERROR: configuration:" in result.stderr and "outdri" in result.stderr


def test_truncated_fastq_is_failed_and_the_run_goes_on(small_case):
    data = (small_case / "S6_R2.fastq.gz").read_bytes()
    (small_case / "cut_R2.fastq.gz").write_bytes(data[: len(data) // 2])
    write_sheet(small_case, ("good", "P", "1", "S6_R1.fastq.gz", "S6_R2.fastq.gz"),
                ("cut", "Q", "1", "S6_R1.fastq.gz", "cut_R2.fastq.gz"))  # fmt: skip
    result = run_workflow(small_case)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "WARNING: sample cut will not be evaluable: " in result.stderr
    assert "cut_R2.fastq.gz: truncated or corrupt gzip file" in result.stderr
    report = json.loads((small_case / "out/cut/report.json").read_text())  # STAR ran beside the check
    assert report["status"]["sample_status"] == report["headline"]["status"] == "failed"
    assert (small_case / "out/good/star/Aligned.sortedByCoord.out.bam.bai").exists()
    with gzip.open(small_case / "S6_R1.fastq.gz", "rt") as fh:
        assert fh.readline().startswith("@")
