"""A targeted (anchored multiplex PCR) panel end to end: molecules, abundance on the primed side, panel QC.

The simulator's `targeted` profile (scripts/simulation/panel.py) holds LMNA
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
from conftest import ROOT, run_workflow, write_config

pytest.importorskip("umi_tools", reason="umi_tools not installed (requirements-umi.txt, make setup)")

TARGETED = {"assay": "targeted", "umi": {"location": "read_name"}}


def _tsv(path):
    with open(path) as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@pytest.fixture(scope="module")
def panel_data(tmp_path_factory):
    from simulation.panel import write_panel

    data = tmp_path_factory.mktemp("panel_data")
    write_panel(data, seed=1)
    truth = next(r for r in _tsv(data / "truth.tsv") if r["class"] == "fusion")
    return {"dir": data, "truth": truth}


def _run(tmp_path_factory, name, data, samples, **extra):
    workdir = tmp_path_factory.mktemp(name)
    write_config(workdir, str(data / "genome.fa"), str(data / "genes.gtf"), samples=str(samples), **extra)
    result = run_workflow(workdir)
    assert result.returncode == 0, result.stderr[-3000:]
    return workdir / "out"


@pytest.fixture(scope="module")
def targeted_run(tmp_path_factory, panel_data):
    data = panel_data["dir"]
    return _run(
        tmp_path_factory, "targeted", data, data / "samples.tsv", panel=str(data / "panel.bed"), **TARGETED
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


def test_the_same_reads_as_whole_transcriptome_overstate_abundance_and_count_copies(
    tmp_path_factory, panel_data
):
    data = panel_data["dir"]
    out = _run(tmp_path_factory, "as_whole_transcriptome", data, data / "samples.tsv")
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
        with (
            gzip.open(source / f"reads/T1_{mate}.fastq.gz", "rt") as fh,
            gzip.open(target / f"T1_{mate}.fastq.gz", "wt") as out,
        ):
            lines = fh.read().splitlines()
            for i in range(0, len(lines), 4):
                name, umi = lines[i].rsplit(":", 1)
                seq, qual = lines[i + 1], lines[i + 3]
                if mate == "R1":
                    seq, qual = umi + seq, "I" * len(umi) + qual
                out.write(f"{name}\n{seq}\n+\n{qual}\n")


def test_umis_at_the_start_of_read1_are_extracted(tmp_path_factory, panel_data):
    data = panel_data["dir"]
    reads = tmp_path_factory.mktemp("umi_in_read1")
    _umi_into_read1(data, reads)
    sheet = reads / "samples.tsv"
    sheet.write_text(
        "sample\tpatient\ttimepoint\tfq1\tfq2\n"
        f"T1\tP9\t1\t{reads / 'T1_R1.fastq.gz'}\t{reads / 'T1_R2.fastq.gz'}\n"
    )
    out = _run(tmp_path_factory, "read1_prefix", data, sheet, panel=str(data / "panel.bed"), assay="targeted",
               umi={"location": "read1_prefix", "length": 8})  # fmt: skip
    call, molecules = _fusion(out), int(panel_data["truth"]["molecules"])
    assert abs(int(call["junction_molecules"]) - molecules) <= 0.1 * molecules
    assert abs(float(call["abundance"]) - float(panel_data["truth"]["abundance"])) <= 0.05
