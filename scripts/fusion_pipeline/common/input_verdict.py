"""The input check's verdict (`{sample}/qc/fastq_check.tsv`), read by every step that interprets.

Rule check_fastq proves each file's head before alignment; star_align checks the rest in the pass
that feeds STAR and writes this verdict. An input broken further on is aligned from the reads it had,
so every step that turns reads into a clinical statement (fusions.tsv, kinase_fusions.tsv, the report)
waits for the verdict and states nothing from an input that failed it.
"""


def read_verdict(path: str) -> dict:
    """The row of a fastq_check.tsv (status ok / empty / failed, and the reason)."""
    with open(path) as fh:
        header, row = fh.readline().rstrip("\n").split("\t"), fh.readline().rstrip("\n").split("\t")
    values = dict(zip(header, row))
    values.setdefault("status", "ok")
    return values


def input_failure(verdict: dict) -> str | None:
    """'failed: <reason>' or 'empty: <reason>' for an input that did not pass; None when it did."""
    if verdict.get("status", "ok") == "ok":
        return None
    return f"{verdict['status']}: {verdict.get('reason', '.')}"


def single_end(verdict: dict) -> bool:
    """The input passed its check as single-end reads (no read 2: FASTQ without fq2, or a BAM without
    read 1 / read 2 flags; mean_length2 is 0)."""
    from fusion_pipeline.common.cells import cell_float

    return verdict.get("status", "ok") == "ok" and (cell_float(verdict.get("mean_length2")) or 0) == 0
