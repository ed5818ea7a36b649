"""FASTQ pair check: the head before alignment (rule check_fastq), the rest in the alignment's pass.

The first records are parsed strictly (header, sequence, '+', quality of the
same length in '!'..'~' and Phred+33, Unix line ends, matching mate names);
the rest of each file is decompressed in blocks and its lines counted, which
also proves the gzip stream is complete (star_align does this while feeding
STAR, align/checked_reads.py). Mates must hold the same number of records.
Files compressed otherwise than with gzip are named as such.
"""

import gzip
import logging
import zlib

from fusion_pipeline.common.errors import InputError

STRICT_RECORDS = 10000
BLOCK = 1 << 20


# Other compressions a lab may send: named, so the message says what the file is.
MAGIC = {
    b"BZh": "bzip2",
    b"\xfd7zXZ\x00": "xz",
    b"\x28\xb5\x2f\xfd": "zstd",
    b"PK\x03\x04": "zip",
}


class EmptyFastq(InputError):
    """No reads at all: the sample is "empty" (not evaluable), not "failed"."""


def open_fastq(path: str):
    with open(path, "rb") as fh:
        magic = fh.read(6)
    if not magic:
        raise EmptyFastq(f"{path}: empty file (0 bytes), no reads")
    if magic[:2] == b"\x1f\x8b":
        return gzip.open(path, "rb")
    for prefix, kind in MAGIC.items():
        if magic.startswith(prefix):
            raise InputError(
                f"{path}: {kind}-compressed, but the pipeline reads gzip-compressed or plain FASTQ "
                "(decompress it, or recompress it with gzip)"
            )
    if path.endswith(".gz"):  # mislabelled, or not what the lab meant to send
        raise InputError(
            f"{path}: named .gz but not gzip-compressed (compress it with gzip, or drop the .gz)"
        )
    return open(path, "rb")


def mate_name(header: bytes) -> bytes:
    name = header[1:].split(maxsplit=1)[0] if len(header) > 1 else b""
    return name[:-2] if name.endswith((b"/1", b"/2")) else name


PRINTABLE = bytes(range(ord("!"), ord("~") + 1))


def _read_strict(fh, path: str, limit: int) -> tuple[list, int, int, set]:
    """Parse up to `limit` records; return (names, records, total bases, quality bytes seen)."""
    names, bases, seen = [], 0, set()
    while len(names) < limit:
        lines = [fh.readline() for _ in range(4)]
        if not lines[0]:
            break
        record = len(names) + 1
        if any(line.endswith(b"\r\n") for line in lines):
            raise InputError(f"{path}: Windows (CRLF) line endings in record {record}; convert with dos2unix")
        if not lines[3]:
            raise InputError(f"{path}: record {record} is incomplete (file ends mid-record)")
        header, seq, plus, qual = (line.rstrip(b"\n") for line in lines)
        if not header.startswith(b"@") or not plus.startswith(b"+"):
            raise InputError(f"{path}: record {record} is not FASTQ (expected '@' header and '+' line)")
        if not seq or len(seq) != len(qual):
            raise InputError(
                f"{path}: record {record} has sequence length {len(seq)} but quality length {len(qual)}"
            )
        outside = qual.translate(None, PRINTABLE)
        if outside:
            raise InputError(
                f"{path}: record {record} has a quality character outside '!'..'~' (byte 0x{outside[0]:02x})"
            )
        seen.update(qual)
        names.append(mate_name(header))
        bases += len(seq)
    return names, len(names), bases, seen


def _check_phred33(seen: set, path: str, records: int) -> None:
    """Refuse Phred+64: read as Phred+33 its bases look 31 points better and pass every quality filter.

    Phred+33 (Sanger, Illumina 1.8+) spans '!'..'J' (33-74), Phred+64 (Illumina 1.3-1.7) '@'..'h'
    (64-104). Some character above 'J' with none below '@' fits only Phred+64; all within '@'..'J'
    is read as (very good) Phred+33.
    """
    if not seen or min(seen) < 64 or max(seen) <= ord("J"):
        return
    raise InputError(
        f"{path}: Phred+64 base qualities detected ('{chr(min(seen))}'..'{chr(max(seen))}' in the first "
        f"{records} records, none below '@'); the pipeline needs Phred+33: convert with "
        "`seqtk seq -Q64 -V` or `reformat.sh qin=64 qout=33`"
    )


