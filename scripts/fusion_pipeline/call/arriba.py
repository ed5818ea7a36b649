"""Arriba on one sample's BAM, robust to samples without any chimeric read.

Arriba 2.5.1 exits with code 1 and writes nothing when the BAM holds no split
read or discordant mate at all ("no split reads or discordant mates found"):
for a fusion-free sample that is a result (zero calls), so it becomes a
header-only fusions.tsv. The outcome is decided on that message, never on the
exit code alone: every other non-zero exit (e.g. "no normal reads found" on a
header-only BAM) is a failure that leaves no output behind.

Arriba writes into a temporary folder beside the outputs, renamed into place
only on success, so a killed run never leaves a complete-looking table.
"""

import enum
import logging
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

from fusion_pipeline.common.callers import REGISTRY
from fusion_pipeline.common.errors import ToolError

NO_CHIMERIC_READS = "no split reads or discordant mates found"
# The header of Arriba 2.5.1's fusions.tsv (fusions.discarded.tsv has the same columns).
ARRIBA_COLUMNS = [
    "#gene1", "gene2", "strand1(gene/fusion)", "strand2(gene/fusion)", "breakpoint1", "breakpoint2", "site1",
    "site2", "type", "split_reads1", "split_reads2", "discordant_mates", "coverage1", "coverage2", "confidence",
    "reading_frame", "tags", "retained_protein_domains", "closest_genomic_breakpoint1",
    "closest_genomic_breakpoint2", "gene_id1", "gene_id2", "transcript_id1", "transcript_id2", "direction1",
    "direction2", "filters", "fusion_transcript", "peptide_sequence", "read_identifiers",
]  # fmt: skip
DATABASE_FLAGS = (("blacklist", "-b"), ("known_fusions", "-k"), ("protein_domains", "-p"))


class Outcome(enum.Enum):
    CALLS = "calls"  # exit 0: Arriba's own tables
    NO_CHIMERIC_READS = "no chimeric reads"  # zero calls: header-only tables
    FAILED = "failed"


def build_command(bam: str, fasta: str, gtf: str, fusions: str, discarded: str, settings: dict) -> list:
    """arriba, found by name on PATH (inside its conda env with --sdm conda); no blacklist: `-f blacklist`."""
    command = ["arriba", "-x", bam, "-a", fasta, "-g", gtf, "-o", fusions, "-O", discarded]
    for key, flag in DATABASE_FLAGS:
        if settings.get(key):
            command += [flag, settings[key]]
    if not settings.get("blacklist"):
        command += ["-f", "blacklist"]
    return command + shlex.split(settings.get("extra") or "")


def classify(returncode: int, stderr: str, wrote_outputs: bool) -> Outcome:
    if returncode == 0:
        return Outcome.CALLS if wrote_outputs else Outcome.FAILED
    if NO_CHIMERIC_READS in stderr:
        return Outcome.NO_CHIMERIC_READS
    return Outcome.FAILED


def last_error_line(stderr: str, stdout: str = "") -> str:
    """Arriba's last error, without its 'ERROR: ' prefix (stdout when stderr is silent)."""
    for text in (stderr, stdout):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if lines:
            line = lines[-1]
            return line[line.find("ERROR:") + len("ERROR:") :].strip() if "ERROR:" in line else line
    return "no error message"


def failure_message(sample: str, returncode: int, stderr: str, stdout: str = "") -> str:
    if returncode == 0:
        return f"arriba on sample {sample} exited 0 but did not write fusions.tsv and fusions.discarded.tsv"
    code = f"killed by signal {-returncode}" if returncode < 0 else f"exit code {returncode}"
    return f"arriba failed on sample {sample} ({code}): {last_error_line(stderr, stdout)}"


def header_only_table() -> str:
    return "\t".join(ARRIBA_COLUMNS) + "\n"


def run_arriba(command: list, sample: str, log) -> subprocess.CompletedProcess:
    logging.info("running: %s", shlex.join(command))
    try:
        result = subprocess.run(command, capture_output=True, encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise ToolError(
            f"arriba not found on PATH (sample {sample}); install Arriba 2.5.1 or run with --sdm conda"
        ) from None
    # Arriba's progress, then its warnings and errors, marked as its own: the one line starting with
    # 'ERROR:' on the console (Snakemake echoes the log) is this runner's verdict
    for line in (result.stdout + "\n" + result.stderr).splitlines():
        if line.strip():
            log.write(f"arriba: {line}\n")
    log.flush()
    return result


def call_sample(bam, fasta, gtf, settings: dict, sample: str, outputs: dict, log) -> Outcome:
    """Run Arriba and put outputs['fusions'] and outputs['discarded'] in place, or raise ToolError."""
    workdir = tempfile.mkdtemp(
        dir=os.path.dirname(os.path.abspath(outputs["fusions"])), prefix=".tmp.arriba."
    )
    try:
        fusions, discarded = os.path.join(workdir, "fusions.tsv"), os.path.join(workdir, "discarded.tsv")
        result = run_arriba(build_command(bam, fasta, gtf, fusions, discarded, settings), sample, log)
        wrote = os.path.exists(fusions) and os.path.exists(discarded)
        outcome = classify(result.returncode, result.stderr, wrote)
        if outcome is Outcome.FAILED:
            raise ToolError(failure_message(sample, result.returncode, result.stderr, result.stdout))
        if outcome is Outcome.NO_CHIMERIC_READS:
            logging.info("no chimeric reads: 0 Arriba calls")
            for path in (fusions, discarded):
                with open(path, "w") as out:
                    out.write(header_only_table())
        os.replace(discarded, outputs["discarded"])
        os.replace(fusions, outputs["fusions"])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return outcome


def main(snakemake) -> None:
    from fusion_pipeline.common.rulelog import atomic_write
    from fusion_pipeline.common.versions import tool_version

    arriba = REGISTRY["arriba"]
    version = tool_version(arriba.version_command, arriba.version_pattern)
    logging.info("Arriba version %s", version)
    outputs = {"fusions": snakemake.output.fusions, "discarded": snakemake.output.discarded}
    call_sample(snakemake.input.bam, snakemake.input.fasta, snakemake.input.gtf, snakemake.params.settings,
                snakemake.wildcards.sample, outputs, sys.stderr)  # fmt: skip
    with atomic_write(snakemake.output.version) as out:
        out.write(version + "\n")
