"""Snakemake entry point of rule prepare_annotation: check FASTA and GTF, clip the GTF to the FASTA (code: scripts/reference/star_index.py)."""

from common.rulelog import run_rule
from reference.star_index import prepare_main

run_rule(prepare_main, snakemake)  # noqa: F821
