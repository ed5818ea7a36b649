"""A targeted (anchored multiplex PCR) panel end to end: molecules, abundance on the primed side, panel QC.

The simulator's `targeted` profile (scripts/fusion_pipeline/simulation/panel.py) holds LMNA
exon 2 :: NTRK1 exon 11 in 40 molecules against 60 wild-type NTRK1 molecules
(true abundance 0.40), PCR families of mean size 20 with UMI errors, and PCR
chimeras between targets. The same reads are run as a targeted assay with
the UMI in the read name, as a targeted assay with the UMI at the start of
read 1 (umi_tools extract), and as whole-transcriptome RNA-seq.
"""

import csv
import gzip
import json

import jsonschema
import pytest
from helpers import ROOT, run_workflow, write_config

pytest.importorskip("umi_tools", reason="umi_tools not installed (requirements-umi.txt, make setup)")

TARGETED = {"assay": "targeted", "umi": {"location": "read_name"}}


def _tsv(path):
    with open(path) as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@pytest.fixture(scope="module")
def panel_data(tmp_path_factory, demo_data, demo_star_index):
    """The targeted profile; it simulates on the demo genome, so its runs use the session's demo index."""
    from fusion_pipeline.simulation.panel import write_panel

    data = tmp_path_factory.mktemp("panel_data")
    write_panel(data, seed=1)
    truth = next(r for r in _tsv(data / "truth.tsv") if r["class"] == "fusion")
    demo = demo_data["workdir"] / "data"
    same = all(
        (data / name).read_bytes() == (demo / name).read_bytes() for name in ("genome.fa", "genes.gtf")
    )
    return {"dir": data, "truth": truth, "star_index": demo_star_index if same else None}


def _run(tmp_path_factory, name, data, samples, star_index=None, **extra):
    workdir = tmp_path_factory.mktemp(name)
    write_config(workdir, str(data / "genome.fa"), str(data / "genes.gtf"), samples=str(samples),
                 star_index=star_index, **extra)  # fmt: skip
    result = run_workflow(workdir)
    assert result.returncode == 0, result.stderr[-3000:]
    return workdir / "out"


@pytest.fixture(scope="module")
def targeted_run(tmp_path_factory, panel_data):
    data = panel_data["dir"]
    return _run(
        tmp_path_factory,
        "targeted",
        data,
        data / "samples.tsv",
        star_index=panel_data["star_index"],
        panel=str(data / "panel.bed"),
        **TARGETED,
    )


def _fusion(out):
    return next(r for r in _tsv(out / "T1/fusions.tsv") if r["fusion"] == "LMNA::NTRK1")


def test_the_fusion_is_counted_in_molecules_at_the_primed_kinase(targeted_run, panel_data):
    truth, call = panel_data["truth"], _fusion(targeted_run)
    molecules, wild_type = int(truth["molecules"]), int(truth["wt_molecules_kinase"])
    assert (truth["exon5"], truth["exon3"]) == (call["exon5"], call["exon3"]) == ("2", "11")
    assert call["pass"] == "yes"
    assert abs(int(call["junction_molecules"]) - molecules) <= 0.1 * molecules
    assert abs(int(call["wt_molecules3"]) - wild_type) <= 0.1 * wild_type
    assert (call["abundance_unit"], call["abundance_side"]) == ("molecules", "3")
    assert abs(float(call["abundance"]) - float(truth["abundance"])) <= 0.05
    assert float(call["abundance_ci_low"]) < float(truth["abundance"]) < float(call["abundance_ci_high"])
    # reads are no measure: every molecule was read about 20 times
    assert int(truth["reads"]) > 10 * int(call["junction_molecules"])


def test_the_report_names_the_assay_and_shows_panel_qc(targeted_run, panel_data):
    report = json.loads((targeted_run / "T1/report.json").read_text())
    jsonschema.validate(report, json.loads((ROOT / "workflow/schemas/report.schema.json").read_text()))
    assert report["assay"] == "targeted"
    assert report["headline"]["fusion"] == "LMNA::NTRK1"
    evidence = report["kinase_fusions"][0]["evidence"]
    assert (evidence["abundance_unit"], evidence["junction_molecules"]) == (
        "molecules",
        int(_fusion(targeted_run)["junction_molecules"]),
    )
    html = (targeted_run / "T1/report.html").read_text()
    assert "targeted RNA panel" in html and "abundance in molecules" in html
    truth = {}
    for row in _tsv(panel_data["dir"] / "molecules.tsv"):
        truth[row["target"]] = truth.get(row["target"], 0) + 1
    panel = report["panel_qc"]
    assert {t["gene"] for t in panel["targets"]} == set(truth)
    for target in panel["targets"]:
        assert abs(target["molecules"] - truth[target["gene"]]) <= 0.1 * truth[target["gene"]], target
    assert 10 < panel["mean_family_size"] < 30
    assert 50 < panel["on_target_pct"] <= 100
    mqc = _tsv(targeted_run / "T1/qc/panel_qc_mqc.tsv")[0]
    assert int(mqc["molecules_NTRK1_exon11"]) == next(
        t["molecules"] for t in panel["targets"] if t["gene"] == "NTRK1"
    )


