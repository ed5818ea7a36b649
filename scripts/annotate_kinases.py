"""Snakemake entry point of rule annotate_kinases: kinase_fusions.tsv of the sample's whitelisted fusions (code: scripts/report/kinase.py)."""

from common.rulelog import run_rule
from report.kinase import main

run_rule(main, snakemake)  # noqa: F821
