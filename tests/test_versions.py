"""Tool versions: parsed from a tool's output or its recorded file, 'unknown' when missing."""

from common.callers import REGISTRY
from common.versions import UNKNOWN, parse_version, read_version_file, tool_version


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
