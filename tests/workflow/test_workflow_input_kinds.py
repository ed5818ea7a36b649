"""Issue 28: a sample given as BAM, CRAM or single-end FASTQ gives the calls of its paired FASTQ.

S2 (LMNA::NTRK1, ETV6::NTRK3) comes as an unaligned BAM made from its FASTQ, and as its read 1
alone (single-end); S3 (YWHAE::ROS1, EML4::ALK, CCDC6::RET) as a CRAM of the demo run's own STAR
BAM, sorted by coordinate, which `samtools collate` puts back in pair order, and that STAR BAM used
as it is with its Chimeric.out.junction (S3given). Beside them: a CRAM decoded against a FASTA with
one base changed, a BAM that lost its second mates, and S3's STAR run given with its BAM sorted by
name, or with its reads shuffled under a header that says sorted; none may give a call.
"""

import json
import shutil
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
    star = out / "S3/star"
    for name, order in (("byname", ["samtools", "sort", "-n"]), ("liar", None)):
        folder = work / name
        folder.mkdir()
        for given in ("Chimeric.out.junction", "Log.final.out", "SJ.out.tab", "ReadsPerGene.out.tab"):
            shutil.copy(star / given, folder / given)
        bam = folder / "Aligned.sortedByCoord.out.bam"
        if order:
            subprocess.run([*order, "-o", str(bam), str(star / "Aligned.sortedByCoord.out.bam")], check=True,
                           capture_output=True)  # fmt: skip
        else:  # the reads reversed under the sorted header
            with pysam.AlignmentFile(str(star / "Aligned.sortedByCoord.out.bam")) as src:
                records = list(src.fetch(until_eof=True))
                with pysam.AlignmentFile(str(bam), "wb", template=src) as dst:
                    for read in reversed(records):
                        dst.write(read)
    genome = (data / "genome.fa").read_text().split("\n")
    genome[1] = ("A" if genome[1][10] != "A" else "C").join([genome[1][:10], genome[1][11:]])
    (work / "other.fa").write_text("\n".join(genome))
    pysam.faidx(str(work / "other.fa"))
    given = {n: (f / "Aligned.sortedByCoord.out.bam", f / "Chimeric.out.junction")
             for n, f in (("S3given", star), ("byname", work / "byname"), ("liar", work / "liar"))}  # fmt: skip
    (work / "samples.tsv").write_text(
        "sample\tpatient\ttimepoint\tfq1\tfq2\tbam\tcram_reference\tchimeric_junction\n"
        f"S2bam\tP2\t1\t\t\t{work / 'S2.bam'}\t\t\n"
        f"S3cram\tP3\t1\t\t\t{work / 'S3.cram'}\t\t\n"
        f"S2single\tP6\t1\t{reads / 'S2_R1.fastq.gz'}\t\t\t\t\n"
        f"S2singlebam\tP7\t1\t\t\t{work / 'S2single.bam'}\t\t\n"
        f"wrongref\tP4\t1\t\t\t{work / 'S3.cram'}\t{work / 'other.fa'}\t\n"
        f"halves\tP5\t1\t\t\t{work / 'halves.bam'}\t\t\n"
        + "".join(
            f"{n}\tG{i}\t1\t\t\t{bam}\t\t{junction}\n" for i, (n, (bam, junction)) in enumerate(given.items())
        )
    )
    write_config(work, str(data / "genome.fa"), str(data / "genes.gtf"), star_index=demo_star_index)
    lab_mtime = (star / "Aligned.sortedByCoord.out.bam").stat().st_mtime_ns
    result = run_workflow(work)
    again = run_workflow(work, "--dry-run")
    assert (
        star / "Aligned.sortedByCoord.out.bam"
    ).stat().st_mtime_ns == lab_mtime  # Snakemake's touch stays ours
    return work, result, out, again


def _passing(path):
    calls = read_table(path)
    return calls[calls["pass"] == "yes"].set_index("fusion")


@pytest.mark.parametrize(
    "sample, origin",
    [("S2bam", "S2"), ("S3cram", "S3"), ("S2single", "S2"), ("S2singlebam", "S2"), ("S3given", "S3")],
)
def test_a_bam_cram_or_single_end_sample_gives_the_calls_of_its_paired_fastq(input_run, sample, origin):
    work, result, demo_out, _ = input_run
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
    [
        ("wrongref", "differs from"),
        ("halves", "reads without their mate"),
        ("byname", "not sorted by coordinate (@HD SO:queryname)"),
        ("liar", "not sorted by coordinate although its header says so (read "),
    ],
)
def test_a_cram_against_another_fasta_or_a_bam_without_its_mates_fails_with_no_call(
    input_run, sample, reason
):
    work, result, _, _ = input_run
    check = read_table(work / "out" / sample / "qc/fastq_check.tsv").iloc[0]
    assert check["status"] == "failed" and reason in check["reason"]
    assert len(read_table(work / "out" / sample / "fusions.tsv")) == 0
    assert f"sample {sample} will not be evaluable" in result.stderr


def test_a_star_alignment_given_as_it_is_is_not_aligned_again_and_the_labs_files_stay_as_they_were(input_run):
    work, result, demo_out, again = input_run
    assert result.returncode == 0, result.stderr[-3000:]
    assert again.returncode == 0 and "Nothing to be done" in again.stdout + again.stderr, again.stdout[-2000:]
    log = (work / "out/logs/star_align/S3given.log").read_text()
    assert "running: STAR" not in log  # nothing aligned
    ours = (work / "out/S3given/star/Chimeric.out.junction").read_bytes()
    assert ours == (demo_out / "S3/star/Chimeric.out.junction").read_bytes()
    with pysam.AlignmentFile(str(work / "liar/Aligned.sortedByCoord.out.bam")) as lab:
        assert lab.header["HD"]["SO"] == "coordinate" and sum(1 for _ in lab.fetch(until_eof=True)) > 1000
    with pysam.AlignmentFile(str(work / "out/liar/star/Aligned.sortedByCoord.out.bam")) as written:
        assert written.mapped == 0  # the failed sample's alignment holds nothing
