"""Snakemake entry point of rule write_report: report.json and report.html (code: scripts/fusion_pipeline/report/write_report.py)."""

from fusion_pipeline.common.rulelog import run_rule
from fusion_pipeline.report.write_report import main

run_rule(main, snakemake)  # noqa: F821
