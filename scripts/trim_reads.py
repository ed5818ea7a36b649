"""Snakemake entry point of rule trim_reads: fastp before STAR (code: scripts/align/trimming.py)."""

from align.trimming import main
from common.rulelog import run_rule

run_rule(main, snakemake)  # noqa: F821
