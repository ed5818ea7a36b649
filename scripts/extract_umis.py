"""Snakemake entry point of rule extract_umis: UMIs from the reads into their names (code: scripts/align/umi_extract.py)."""

from align.umi_extract import main
from common.rulelog import run_rule

run_rule(main, snakemake)  # noqa: F821
