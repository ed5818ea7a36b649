"""Snakemake entry point of rule draw_evidence: evidence.json, the reads behind each call (code: scripts/fusion_pipeline/report/draw_evidence.py)."""

from fusion_pipeline.common.rulelog import run_rule
from fusion_pipeline.report.draw_evidence import main

run_rule(main, snakemake)  # noqa: F821
