"""`make validate` (the quick profile) through the real workflow, and rescoring against a lab's truth."""

import json
import shutil

import jsonschema
import pytest
import yaml
from helpers import ROOT, run_workflow


@pytest.fixture(scope="module")
def quick_validation(tmp_path_factory):
    """`make validate` with the quick profile, in a scratch directory."""
    from fusion_pipeline.simulation.validation_set import PROFILES, write_validation_set

    work = tmp_path_factory.mktemp("validate")
    config = yaml.safe_load((ROOT / "config/validation-quick.yaml").read_text())
    written = write_validation_set(str(work / "data"), PROFILES["quick"])
    config.update(samples=str(work / "data/samples.tsv"), outdir="out")
    config["reference"] = {"fasta": str(work / "data/genome.fa"), "gtf": str(work / "data/genes.gtf")}
    config["validation"] = {"truth": written["truth"], "outdir": "validation"}
    (work / "config.yaml").write_text(yaml.safe_dump(config))
    result = run_workflow(work)
    assert result.returncode == 0, result.stderr[-3000:]
    return {"work": work, "config": config, "truth": written["truth"]}


def test_quick_validation_writes_figures_that_validate(quick_validation):
    work = quick_validation["work"]
    summary = json.loads((work / "validation/summary.json").read_text())
    jsonschema.validate(summary, json.loads((ROOT / "workflow/schemas/validation.schema.json").read_text()))
    assert summary["samples"] == 7 and summary["not_evaluable"] == []
    assert summary["ppa"]["value"] >= 0.8 and summary["false_positives"] == 0
    assert (summary["npa"]["k"], summary["npa"]["n"]) == (1, 1)  # the negative with every artefact class
    depth = summary["lod"][0]
    assert depth["depth"] == "100" and depth["lod95_hit_rate"] in (0.02, 0.1)
    cell = next(c for c in summary["cells"] if c["fraction"] == 0.5)
    assert (cell["k"], cell["n"]) == (8, 8)  # 4 fusions x 2 replicates at 50 %
    assert summary["abundance"]["slope"] == pytest.approx(1.0, abs=0.15)
    assert summary["abundance"]["r_squared"] > 0.9
    assert summary["actionability_concordance"]["value"] == 1.0
    # every true positive of the simulated set has an expected tier (FGFR3::TACC3 II in NSCLC, the rest I)
    assert summary["tier_concordance"]["n"] == summary["true_positives"]
    assert all(d["expected_tier"] == "I" and d["tier"] == "II" for d in summary["tier_discordant"])
    html = (work / "validation/report.html").read_text()
    assert "tier concordance (true positives with an expected tier)</th><td>not measured" not in html
    assert "Limit of detection" in html and "data:image/png;base64," in html


def test_a_lab_truth_file_shows_misses_and_extra_calls(quick_validation, tmp_path):
    """Rescoring the same run against a lab's truth reruns only the scoring."""
    work = quick_validation["work"]
    lab = work / "lab_truth.tsv"
    # V1_d100_f500_r1 holds EML4::ALK, ETV6::NTRK3, LMNA::NTRK1, FGFR3::TACC3: the lab lists a
    # fusion it does not hold and leaves one it holds out
    lab.write_text(
        "sample\tfusion\texpected_fraction\n"
        "V1_d100_f500_r1\tEML4-ALK\t0.5\nV1_d100_f500_r1\tETV6/NTRK3\t0.5\nV1_d100_f500_r1\tLMNA::NTRK1\t0.5\n"
        "V1_d100_f500_r1\tCD74::ROS1\t\nVN1\tnone\t\n"
    )
    config = {**quick_validation["config"], "validation": {"truth": str(lab), "outdir": "lab"}}
    (work / "lab.yaml").write_text(yaml.safe_dump(config))
    shutil.copy(work / "config.yaml", work / "config.quick.yaml")
    shutil.copy(work / "lab.yaml", work / "config.yaml")
    try:  # the job blocks (quiet in the default profile) show which rules ran
        result = run_workflow(work, "--quiet", "progress")
    finally:
        shutil.copy(work / "config.quick.yaml", work / "config.yaml")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "score_validation" in result.stderr and "star_align" not in result.stderr
    rows = (work / "lab/concordance.tsv").read_text().splitlines()
    status = {tuple(line.split("\t")[1:3]) for line in rows[1:]}
    assert ("CD74::ROS1", "FN") in status
    assert ("FGFR3::TACC3", "FP") in status
    assert {("EML4::ALK", "TP"), ("ETV6::NTRK3", "TP"), ("LMNA::NTRK1", "TP")} <= status
    summary = json.loads((work / "lab/summary.json").read_text())
    assert (summary["ppa"]["k"], summary["ppa"]["n"], summary["false_positives"]) == (3, 4, 1)
