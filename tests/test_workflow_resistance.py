"""Resistance hotspots from the real workflow on the demo reads (issue 7)."""

import json

import pytest

from fusion_table import read_table
from simulate import DEMO_DESIGN

pytestmark = pytest.mark.workflow


def hotspots(demo_run, sample):
    return read_table(demo_run["out"] / sample / "resistance.tsv").set_index(["gene", "hotspot"])


def test_alk_g1202r_fraction_is_close_to_truth(demo_run):
    s5 = next(s for s in DEMO_DESIGN if s.sample == "S5")
    fusion = s5.fusions[0]
    mutant = fusion.fraction * s5.coverage["HMBOX1"] * fusion.mutations[1202][1]
    alk = next(g for g in __import__("simulate").GENES if g.name == "ALK").coverage
    truth = mutant / (fusion.fraction * s5.coverage["HMBOX1"] + alk)  # mutant / all ALK transcripts
    row = hotspots(demo_run, "S5").loc[("ALK", "G1202")]
    assert (row["status"], row["mutation"], row["known_change"]) == ("found", "G1202R", "yes")
    assert abs(float(row["alt_fraction"]) - truth) <= 0.05
    assert float(row["alt_ci_low"]) <= truth <= float(row["alt_ci_high"])
    assert row["new"] == "yes" and row["previous_sample"] == "S4"
    assert hotspots(demo_run, "S5").loc[("NF2", "G161"), "mutation"] == "G161*"


def test_same_fusion_without_the_mutation_is_covered_not_found(demo_run):
    s4 = hotspots(demo_run, "S4")
    row = s4.loc[("ALK", "G1202")]
    assert row["status"] == "covered, not found" and int(row["depth"]) >= 20
    assert set(s4["status"]) == {"covered, not found"}


def test_no_genotyping_without_an_actionable_kinase_fusion(demo_run):
    assert read_table(demo_run["out"] / "S6/resistance.tsv").empty


def test_report_shows_the_new_mutation_at_the_second_timepoint(demo_run):
    s5 = json.loads((demo_run["out"] / "S5/report.json").read_text())
    found = {(h["gene"], h["mutation"]): h for h in s5["resistance_hotspots"] if h["status"] == "found"}
    assert found[("ALK", "G1202R")]["new"] == "yes"
    assert any("ALK G1202R" in text and "new since S4" in text for text in s5["headline"]["resistance"])
    html = (demo_run["out"] / "S5/report.html").read_text()
    assert "G1202R found" in html and "NEW</strong> (not in S4)" in html
    s4 = json.loads((demo_run["out"] / "S4/report.json").read_text())
    assert s4["headline"]["resistance"] == []
    assert {h["status"] for h in s4["resistance_hotspots"]} == {"covered, not found"}
