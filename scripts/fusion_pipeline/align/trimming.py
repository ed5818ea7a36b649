"""fastp before STAR: adapter read-through, poly-G tails and too-short pairs removed.

fastp streams into STAR in the alignment job (align/trim_stream.py, align/star_align.py), beside
the FASTQ check. When fastp fails on an input the check finds broken (or without reads), its
report says 0 reads and why, STAR aligns nothing and the sample is reported "failed" / "not
evaluable" with the check's reason instead of stopping the run; a fastp failure on good input
stops the sample.
"""

import json
import shlex

EMPTY_REPORT = {"summary": {"before_filtering": {"total_reads": 0}, "after_filtering": {"total_reads": 0}}}


def fastp_command(fq1, fq2, out1, out2, json_path, html_path, options: str, threads: int, title: str,
                  compress: bool = True, interleaved: bool = True) -> list:  # fmt: skip
    """fastp on a pair; `compress=False` writes plain FASTQ (into the pipes STAR reads, align/trim_stream.py).
    Without `fq1`, fastp reads both mates in turn from its standard input (a BAM's reads, align/bam_input.py),
    or without `interleaved` single-end reads."""
    stdin = ["--stdin", *(["--interleaved_in"] if interleaved else [])]
    reads = ["-i", fq1, *(["-I", fq2] if fq2 else [])] if fq1 is not None else stdin
    return ["fastp", *reads, "-o", out1, *(["-O", out2] if out2 else []), *shlex.split(options), "-w", str(threads),
            *(["-z", "1"] if compress else []), "-j", json_path, "-h", html_path,
            "--report_title", title]  # fmt: skip


def write_empty_report(json_path: str, html_path: str, reason: str) -> None:
    """fastp's reports of a sample whose input failed its check: 0 reads, and why."""
    with open(json_path, "w") as fh:
        json.dump({**EMPTY_REPORT, "not_trimmed": reason}, fh)
    with open(html_path, "w") as fh:
        fh.write(f"<html><body><p>Not trimmed: {reason}</p></body></html>\n")
