"""Snakemake entry point of rule kinase_evaluability: per-kinase wild-type depth and detection limit (code: scripts/qc/evaluability.py)."""

from qc.evaluability import main

from common.rulelog import run_rule

run_rule(main, snakemake)  # noqa: F821
