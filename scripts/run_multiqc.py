"""Snakemake entry point of rule multiqc: one QC report of the run (code: scripts/report/multiqc_report.py)."""

from common.rulelog import run_rule
from report.multiqc_report import main

run_rule(main, snakemake)  # noqa: F821
