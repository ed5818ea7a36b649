"""Snakemake entry point of rule genotype_resistance: resistance hotspots genotyped from the BAM (code: scripts/fusion_pipeline/interpret/genotype_resistance.py)."""

from fusion_pipeline.common.rulelog import run_rule
from fusion_pipeline.interpret.genotype_resistance import main

run_rule(main, snakemake)  # noqa: F821
