"""Issue 28: reads from a BAM or CRAM, checked at the head and streamed whole into the aligner."""

import gzip
import random
import subprocess
import threading

import pysam
import pytest

from fusion_pipeline.align.bam_input import _sequence_md5, bam_reads, head_verdict, whole_verdict

PAIRS = 60


@pytest.fixture()
def reads(tmp_path):
    """A reference of two contigs and PAIRS read pairs from it (read 2 reverse-complemented)."""
    rng = random.Random(7)
    contigs = {name: "".join(rng.choice("ACGT") for _ in range(3000)) for name in ("c1", "c2")}
    fasta = tmp_path / "ref.fa"
    fasta.write_text("".join(f">{n}\n{s}\n" for n, s in contigs.items()))
    pysam.faidx(str(fasta))
    pairs = []
    for i in range(PAIRS):
        name, start = rng.choice(list(contigs)), rng.randrange(0, 2700)
        fragment = contigs[name][start : start + 250]
        mate2 = fragment[-80:][::-1].translate(str.maketrans("ACGT", "TGCA"))
        pairs.append((f"p{i}", name, start, fragment[:80], mate2))
    for mate in (1, 2):
        with gzip.open(tmp_path / f"R{mate}.fastq.gz", "wt") as fh:
            for name, _, _, one, two in pairs:
                fh.write(f"@{name}\n{one if mate == 1 else two}\n+\n{'I' * 80}\n")
    return {"folder": tmp_path, "fasta": fasta, "contigs": contigs, "pairs": pairs}


def unaligned_bam(reads) -> str:
    path = reads["folder"] / "reads.bam"
    subprocess.run(["samtools", "import", "-1", str(reads["folder"] / "R1.fastq.gz"), "-2",
                    str(reads["folder"] / "R2.fastq.gz"), "-o", str(path)], check=True, capture_output=True)  # fmt: skip
    return str(path)


def aligned_cram(reads, written_against) -> str:
    """The pairs placed where they came from, sorted, as a CRAM against `written_against`."""
    header = {"HD": {"VN": "1.6", "SO": "coordinate"},
              "SQ": [{"SN": n, "LN": len(s)} for n, s in reads["contigs"].items()]}  # fmt: skip
    bam_path = reads["folder"] / "aligned.bam"
    with pysam.AlignmentFile(str(bam_path), "wb", header=header) as out:
        records = []
        for name, contig, start, one, two in reads["pairs"]:
            for flag, seq, pos, mate_pos in ((99, one, start, start + 170), (147, two, start + 170, start)):
                record = pysam.AlignedSegment(out.header)
                record.query_name, record.flag, record.reference_name = name, flag, contig
                record.reference_start, record.mapping_quality, record.cigarstring = pos, 60, "80M"
                record.next_reference_name, record.next_reference_start = contig, mate_pos
                record.query_sequence = (
                    seq if flag == 99 else seq[::-1].translate(str.maketrans("ACGT", "TGCA"))
                )
                record.query_qualities = pysam.qualitystring_to_array("I" * 80)
                records.append(record)
        for record in sorted(records, key=lambda r: (r.reference_id, r.reference_start)):
            out.write(record)
    cram = reads["folder"] / "aligned.cram"
    subprocess.run(["samtools", "view", "-C", "-T", str(written_against), "-o", str(cram), str(bam_path)],
                   check=True, capture_output=True)  # fmt: skip
    return str(cram)


