"""fastp before STAR: adapter read-through, poly-G tails and too-short pairs removed.

fastp runs beside the FASTQ check, not after it. When fastp fails, the check
is run here: if the input is broken (or has no reads) the trimmed files are
empty and the fastp report says 0 reads, so STAR aligns nothing and the sample
is reported "failed" / "not evaluable" with the check's reason instead of
stopping the run; a fastp failure on good input stops the sample.
"""

import gzip
import json
import logging
import shlex
import subprocess

from common.errors import ToolError

EMPTY_REPORT = {"summary": {"before_filtering": {"total_reads": 0}, "after_filtering": {"total_reads": 0}}}


def fastp_command(fq1, fq2, out1, out2, json_path, html_path, options: str, threads: int, title: str) -> list:
    return ["fastp", "-i", fq1, "-I", fq2, "-o", out1, "-O", out2, *shlex.split(options), "-w", str(threads),
            "-z", "1", "-j", json_path, "-h", html_path, "--report_title", title]  # fmt: skip


def write_empty(out1: str, out2: str, json_path: str, html_path: str, reason: str) -> None:
    for path in (out1, out2):
        with gzip.open(path, "wb"):
            pass
    with open(json_path, "w") as fh:
        json.dump({**EMPTY_REPORT, "not_trimmed": reason}, fh)
    with open(html_path, "w") as fh:
        fh.write(f"<html><body><p>Not trimmed: {reason}</p></body></html>\n")


def main(snakemake) -> None:
    import sys

    from align.fastq_check import verdict

    out = snakemake.output
    command = fastp_command(snakemake.input.fq1, snakemake.input.fq2, out.fq1, out.fq2, out.json, out.html,
                            snakemake.params.options, snakemake.threads, snakemake.wildcards.sample)  # fmt: skip
    logging.info("running: %s", shlex.join(command))
    sys.stderr.flush()
    result = subprocess.run(command, stdout=sys.stderr, stderr=sys.stderr)
    if result.returncode != 0:
        check = verdict(snakemake.input.fq1, snakemake.input.fq2)
        if check["status"] != "ok":
            logging.warning("not trimmed (%s): %s", check["status"], check["reason"])
            write_empty(out.fq1, out.fq2, out.json, out.html, check["reason"])
            return
        raise ToolError(
            f"fastp failed on sample {snakemake.wildcards.sample} (exit code {result.returncode}); see its log"
        )
