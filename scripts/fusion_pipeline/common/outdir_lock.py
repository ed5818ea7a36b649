"""One run per output directory: a lock on `{outdir}/.pipeline.lock` held while the run lasts.

Snakemake locks the working directory it runs in (.snakemake/), so two runs started from
different directories with the same outdir would write each other's files. A POSIX lock (lockf,
which NFS supports) is released by the kernel when the holding process ends, so a killed run
leaves no stale lock behind.
"""

import fcntl
import os
import socket

from fusion_pipeline.common.errors import InputError

LOCK_NAME = ".pipeline.lock"


def lock_outdir(outdir: str):
    """Take the outdir's lock for this process; InputError naming the holder when another run has it.

    Returns the open lock file: keep it referenced for as long as the run lasts.
    """
    os.makedirs(outdir, exist_ok=True)
    path = os.path.join(outdir, LOCK_NAME)
    open(path, "a").close()
    handle = open(path, "r+")
    try:
        fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        holder = handle.read().strip() or "another process"
        handle.close()
        raise InputError(
            f"{outdir} is in use by another run ({holder}): wait for it to end, or give this run another outdir"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()} on {socket.gethostname()}, started in {os.getcwd()}\n")
    handle.flush()
    return handle
