"""Snakemake entry point of rule check_star_index: a prebuilt STAR index against the FASTA and GTF (code: scripts/reference/star_index.py)."""

from common.rulelog import run_rule
from reference.star_index import check_main

run_rule(check_main, snakemake)  # noqa: F821
