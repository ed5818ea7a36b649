"""Snakemake entry point of rule check_fastq: FASTQ pair checks (code: scripts/fusion_pipeline/align/check_fastq.py)."""

from fusion_pipeline.align.check_fastq import main
from fusion_pipeline.common.rulelog import run_rule

run_rule(main, snakemake)  # noqa: F821
