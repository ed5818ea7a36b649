"""Issue 28: a sample given as BAM, CRAM or single-end FASTQ gives the calls of its paired FASTQ.

S2 (LMNA::NTRK1, ETV6::NTRK3) comes as an unaligned BAM made from its FASTQ, and as its read 1
alone (single-end); S3 (YWHAE::ROS1, EML4::ALK, CCDC6::RET) as a CRAM of the demo run's own STAR
BAM, sorted by coordinate, which `samtools collate` puts back in pair order. Beside them: a CRAM
decoded against a FASTA with one base changed, and a BAM that lost its second mates; neither may
give a call.
"""

import json
import subprocess

import pysam
import pytest
from helpers import run_workflow, write_config

from fusion_pipeline.common.fusion_table import read_table


@pytest.fixture(scope="module")
def input_run(tmp_path_factory, demo_run, demo_star_index):
    work = tmp_path_factory.mktemp("bam_input")
    data, out = demo_run["workdir"] / "data", demo_run["out"]
    reads = data / "reads"
    subprocess.run(["samtools", "import", "-1", str(reads / "S2_R1.fastq.gz"), "-2", str(reads / "S2_R2.fastq.gz"),
                    "-o", str(work / "S2.bam")], check=True, capture_output=True)  # fmt: skip
    subprocess.run(["samtools", "view", "-C", "-T", str(data / "genome.fa"), "-o", str(work / "S3.cram"),
                    str(out / "S3/star/Aligned.sortedByCoord.out.bam")], check=True, capture_output=True)  # fmt: skip
    subprocess.run(["samtools", "import", "-0", str(reads / "S2_R1.fastq.gz"), "-o", str(work / "S2single.bam")],
                   check=True, capture_output=True)  # fmt: skip
    subprocess.run(["samtools", "view", "-b", "-f", "64", "-o", str(work / "halves.bam"), str(work / "S2.bam")],
                   check=True)  # fmt: skip
    genome = (data / "genome.fa").read_text().split("\n")
    genome[1] = ("A" if genome[1][10] != "A" else "C").join([genome[1][:10], genome[1][11:]])
    (work / "other.fa").write_text("\n".join(genome))
    pysam.faidx(str(work / "other.fa"))
    (work / "samples.tsv").write_text(
        "sample\tpatient\ttimepoint\tfq1\tfq2\tbam\tcram_reference\n"
        f"S2bam\tP2\t1\t\t\t{work / 'S2.bam'}\t\n"
        f"S3cram\tP3\t1\t\t\t{work / 'S3.cram'}\t\n"
        f"S2single\tP6\t1\t{reads / 'S2_R1.fastq.gz'}\t\t\t\n"
        f"S2singlebam\tP7\t1\t\t\t{work / 'S2single.bam'}\t\n"
        f"wrongref\tP4\t1\t\t\t{work / 'S3.cram'}\t{work / 'other.fa'}\n"
        f"halves\tP5\t1\t\t\t{work / 'halves.bam'}\t\n"
    )
    write_config(work, str(data / "genome.fa"), str(data / "genes.gtf"), star_index=demo_star_index)
    result = run_workflow(work)
    return work, result, out


def _passing(path):
    calls = read_table(path)
    return calls[calls["pass"] == "yes"].set_index("fusion")


@pytest.mark.parametrize(
    "sample, origin", [("S2bam", "S2"), ("S3cram", "S3"), ("S2single", "S2"), ("S2singlebam", "S2")]
)
def test_a_bam_cram_or_single_end_sample_gives_the_calls_of_its_paired_fastq(input_run, sample, origin):
    work, result, demo_out = input_run
    assert result.returncode == 0, result.stderr[-3000:]
    ours, theirs = (
        _passing(work / "out" / sample / "fusions.tsv"),
        _passing(demo_out / origin / "fusions.tsv"),
    )
    assert set(ours.index) == set(theirs.index) and len(ours) >= 2
    for fusion in theirs.index:
        assert ours.loc[fusion, "breakpoint5"] == theirs.loc[fusion, "breakpoint5"], fusion
        assert ours.loc[fusion, "breakpoint3"] == theirs.loc[fusion, "breakpoint3"], fusion
        low, high = float(ours.loc[fusion, "abundance_ci_low"]), float(ours.loc[fusion, "abundance_ci_high"])
        assert low <= float(theirs.loc[fusion, "abundance"]) <= high, fusion
    check = read_table(work / "out" / sample / "qc/fastq_check.tsv").iloc[0]
    assert check["status"] == "ok" and check["fq1"].endswith((".bam", ".cram", "_R1.fastq.gz"))
    assert int(check["read_pairs"]) == int(
        read_table(demo_out / origin / "qc/fastq_check.tsv").iloc[0]["read_pairs"]
    )
    if sample.startswith("S2single"):  # split reads alone, and the report says so
        assert (
            (ours["spanning_pairs"].astype(int) == 0).all()
            and check["fq2"] == "."
            and check["mean_length2"] in ("0", "0.0")
        )
        report = json.loads((work / "out" / sample / "report.json").read_text())
        assert any(c.startswith("Single-end reads: no read pair spans a junction") for c in report["caveats"])


@pytest.mark.parametrize(
    "sample, reason",
    [("wrongref", "differs from"), ("halves", "reads without their mate")],
)
def test_a_cram_against_another_fasta_or_a_bam_without_its_mates_fails_with_no_call(
    input_run, sample, reason
):
    work, result, _ = input_run
    check = read_table(work / "out" / sample / "qc/fastq_check.tsv").iloc[0]
    assert check["status"] == "failed" and reason in check["reason"]
    assert len(read_table(work / "out" / sample / "fusions.tsv")) == 0
    assert f"sample {sample} will not be evaluable" in result.stderr
