"""The reads STAR (or fastp) aligns, decompressed once and checked in the same pass (issue 26).

Rule check_fastq proves the head of each file before the alignment starts
(compression, record structure, quality encoding, mate names); the rest of the
input check needs every byte, so it happens here, in the pass that feeds the
aligner: each mate is decompressed by one thread, its lines counted, and the
uncompressed reads written into a named pipe that fastp or STAR reads. No
second decompression (STAR's gzip, fastp's) and no second Python pass over
the files: the verdict (complete gzip streams, whole records, mates of equal
count) is known when the aligner has read the last record.
"""

import gzip
import os
import shutil
import tempfile
import threading
import zlib
from contextlib import contextmanager

from fusion_pipeline.align.check_fastq import open_fastq, pair_counts_verdict, truncated_message
from fusion_pipeline.align.trim_stream import unblock_fifo

BLOCK = 1 << 20


class MateRelay(threading.Thread):
    """One mate: its FASTQ (gzip or plain) -> counted lines -> the pipe the aligner reads.

    Every opening of the pipe gets the file from its start: fastp reads the first records of
    each input on its own (read length, two-colour chemistry) and closes it before it opens it
    again to trim; STAR opens it once. An opening that reads to the end gives the file's line
    count. Once a reader has opened the pipe, a new pipe takes its name (an atomic rename), so the
    next opening is a pipe of its own: no reader ever gets the rest of another's copy.
    """

    def __init__(self, path: str, fifo: str):
        super().__init__(daemon=True)
        self.path, self.fifo = path, fifo
        self.lines: int | None = None  # of the whole file, once a reader took all of it
        self.error: str | None = None  # what is wrong with the file
        self.stopping = False
        self.start()

    def _renew(self) -> None:
        fresh = self.fifo + ".next"
        os.mkfifo(fresh)
        os.replace(fresh, self.fifo)  # the name never goes missing for a reader that opens it

    def run(self) -> None:
        while not self.stopping:  # a broken file too is served again: a reader must never wait in vain
            try:
                with open(self.fifo, "wb", buffering=0) as out:
                    if self.stopping:
                        return
                    self._renew()
                    self._serve(out)
            except BrokenPipeError:
                continue  # the reader closed before the end (fastp's look at the first records)

    def _serve(self, out) -> None:
        lines = 0
        try:
            with open_fastq(self.path) as fh:
                while block := fh.read(BLOCK):
                    lines += block.count(b"\n")
                    if out.write(block) != len(block):  # the reader closed during the write
                        raise BrokenPipeError
        except (EOFError, gzip.BadGzipFile, zlib.error) as err:
            self.error = truncated_message(self.path, err)
            return
        except BrokenPipeError:
            raise
        except OSError as err:
            self.error = f"{self.path}: cannot be read ({err})"
            return
        self.lines = lines

    def stop(self) -> None:
        """No more readers will come: release the relay wherever it waits."""
        self.stopping = True
        for _ in range(300):  # it may reach open() just after a drain: drain until it has left
            unblock_fifo(self.fifo)
            self.join(timeout=0.1)
            if not self.is_alive():
                return


class CheckedReads:
    """Both mates' relays, and the input check's verdict once the aligner has read everything."""

    def __init__(self, fq1: str, fq2: str | None, fifos: list):
        self.paths = (fq1, fq2) if fq2 else (fq1,)  # one file: single-end reads
        self.relays = [MateRelay(path, fifo) for path, fifo in zip(self.paths, fifos)]

    @property
    def complete(self) -> bool:
        """Both files were read to their end, or found broken (so the verdict below covers the input)."""
        return all(relay.lines is not None or relay.error for relay in self.relays)

    def verdict(self, head: dict) -> dict:
        """The check's row: `head` (check_fastq's verdict of the files' first records) with the read pairs
        counted here, or failed with the first problem of the whole files."""
        errors = [relay.error for relay in self.relays if relay.error]
        if errors:
            return {**head, "read_pairs": 0, "status": "failed", "reason": errors[0]}
        fq2 = self.paths[1] if len(self.paths) > 1 else None
        return {**head, **pair_counts_verdict(self.paths[0], fq2, [r.lines for r in self.relays])}


@contextmanager
def checked_reads(fq1: str, fq2: str | None, workdir: str):
    """Yield (fifo1, fifo2, CheckedReads): the uncompressed mates for the aligner, and their check
    (fifo2 None for single-end reads, without fq2).

    Leave the block once the aligner is done: the relays are then released, and
    CheckedReads.complete says whether the aligner read both files to their end.
    """
    fifo_dir = tempfile.mkdtemp(dir=workdir, prefix=".checked_reads_")
    fifos = [os.path.join(fifo_dir, f"R{i}.fastq") for i in ((1, 2) if fq2 else (1,))]
    for fifo in fifos:
        os.mkfifo(fifo)
    reads = CheckedReads(fq1, fq2, fifos)
    try:
        yield fifos[0], fifos[1] if fq2 else None, reads
    finally:
        for relay in reads.relays:
            relay.stop()
        shutil.rmtree(fifo_dir, ignore_errors=True)
