"""Snakemake entry point of rule check_star_index: a prebuilt STAR index against the FASTA and GTF (code: scripts/fusion_pipeline/reference/check_star_index.py)."""

from fusion_pipeline.common.rulelog import run_rule
from fusion_pipeline.reference.check_star_index import main

run_rule(main, snakemake)  # noqa: F821