def _count_remaining_lines(fh, path: str) -> int:
    lines = 0
    while True:
        block = fh.read(BLOCK)
        if not block:
            return lines
        lines += block.count(b"\n")


def truncated_message(path: str, err: Exception) -> str:
    return f"{path}: truncated or corrupt gzip file ({err})"


def _head(fh, path: str) -> dict:
    names, strict, bases, seen = _read_strict(fh, path, STRICT_RECORDS)
    _check_phred33(seen, path, strict)  # refused before the rest is decompressed
    return {"names": names, "strict": strict, "mean_length": bases / strict if strict else 0.0}


def _lines_in_records(path: str, lines: int) -> int:
    if lines % 4:
        raise InputError(
            f"{path}: {lines % 4} trailing line(s) after the last complete record (truncated file?)"
        )
    return lines // 4


def scan_fastq(path: str, whole: bool = True) -> dict:
    """Check one FASTQ file (only its first STRICT_RECORDS records unless `whole`); names of the first
    records, mean read length and records (of the whole file, or those read)."""
    try:
        with open_fastq(path) as fh:
            head = _head(fh, path)
            lines = head["strict"] * 4 + (_count_remaining_lines(fh, path) if whole else 0)
    except (EOFError, gzip.BadGzipFile, zlib.error) as err:
        raise InputError(truncated_message(path, err)) from None
    except OSError as err:
        raise InputError(f"{path}: cannot be read ({err})") from None
    if head["strict"] == 0:
        raise EmptyFastq(f"{path}: no reads (empty FASTQ)")
    return {
        "names": head["names"],
        "records": _lines_in_records(path, lines),
        "mean_length": head["mean_length"],
    }


def _same_counts(fq1: str, fq2: str, records1: int, records2: int) -> None:
    if records1 != records2:
        raise InputError(f"{fq1} has {records1} records but {fq2} has {records2}: mates must pair up")


def check_pair(fq1: str, fq2: str | None, whole: bool = True) -> dict:
    """Both mates valid with matching names (and, when `whole`, equal record counts); without `fq2`
    (single-end reads) the one file valid."""
    if not fq2:
        one = scan_fastq(fq1, whole)
        return {"records": one["records"], "mean_length1": round(one["mean_length"], 1), "mean_length2": 0}
    one, two = scan_fastq(fq1, whole), scan_fastq(fq2, whole)
    for index, (a, b) in enumerate(zip(one["names"], two["names"]), start=1):
        if a != b:
            raise InputError(
                f"{fq1} / {fq2}: mate names differ at record {index} "
                f"('{a.decode(errors='replace')}' vs '{b.decode(errors='replace')}')"
            )
    if whole:
        _same_counts(fq1, fq2, one["records"], two["records"])
    return {
        "records": one["records"],
        "mean_length1": round(one["mean_length"], 1),
        "mean_length2": round(two["mean_length"], 1),
    }


CHECK_COLUMNS = ["sample", "fq1", "fq2", "read_pairs", "mean_length1", "mean_length2", "status", "reason"]


def failed_verdict(err: InputError) -> dict:
    # a 0-byte file is "empty" too: it holds no reads, like an empty gzip stream; whether a
    # transfer failed cannot be told from the file, and the reason asks for the reads either way
    status = "empty" if isinstance(err, EmptyFastq) else "failed"
    return {"read_pairs": 0, "mean_length1": 0, "mean_length2": 0, "status": status, "reason": str(err)}


def failed_counts(err: InputError) -> dict:
    """read_pairs, status and reason of an input found broken (or empty) in the pass that feeds the aligner."""
    failed = failed_verdict(err)
    return {k: failed[k] for k in ("read_pairs", "status", "reason")}


