"""Snakemake entry point of rule check_fastq: FASTQ pair checks (code: scripts/align/fastq_check.py)."""

from align.fastq_check import main
from common.rulelog import run_rule

run_rule(main, snakemake)  # noqa: F821
