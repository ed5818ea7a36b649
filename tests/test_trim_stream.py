"""The relays between fastp and STAR (align/trim_stream.py): a writer that fills one mate's pipe
before the other's must not deadlock against a reader that takes the mates in step (issue 26)."""

import os
import threading

from align.trim_stream import _relay

SIZE = 4 << 20  # 4 MB a mate: far more than a pipe holds (64 kB; 1 MB at most unprivileged)


def test_a_lockstep_reader_gets_both_mates_from_a_writer_that_writes_one_after_the_other(tmp_path):
    written = [tmp_path / "fastp_R1", tmp_path / "fastp_R2"]
    read = [tmp_path / "R1", tmp_path / "R2"]
    for fifo in written + read:
        os.mkfifo(fifo)
    errors = []
    relays = [t for source, target in zip(written, read) for t in _relay(str(source), str(target), errors)]

    def write_all_of_r1_then_r2():  # what fastp did on the demo sample
        with open(written[0], "wb") as r1, open(written[1], "wb") as r2:
            r1.write(b"1" * SIZE)
            r1.close()
            r2.write(b"2" * SIZE)

    received = {0: 0, 1: 0}

    def read_in_step():  # STAR: a chunk of mate 1, then the same of mate 2
        with open(read[0], "rb") as r1, open(read[1], "rb") as r2:
            while True:
                a, b = r1.read(65536), r2.read(65536)
                received[0] += len(a)
                received[1] += len(b)
                if not a and not b:
                    return

    threads = [threading.Thread(target=write_all_of_r1_then_r2, daemon=True),
               threading.Thread(target=read_in_step, daemon=True)]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads + relays:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads + relays), "deadlocked"
    assert received == {0: SIZE, 1: SIZE} and errors == []
