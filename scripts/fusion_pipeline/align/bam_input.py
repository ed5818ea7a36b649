"""Reads from a BAM or CRAM (sample sheet column `bam`), re-aligned with STAR (issue 28).

A lab's BAM from its expression pipeline, or a CRAM archive, holds the reads; they are taken out
again with `samtools collate` (mates together, out of coordinate order, which STAR's BAM sorting
needs: reads in locus order put every alignment into one sorting bin) and `samtools fastq`
(primary reads only, in their sequenced orientation), streamed into STAR, or into fastp when
trimming, through named pipes: no FASTQ is written to disk.

Before any alignment (rule check_fastq) the file's head is checked: a readable BAM or CRAM whose
end is intact (`samtools quickcheck`); a CRAM decoded with the FASTA it was written against (every
@SQ of its header with an M5 checksum must match that FASTA's sequence); paired reads with
qualities. What the head cannot show (a mate missing further on, a file broken in the middle) is
found in the pass that feeds STAR, and fails the sample's verdict as a broken FASTQ would.
"""

import hashlib
import logging
import os
import re
import shlex
import shutil
import subprocess
import tempfile
from contextlib import contextmanager

from fusion_pipeline.common.errors import InputError
from fusion_pipeline.common.input_verdict import single_end

HEAD_RECORDS = 10000
FINISH_SECONDS = 10  # samtools has ended this long after a reader took every read
CRAM_MAGIC = b"CRAM"
# htslib looks a CRAM's reference up at the EBI by default when it lacks one: never at run time here.
os.environ.setdefault("REF_PATH", os.path.join(tempfile.gettempdir(), "no-reference-download", "%s"))


def is_cram(path: str) -> bool:
    with open(path, "rb") as fh:
        return fh.read(4) == CRAM_MAGIC


def reference_args(path: str, reference: str) -> list:
    """samtools' --reference for a CRAM; nothing for a BAM."""
    return ["--reference", reference] if is_cram(path) else []


def _quickcheck(path: str) -> None:
    """samtools quickcheck as pysam ships it (rule check_fastq's environment has pysam, not samtools)."""
    import pysam

    try:
        pysam.quickcheck("-u", path)
    except pysam.SamtoolsError:
        raise InputError(f"{path}: not a complete BAM or CRAM (samtools quickcheck: missing end-of-file "
                         "block, or not BAM/CRAM at all)") from None  # fmt: skip


def check_cram_reference(path: str, header: dict, reference: str) -> None:
    """Every @SQ with an M5 checksum in the CRAM header must be that sequence of `reference`."""
    import pysam

    with pysam.FastaFile(reference) as fasta:
        lengths = dict(zip(fasta.references, fasta.lengths))
        for sq in header.get("SQ", []):
            name, m5 = sq.get("SN"), sq.get("M5")
            if name not in lengths:
                raise InputError(f"{path}: its contig {name} is not in {reference}; give the FASTA the CRAM was "
                                 "written against in the sheet's cram_reference column")  # fmt: skip
            if sq.get("LN") not in (None, lengths[name]):
                raise InputError(f"{path}: contig {name} is {sq['LN']} bp in the CRAM but {lengths[name]} bp in "
                                 f"{reference}: the CRAM was written against another reference")  # fmt: skip
            if m5 and _sequence_md5(fasta, name, lengths[name]) != m5.lower():
                raise InputError(f"{path}: contig {name} differs from {reference} (M5 checksum): the CRAM was "
                                 "written against another reference; give that FASTA in cram_reference")  # fmt: skip


def _sequence_md5(fasta, name: str, length: int, window: int = 8 << 20) -> str:
    """The SAM M5 of a contig (MD5 of its upper-case sequence), read in windows: a whole GRCh38
    chromosome in memory would be 250 MB held three times."""
    digest = hashlib.md5()
    for start in range(0, length, window):
        digest.update(fasta.fetch(name, start, min(length, start + window)).upper().encode())
    return digest.hexdigest()


