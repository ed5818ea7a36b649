"""Kinase annotation, tiers and reports from the real workflow on the demo reads (issue 5)."""

import json

import jsonschema
from helpers import ROOT, SEEDS, run_workflow

from fusion_pipeline.common.fusion_table import read_table


def kinase_table(demo_run, sample):
    return read_table(demo_run["out"] / sample / "kinase_fusions.tsv").set_index("fusion")


def test_seed_fusions_are_annotated_and_tiered(demo_run):
    for fusion, (sample, exon5, exon3, drug_class) in SEEDS.items():
        row = kinase_table(demo_run, sample).loc[fusion]
        assert (row["exon5"], row["exon3"]) == (exon5, exon3), fusion
        assert row["kinase_domain_retained"] == "yes", fusion
        assert row["reading_frame"] == "in-frame", fusion
        assert row["partner_role"] == "3prime"
        assert row["actionable"] == "yes" and row["tier"] in ("I", "II"), fusion
        assert drug_class in row["drug_classes"], fusion
    assert kinase_table(demo_run, "S1").loc["KHDRBS1::NTRK1", "therapies"].startswith("larotrectinib (1)")


def test_five_prime_kinase_fgfr3_tacc3_in_a_urothelial_sample(demo_run):
    row = kinase_table(demo_run, "S7").loc["FGFR3::TACC3"]
    assert (row["exon5"], row["exon3"], row["partner_role"]) == ("17", "11", "5prime")
    assert (row["kinase_domain_retained"], row["reading_frame"], row["tier"], row["actionable"]) == (
        "yes", "in-frame", "I", "yes")  # fmt: skip
    assert row["tumour_type"] == "BLCA" and row["therapies"] == "erdafitinib (1)"


def test_exon_numbers_follow_the_clinical_transcript_with_its_id(demo_run):
    kb_check = read_table(demo_run["out"] / "reference/kb_check.tsv").set_index("gene")
    assert (
        kb_check.loc["NTRK1", "transcript"] == "ENST00000524377" and kb_check.loc["NTRK1", "status"] == "ok"
    )
    fusions = read_table(demo_run["out"] / "S2/fusions.tsv").set_index("fusion")
    assert fusions.loc["LMNA::NTRK1", "transcript3"] == "ENST00000524377"  # not the 760-aa isoform
    html = (demo_run["out"] / "S2/report.html").read_text()
    assert (
        "NTRK1 exon 11 (ENST00000524377)" in html and "whitelist transcript (P04629, 796 aa verified)" in html
    )


def test_reciprocal_with_kinase_at_the_5prime_end_is_not_actionable(demo_run):
    row = kinase_table(demo_run, "S3").loc["ALK::EML4"]
    assert (row["tier"], row["actionable"], row["partner_role"]) == ("III", "no", "5prime")
    assert "non-actionable end" in row["tier_reason"]
    report = json.loads((demo_run["out"] / "S3/report.json").read_text())
    reciprocal = next(f for f in report["kinase_fusions"] if f["fusion"] == "ALK::EML4")
    assert reciprocal["therapies"] == []


def test_reports_validate_and_say_what_was_found(demo_run):
    schema = json.loads((ROOT / "workflow/schemas/report.schema.json").read_text())
    for sample in ("S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8"):
        report = json.loads((demo_run["out"] / sample / "report.json").read_text())
        jsonschema.validate(report, schema)
    s4 = json.loads((demo_run["out"] / "S4/report.json").read_text())
    assert s4["tumour_type"] == {"code": "IMT", "name": "Inflammatory Myofibroblastic Tumor"}
    levels = {
        (t["drug"], t["level"]): (t["level_for_sample"], t["scope"])
        for t in s4["kinase_fusions"][0]["therapies"]
    }
    assert levels[("crizotinib", "1")] == ("1", "this tumour type")
    assert levels[("alectinib", "1")] == ("3B", "other tumour type")  # NSCLC only
    none = json.loads((demo_run["out"] / "S6/report.json").read_text())
    assert (none["headline"]["status"], none["headline"]["fusion"]) == ("none", None)
    assert none["headline"]["text"].startswith("No actionable kinase fusion found. Kinases evaluable down to")
    assert "No actionable kinase fusion found." in (demo_run["out"] / "S6/report.html").read_text()
    s5 = json.loads((demo_run["out"] / "S5/report.json").read_text())
    assert s5["headline"]["fusion"] == "HMBOX1::ALK"
    trend = s5["kinase_fusions"][0]["trend"]
    assert [t["sample"] for t in trend] == ["S4", "S5"] and trend[1]["change"] > 0
    assert s5["qc"]["read_pairs"] > 1000 and s5["versions"]["star"] == "2.7.10b"


def test_run_summary_and_multiqc(demo_run):
    summary = read_table(demo_run["out"] / "summary.tsv").set_index("sample")
    assert list(summary.index) == ["S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8"]
    assert summary.loc["S3", "tumour_type"] == "LUAD"
    assert "( to )" not in (demo_run["out"] / "summary.html").read_text()
    assert summary.loc["S6", "finding"] == "none"
    assert summary.loc["S4", "fusion"] == "HMBOX1::ALK"
    assert (demo_run["out"] / "summary.html").exists()
    multiqc = (demo_run["out"] / "multiqc/multiqc_report.html").read_text()
    assert "STAR" in multiqc and "S5" in multiqc


