"""Snakemake entry point of rule star_align: STAR alignment and BAM index (code: scripts/align/star_align.py)."""

from align.star_align import main
from common.rulelog import run_rule

run_rule(main, snakemake)  # noqa: F821
