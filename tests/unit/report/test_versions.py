"""Tool versions: parsed from a tool's output or its recorded file, 'unknown' when missing."""

from types import SimpleNamespace

from fusion_pipeline.common.callers import REGISTRY
from fusion_pipeline.common.versions import (
    UNKNOWN,
    caller_versions,
    parse_version,
    read_version_file,
    tool_version,
)
from fusion_pipeline.report.run_summary import SUMMARY_COLUMNS, tool_versions
from fusion_pipeline.report.write_report import collect_versions


def test_versions_are_parsed_from_each_tools_output():
    assert (
        parse_version("Arriba gene fusion detector\nVersion: 2.5.1\n", REGISTRY["arriba"].version_pattern)
        == "2.5.1"
    )
    starfusion = REGISTRY["starfusion"].version_pattern
    assert parse_version("\n\nSTAR-Fusion version: 1.15.1\n\n", starfusion) == "1.15.1"
    assert parse_version("samtools 1.16.1\nUsing htslib 1.16\n") == "1.16.1"
    assert parse_version("2.5.1\n", REGISTRY["arriba"].version_pattern) == "2.5.1"  # a recorded version.txt
    assert parse_version("no version here") == UNKNOWN


def test_missing_tool_or_file_is_unknown(tmp_path):
    assert tool_version(("no-such-tool-xyz", "--version")) == UNKNOWN
    assert read_version_file(str(tmp_path / "absent.txt")) == UNKNOWN
    assert read_version_file(None) == UNKNOWN
    (tmp_path / "empty.txt").write_text("")
    assert read_version_file(str(tmp_path / "empty.txt")) == UNKNOWN


def test_samtools_latin1_copyright_sign_is_no_problem(tmp_path):
    (tmp_path / "samtools.txt").write_bytes(
        b"samtools 1.16.1\nUsing htslib 1.16\nCopyright (C) 2022 \xa9 GRL\n"
    )
    assert read_version_file(str(tmp_path / "samtools.txt")) == "1.16.1"


def test_external_callers_versions_from_their_files(tmp_path):
    (tmp_path / "arriba.txt").write_text("2.5.1\n")
    files = {"arriba": str(tmp_path / "arriba.txt"), "starfusion": str(tmp_path / "absent.txt")}
    assert caller_versions(["builtin", "arriba", "starfusion"], files) == {
        "arriba": "2.5.1",
        "starfusion": UNKNOWN,
    }
    assert caller_versions(["builtin"], {}) == {}  # the built-in caller is the pipeline itself


def test_report_versions_never_crash_on_a_missing_log(tmp_path):
    kb = SimpleNamespace(versions={"kinases": "k1", "actionability": "a1"})
    versions = collect_versions(str(tmp_path / "no_Log.out"), kb, {"version": "h1"}, "g.fa", "g.gtf",
                                {"samtools": UNKNOWN, "arriba": "2.5.1"})  # fmt: skip
    assert versions["star"] == versions["samtools"] == UNKNOWN and versions["arriba"] == "2.5.1"
    assert list(versions)[:4] == ["pipeline", "star", "samtools", "arriba"]


def test_summary_lists_the_tools_behind_each_sample():
    report = {
        "callers": ["builtin", "arriba"],
        "versions": {"star": "2.7.10b", "samtools": "1.16.1", "arriba": "2.5.1"},
    }
    assert tool_versions(report) == "star=2.7.10b;samtools=1.16.1;arriba=2.5.1"
    assert tool_versions({"versions": {"star": "2.7.10b"}}) == "star=2.7.10b;samtools=unknown"  # a 1.1 report
    columns = SUMMARY_COLUMNS  # later additions come after the existing columns, never before them
    assert (
        columns.index("report")
        < columns.index("callers")
        < columns.index("versions")
        < columns.index("status")
    )
