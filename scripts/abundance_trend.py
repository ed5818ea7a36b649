"""Snakemake entry point of rule abundance_trend: a patient's fusions across timepoints (code: scripts/fusion_pipeline/abundance/abundance_trend.py)."""

from fusion_pipeline.abundance.abundance_trend import main
from fusion_pipeline.common.rulelog import run_rule

run_rule(main, snakemake)  # noqa: F821
