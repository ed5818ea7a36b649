"""Snakemake entry point of rule qc_metrics: QC metrics and gate failures of one sample (code: scripts/fusion_pipeline/qc/qc_metrics.py)."""

from fusion_pipeline.common.rulelog import run_rule
from fusion_pipeline.qc.qc_metrics import main

run_rule(main, snakemake)  # noqa: F821
