"""Snakemake entry point of rule run_summary: one row per sample (code: scripts/report/summary.py)."""

from common.rulelog import run_rule
from report.summary import main

run_rule(main, snakemake)  # noqa: F821
