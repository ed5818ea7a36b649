"""Snakemake entry point of rule interpret: kinase annotation, resistance hotspots and the sample report (code: scripts/report/interpret.py)."""

from common.rulelog import run_rule
from report.interpret import main

run_rule(main, snakemake)  # noqa: F821
