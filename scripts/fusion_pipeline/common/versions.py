"""Tool versions for the reports: asked from the tool, or read from the file its rule recorded.

A version that cannot be found is 'unknown': a report is never lost for want of one.
"""

import re
import subprocess

from fusion_pipeline.common.callers import REGISTRY

UNKNOWN = "unknown"
_DOTTED = re.compile(r"\d+(?:\.\d+)+[\w.\-]*")


def parse_version(text: str, pattern: str | None = None) -> str:
    """`pattern`'s first group in `text`, else its first dotted number (1.16.1, 2.7.10b)."""
    match = re.search(pattern, text, re.MULTILINE) if pattern else None
    if match:
        return match.group(1)
    match = _DOTTED.search(text)
    return match.group(0) if match else UNKNOWN


def tool_version(command, pattern: str | None = None, timeout: int = 60) -> str:
    """Run e.g. `arriba -h` and parse its output (stdout and stderr: tools differ)."""
    try:
        result = subprocess.run(list(command), capture_output=True, timeout=timeout)
    except (OSError, subprocess.SubprocessError):
        return UNKNOWN
    output = result.stdout + b"\n" + result.stderr
    return parse_version(output.decode(errors="replace"), pattern)  # e.g. samtools' Latin-1 (C) sign


def read_version_file(path: str | None, pattern: str | None = None) -> str:
    """A recorded version: the bare version, or the tool's own output that `pattern` parses."""
    try:
        with open(path, errors="replace") as fh:
            return parse_version(fh.read(), pattern)
    except (OSError, TypeError):
        return UNKNOWN


def caller_versions(callers, files: dict) -> dict:
    """{caller: version} of the external callers run; the built-in caller is the pipeline's own."""
    return {
        name: read_version_file(files.get(name), REGISTRY[name].version_pattern)
        for name in callers
        if REGISTRY[name].version_command
    }