def test_the_targeted_sample_passes_the_panel_gates_not_the_whole_transcriptome_ones(targeted_run):
    # issue 24: 95 % of a panel's pairs are PCR copies and it reads no control gene, as it should be
    metrics = _tsv(targeted_run / "T1/qc/metrics.tsv")[0]
    assert float(metrics["duplication_pct"]) > 90 and metrics["control_reads_median"] == "0.0"
    assert metrics["gate_failures"] == "."
    assert float(metrics["molecules_per_target"]) >= 10 and float(metrics["on_target_pct"]) >= 50
    assert float(metrics["mean_family_size"]) >= 1.5 and metrics["control_primer_molecules_min"] == "."
    report = json.loads((targeted_run / "T1/report.json").read_text())
    assert (report["status"]["sample_status"], report["status"]["reasons"]) == ("fusion detected", [])
    assert "FAILED QC" not in (targeted_run / "T1/report.html").read_text()
    gates = {g["metric"]: g["passed"] for g in report["status"]["gates"]}  # the table the report shows
    assert "duplication_pct" not in gates and "control_reads_median" not in gates
    assert gates["molecules_per_target"] is True and gates["on_target_pct"] is True
    assert "<strong>FAILED</strong>" not in (targeted_run / "T1/report.html").read_text()


def test_panel_qc_counts_the_molecules_the_simulator_made(targeted_run, panel_data):
    """Molecules per target by UMI and ligation position (umi_tools' clustering per position): by UMI
    alone, molecules of a deep target whose UMIs lie one substitution apart were one (66 of 69 ROS1)."""
    truth, reads = {}, {}
    for row in _tsv(panel_data["dir"] / "molecules.tsv"):
        truth[row["target"]] = truth.get(row["target"], 0) + 1
        reads[row["target"]] = reads.get(row["target"], 0) + int(row["family_size"])
    rows = {r["gene"]: r for r in _tsv(targeted_run / "T1/qc/panel_targets.tsv")}
    for gene, molecules in truth.items():
        assert abs(int(rows[gene]["molecules"]) - molecules) <= 0.03 * molecules, (
            gene,
            rows[gene],
            molecules,
        )
    summary = _tsv(targeted_run / "T1/qc/panel_qc_mqc.tsv")[0]
    total, family = sum(truth.values()), sum(reads.values()) / sum(truth.values())
    assert abs(int(summary["molecules"]) - total) <= 0.02 * total
    assert abs(float(summary["mean_family_size"]) - family) <= 0.03 * family


def _t1_records(source, mate):
    """The simulated T1's records of one mate: (name without '@', sequence, quality)."""
    with gzip.open(source / f"reads/T1_{mate}.fastq.gz", "rt") as fh:
        lines = fh.read().splitlines()
    for i in range(0, len(lines), 4):
        yield lines[i][1:], lines[i + 1], lines[i + 3]


def _rewrite_reads(source, target, sample, name=lambda n: n, keep=lambda n: True, copies=1):
    """The simulated T1's reads as `sample`: names changed by `name`, molecules kept by `keep`, each
    read pair written `copies` times (more PCR copies of each molecule)."""
    for mate in ("R1", "R2"):
        with gzip.open(target / f"{sample}_{mate}.fastq.gz", "wt") as out:
            for read, seq, qual in _t1_records(source, mate):
                if not keep(read):
                    continue
                for copy in range(copies):
                    head, umi = read.rsplit(":", 1)
                    copied = f"{head}x{copy}:{umi}" if copies > 1 else read
                    out.write(f"@{name(copied)}\n{seq}\n+\n{qual}\n")
    return target / f"{sample}_R1.fastq.gz", target / f"{sample}_R2.fastq.gz"


@pytest.fixture(scope="module")
def failed_libraries_run(tmp_path_factory, panel_data):
    """T2: the reads without their UMIs (demultiplexed without the UMI settings); T3: a library of one
    molecule in twelve (too little RNA), each copied three times as often (1,750 read pairs: enough
    reads, too few molecules)."""
    data = panel_data["dir"]
    reads = tmp_path_factory.mktemp("failed_libraries")
    t2 = _rewrite_reads(data, reads, "T2", name=lambda n: n.rsplit(":", 1)[0])
    t3 = _rewrite_reads(data, reads, "T3", keep=lambda n: int(n.split(".")[1][1:]) % 12 == 0, copies=3)
    sheet = reads / "samples.tsv"
    sheet.write_text("sample\tpatient\ttimepoint\tfq1\tfq2\n"
                     f"T2\tP2\t1\t{t2[0]}\t{t2[1]}\nT3\tP3\t1\t{t3[0]}\t{t3[1]}\n")  # fmt: skip
    out = _run(
        tmp_path_factory,
        "failed_libraries",
        data,
        sheet,
        star_index=panel_data["star_index"],
        panel=str(data / "panel.bed"),
        **TARGETED,
    )
    return {"out": out, "t2": t2}


