"""Bad inputs and a full disk: one clear line naming the input, no output that looks complete (issues 6, 17).

A broken or empty FASTQ does not stop the run: a broken input is reported "failed" and an empty
one "not evaluable", with the reason, and the other samples finish. The broken inputs are cut from
a sample with a tier I fusion (S2, ETV6::NTRK3): what their readable part shows must reach no
output as a call, tier, therapy or abundance (issue 24).
"""

import gzip
import json

import pytest
from helpers import run_workflow, write_config


@pytest.fixture(scope="module")
def fault_run(tmp_path_factory, demo_data, demo_star_index):
    """One run of a good sample beside four broken ones, exiting non-zero on failed samples."""
    work = tmp_path_factory.mktemp("faults")
    reads = demo_data["workdir"] / "data/reads"
    good1, good2 = reads / "S2_R1.fastq.gz", reads / "S2_R2.fastq.gz"
    text1 = gzip.open(good1, "rt").read()
    data2 = good2.read_bytes()
    (work / "cut_R2.fastq.gz").write_bytes(data2[: len(data2) // 2])
    with gzip.open(work / "short_R2.fastq.gz", "wt") as fh:  # the mate file lost its last 4 records
        fh.write("".join(gzip.open(good2, "rt").read().splitlines(keepends=True)[:-16]))
    with gzip.open(work / "empty_R1.fastq.gz", "wt"):
        pass
    (work / "windows_R1.fastq").write_bytes(text1.replace("\n", "\r\n").encode())
    rows = [("good", good1, good2), ("cut", good1, work / "cut_R2.fastq.gz"),
            ("short", good1, work / "short_R2.fastq.gz"), ("empty", work / "empty_R1.fastq.gz", good2),
            ("windows", work / "windows_R1.fastq", good2)]  # fmt: skip
    (work / "samples.tsv").write_text(
        "sample\tpatient\ttimepoint\tfq1\tfq2\n" + "".join(f"{s}\t{s}\t1\t{a}\t{b}\n" for s, a, b in rows)
    )
    data = demo_data["workdir"] / "data"
    write_config(work, str(data / "genome.fa"), str(data / "genes.gtf"), star_index=demo_star_index,
                 run={"exit_nonzero_on": ["failed"]})  # fmt: skip
    result = run_workflow(work)
    return work, result


FAILED_SAMPLES = ["cut", "short", "windows"]


@pytest.mark.parametrize(
    "sample, message, status",
    [
        ("cut", "cut_R2.fastq.gz: truncated or corrupt gzip file", "failed"),
        (
            "short",
            "S2_R1.fastq.gz has {records} records but {work}/short_R2.fastq.gz has {short}: mates must pair up",
            "failed",
        ),
        ("empty", "empty_R1.fastq.gz: no reads (empty FASTQ)", "not evaluable"),
        ("windows", "windows_R1.fastq: Windows (CRLF) line endings in record 1", "failed"),
    ],
)
def test_each_bad_sample_is_named_and_not_evaluable(fault_run, demo_data, sample, message, status):
    work, result = fault_run
    with gzip.open(demo_data["workdir"] / "data/reads/S2_R2.fastq.gz", "rt") as fh:
        records = sum(1 for _ in fh) // 4
    message = message.format(records=records, work=work, short=records - 4)  # short lost its last 4 records
    assert f"WARNING: sample {sample} will not be evaluable" in result.stderr and message in result.stderr
    report = json.loads((work / "out" / sample / "report.json").read_text())
    assert report["status"]["sample_status"] == status
    assert any(message in reason for reason in report["status"]["reasons"])
    assert report["headline"]["status"] == status and "No actionable" not in report["headline"]["text"]
    assert "send the complete files again" in report["headline"]["text"].lower()
    summary = {r.split("\t")[0]: r.split("\t") for r in (work / "out/summary.tsv").read_text().splitlines()}
    assert summary[sample][summary["sample"].index("status")] == status


@pytest.mark.parametrize("sample", FAILED_SAMPLES + ["empty"])
def test_nothing_from_a_failed_input_is_reported(fault_run, sample):
    """The readable part of S2 shows ETV6::NTRK3 (tier I in the good sample); no output may say so."""
    work, _ = fault_run
    out = work / "out"
    for table in ("fusions.tsv", "kinase_fusions.tsv"):
        lines = (out / sample / table).read_text().splitlines()
        assert len(lines) == 1, f"{table} of {sample} has calls: {lines[1:3]}"
    report = json.loads((out / sample / "report.json").read_text())
    assert (
        report["kinase_fusions"] == []
        and report["other_fusions"] == []
        and report["resistance_hotspots"] == []
    )
    html = (out / sample / "report.html").read_text()
    assert "ETV6::NTRK3" not in html and "tier I" not in html and "Actionable kinase fusions" not in html
    header, *rows = [r.split("\t") for r in (out / "summary.tsv").read_text().splitlines()]
    row = dict(zip(header, next(r for r in rows if r[0] == sample)))
    assert (row["fusion"], row["tier"], row["therapies"], row["abundance"]) == (".", ".", ".", ".")
    assert row["finding"] == ("failed" if sample in FAILED_SAMPLES else "not evaluable")
    multiqc = (out / "qc/fusion_status_mqc.tsv").read_text()
    assert "actionable" not in next(line for line in multiqc.splitlines() if line.startswith(sample + "\t"))


def test_end_of_run_lists_failed_samples_and_exits_by_policy(fault_run):
    work, result = fault_run
    # run.exit_nonzero_on: [failed] -- every output is written first, then the exit says why
    assert result.returncode != 0
    assert (work / "out/summary.html").exists() and (work / "out/multiqc/multiqc_report.html").exists()
    header, *rows = [r.split("\t") for r in (work / "out/run_status.tsv").read_text().splitlines()]
    status = {r[0]: dict(zip(header, r)) for r in rows}
    assert {s: status[s]["status"] for s in status} == {
        "good": "fusion detected", "cut": "failed", "short": "failed", "empty": "not evaluable", "windows": "failed"
    }  # fmt: skip
    assert "truncated or corrupt gzip file" in status["cut"]["reason"]
    assert (
        "Run status (5 samples" in result.stderr
        and "3 failed, 1 not evaluable, 1 fusion detected" in result.stderr
    )
    assert "  FAILED: cut: input: failed:" in result.stderr and "  NOT EVALUABLE: empty:" in result.stderr
    assert "ERROR: run.exit_nonzero_on [failed]: samples cut, short, windows" in result.stderr


def test_good_sample_completes_beside_them(fault_run):
    work, _ = fault_run
    assert (work / "out/good/report.html").exists()
    # the same reads, complete: the call the broken copies must not report
    report = json.loads((work / "out/good/report.json").read_text())
    assert (report["headline"]["fusion"], report["headline"]["tier"]) == ("ETV6::NTRK3", "I")


def bad_reference_run(tmp_path, demo_data, gtf_transform):
    data = demo_data["workdir"] / "data"
    fasta, gtf = tmp_path / "genome.fa", tmp_path / "genes.gtf"
    fasta.write_text((data / "genome.fa").read_text())
    gtf.write_text(gtf_transform((data / "genes.gtf").read_text()))
    (tmp_path / "samples.tsv").write_text(
        f"sample\tpatient\ttimepoint\tfq1\tfq2\nS6\tP\t1\t{data}/reads/S6_R1.fastq.gz\t{data}/reads/S6_R2.fastq.gz\n"
    )
    write_config(tmp_path, "genome.fa", "genes.gtf")
    return run_workflow(tmp_path)


def test_gtf_without_gene_name(tmp_path, demo_data):
    def strip_names(text):
        return "\n".join(line.replace(line[line.find("gene_name"):].split(";")[0] + ";", "")
                         for line in text.splitlines()) + "\n"  # fmt: skip

    result = bad_reference_run(tmp_path, demo_data, gtf_transform=strip_names)
    assert result.returncode != 0
    assert "ERROR: genes.gtf: exon rows have no gene_name attribute" in result.stderr
    assert not (tmp_path / "out/reference/star_index").exists()
    assert not (tmp_path / "out/reference/annotation.gtf").exists()


def test_fasta_and_gtf_chromosome_names_differ(tmp_path, demo_data):
    result = bad_reference_run(
        tmp_path,
        demo_data,
        gtf_transform=lambda text: "\n".join(line[3:] for line in text.splitlines()) + "\n",
    )
    assert result.returncode != 0
    assert "ERROR: genes.gtf: no chromosome name matches the FASTA (GTF has 1, 10, 11" in result.stderr
    assert "check the 'chr' prefix" in result.stderr
    assert not (tmp_path / "out/reference/star_index").exists()