def _drain(paths) -> list:
    """Read both mates' FIFOs at once, as STAR does; the records of each."""
    counts = [0, 0]

    def read(index, path):
        with open(path, "rb") as fh:
            counts[index] = sum(block.count(b"\n") for block in iter(lambda: fh.read(65536), b"")) // 4

    threads = [threading.Thread(target=read, args=(i, p)) for i, p in enumerate(paths)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return counts


def test_an_unaligned_bam_is_checked_and_streamed_whole_as_two_mates(reads, tmp_path):
    bam = unaligned_bam(reads)
    head = head_verdict(bam, str(reads["fasta"]))
    assert (head["status"], head["read_pairs"], head["mean_length1"]) == ("ok", PAIRS, 80.0)
    with open(tmp_path / "log", "w") as log, bam_reads(bam, str(reads["fasta"]), str(tmp_path), 1, log) as (
        one, two, stream):  # fmt: skip
        assert _drain([one, two]) == [PAIRS, PAIRS]
    assert stream.verdict(head)["read_pairs"] == PAIRS and stream.verdict(head)["status"] == "ok"


def test_a_cram_is_decoded_with_its_reference_and_refused_against_another(reads, tmp_path):
    cram = aligned_cram(reads, reads["fasta"])
    assert head_verdict(cram, str(reads["fasta"]))["status"] == "ok"
    with open(tmp_path / "log", "w") as log, bam_reads(cram, str(reads["fasta"]), str(tmp_path), 1, log,
                                                      interleaved=True) as (_, _, stream):  # fmt: skip
        lines = sum(block.count(b"\n") for block in iter(lambda: stream.stdout.read(65536), b""))
    assert lines == 8 * PAIRS and stream.verdict({})["read_pairs"] == PAIRS
    other = tmp_path / "other.fa"
    changed = {
        n: ("T" if s[100] != "T" else "A").join([s[:100], s[101:]]) for n, s in reads["contigs"].items()
    }
    other.write_text("".join(f">{n}\n{s}\n" for n, s in changed.items()))
    pysam.faidx(str(other))
    refused = head_verdict(cram, str(other))
    assert refused["status"] == "failed"
    assert refused["reason"].startswith(f"{cram}: contig c1 differs from {other} (M5 checksum)")


def test_missing_mates_fail_the_whole_files_verdict(reads, tmp_path):
    first_mates = tmp_path / "first.bam"
    subprocess.run(
        ["samtools", "view", "-b", "-f", "64", "-o", str(first_mates), unaligned_bam(reads)], check=True
    )
    head = head_verdict(str(first_mates), str(reads["fasta"]))
    assert head["status"] == "ok"  # the head cannot tell: mates may come later
    with open(tmp_path / "log", "w") as log, bam_reads(str(first_mates), str(reads["fasta"]), str(tmp_path), 1,
                                                      log) as (one, two, stream):  # fmt: skip
        _drain([one, two])
    result = stream.verdict(head)
    assert result["status"] == "failed" and f"{PAIRS} reads without their mate" in result["reason"]


def test_single_end_reads_stream_as_one_and_broken_inputs_are_refused_in_one_line(reads, tmp_path):
    single = tmp_path / "single.bam"
    subprocess.run(["samtools", "import", "-0", str(reads["folder"] / "R1.fastq.gz"), "-o", str(single)],
                   check=True, capture_output=True)  # fmt: skip
    head = head_verdict(str(single), str(reads["fasta"]))
    assert (head["status"], head["read_pairs"], head["mean_length2"]) == ("ok", PAIRS, 0.0)
    with open(tmp_path / "log", "w") as log, bam_reads(str(single), "", str(tmp_path), 1, log, single=True) as (
        one, two, stream):  # fmt: skip
        assert two is None
        with open(one, "rb") as fh:
            assert fh.read().count(b"\n") == 4 * PAIRS
    assert (stream.verdict(head)["status"], stream.verdict(head)["read_pairs"]) == ("ok", PAIRS)
    whole = open(unaligned_bam(reads), "rb").read()
    truncated = tmp_path / "truncated.bam"
    truncated.write_bytes(whole[: len(whole) - 40])
    assert "not a complete BAM or CRAM" in head_verdict(str(truncated), str(reads["fasta"]))["reason"]
    text = tmp_path / "reads.bam.txt"
    text.write_text("not a bam\n")
    verdict = head_verdict(str(text), str(reads["fasta"]))
    assert verdict["status"] == "failed" and "\n" not in verdict["reason"]


def test_a_reader_that_stops_early_leaves_the_file_unjudged_until_it_is_read_alone(tmp_path, monkeypatch):
    """STAR failing must not make a good BAM look broken: samtools is stopped, then the file read alone."""
    from fusion_pipeline.align import bam_input

    monkeypatch.setattr(bam_input, "FINISH_SECONDS", 0)  # samtools is still at work when the reader has left
    pairs = 8000
    for mate in (1, 2):
        with gzip.open(tmp_path / f"R{mate}.fastq.gz", "wt") as fh:
            fh.write("".join(f"@q{i}\n{'ACGTTGCAAC' * 8}\n+\n{'I' * 80}\n" for i in range(pairs)))
    bam = str(tmp_path / "big.bam")
    subprocess.run(["samtools", "import", "-1", str(tmp_path / "R1.fastq.gz"), "-2", str(tmp_path / "R2.fastq.gz"),
                    "-o", bam], check=True, capture_output=True)  # fmt: skip
    head = head_verdict(bam, str(tmp_path / "none.fa"))
    with open(tmp_path / "log", "w") as log, bam_reads(bam, "", str(tmp_path), 1, log) as (_, _, stream):
        pass  # STAR failed before it read anything
    assert stream.verdict(head)["status"] == "stopped"
    monkeypatch.setattr(bam_input, "FINISH_SECONDS", 10)
    with open(tmp_path / "log", "w") as log:
        whole = whole_verdict(bam, "", str(tmp_path), 1, head, log)
    assert (whole["status"], whole["read_pairs"]) == ("ok", pairs)


def test_the_m5_checksum_is_read_in_windows(reads):
    import hashlib

    with pysam.FastaFile(str(reads["fasta"])) as fasta:
        whole = hashlib.md5(reads["contigs"]["c1"].encode()).hexdigest()
        assert _sequence_md5(fasta, "c1", 3000, window=128) == whole
