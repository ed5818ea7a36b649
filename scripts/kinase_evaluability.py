"""Snakemake entry point of rule kinase_evaluability: per-kinase wild-type depth and detection limit (code: scripts/fusion_pipeline/qc/kinase_evaluability.py)."""

from fusion_pipeline.common.rulelog import run_rule
from fusion_pipeline.qc.kinase_evaluability import main

run_rule(main, snakemake)  # noqa: F821
