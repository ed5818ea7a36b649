"""Arriba as a second caller in the real workflow: fusion-free samples, failures, and the real tool."""

import json
import shutil

import pytest
from helpers import NO_CHIMERIC, NO_NORMAL, fake_arriba, run_workflow, workflow_env, write_config

from fusion_pipeline.call.arriba import header_only_table
from fusion_pipeline.common.fusion_table import read_table

TUMOUR_TYPES = {"S3": "LUAD", "S6": "NSCLC"}


def arriba_workdir(work, demo_data, star_index, samples):
    """Only `samples` of the demo, with callers builtin and arriba."""
    reads = demo_data["workdir"] / "data" / "reads"
    rows = [f"{s}\tP{s}\t1\t{TUMOUR_TYPES[s]}\t{reads / f'{s}_R1.fastq.gz'}\t{reads / f'{s}_R2.fastq.gz'}"
            for s in samples]  # fmt: skip
    (work / "samples.tsv").write_text(
        "\n".join(["sample\tpatient\ttimepoint\ttumour_type\tfq1\tfq2", *rows]) + "\n"
    )
    data = demo_data["workdir"] / "data"
    write_config(work, str(data / "genome.fa"), str(data / "genes.gtf"), callers=["builtin", "arriba"],
                 star_index=star_index)  # fmt: skip
    return work


def with_standin(bin_dir, **fake) -> dict:
    env = workflow_env()
    env["PATH"] = f"{fake_arriba(bin_dir, **fake)}:{env['PATH']}"
    return env


@pytest.fixture(scope="module")
def standin_runs(tmp_path_factory, demo_data, demo_star_index):
    """S6 (no fusion) with a stand-in arriba: first one that fails otherwise, then Arriba's no-chimeric exit."""
    work = arriba_workdir(tmp_path_factory.mktemp("arriba_standin"), demo_data, demo_star_index, ["S6"])
    failed = run_workflow(work, env=with_standin(work / "bin_failing", stderr=NO_NORMAL))
    left_after_failure = sorted(p.name for p in (work / "out/S6/arriba").glob("*")) if (
        work / "out/S6/arriba").exists() else []  # fmt: skip
    completed = run_workflow(
        work, env=with_standin(work / "bin_empty", stderr=NO_CHIMERIC, version="2.5.1-standin")
    )
    return {
        "out": work / "out",
        "failed": failed,
        "left_after_failure": left_after_failure,
        "completed": completed,
    }


def test_other_arriba_failure_stops_with_one_clear_line(standin_runs):
    failed = standin_runs["failed"]
    assert failed.returncode != 0
    errors = {line.strip() for line in failed.stderr.splitlines() if line.strip().startswith("ERROR:")}
    assert errors == {"ERROR: arriba failed on sample S6 (exit code 1): no normal reads found"}, (
        failed.stderr[-3000:]
    )
    assert standin_runs["left_after_failure"] == []  # no fusions.tsv, no temporary folder


def test_fusion_free_sample_completes_with_zero_arriba_calls(standin_runs):
    out, completed = standin_runs["out"], standin_runs["completed"]
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert (out / "S6/arriba/fusions.tsv").read_text() == header_only_table()
    assert (out / "S6/arriba/fusions.discarded.tsv").read_text() == header_only_table()
    assert len(read_table(out / "S6/callers/arriba.tsv")) == 0
    assert "no chimeric reads: 0 Arriba calls" in (out / "logs/arriba/S6.log").read_text()
    report = json.loads((out / "S6/report.json").read_text())
    assert report["callers"] == ["builtin", "arriba"] and report["versions"]["arriba"] == "2.5.1-standin"
    assert (out / "S6/report.html").exists()
    summary = read_table(out / "summary.tsv").set_index("sample")
    assert summary.loc["S6", "callers"] == "builtin,arriba"
    assert summary.loc["S6", "versions"].endswith(";arriba=2.5.1-standin")


@pytest.mark.skipif(shutil.which("arriba") is None, reason="Arriba is not installed (not on PATH)")
def test_real_arriba_confirms_the_builtin_calls(tmp_path, demo_data, demo_star_index):
    work = arriba_workdir(tmp_path, demo_data, demo_star_index, ["S3", "S6"])
    result = run_workflow(work)
    assert result.returncode == 0, result.stderr[-3000:]
    out = work / "out"
    fusions = read_table(out / "S3/fusions.tsv")
    truth = [t for t in demo_data["truth"] if t["sample"] == "S3"]
    assert len(truth) == 4
    for fusion in truth:
        row = fusions[
            (fusions["breakpoint5"] == fusion["breakpoint5"])
            & (fusions["breakpoint3"] == fusion["breakpoint3"])
        ]
        assert len(row) == 1, fusion["fusion"]
        assert row.iloc[0]["callers"] == "builtin,arriba", fusion["fusion"]
        support = row.iloc[0]["support_by_caller"].split(";")
        assert [s.split(":")[0] for s in support] == ["builtin", "arriba"], fusion["fusion"]
    assert (out / "S6/arriba/fusions.tsv").read_text() == header_only_table()
    assert not (read_table(out / "S6/fusions.tsv")["pass"] == "yes").any()
    for sample in ("S3", "S6"):
        report = json.loads((out / sample / "report.json").read_text())
        assert report["versions"]["arriba"] == "2.5.1"
        assert (out / sample / "arriba/version.txt").read_text() == "2.5.1\n"
