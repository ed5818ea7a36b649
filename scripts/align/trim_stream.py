"""fastp streaming its trimmed pairs into STAR, uncompressed, through named pipes (issue 26).

Writing the trimmed reads as gzip and having STAR decompress them again costs a compression and a
decompression of every read; streamed, trimming replaces STAR's own decompression instead.

Two pipes alone deadlock: fastp writes its two outputs in blocks (on a small sample, all of R1
before R2), while STAR reads the mates in step, so fastp blocks on a full R1 pipe while STAR waits
on an empty R2 one. Each mate therefore passes a relay that reads fastp's pipe as fast as fastp
writes it and holds what STAR has not yet taken in memory (at most what fastp writes of one mate
ahead of the other).
"""

import logging
import os
import queue
import shlex
import shutil
import subprocess
import tempfile
import threading
from contextlib import contextmanager

from align.trimming import fastp_command

CHUNK = 1 << 20


class TrimFailure(RuntimeError):
    """fastp exited non-zero: the reads STAR got are incomplete."""


def _relay(source: str, target: str, errors: list) -> list:
    """Copy the FIFO `source` into the FIFO `target` through an unbounded in-memory queue."""
    chunks: queue.Queue = queue.Queue()

    def read():
        try:
            with open(source, "rb", buffering=0) as fh:
                while chunk := fh.read(CHUNK):
                    chunks.put(chunk)
        except OSError as err:
            errors.append(err)
        finally:
            chunks.put(None)

    def write():
        try:
            with open(target, "wb", buffering=0) as fh:
                while (chunk := chunks.get()) is not None:
                    fh.write(chunk)
        except OSError as err:  # the reader (STAR) left early: drain so fastp is not held up
            errors.append(err)
            while chunks.get() is not None:
                pass

    threads = [threading.Thread(target=read, daemon=True), threading.Thread(target=write, daemon=True)]
    for thread in threads:
        thread.start()
    return threads


@contextmanager
def trimmed_stream(fq1: str, fq2: str, json_path: str, html_path: str, options: str, threads: int, title: str,
                   workdir: str, log):  # fmt: skip
    """Yield the two FIFOs STAR reads; fastp fills them through the relays. TrimFailure if fastp failed.

    Leave the block once the reader is done: fastp is then waited for (killed if the reader quit
    early and fastp is stuck).
    """
    fifo_dir = tempfile.mkdtemp(dir=workdir, prefix=".trim_stream_")
    written = [os.path.join(fifo_dir, f"fastp_R{i}.fastq") for i in (1, 2)]
    read = [os.path.join(fifo_dir, f"R{i}.fastq") for i in (1, 2)]
    for fifo in written + read:
        os.mkfifo(fifo)
    command = fastp_command(fq1, fq2, *written, json_path, html_path, options, threads, title, compress=False)
    logging.info("running: %s", shlex.join(command))
    log.flush()
    fastp = subprocess.Popen(command, stdout=log, stderr=log)
    errors: list = []
    relays = [thread for source, target in zip(written, read) for thread in _relay(source, target, errors)]
    try:
        yield read[0], read[1]
    finally:
        try:
            fastp.wait(timeout=60)
        except subprocess.TimeoutExpired:
            fastp.kill()
            fastp.wait()
        for fifo in written + read:  # unblock a relay end whose peer never opened its side
            _unblock(fifo)
        for thread in relays:
            thread.join(timeout=10)
        shutil.rmtree(fifo_dir, ignore_errors=True)
    if fastp.returncode != 0:
        raise TrimFailure(f"fastp failed with exit code {fastp.returncode}")


def _unblock(fifo: str) -> None:
    """Open a FIFO's both ends without blocking, so a thread still waiting in open() returns."""
    try:
        fd = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)
        os.close(fd)
    except OSError:
        pass
