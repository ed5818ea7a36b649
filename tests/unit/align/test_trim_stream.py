"""The relays between fastp and STAR (align/trim_stream.py): no deadlock against a reader that takes
the mates in step, and memory that does not grow when fastp runs ahead of STAR (issue 26)."""

import os
import threading
import time

import pytest

from fusion_pipeline.align import trim_stream
from fusion_pipeline.align.trim_stream import PairRelay

SIZE = 4 << 20  # 4 MB a mate: far more than a pipe holds (64 kB; 1 MB at most unprivileged)


def fifos(tmp_path):
    written = [tmp_path / "fastp_R1", tmp_path / "fastp_R2"]
    read = [tmp_path / "R1", tmp_path / "R2"]
    for fifo in written + read:
        os.mkfifo(fifo)
    return [str(p) for p in written], [str(p) for p in read]


def run(writer, reader, relay, timeout=30):
    threads = [threading.Thread(target=writer, daemon=True), threading.Thread(target=reader, daemon=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    relay.join(timeout=5)
    assert not any(thread.is_alive() for thread in threads + relay.threads), "deadlocked"


def read_in_step(read, received, slow=0.0, relay=None, peaks=None):
    """STAR: a chunk of mate 1, then the same of mate 2."""

    def reader():
        with open(read[0], "rb") as r1, open(read[1], "rb") as r2:
            while True:
                a, b = r1.read(65536), r2.read(65536)
                received[0] += len(a)
                received[1] += len(b)
                if relay is not None:
                    peaks.append(max(relay.held))
                if not a and not b:
                    return
                time.sleep(slow)

    return reader


def test_a_lockstep_reader_gets_both_mates_from_a_writer_that_writes_one_after_the_other(tmp_path):
    written, read = fifos(tmp_path)
    relay = PairRelay(written, read)

    def write_all_of_r1_then_r2():  # what fastp did on the demo sample
        with open(written[0], "wb") as r1, open(written[1], "wb") as r2:
            r1.write(b"1" * SIZE)
            r1.close()
            r2.write(b"2" * SIZE)

    received = {0: 0, 1: 0}
    run(write_all_of_r1_then_r2, read_in_step(read, received), relay)
    assert received == {0: SIZE, 1: SIZE} and relay.errors == []


@pytest.mark.parametrize("limit", [1 << 20])
def test_memory_is_bounded_when_the_writer_runs_ahead(tmp_path, monkeypatch, limit):
    monkeypatch.setattr(trim_stream, "HELD_PER_MATE", limit)
    written, read = fifos(tmp_path)
    relay = PairRelay(written, read)
    total = 16 << 20

    def write_both_fast():  # fastp ahead of a slow STAR, the mates in turn
        with open(written[0], "wb") as r1, open(written[1], "wb") as r2:
            for _ in range(total // 65536):
                r1.write(b"1" * 65536)
                r2.write(b"2" * 65536)

    received, peaks = {0: 0, 1: 0}, []
    run(
        write_both_fast,
        read_in_step(read, received, slow=0.0005, relay=relay, peaks=peaks),
        relay,
        timeout=60,
    )
    assert received == {0: total, 1: total}
    assert max(peaks) <= limit + trim_stream.CHUNK  # not the 16 MB an unbounded relay holds


def test_single_end_reads_are_trimmed_into_one_pipe(tmp_path):
    import gzip

    from fusion_pipeline.align.trim_stream import trimmed_stream

    with gzip.open(tmp_path / "R1.fq.gz", "wt") as fh:
        fh.write("".join(f"@r{i}\n{'ACGTTGCA' * 10}\n+\n{'I' * 80}\n" for i in range(500)))
    with open(tmp_path / "log", "w") as log, trimmed_stream(
        str(tmp_path / "R1.fq.gz"), None, str(tmp_path / "f.json"), str(tmp_path / "f.html"), "-l 30", 1, "t",
        str(tmp_path), log,
    ) as (one, two):  # fmt: skip
        assert two is None
        with open(one, "rb") as fh:
            lines = fh.read().count(b"\n")
    assert lines == 4 * 500
