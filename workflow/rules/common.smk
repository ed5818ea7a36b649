import os
import re
import sys

import pandas as pd

from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

sys.path.insert(0, os.path.join(workflow.basedir, "scripts"))

from samplesheet import InputError, read_sample_sheet, timepoint_order  # noqa: E402
from reference import star_mem_mb  # noqa: E402


def fail(message):
    """Stop before any job runs with one line naming the bad input."""
    sys.exit(f"ERROR: {message}")


def validated_config(config):
    try:
        validate(config, "../schemas/config.schema.yaml")
    except WorkflowError as err:
        detail = str(err).split("\n")
        reason = next(
            (line for line in detail if line.strip() and "Error validating" not in line), detail[0]
        )
        fail(f"configuration: {reason.strip()}")
    for key in ("fasta", "gtf"):
        path = config["reference"][key]
        if not os.path.isfile(path):
            fail(f"configuration: reference.{key} file not found: {path}")
    return config


config = validated_config(config)
OUTDIR = config["outdir"].rstrip("/")

try:
    SAMPLE_ROWS = read_sample_sheet(config["samples"])
except InputError as err:
    fail(err)

try:  # the schema documents the sheet; read_sample_sheet already gave precise errors
    validate(pd.DataFrame(SAMPLE_ROWS), "../schemas/samples.schema.yaml")
except WorkflowError as err:
    fail(f"sample sheet {config['samples']}: {str(err).splitlines()[0]}")

SAMPLES = {row["sample"]: row for row in SAMPLE_ROWS}
PATIENT_SAMPLES = timepoint_order(SAMPLE_ROWS)


wildcard_constraints:
    sample="|".join(re.escape(s) for s in SAMPLES),


def get_fastqs(wildcards):
    row = SAMPLES[wildcards.sample]
    return {"fq1": row["fq1"], "fq2": row["fq2"]}


def rule_resources(rule_name, key, default=None):
    """threads / mem_mb / runtime for a rule from config, then config default."""
    table = config.get("resources", {})
    for section in (rule_name, "default"):
        value = table.get(section, {}).get(key)
        if value is not None:
            return value
    return default


def star_memory(rule_name):
    """Configured mem_mb of a STAR rule, else derived from the genome size."""
    configured = config.get("resources", {}).get(rule_name, {}).get("mem_mb")
    return configured or star_mem_mb(os.path.getsize(config["reference"]["fasta"]))


def final_outputs():
    outputs = []
    for sample in SAMPLES:
        outputs += [
            f"{OUTDIR}/{sample}/star/Aligned.sortedByCoord.out.bam.bai",
            f"{OUTDIR}/{sample}/star/Chimeric.out.junction",
        ]
    return outputs
