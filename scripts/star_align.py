"""Snakemake entry point of rule star_align: STAR alignment and BAM index (code: scripts/fusion_pipeline/align/star_align.py)."""

from fusion_pipeline.align.star_align import main
from fusion_pipeline.common.rulelog import run_rule

run_rule(main, snakemake)  # noqa: F821
