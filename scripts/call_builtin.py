"""Snakemake entry point of rule call_builtin: the built-in caller on STAR's chimeric output (code: scripts/fusion_pipeline/call/call_builtin.py)."""

from fusion_pipeline.call.call_builtin import main
from fusion_pipeline.common.rulelog import run_rule

run_rule(main, snakemake)  # noqa: F821