def test_reads_without_umis_fail_their_sample_before_alignment_and_the_run_goes_on(failed_libraries_run):
    out, (fq1, _) = failed_libraries_run["out"], failed_libraries_run["t2"]
    check = _tsv(out / "T2/qc/fastq_check.tsv")[0]
    assert check["status"] == "failed"
    assert (
        check["reason"].startswith(f"{fq1}: read 'T1.m")
        and "(record 1) has no UMI after the last" in check["reason"]
    )
    summary = {r["sample"]: r for r in _tsv(out / "summary.tsv")}
    assert set(summary) == {"T2", "T3"}
    assert summary["T2"]["status"] == "failed" and str(fq1) in summary["T2"]["status_reasons"]
    assert {r["molecules"] for r in _tsv(out / "T2/qc/panel_targets.tsv")} == {"."}  # nothing counted
    # targeted alignments wait for the check: the sample without UMIs is never aligned
    assert "Number of input reads |\t0" in (out / "T2/star/Log.final.out").read_text()


def test_a_panel_library_of_too_few_molecules_fails_qc(failed_libraries_run):
    metrics = _tsv(failed_libraries_run["out"] / "T3/qc/metrics.tsv")[0]
    assert float(metrics["molecules_per_target"]) < 10
    assert int(metrics["aligned_read_pairs"]) >= 1000  # enough reads: only the panel gates fail it
    assert metrics["gate_failures"].startswith("molecules_per_target")
    report = json.loads((failed_libraries_run["out"] / "T3/report.json").read_text())
    assert report["status"]["sample_status"] != "no fusion detected"
    assert any(r.startswith("molecules_per_target") for r in report["status"]["reasons"])


def test_the_same_reads_as_whole_transcriptome_overstate_abundance_and_count_copies(
    tmp_path_factory, panel_data
):
    data = panel_data["dir"]
    out = _run(
        tmp_path_factory,
        "as_whole_transcriptome",
        data,
        data / "samples.tsv",
        star_index=panel_data["star_index"],
    )
    call = _fusion(out)
    assert call["abundance_unit"] == "fragments" and call["junction_molecules"] == "."
    # only the kinase is primed: LMNA's own transcripts are never read, so the 5' abundance says 100 %
    assert float(call["abundance"]) == 1.0
    # junction reads before removing PCR copies: 900 for 40 molecules on seed 1 (22 x)
    duplicates = int(call["filters"].split("duplicates(")[1].split(")")[0])
    raw_reads = int(call["junction_reads"]) + duplicates
    assert raw_reads > 10 * int(panel_data["truth"]["molecules"])


def _umi_into_read1(source, target):
    """R1 with the UMI moved from the read name to its first bases; R2 with the name alone."""
    for mate in ("R1", "R2"):
        with gzip.open(target / f"T1_{mate}.fastq.gz", "wt") as out:
            for read, seq, qual in _t1_records(source, mate):
                name, umi = read.rsplit(":", 1)
                if mate == "R1":
                    seq, qual = umi + seq, "I" * len(umi) + qual
                out.write(f"@{name}\n{seq}\n+\n{qual}\n")


def test_umis_at_the_start_of_read1_are_extracted(tmp_path_factory, panel_data):
    data = panel_data["dir"]
    reads = tmp_path_factory.mktemp("umi_in_read1")
    _umi_into_read1(data, reads)
    sheet = reads / "samples.tsv"
    sheet.write_text(
        "sample\tpatient\ttimepoint\tfq1\tfq2\n"
        f"T1\tP9\t1\t{reads / 'T1_R1.fastq.gz'}\t{reads / 'T1_R2.fastq.gz'}\n"
    )
    out = _run(tmp_path_factory, "read1_prefix", data, sheet, star_index=panel_data["star_index"], panel=str(data / "panel.bed"), assay="targeted",
               umi={"location": "read1_prefix", "length": 8})  # fmt: skip
    call, molecules = _fusion(out), int(panel_data["truth"]["molecules"])
    assert abs(int(call["junction_molecules"]) - molecules) <= 0.1 * molecules
    assert abs(float(call["abundance"]) - float(panel_data["truth"]["abundance"])) <= 0.05
