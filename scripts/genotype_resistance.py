"""Snakemake entry point of rule genotype_resistance: resistance hotspots genotyped from the BAM (code: scripts/report/resistance.py)."""

from common.rulelog import run_rule
from report.resistance import main

run_rule(main, snakemake)  # noqa: F821
