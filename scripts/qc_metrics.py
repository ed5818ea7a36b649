"""Snakemake entry point of rule qc_metrics: QC metrics and gate failures of one sample (code: scripts/qc/metrics.py)."""

from qc.metrics import main

from common.rulelog import run_rule

run_rule(main, snakemake)  # noqa: F821
