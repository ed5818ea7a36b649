"""Snakemake entry point of rule panel_qc: reads, molecules and on-target share per panel target (code: scripts/qc/panel.py)."""

from qc.panel import main

from common.rulelog import run_rule

run_rule(main, snakemake)  # noqa: F821
