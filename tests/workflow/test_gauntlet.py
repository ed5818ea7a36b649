"""The artefact gauntlet end to end (issue 18): true kinase fusions at 3-10 fragments among artefacts.

The simulator's gauntlet profile (simulation/design.py) writes template
switches, paralogue switches, circular RNAs, intronic and poly-A chimeras,
hairpins, a PCR jackpot and a read-through around six true fusions. Its ground
truth is the true fusions only: the built-in caller must pass every one of
them and nothing else. Where Arriba is on PATH it runs on the same BAMs (its
figures are printed by benchmarks/caller_vs_arriba.py, not asserted here).
"""

import csv
import shutil

import pytest
from helpers import run_workflow, write_config

from fusion_pipeline.call.filters import NAMES
from fusion_pipeline.common.fusion_table import read_table
from fusion_pipeline.simulation.design import PROFILES
from fusion_pipeline.simulation.simulate import write_dataset

ARRIBA = shutil.which("arriba") is not None


@pytest.fixture(scope="session")
def gauntlet_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("gauntlet")
    profile = PROFILES["gauntlet"]
    data = write_dataset(workdir / "data", profile.design, 1, profile.extended, profile.library)
    callers = ["builtin", "arriba"] if ARRIBA else ["builtin"]
    write_config(workdir, str(workdir / "data/genome.fa"), str(workdir / "data/genes.gtf"),
                 samples=str(workdir / "data/samples.tsv"), callers=callers)  # fmt: skip
    result = run_workflow(workdir)
    assert result.returncode == 0, result.stderr[-4000:]
    return {**data, "out": workdir / "out", "samples": [s.sample for s in profile.design]}


def test_gauntlet_states_its_truth(gauntlet_run):
    truth = gauntlet_run["truth"]
    assert len(truth) == 6
    assert all(3 <= t["sim_junction_fragments"] + t["sim_spanning_fragments"] <= 12 for t in truth)
    classes = {row["class"] for row in gauntlet_run["artefacts"]}
    assert {"template_switch", "paralog", "circular", "intronic", "low_complexity", "hairpin", "jackpot",
            "read_through", "intronic_reads"} <= classes  # fmt: skip


def test_every_true_fusion_passes_and_nothing_else(gauntlet_run):
    out = gauntlet_run["out"]
    for sample in gauntlet_run["samples"]:
        calls = read_table(out / sample / "callers/builtin.tsv")
        passing = {(r.breakpoint5, r.breakpoint3) for r in calls[calls["pass"] == "yes"].itertuples()}
        expected = {
            (t["breakpoint5"], t["breakpoint3"]) for t in gauntlet_run["truth"] if t["sample"] == sample
        }
        assert passing == expected, sample


def test_artefact_junctions_never_pass(gauntlet_run):
    out = gauntlet_run["out"]
    junctions, compared = 0, 0
    for row in gauntlet_run["artefacts"]:
        if row["chrom5"] == ".":
            continue
        junctions += 1
        calls = read_table(out / row["sample"] / "callers/builtin.tsv")
        for call in calls[calls["pass"] == "yes"].itertuples():
            chrom, pos, _ = call.breakpoint5.rsplit(":", 2)
            assert not (chrom == row["chrom5"] and abs(int(pos) - int(row["end5"])) <= 10), row
            compared += 1
    # artefacts with a junction were written, and each was held against the passing (true) calls
    assert junctions >= 8 and compared >= junctions


def test_filter_counts_follow_the_registry(gauntlet_run):
    path = gauntlet_run["out"] / "G1/callers/builtin.filter_counts.tsv"
    with open(path) as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert [r["filter"] for r in rows] == list(NAMES)
    for before, after in zip(rows, rows[1:]):  # each filter starts from what the previous one left
        change = int(before["rescued"]) - (int(before["removed"]) if before["kind"] == "remove" else 0)
        assert int(after["candidates"]) == int(before["candidates"]) + change, before["filter"]
    assert sum(int(r["removed"]) for r in rows if r["kind"] == "remove") > 30
    log = (gauntlet_run["out"] / "logs/call_builtin/G1.log").read_text()
    for row in rows:  # every filter that changed the call set says so in the log
        if int(row["removed"]) or int(row["rescued"]):
            assert f"filter {row['filter']}" in log, row["filter"]
    assert "filter off_splice_site" in log
