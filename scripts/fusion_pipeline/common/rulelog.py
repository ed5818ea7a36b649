"""Shared plumbing for the thin Snakemake entry points in scripts/.

`run_rule(main)` sends the script's stderr and logging to the rule's log and
turns an InputError (or a ToolError) into one clear line on the console and in
the log, with no traceback, so a lab user sees which input or tool is wrong.
"""

import errno
import logging
import os
import sys
import tempfile
from contextlib import contextmanager

from fusion_pipeline.common.errors import InputError, ToolError


def run_rule(main, snakemake) -> None:
    console = sys.stderr
    log_path = snakemake.log[0] if snakemake.log else None
    log_fh = open(log_path, "w") if log_path else console
    sys.stderr = log_fh
    logging.basicConfig(
        stream=log_fh, level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", force=True
    )
    try:
        main(snakemake)
    except (InputError, ToolError, OSError) as err:
        if isinstance(err, OSError) and err.errno != errno.ENOSPC:
            raise
        message = f"ERROR: {_disk_full(err, snakemake)}" if isinstance(err, OSError) else f"ERROR: {err}"
        print(message, file=log_fh, flush=True)
        if log_fh is not console:
            print(message, file=console, flush=True)
        sys.exit(1)
    finally:
        sys.stderr = console
        if log_fh is not console:
            log_fh.close()


def _disk_full(err: OSError, snakemake) -> str:
    where = err.filename or (snakemake.output[0] if snakemake.output else "output")
    return f"{os.path.dirname(os.path.abspath(str(where)))}: no space left on the output device (writing {os.path.basename(str(where))})"


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


@contextmanager
def atomic_write(path: str, mode: str = "w"):
    """Write to a temporary file beside `path`, renamed into place only on success."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp.", suffix=os.path.basename(path))
    try:
        with os.fdopen(fd, mode) as fh:
            yield fh
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; results are for the whole lab
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