def verdict(fq1: str, fq2: str, whole: bool = True) -> dict:
    """The check as a verdict instead of an exception: status ok, empty (no reads) or failed (with the reason).

    A broken or empty input must not stop a run of many samples: the sample
    goes on as "not evaluable" (or "failed") with this reason in its report and
    the run summary, and its alignment uses no reads. Without `whole` only the
    files' first records are checked (rule check_fastq; the alignment counts the rest,
    align/checked_reads.py) and read_pairs is the records checked.
    """
    try:
        result = check_pair(fq1, fq2, whole)
    except InputError as err:
        return failed_verdict(err)
    return {"read_pairs": result["records"], "mean_length1": result["mean_length1"],
            "mean_length2": result["mean_length2"], "status": "ok", "reason": "."}  # fmt: skip


def pair_counts_verdict(fq1: str, fq2: str | None, line_counts: list) -> dict:
    """read_pairs (reads, single-end), status and reason from the files' whole line counts (the alignment's pass)."""
    try:
        records = [_lines_in_records(path, lines) for path, lines in zip((fq1, fq2), line_counts)]
        if records[0] == 0:
            raise EmptyFastq(f"{fq1}: no reads (empty FASTQ)")
        if fq2:
            _same_counts(fq1, fq2, *records)
    except InputError as err:
        return failed_counts(err)
    return {"read_pairs": records[0], "status": "ok", "reason": "."}


def announce(sample: str, result: dict) -> None:
    """One line on the console for a sample that will not be evaluable: the run goes on."""
    import sys

    if result["status"] == "ok":
        logging.info("ok: %d read pairs", result["read_pairs"])
        return
    message = f"WARNING: sample {sample} will not be evaluable: {result['reason']}"
    logging.warning(message)
    print(message, file=sys.__stderr__, flush=True)


def write_check(path: str, sample: str, fq1: str, fq2: str | None, result: dict) -> None:
    from fusion_pipeline.common.rulelog import atomic_write

    row = {"sample": sample, "fq1": fq1, "fq2": fq2 or ".", **result}
    with atomic_write(path) as out:
        out.write("\t".join(CHECK_COLUMNS) + "\n")
        out.write("\t".join(str(row[c]) for c in CHECK_COLUMNS) + "\n")


def main(snakemake) -> None:
    """Rule check_fastq: the head of each file (first records, names, encoding, UMIs) before alignment;
    star_align counts the rest in the pass that feeds STAR and writes the whole verdict. A BAM or CRAM
    is checked as align/bam_input.py says."""
    if snakemake.input.get("bam"):
        from fusion_pipeline.align.bam_input import head_verdict

        bam = snakemake.input.bam
        logging.info("checking %s and its first records", bam)
        given = None
        if snakemake.input.get("chimeric_junction"):  # STAR's alignment used as it is
            given = {"files": snakemake.input, "gtf": snakemake.input.gtf, "fai": snakemake.input.fai,
                     "arriba": snakemake.params.arriba}  # fmt: skip
        result = head_verdict(bam, snakemake.input.cram_reference, given)
        announce(snakemake.wildcards.sample, result)
        write_check(snakemake.output[0], snakemake.wildcards.sample, bam, ".", result)
        return
    fq1, fq2 = snakemake.input.fq1, snakemake.input.get("fq2")  # no fq2: single-end reads
    logging.info("checking the first %d records of %s%s", STRICT_RECORDS, fq1, f" and {fq2}" if fq2 else "")
    result = verdict(fq1, fq2, whole=False)
    if snakemake.params.get("umi"):  # targeted panels: the UMIs where umi.location says (align/umi_check.py)
        from fusion_pipeline.align.umi_check import umi_verdict

        result = umi_verdict(result, fq1, fq2, snakemake.params.umi)
    announce(snakemake.wildcards.sample, result)
    write_check(snakemake.output[0], snakemake.wildcards.sample, fq1, fq2, result)
