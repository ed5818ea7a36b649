"""Abundance and the two-timepoint trend on simulated reads (issue 4)."""

import csv

import pytest
from helpers import run_workflow, write_config

from fusion_pipeline.common.fusion_table import read_table
from fusion_pipeline.simulation.simulate import FusionSpec, SampleSpec, write_dataset

DEPTH = {"HMBOX1": 850.0}  # about 400 fragments cross the HMBOX1 breakpoint at anchor 20


def hmbox1_alk(fraction):
    return [FusionSpec("HMBOX1", 6, "ALK", 20, fraction)]


DESIGN = [
    SampleSpec("UP1", "UP", 1, hmbox1_alk(0.20), DEPTH),
    SampleSpec("UP2", "UP", 2, hmbox1_alk(0.31), DEPTH),
    SampleSpec("EQ1", "EQ", 1, hmbox1_alk(0.25), DEPTH),
    SampleSpec("EQ2", "EQ", 2, hmbox1_alk(0.25), DEPTH),
    SampleSpec("GONE1", "GONE", 1, hmbox1_alk(0.25), {"HMBOX1": 300.0}),
    SampleSpec("GONE2", "GONE", 2, [], {"HMBOX1": 300.0}),
]


@pytest.fixture(scope="module")
def trend_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("trend")
    write_dataset(workdir / "data", DESIGN, seed=11)
    write_config(workdir, "data/genome.fa", "data/genes.gtf", samples="data/samples.tsv")
    result = run_workflow(workdir)
    assert result.returncode == 0, result.stderr[-4000:]
    return workdir / "out"


def trend(out, patient):
    with open(out / "patients" / patient / "abundance_trend.tsv") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def test_estimates_are_close_to_truth_and_intervals_cover_it(trend_run):
    truth = {"UP1": 0.20, "UP2": 0.31, "EQ1": 0.25, "EQ2": 0.25}
    for sample, fraction in truth.items():
        (row,) = (
            read_table(trend_run / sample / "fusions.tsv").query("fusion == 'HMBOX1::ALK'").to_dict("records")
        )
        measured = int(row["fusion_reads"]) + int(row["wt_reads5"])
        assert 300 <= measured <= 550, (sample, measured)
        assert abs(float(row["abundance"]) - fraction) <= 0.03, (sample, row["abundance"])
        assert float(row["abundance_ci_low"]) <= fraction <= float(row["abundance_ci_high"])
        assert float(row["abundance3"]) > float(row["abundance"])  # ALK is barely expressed unfused


def test_rising_fusion_is_significant_and_equal_one_is_not(trend_run):
    up = trend(trend_run, "UP")
    assert [r["sample"] for r in up] == ["UP1", "UP2"]
    assert up[0]["p_value"] == "." and float(up[1]["change"]) > 0.05
    assert float(up[1]["p_value"]) < 0.05
    equal = trend(trend_run, "EQ")
    assert float(equal[1]["p_value"]) >= 0.05
    assert (trend_run / "patients/UP/abundance_trend.svg").read_text().lstrip().startswith("<?xml")


def test_absent_fusion_is_a_measured_zero(trend_run):
    rows = trend(trend_run, "GONE")
    assert [(r["sample"], r["called"]) for r in rows] == [("GONE1", "yes"), ("GONE2", "no")]
    gone = rows[1]
    assert gone["fusion_reads"] == "0" and int(gone["wt_reads5"]) > 20
    assert float(gone["abundance"]) == 0 and float(gone["abundance_ci_high"]) > 0
    assert float(gone["p_value"]) < 0.05


def test_single_sample_patients_get_no_trend(trend_run):
    assert sorted(p.name for p in (trend_run / "patients").iterdir()) == ["EQ", "GONE", "UP"]
