"""Arriba runner: command line, outcome of a run, header-only tables for a sample without chimeric reads."""

import io
import os
from pathlib import Path

import pytest
from helpers import NO_CHIMERIC, NO_NORMAL, SHARED_DATA, fake_arriba

from fusion_pipeline.call.adapt_calls import adapt, read_arriba
from fusion_pipeline.call.arriba import (
    Outcome,
    build_command,
    call_sample,
    classify,
    failure_message,
    header_only_table,
    last_error_line,
)
from fusion_pipeline.common.errors import ToolError
from fusion_pipeline.common.fusion_table import COLUMNS


def test_command_without_blacklist_switches_its_filter_off():
    command = build_command("a.bam", "g.fa", "a.gtf", "f.tsv", "d.tsv", {"extra": "-i 'chr1 chr2'"})
    assert command == ["arriba", "-x", "a.bam", "-a", "g.fa", "-g", "a.gtf", "-o", "f.tsv", "-O", "d.tsv",
                       "-f", "blacklist", "-i", "chr1 chr2"]  # fmt: skip


def test_command_with_databases():
    settings = {"blacklist": "bl.tsv.gz", "known_fusions": "kf.tsv.gz", "protein_domains": "pd.gff3"}
    command = build_command("a.bam", "g.fa", "a.gtf", "f.tsv", "d.tsv", settings)
    assert command[11:] == ["-b", "bl.tsv.gz", "-k", "kf.tsv.gz", "-p", "pd.gff3"]
    assert "-f" not in command


@pytest.mark.parametrize(
    "code, stderr, wrote, expected",
    [
        (0, "", True, Outcome.CALLS),
        (0, "", False, Outcome.FAILED),  # exit 0 without its tables is no result
        (1, NO_CHIMERIC, False, Outcome.NO_CHIMERIC_READS),
        (1, NO_NORMAL, False, Outcome.FAILED),  # header-only BAM: a real failure
        (1, "", False, Outcome.FAILED),
        (-9, "", False, Outcome.FAILED),
    ],
)
def test_outcome_is_decided_on_the_message_and_the_exit_code(code, stderr, wrote, expected):
    assert classify(code, stderr, wrote) is expected


def test_failure_names_sample_exit_code_and_last_error():
    stderr = "WARNING: something\n" + NO_NORMAL + "\n"
    assert last_error_line(stderr) == "no normal reads found"
    assert (
        failure_message("S6", 1, stderr) == "arriba failed on sample S6 (exit code 1): no normal reads found"
    )
    assert failure_message("S6", -9, "", "Reading chimeric alignments") == (
        "arriba failed on sample S6 (killed by signal 9): Reading chimeric alignments"
    )
    assert "\n" not in failure_message("S6", 2, "a\nb\n")


def test_header_only_table_is_read_as_zero_calls(tmp_path):
    path = tmp_path / "fusions.tsv"
    path.write_text(header_only_table())
    table = read_arriba(str(path))
    assert table.empty and list(table.columns) == COLUMNS
    assert adapt(str(path), "arriba").empty


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason=f"public test data not found at {SHARED_DATA}")
def test_header_is_that_of_arriba_2_5_1():
    real = SHARED_DATA / "derived-star2.7.10b-arriba2.5.1-runs/easyfuse_fc.arriba.fusions.tsv"
    assert header_only_table() == real.read_text().splitlines(keepends=True)[0]


def _call(tmp_path, monkeypatch, **fake):
    monkeypatch.setenv("PATH", f"{fake_arriba(tmp_path / 'bin', **fake)}:{os.environ['PATH']}")
    out = tmp_path / "arriba"
    out.mkdir()
    outputs = {"fusions": str(out / "fusions.tsv"), "discarded": str(out / "fusions.discarded.tsv")}
    log = io.StringIO()
    return out, outputs, log, lambda: call_sample("a.bam", "g.fa", "a.gtf", {}, "S6", outputs, log)


def test_no_chimeric_reads_gives_header_only_tables(tmp_path, monkeypatch):
    out, outputs, log, run = _call(tmp_path, monkeypatch, stderr=NO_CHIMERIC)
    assert run() is Outcome.NO_CHIMERIC_READS
    for path in outputs.values():
        assert Path(path).read_text() == header_only_table()
    assert sorted(os.listdir(out)) == ["fusions.discarded.tsv", "fusions.tsv"]  # no temporary folder left
    assert "no split reads or discordant mates found" in log.getvalue()


def test_other_failure_raises_and_leaves_nothing(tmp_path, monkeypatch):
    out, _, _, run = _call(tmp_path, monkeypatch, stderr=NO_NORMAL)
    with pytest.raises(
        ToolError, match=r"^arriba failed on sample S6 \(exit code 1\): no normal reads found$"
    ):
        run()
    assert os.listdir(out) == []


def test_success_puts_arriba_tables_in_place(tmp_path, monkeypatch):
    out, outputs, _, run = _call(tmp_path, monkeypatch, code=0)
    assert run() is Outcome.CALLS
    assert Path(outputs["fusions"]).read_text() == header_only_table()
    assert sorted(os.listdir(out)) == ["fusions.discarded.tsv", "fusions.tsv"]


def test_arriba_missing_from_path(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    outputs = {"fusions": str(tmp_path / "fusions.tsv"), "discarded": str(tmp_path / "discarded.tsv")}
    with pytest.raises(ToolError, match="arriba not found on PATH .sample S6"):
        call_sample("a.bam", "g.fa", "a.gtf", {}, "S6", outputs, io.StringIO())
