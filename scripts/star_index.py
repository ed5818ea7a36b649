"""Snakemake entry point of rule star_index: build the STAR index (code: scripts/reference/star_index.py)."""

from common.rulelog import run_rule
from reference.star_index import main

run_rule(main, snakemake)  # noqa: F821
