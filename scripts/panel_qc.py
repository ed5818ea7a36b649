"""Snakemake entry point of rule panel_qc: reads, molecules and on-target share per panel target (code: scripts/fusion_pipeline/qc/panel_qc.py)."""

from fusion_pipeline.common.rulelog import run_rule
from fusion_pipeline.qc.panel_qc import main

run_rule(main, snakemake)  # noqa: F821
