"""Snakemake entry point of rule extract_umis: UMIs from the reads into their names (code: scripts/fusion_pipeline/align/extract_umis.py)."""

from fusion_pipeline.align.extract_umis import main
from fusion_pipeline.common.rulelog import run_rule

run_rule(main, snakemake)  # noqa: F821
