"""The one exception type for problems in user input (files, config, sample sheet)."""


class InputError(Exception):
    """A problem in user input, with a message fit to show as it is (one line naming the input)."""


class ToolError(Exception):
    """An external tool failed; the message (one line: sample, exit code, the tool's error) is shown as it is."""
