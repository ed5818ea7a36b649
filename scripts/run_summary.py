"""Snakemake entry point of rule run_summary: one row per sample (code: scripts/fusion_pipeline/report/run_summary.py)."""

from fusion_pipeline.common.rulelog import run_rule
from fusion_pipeline.report.run_summary import main

run_rule(main, snakemake)  # noqa: F821
