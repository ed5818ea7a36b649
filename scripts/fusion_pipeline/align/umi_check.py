"""Targeted panels: the UMIs are where `umi.location` says, checked on the first reads before alignment.

A panel run counts molecules by the UMI of every read. Reads without one
(demultiplexed without the UMI settings, a whole-transcriptome library in a
panel run) used to be found only when the abundance step met the first such
read, after trimming and STAR, naming a read but neither the sample nor the
file, and the whole run then wrote no summary. Here the FASTQ check
(align/check_fastq.py) asks this module about the first CHECKED_RECORDS
records of the file that carries the UMI; a sample that fails gets the check's
`failed` verdict with this reason, like a corrupt FASTQ, so it is reported
failed and the other samples go on.

- `read_name`: the read name's first word (what STAR keeps) must end in a UMI
  after its last ':' or '_' (bcl-convert, `umi_tools extract`), ACGTN with
  '+' between the halves of a dual UMI; read 1's names are checked (the
  FASTQ check has already matched read 2's names to them);
- `read1_prefix` / `read2_prefix`: that read must be longer than
  `umi.length`, or `umi_tools extract` would leave nothing to align.

Standard library only: the check runs for every sample, and is cheap.
"""

from fusion_pipeline.common.errors import InputError
from fusion_pipeline.common.molecules import umi_from_name

CHECKED_RECORDS = 1000


def first_records(path: str, limit: int = CHECKED_RECORDS):
    """(number, name, sequence) of the first `limit` records; the name is the header's first word, /1 /2 cut.

    The file has passed the FASTQ check: records are whole.
    """
    from fusion_pipeline.align.check_fastq import mate_name, open_fastq

    with open_fastq(path) as fh:
        for number in range(1, limit + 1):
            header, seq = fh.readline(), fh.readline()
            fh.readline(), fh.readline()
            if not header:
                return
            name = mate_name(header.rstrip(b"\r\n")).decode(errors="replace")
            yield number, name, seq.rstrip(b"\r\n")


def umi_problem(fq1: str, fq2: str, umi: dict, limit: int = CHECKED_RECORDS) -> str | None:
    """Why the first reads lack the UMIs `umi` describes (one line naming the file and the read), or None."""
    location = umi.get("location", "read_name")
    if location == "read_name":
        for number, name, _ in first_records(fq1, limit):
            try:
                umi_from_name(name)
            except InputError:
                return (
                    f"{fq1}: read '{name}' (record {number}) has no UMI after the last ':' or '_' of its "
                    "name (assay targeted, umi.location read_name): demultiplex with the UMI in the read names "
                    "(bcl-convert's UMI settings, umi_tools extract), or set umi.location to where it is"
                )
        return None
    path, length = (fq1 if location == "read1_prefix" else fq2), int(umi["length"])
    for number, name, seq in first_records(path, limit):
        if len(seq) <= length:
            return (
                f"{path}: read '{name}' (record {number}) has {len(seq)} bases, not more than its "
                f"{length}-base UMI (umi.location {location}, umi.length {length})"
            )
    return None


def umi_verdict(result: dict, fq1: str, fq2: str, umi: dict) -> dict:
    """The FASTQ check's verdict, `failed` with the reason when its UMIs are missing (an `ok` one only)."""
    if result.get("status") != "ok":
        return result
    problem = umi_problem(fq1, fq2, umi)
    if problem is None:
        return result
    return {**result, "status": "failed", "reason": problem}
