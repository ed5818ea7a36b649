"""Snakemake entry point of rule score_validation: the run scored against its truth (code: scripts/validation/report.py)."""

from validation.report import main

from common.rulelog import run_rule

run_rule(main, snakemake)  # noqa: F821
