"""Snakemake entry point of rule multiqc: one QC report of the run (code: scripts/fusion_pipeline/report/multiqc.py)."""

from fusion_pipeline.common.rulelog import run_rule
from fusion_pipeline.report.multiqc import main

run_rule(main, snakemake)  # noqa: F821
