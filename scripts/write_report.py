"""Snakemake entry point of rule write_report: report.json and report.html (code: scripts/report/sample_report.py)."""

from common.rulelog import run_rule
from report.sample_report import main

run_rule(main, snakemake)  # noqa: F821
