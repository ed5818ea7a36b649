"""Resistance hotspots from the real workflow on the demo reads (issue 7)."""

import json

import pytest
from helpers import run_workflow, write_config

from fusion_pipeline.common.fusion_table import read_table
from fusion_pipeline.simulation.design import DEMO_DESIGN
from fusion_pipeline.simulation.genome import GENES


def hotspots(demo_run, sample):
    return read_table(demo_run["out"] / sample / "resistance.tsv").set_index(["gene", "hotspot"])


def test_alk_g1202r_fraction_is_close_to_truth(demo_run):
    s5 = next(s for s in DEMO_DESIGN if s.sample == "S5")
    fusion = s5.fusions[0]
    mutant = fusion.fraction * s5.coverage["HMBOX1"] * fusion.mutations[1202][1]
    alk = next(g for g in GENES if g.name == "ALK").coverage
    truth = mutant / (fusion.fraction * s5.coverage["HMBOX1"] + alk)  # mutant / all ALK transcripts
    row = hotspots(demo_run, "S5").loc[("ALK", "G1202")]
    assert (row["status"], row["mutation"], row["known_change"]) == ("found", "G1202R", "yes")
    assert abs(float(row["alt_fraction"]) - truth) <= 0.1  # about 120 fragments: the interval is the test
    assert float(row["alt_ci_low"]) <= truth <= float(row["alt_ci_high"])
    assert row["new"] == "yes" and row["previous_sample"] == "S4"
    assert hotspots(demo_run, "S5").loc[("NF2", "G161"), "mutation"] == "G161*"


def test_same_fusion_without_the_mutation_is_covered_not_found(demo_run):
    s4 = hotspots(demo_run, "S4")
    row = s4.loc[("ALK", "G1202")]
    assert row["status"] == "covered, not found" and int(row["depth"]) >= 20
    assert set(s4["status"]) == {"covered, not found"}


def test_reference_identical_ntrk1_fusion_reads_covered_not_found_at_depth(demo_run):
    """S1's KHDRBS1::NTRK1 carries the reference G595/G667: read on ENST00000524377, never 'found'."""
    s1 = hotspots(demo_run, "S1")
    for spot in ("G595", "G667"):
        row = s1.loc[("NTRK1", spot)]
        assert row["status"] == "covered, not found" and int(row["depth"]) >= 30, spot
        assert row["transcript"] == "ENST00000524377" and int(row["alt_reads"]) <= 2


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


@pytest.fixture(scope="module")
def wrong_ntrk1_run(demo_data, demo_star_index, tmp_path_factory):
    """S1's reads on a GTF whose only NTRK1 transcript is the 760-aa isoform, tagged MANE_Select."""
    workdir = tmp_path_factory.mktemp("wrong_ntrk1")
    data = demo_data["workdir"] / "data"
    lines = (data / "genes.gtf").read_text().splitlines()
    gtf = [
        line.replace('tag "basic"', 'tag "MANE_Select"') for line in lines if "ENST00000524377" not in line
    ]
    (workdir / "genes.gtf").write_text("\n".join(gtf) + "\n")
    (workdir / "samples.tsv").write_text(
        f"sample\tpatient\ttimepoint\tfq1\tfq2\nS1\tP1\t1\t{data}/reads/S1_R1.fastq.gz\t{data}/reads/S1_R2.fastq.gz\n"
    )
    write_config(workdir, str(data / "genome.fa"), "genes.gtf", star_index=demo_star_index)
    result = run_workflow(workdir)
    assert result.returncode == 0, result.stderr[-4000:]
    return workdir / "out"


def test_a_wrong_ntrk1_transcript_makes_hotspots_not_assessable_never_found(wrong_ntrk1_run):
    s1 = hotspots({"out": wrong_ntrk1_run}, "S1")
    for spot in ("G595", "G667"):
        row = s1.loc[("NTRK1", spot)]
        assert row["status"] == "not assessable", spot
        assert "ENST00000392302 encodes 760 aa, whitelist expects 796 (P04629)" in row["reason"]
    kinase = read_table(wrong_ntrk1_run / "S1/kinase_fusions.tsv").set_index("fusion").loc["KHDRBS1::NTRK1"]
    assert (kinase["kinase_domain_retained"], kinase["actionable"]) == ("unknown", "review")
    assert kinase["exon3"] == "12" and kinase["transcript3"] == "ENST00000392302"
