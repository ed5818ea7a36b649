"""Snakemake entry point of rule kb_check: clinical transcripts proven by translation (code: scripts/fusion_pipeline/reference/kb_check.py)."""

from fusion_pipeline.common.rulelog import run_rule
from fusion_pipeline.reference.kb_check import main

run_rule(main, snakemake)  # noqa: F821
