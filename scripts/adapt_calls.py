"""Snakemake entry point of rule adapt_calls: Arriba / STAR-Fusion output into the common fusion table (code: scripts/fusion_pipeline/call/adapt_calls.py)."""

from fusion_pipeline.call.adapt_calls import main
from fusion_pipeline.common.rulelog import run_rule

run_rule(main, snakemake)  # noqa: F821
