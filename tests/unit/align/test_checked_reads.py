"""The reads' one pass: decompressed, checked and fed to the aligner through named pipes (align/checked_reads.py)."""

import gzip
import threading

import pytest

from fusion_pipeline.align.check_fastq import verdict
from fusion_pipeline.align.checked_reads import checked_reads


def fastq(path, records: int, start: int = 0, mate: int = 1) -> bytes:
    text = "".join(f"@read{i}/{mate}\n{'ACGT' * 10}\n+\n{'I' * 40}\n" for i in range(start, start + records))
    data = text.encode()
    with gzip.open(path, "wb") as fh:
        fh.write(data)
    return data


def read_all(fifo: str, limit: int | None = None) -> bytes:
    with open(fifo, "rb") as fh:
        return fh.read(limit) if limit else fh.read()


def head(fq1, fq2) -> dict:
    return verdict(str(fq1), str(fq2), whole=False)


def test_each_opening_gets_the_whole_file_and_one_copy_only(tmp_path):
    one = fastq(tmp_path / "R1.fq.gz", 30000)
    two = fastq(tmp_path / "R2.fq.gz", 30000, mate=2)
    with checked_reads(str(tmp_path / "R1.fq.gz"), str(tmp_path / "R2.fq.gz"), str(tmp_path)) as (
        f1,
        f2,
        reads,
    ):
        # as fastp does: a look at the first records of each mate, then both read in full together
        assert read_all(f1, 1000) == one[:1000]
        assert read_all(f2, 1000) == two[:1000]
        got = {}
        threads = [
            threading.Thread(target=lambda k=k, f=f: got.update({k: read_all(f)}))
            for k, f in ((1, f1), (2, f2))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert got == {1: one, 2: two}  # each opening its own pipe: one whole copy, never the rest of another
    assert reads.complete
    checked = reads.verdict(head(tmp_path / "R1.fq.gz", tmp_path / "R2.fq.gz"))
    assert checked["status"] == "ok" and checked["read_pairs"] == 30000 and checked["mean_length1"] == 40.0


def _read_pair(f1, f2) -> None:
    threads = [threading.Thread(target=read_all, args=(f,)) for f in (f1, f2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive()


def test_a_truncated_mate_fails_the_check_with_the_checks_message(tmp_path):
    fastq(tmp_path / "R1.fq.gz", 20000)
    fastq(tmp_path / "R2.fq.gz", 20000, mate=2)
    whole = (tmp_path / "R2.fq.gz").read_bytes()
    (tmp_path / "R2.fq.gz").write_bytes(whole[: len(whole) // 2])
    fq1, fq2 = str(tmp_path / "R1.fq.gz"), str(tmp_path / "R2.fq.gz")
    with checked_reads(fq1, fq2, str(tmp_path)) as (f1, f2, reads):
        _read_pair(f1, f2)
    checked = reads.verdict(head(fq1, fq2))
    assert checked["status"] == "failed" and checked["read_pairs"] == 0
    assert checked["reason"] == verdict(fq1, fq2)["reason"]  # the same words as the check of the whole files
    assert checked["reason"].startswith(f"{fq2}: truncated or corrupt gzip file")


@pytest.mark.parametrize("records2, reason", [(19996, "has 20000 records but"), (20000, None)])
def test_mates_must_hold_as_many_records(tmp_path, records2, reason):
    fastq(tmp_path / "R1.fq.gz", 20000)
    fastq(tmp_path / "R2.fq.gz", records2, mate=2)
    fq1, fq2 = str(tmp_path / "R1.fq.gz"), str(tmp_path / "R2.fq.gz")
    with checked_reads(fq1, fq2, str(tmp_path)) as (f1, f2, reads):
        _read_pair(f1, f2)
    checked = reads.verdict(head(fq1, fq2))
    if reason is None:
        assert checked["status"] == "ok" and checked["read_pairs"] == 20000
    else:
        assert (
            checked["status"] == "failed"
            and reason in checked["reason"]
            and str(records2) in checked["reason"]
        )


def test_an_aligner_that_never_reads_leaves_nothing_waiting(tmp_path):
    fastq(tmp_path / "R1.fq.gz", 100)
    fastq(tmp_path / "R2.fq.gz", 100, mate=2)
    with checked_reads(str(tmp_path / "R1.fq.gz"), str(tmp_path / "R2.fq.gz"), str(tmp_path)) as (
        _,
        _,
        reads,
    ):
        pass  # STAR failed before opening its reads
    assert not any(relay.is_alive() for relay in reads.relays)
    assert not reads.complete  # nothing read: the verdict needs the whole check instead
    assert not list(tmp_path.glob(".checked_reads_*"))


def test_single_end_reads_pass_one_pipe_and_are_counted_as_reads(tmp_path):
    one = fastq(tmp_path / "R1.fq.gz", 1200)
    assert verdict(str(tmp_path / "R1.fq.gz"), None)["read_pairs"] == 1200
    with checked_reads(str(tmp_path / "R1.fq.gz"), None, str(tmp_path)) as (f1, f2, reads):
        assert f2 is None and read_all(f1) == one
    checked = reads.verdict(verdict(str(tmp_path / "R1.fq.gz"), None, whole=False))
    assert (checked["status"], checked["read_pairs"], checked["mean_length2"]) == ("ok", 1200, 0)
    (tmp_path / "cut.fq").write_bytes(one[:-5])
    assert verdict(str(tmp_path / "cut.fq"), None)["status"] == "failed"
