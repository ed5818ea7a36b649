"""Tool versions for the reports: asked from the tool, or read from the file its rule recorded.

A version that cannot be found is 'unknown': a report is never lost for want of one.
"""

import re
import subprocess

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
        result = subprocess.run(list(command), capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.SubprocessError):
        return UNKNOWN
    return parse_version(result.stdout + "\n" + result.stderr, pattern)


def read_version_file(path: str | None, pattern: str | None = None) -> str:
    """A recorded version: the bare version, or the tool's own output that `pattern` parses."""
    try:
        with open(path) as fh:
            return parse_version(fh.read(), pattern)
    except (OSError, TypeError):
        return UNKNOWN