def head_verdict(path: str, reference: str, given: dict | None = None) -> dict:
    """The verdict of the file's head, in the columns of check_fastq's (read_pairs: pairs in the head). With
    `given` (files, gtf, arriba), a STAR alignment used as it is: align/given_alignment.py's checks, and
    read_pairs from its Log.final.out."""
    import pysam

    from fusion_pipeline.align.check_fastq import EmptyFastq, failed_verdict

    try:
        _quickcheck(path)
        cram = is_cram(path)
        with pysam.AlignmentFile(path, "rc" if cram else "rb", reference_filename=reference if cram else None,
                                 check_sq=False) as bam:  # fmt: skip
            if cram:
                check_cram_reference(path, bam.header.to_dict(), reference)
            given_pairs = None
            if given:
                from fusion_pipeline.align.given_alignment import check_given

                given_pairs = check_given(path, bam.header.to_dict(), reference, **given)
            lengths, paired, records = {1: [], 2: []}, 0, 0
            for read in bam.fetch(until_eof=True):
                if read.is_secondary or read.is_supplementary:
                    continue
                records += 1
                if read.query_qualities is None and read.query_length:
                    raise InputError(f"{path}: read {read.query_name} has no base qualities ('*')")
                paired += read.is_paired
                mate = 2 if read.is_paired and read.is_read2 else 1
                lengths[mate].append(read.infer_read_length() or read.query_length)
                if records >= HEAD_RECORDS:
                    break
    except InputError as err:
        return failed_verdict(err)
    except (OSError, ValueError) as err:
        return failed_verdict(InputError(f"{path}: cannot be read as BAM/CRAM ({err})"))
    if records == 0:
        return failed_verdict(EmptyFastq(f"{path}: no reads"))
    if 0 < paired < records:
        return failed_verdict(
            InputError(f"{path}: paired and single-end reads mixed in its first {records} reads")
        )
    mean = {m: round(sum(v) / len(v), 1) if v else 0.0 for m, v in lengths.items()}
    # single-end reads: mean_length2 0, as for a FASTQ without fq2 (star_align aligns them as such)
    pairs = given_pairs if given_pairs is not None else (paired // 2 if paired else records)
    return {
        "read_pairs": pairs,
        "mean_length1": mean[1],
        "mean_length2": mean[2],
        "status": "ok",
        "reason": ".",
    }


class BamReads:
    """samtools collate | samtools fastq, running; the verdict of the whole file once it has ended."""

    def __init__(self, path: str, reference: str, workdir: str, threads: int, outputs: list, log,
                 single: bool = False):  # fmt: skip
        self.path, self.single = path, single
        self.singletons, self.others = (os.path.join(workdir, n) for n in ("singletons.fastq", "other.fastq"))
        self.errors = {tool: os.path.join(workdir, f"{tool}.err") for tool in ("collate", "fastq")}
        collate = ["samtools", "collate", "-u", "-O", "-@", str(threads), *reference_args(path, reference), path,
                   os.path.join(workdir, "collate")]  # fmt: skip
        # single-end: the reads (neither read 1 nor read 2) are the output; paired: such reads are counted
        others = [] if single else ["-0", self.others]
        fastq = ["samtools", "fastq", "-n", "-s", self.singletons, *others, *outputs, "-"]
        logging.info("running: %s | %s", shlex.join(collate), shlex.join(fastq))
        log.flush()
        with open(self.errors["collate"], "w") as collate_log, open(self.errors["fastq"], "w") as fastq_log:
            self.collate = subprocess.Popen(collate, stdout=subprocess.PIPE, stderr=collate_log)
            self.fastq = subprocess.Popen(fastq, stdin=self.collate.stdout, stderr=fastq_log,
                                          stdout=subprocess.DEVNULL if outputs else subprocess.PIPE)  # fmt: skip
        self.collate.stdout.close()  # fastq holds it: collate sees a closed pipe if fastq dies
        self.stdout = self.fastq.stdout
        self.ended: dict = {}

    def finish(self) -> None:
        """Wait for samtools and keep what the verdict needs (the work folder is removed after).

        A reader that read to the end leaves samtools done; one that stopped early (STAR or fastp
        failed) leaves it running, and it is stopped rather than made to decode the rest: the
        verdict is then `stopped`, and star_align reads the file once more to judge it."""
        for tool, process in (("fastq", self.fastq), ("collate", self.collate)):
            try:
                process.wait(timeout=FINISH_SECONDS)
            except subprocess.TimeoutExpired:
                process.terminate()
                process.wait()
            with open(self.errors[tool]) as fh:
                self.ended[tool] = (process.returncode, fh.read())
        if self.stdout is not None:
            self.stdout.close()
        self.ended["unpaired"] = _records(self.singletons) + _records(self.others)

    @property
    def stopped(self) -> bool:
        """samtools was stopped before the end (the reader left early): the file is not judged."""
        return any(self.ended[tool][0] < 0 for tool in ("collate", "fastq"))

    def verdict(self, head: dict) -> dict:
        """`head` with the read pairs of the whole file, or failed with the first problem found."""
        from fusion_pipeline.align.check_fastq import EmptyFastq, failed_counts

        def failed(err):
            return {**head, **failed_counts(err)}

        if self.stopped:
            return {
                **head,
                "read_pairs": 0,
                "status": "stopped",
                "reason": f"{self.path}: not read to its end",
            }
        for tool in ("collate", "fastq"):
            code, text = self.ended[tool]
            if code != 0:
                lines = [line.strip() for line in text.splitlines() if line.strip()]
                why = lines[-1] if lines else f"exit code {code}"
                return failed(
                    InputError(f"{self.path}: could not be read to its end (samtools {tool}: {why})")
                )
        if self.ended["unpaired"]:
            return failed(InputError(
                f"{self.path}: {self.ended['unpaired']} reads without their mate (a BAM of part of the reads, "
                "filtered by read?); give the whole paired BAM"))  # fmt: skip
        processed = re.search(r"processed (\d+) reads", self.ended["fastq"][1])
        pairs = (int(processed.group(1)) // (1 if self.single else 2)) if processed else 0
        if pairs == 0:
            return failed(EmptyFastq(f"{self.path}: no reads"))
        return {**head, "read_pairs": pairs, "status": "ok", "reason": "."}


def whole_verdict(path: str, reference: str, workdir: str, threads: int, head: dict, log) -> dict:
    """The verdict of the whole file from a pass of samtools alone (after the aligner stopped early)."""
    with bam_reads(path, reference, workdir, threads, log, interleaved=True, single=single_end(head)) as (
        _,
        _,
        reads,
    ):
        with open(os.devnull, "wb") as sink:
            shutil.copyfileobj(reads.stdout, sink)
    return reads.verdict(head)


def _records(path: str) -> int:
    if not os.path.exists(path):
        return 0
    with open(path, "rb") as fh:
        return sum(block.count(b"\n") for block in iter(lambda: fh.read(1 << 20), b"")) // 4


@contextmanager
def bam_reads(path: str, reference: str, workdir: str, threads: int, log, interleaved: bool = False,
              single: bool = False):  # fmt: skip
    """Yield (reads1, reads2, BamReads): FIFOs of the mates for STAR (reads2 None for single-end reads), or
    with `interleaved` (None, None, BamReads) whose `stdout` gives the reads, both mates in turn when paired
    (for fastp --stdin).

    Leave the block once the reader is done; BamReads.verdict then covers the whole file. Two pipes
    straight from samtools could deadlock against STAR reading the mates in step (see
    align/trim_stream.py), so each mate passes the relay fastp's outputs pass; one stream cannot.
    """
    from fusion_pipeline.align.trim_stream import PairRelay, unblock_fifo

    folder = tempfile.mkdtemp(dir=workdir, prefix=".bam_reads_")
    written, read, outputs = [], [], []
    if single and not interleaved:
        read = [os.path.join(folder, "R1.fastq")]
        outputs = ["-0", read[0]]
    elif not interleaved:
        written = [os.path.join(folder, f"samtools_R{i}.fastq") for i in (1, 2)]
        read = [os.path.join(folder, f"R{i}.fastq") for i in (1, 2)]
        outputs = ["-1", written[0], "-2", written[1]]
    for fifo in written + read:
        os.mkfifo(fifo)
    reads = BamReads(path, reference, folder, threads, outputs, log, single=single)
    relay = None
    try:
        if written:
            relay = PairRelay(written, read)
        if interleaved:
            yield None, None, reads
        else:
            yield read[0], read[1] if len(read) > 1 else None, reads
    finally:
        for fifo in written + read:  # unblock a relay end, or samtools, whose peer never opened its side
            unblock_fifo(fifo)
        reads.finish()
        if relay is not None:
            relay.join(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)
