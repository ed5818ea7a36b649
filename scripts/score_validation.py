"""Snakemake entry point of rule score_validation: the run scored against its truth (code: scripts/fusion_pipeline/validate/score_validation.py)."""

from fusion_pipeline.common.rulelog import run_rule
from fusion_pipeline.validate.score_validation import main

run_rule(main, snakemake)  # noqa: F821
