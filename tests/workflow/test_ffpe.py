"""FFPE-like reads end to end (issue 15): short inserts, adapters, poly-G, quality decay, PCR families.

The simulator's ffpe profile (simulation/design.py) reads inserts of about 110
bases 2 x 150, so most reads run into the adapter; half of those then show
poly-G. PCR copies molecules (geometric families, a few jackpots) and
template switching adds chimeras; F3 has no fusion but a template-switch
molecule copied 120 times. Truth: the four fusions of truth.tsv, counted in
molecules, at known fractions of their 5' partner.
"""

import json

import pandas as pd
import pytest
from helpers import run_workflow, write_config

from fusion_pipeline.common.fusion_table import read_table
from fusion_pipeline.simulation.simulate import write_profile


@pytest.fixture(scope="session")
def ffpe_data(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("ffpe")
    return {**write_profile(workdir / "data", "ffpe"), "data": workdir / "data", "workdir": workdir}


def _run(ffpe_data, name: str, samples: list, **config) -> dict:
    workdir = ffpe_data["workdir"] / name
    workdir.mkdir()
    sheet = pd.read_csv(ffpe_data["data"] / "samples.tsv", sep="\t", dtype=str, keep_default_na=False)
    sheet[sheet["sample"].isin(samples)].to_csv(workdir / "samples.tsv", sep="\t", index=False)
    write_config(workdir, str(ffpe_data["data"] / "genome.fa"), str(ffpe_data["data"] / "genes.gtf"),
                 star={"sjdb_overhang": 149}, **config)  # fmt: skip
    result = run_workflow(workdir)
    assert result.returncode == 0, result.stderr[-4000:]
    return workdir / "out"


@pytest.fixture(scope="session")
def ffpe_run(ffpe_data):
    return _run(ffpe_data, "trimmed", ["F1", "F2", "F3"])


def passing(out, sample):
    table = read_table(out / sample / "fusions.tsv")
    return table[table["pass"] == "yes"] if len(table) else table


def test_truth_fusions_pass_with_their_abundance_and_nothing_else(ffpe_data, ffpe_run):
    truth = ffpe_data["truth"]
    assert all(3 <= t["sim_junction_fragments"] <= 15 for t in truth)  # a handful of molecules each
    for sample in ("F1", "F2", "F3"):
        calls = passing(ffpe_run, sample)
        expected = [t for t in truth if t["sample"] == sample]
        assert set(zip(calls["breakpoint5"], calls["breakpoint3"])) == {
            (t["breakpoint5"], t["breakpoint3"]) for t in expected
        }, sample
        for t in expected:
            row = calls[calls["breakpoint5"] == t["breakpoint5"]].iloc[0]
            assert float(row["abundance_ci_low"]) <= t["fraction5"] <= float(row["abundance_ci_high"]), t[
                "fusion"
            ]
        kinase = read_table(ffpe_run / sample / "kinase_fusions.tsv")
        assert set(kinase["fusion"]) <= {
            t["fusion"] for t in expected
        }  # no false actionable (or review) call


def test_reads_are_trimmed_before_alignment(ffpe_run):
    log = (ffpe_run / "F1/star/Log.final.out").read_text()
    too_short = float(log.split("% of reads unmapped: too short |")[1].split("%")[0])
    assert too_short < 2.0
    assert (ffpe_run / "F1/qc/fastp.json").exists()
    assert "fastp" in (ffpe_run / "multiqc/multiqc_report.html").read_text()


def test_the_pcr_jackpot_is_one_fragment(ffpe_data, ffpe_run):
    jackpot = next(a for a in ffpe_data["artefacts"] if a["sample"] == "F3" and a["class"] == "jackpot")
    assert jackpot["copies"] == 120
    calls = read_table(ffpe_run / "F3/callers/builtin.tsv")
    near = calls[calls["breakpoint5"].str.startswith(f"{jackpot['chrom5']}:")]
    near = near[[abs(int(b.split(":")[1]) - int(jackpot["end5"])) <= 10 for b in near["breakpoint5"]]]
    assert near.empty or int(near["junction_reads"].max()) <= 1  # 120 copies, one molecule
    assert passing(ffpe_run, "F3").empty


def test_without_trimming_reads_are_lost_and_fusions_missed(ffpe_data):
    """What trimming prevents, on F1: STAR drops adapter-laden reads as too short and misses the fusions."""
    out = _run(ffpe_data, "untrimmed", ["F1"], trim={"enabled": False})
    log = (out / "F1/star/Log.final.out").read_text()
    too_short = float(log.split("% of reads unmapped: too short |")[1].split("%")[0])
    assert too_short > 30.0  # 42.9% when this test was written
    truth = {(t["breakpoint5"], t["breakpoint3"]) for t in ffpe_data["truth"] if t["sample"] == "F1"}
    calls = passing(out, "F1")
    found = truth & set(zip(calls["breakpoint5"], calls["breakpoint3"]))
    assert len(found) < len(truth)  # both F1 fusions missed when this test was written
    status = json.loads((out / "F1/report.json").read_text())["status"]
    if not found:  # the adapter-swamped sample is not evaluable: never a negative
        assert status["sample_status"] == "not evaluable"
        assert any(r.startswith("too_short_pct") for r in status["reasons"])
