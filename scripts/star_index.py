"""Snakemake entry point of rule star_index: build the STAR index (code: scripts/fusion_pipeline/reference/star_index.py)."""

from fusion_pipeline.common.rulelog import run_rule
from fusion_pipeline.reference.star_index import main

run_rule(main, snakemake)  # noqa: F821