def test_snakemake_report_bundles_the_reports(demo_run, tmp_path):
    target = tmp_path / "workflow_report.html"
    result = run_workflow(demo_run["workdir"], "--report", str(target))
    assert result.returncode == 0, result.stderr[-3000:]
    assert target.stat().st_size > 10000


def test_three_honest_answers(demo_run):
    """fusion detected, no fusion detected (every kinase evaluable), not evaluable (the low-depth S8)."""
    out = demo_run["out"]
    s1, s6, s8 = (json.loads((out / s / "report.json").read_text())["status"] for s in ("S1", "S6", "S8"))
    assert s1["sample_status"] == "fusion detected" and s1["reasons"] == []
    assert s6["sample_status"] == "no fusion detected" and all(g["passed"] for g in s6["gates"])
    assert {k["kinase"] for k in s6["kinases"]} == {"NTRK1", "NTRK3", "ALK", "ROS1", "RET", "FGFR3"}
    assert all(k["status"] == "evaluable" and k["lod_fraction"] <= 0.5 for k in s6["kinases"])
    assert s8["sample_status"] == "not evaluable"
    assert any(r.startswith("control_reads_median") for r in s8["reasons"])
    assert any(
        k["status"] == "not evaluable" and "no wild-type fragments" in k["reason"] for k in s8["kinases"]
    )
    html = (out / "S8/report.html").read_text()
    assert "NOT EVALUABLE" in html and "No actionable kinase fusion found" not in html
    summary = read_table(out / "summary.tsv").set_index("sample")
    assert (summary.loc["S1", "status"], summary.loc["S6", "status"], summary.loc["S8", "status"]) == (
        "fusion detected", "no fusion detected", "not evaluable")  # fmt: skip
    assert summary.loc["S8", "finding"] == "not evaluable"
    qc = read_table(out / "qc_metrics.tsv").set_index("sample")
    assert qc.loc["S8", "status"] == "not evaluable" and qc.loc["S6", "gate_failures"] == "."
    metrics = read_table(out / "S6/qc/metrics.tsv").iloc[0]
    assert float(metrics["uniquely_mapped_pct"]) > 90 and float(metrics["duplication_pct"]) < 5
    assert "Fusion status and QC gates" in (out / "multiqc/multiqc_report.html").read_text()


def _drug_levels(cell: str) -> dict:
    """'crizotinib (1; resistance found: G1202R); brigatinib (2)' -> {drug: level}; a drug twice fails."""
    levels = {}
    for part in [] if cell == "." else cell.split("; "):
        if part.startswith("resistance found"):
            continue
        drug, level = part.split(" (", 1)
        assert drug not in levels, f"{drug} listed twice in {cell!r}"
        levels[drug] = level.split(";")[0].rstrip(")")
    return levels


def test_summary_report_and_kinase_table_agree_on_every_therapy_and_level(demo_run):
    summary = read_table(demo_run["out"] / "summary.tsv").set_index("sample")
    for sample, row in summary.iterrows():
        report = json.loads((demo_run["out"] / sample / "report.json").read_text())
        if row["fusion"] == ".":
            assert row["therapies"] == "."
            continue
        entry = next(f for f in report["kinase_fusions"] if f["fusion"] == row["fusion"])
        in_report = {
            t["drug"]: t["level_for_sample"] for t in entry["therapies"] if t["scope"] != "other tumour type"
        }
        assert _drug_levels(row["therapies"]) == in_report, sample
        assert _drug_levels(kinase_table(demo_run, sample).loc[row["fusion"], "therapies"]) == in_report, (
            sample
        )
        assert len({t["drug"] for t in entry["therapies"]}) == len(entry["therapies"]), sample
    # IMT: alectinib, lorlatinib and ensartinib are NSCLC-only (3B here), brigatinib is level 2 (NCCN)
    assert _drug_levels(summary.loc["S4", "therapies"]) == {
        "crizotinib": "1",
        "brigatinib": "2",
        "ceritinib": "2",
    }
    assert _drug_levels(summary.loc["S3", "therapies"])["brigatinib"] == "1"  # LUAD: the NSCLC label


def test_resistance_found_changes_the_headline_and_none_found_does_not(demo_run):
    s5 = json.loads((demo_run["out"] / "S5/report.json").read_text())
    text = s5["headline"]["text"]
    recommendation, _, resistance = text.partition(". ")
    for drug in ("crizotinib", "brigatinib", "ceritinib"):  # ALK G1202R defeats every IMT option
        assert drug not in recommendation, text
    assert "ALK G1202R found" in resistance and "next-line options: lorlatinib" in resistance
    therapies = {t["drug"]: t for t in s5["kinase_fusions"][0]["therapies"]}
    assert therapies["crizotinib"]["resistance_found"] == ["G1202R"]
    assert therapies["lorlatinib"]["resistance_found"] == []
    summary = read_table(demo_run["out"] / "summary.tsv").set_index("sample")
    assert "crizotinib (1; resistance found: G1202R)" in summary.loc["S5", "therapies"]
    assert "ALK G1202R" in summary.loc["S5", "resistance"]
    html = (demo_run["out"] / "S5/report.html").read_text()
    assert "Resistance in this sample:" in html and html.count("<td>brigatinib</td>") == 1
    s4 = json.loads((demo_run["out"] / "S4/report.json").read_text())  # the same fusion before G1202R
    assert s4["headline"]["text"].startswith("HMBOX1::ALK: tier I actionable kinase fusion (ALK); crizotinib")
    assert "resistance hotspots covered, none found" in s4["headline"]["text"]
    assert summary.loc["S4", "resistance"] == "."
