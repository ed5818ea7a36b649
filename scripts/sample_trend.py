"""Snakemake entry point of rule sample_trend: the patient's fusions up to this sample's timepoint (code: scripts/fusion_pipeline/abundance/sample_trend.py)."""

from fusion_pipeline.abundance.sample_trend import main
from fusion_pipeline.common.rulelog import run_rule

run_rule(main, snakemake)  # noqa: F821
