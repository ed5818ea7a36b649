"""Snakemake entry point of rule merge_calls: every caller's calls in one table, judged as one (code: scripts/fusion_pipeline/call/merge_calls.py)."""

from fusion_pipeline.call.merge_calls import main
from fusion_pipeline.common.rulelog import run_rule

run_rule(main, snakemake)  # noqa: F821
