"""fastp streaming its trimmed pairs into STAR, uncompressed, through named pipes (issue 26).

Writing the trimmed reads as gzip and having STAR decompress them again costs a compression and a
decompression of every read; streamed, trimming replaces STAR's own decompression instead.

Two pipes alone deadlock: fastp writes its two outputs in blocks (on a small sample, all of R1
before R2), while STAR reads the mates in step, so fastp blocks on a full R1 pipe while STAR waits
on an empty R2 one. Each mate therefore passes a relay (PairRelay) that holds in memory what
STAR has not yet taken, within a bound that never stops the mate STAR may be waiting for.
"""

import logging
import os
import shlex
import shutil
import subprocess
import tempfile
import threading
from collections import deque
from contextlib import contextmanager

from fusion_pipeline.align.trimming import fastp_command

CHUNK = 1 << 20
HELD_PER_MATE = 64 << 20  # what a relay holds before it waits, unless the other mate's is empty


class TrimFailure(RuntimeError):
    """fastp exited non-zero: the reads STAR got are incomplete."""


class PairRelay:
    """Both mates' relays: fastp's pipe -> memory -> STAR's pipe, for each mate.

    A relay stops reading fastp when it holds HELD_PER_MATE, so memory does not grow with the
    reads when fastp runs ahead of STAR, but not while the other mate's relay holds nothing:
    then STAR may be waiting on the other mate, which fastp writes only after this one, and
    stopping would deadlock. Memory is therefore at most HELD_PER_MATE plus what fastp writes of
    one mate before the other.
    """

    def __init__(self, sources: list, targets: list):
        self.queues = [deque(), deque()]
        self.held = [0, 0]
        self.reading = [True, True]
        self.errors: list = []
        self.changed = threading.Condition()
        self.threads = [threading.Thread(target=work, args=(mate, path), daemon=True)
                        for mate in (0, 1)
                        for work, path in ((self._read, sources[mate]), (self._write, targets[mate]))]  # fmt: skip
        for thread in self.threads:
            thread.start()

    def _read(self, mate: int, source: str) -> None:
        other = 1 - mate
        try:
            with open(source, "rb", buffering=0) as fh:
                while chunk := fh.read(CHUNK):
                    with self.changed:
                        while self.held[mate] >= HELD_PER_MATE and self.held[other] > 0:
                            self.changed.wait()
                        self.queues[mate].append(chunk)
                        self.held[mate] += len(chunk)
                        self.changed.notify_all()
        except OSError as err:
            self.errors.append(err)
        finally:
            with self.changed:
                self.reading[mate] = False
                self.changed.notify_all()

    def _take(self, mate: int):
        with self.changed:
            while not self.queues[mate] and self.reading[mate]:
                self.changed.wait()
            if not self.queues[mate]:
                return None
            chunk = self.queues[mate].popleft()
            self.held[mate] -= len(chunk)
            self.changed.notify_all()
            return chunk

    def _write(self, mate: int, target: str) -> None:
        try:
            with open(target, "wb", buffering=0) as fh:
                while (chunk := self._take(mate)) is not None:
                    fh.write(chunk)
        except OSError as err:  # the reader (STAR) left early: drain so fastp is not held up
            self.errors.append(err)
            while self._take(mate) is not None:
                pass

    def join(self, timeout: float) -> None:
        for thread in self.threads:
            thread.join(timeout=timeout)


@contextmanager
def trimmed_stream(fq1: str | None, fq2: str | None, json_path: str, html_path: str, options: str, threads: int,
                   title: str, workdir: str, log, stdin=None, single: bool = False):  # fmt: skip
    """Yield the two FIFOs STAR reads; fastp fills them through the relays. TrimFailure if fastp failed.
    Without fq1/fq2, fastp reads interleaved mates from `stdin` (a BAM's reads, align/bam_input.py;
    `single`: single-end reads);
    with fq1 alone (single-end reads) it writes the one FIFO STAR reads, with no relay (one stream
    cannot deadlock), and the second is None.

    Leave the block once the reader is done: fastp is then waited for (killed if the reader quit
    early and fastp is stuck).
    """
    fifo_dir = tempfile.mkdtemp(dir=workdir, prefix=".trim_stream_")
    single = single or (fq1 is not None and not fq2)
    read = [os.path.join(fifo_dir, f"R{i}.fastq") for i in ((1,) if single else (1, 2))]
    written = [] if single else [os.path.join(fifo_dir, f"fastp_R{i}.fastq") for i in (1, 2)]
    for fifo in written + read:
        os.mkfifo(fifo)
    outputs = (read[0], None) if single else written
    command = fastp_command(fq1, fq2, *outputs, json_path, html_path, options, threads, title, compress=False,
                            interleaved=not single)  # fmt: skip
    logging.info("running: %s", shlex.join(command))
    log.flush()
    fastp = subprocess.Popen(command, stdin=stdin, stdout=log, stderr=log)
    relay = None if single else PairRelay(written, read)
    try:
        yield (read[0], None) if single else (read[0], read[1])
    finally:
        try:
            fastp.wait(timeout=60)
        except subprocess.TimeoutExpired:
            fastp.kill()
            fastp.wait()
        for fifo in written + read:  # unblock a relay end whose peer never opened its side
            unblock_fifo(fifo)
        if relay is not None:
            relay.join(timeout=10)
        shutil.rmtree(fifo_dir, ignore_errors=True)
    if fastp.returncode != 0:
        raise TrimFailure(f"fastp failed with exit code {fastp.returncode}")


def unblock_fifo(fifo: str) -> None:
    """Open a FIFO's both ends without blocking, so a thread still waiting in open() returns."""
    try:
        fd = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)
        os.close(fd)
    except OSError:
        pass
