"""UMIs at the start of a read moved into the read name with `umi_tools extract` (targeted panels).

umi_tools appends `_<UMI>` to both mates' names, where common/molecules.py
reads it (the text after the last '_'), and removes the UMI bases from the
read so that STAR aligns only cDNA.
"""

import logging
import shlex
import subprocess

from fusion_pipeline.common.errors import ToolError


def extract_command(fq1: str, fq2: str, out1: str, out2: str, location: str, length: int) -> list:
    pattern = "N" * length
    option = "--bc-pattern" if location == "read1_prefix" else "--bc-pattern2"
    return [
        "umi_tools", "extract", "--extract-method=string", f"{option}={pattern}",
        "-I", fq1, f"--read2-in={fq2}", "-S", out1, f"--read2-out={out2}",
    ]  # fmt: skip


def main(snakemake) -> None:
    import gzip
    import sys

    from fusion_pipeline.align.check_fastq import verdict

    umi, out = snakemake.params.umi, snakemake.output
    command = extract_command(snakemake.input.fq1, snakemake.input.fq2, out.fq1, out.fq2, umi["location"],
                              umi["length"])  # fmt: skip
    logging.info("running: %s", shlex.join(command))
    sys.stderr.flush()
    result = subprocess.run(command, stdout=sys.stderr, stderr=sys.stderr)
    if result.returncode != 0:
        check = verdict(snakemake.input.fq1, snakemake.input.fq2)
        if check["status"] != "ok":  # the sample is reported not evaluable with check_fastq's reason
            logging.warning("UMIs not extracted (%s): %s", check["status"], check["reason"])
            for path in (out.fq1, out.fq2):
                gzip.open(path, "wb").close()
            return
        raise ToolError(
            f"umi_tools extract failed on sample {snakemake.wildcards.sample} (exit code {result.returncode}); "
            "see its log"
        )
