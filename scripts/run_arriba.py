"""Snakemake entry point of rule arriba: Arriba on the STAR BAM, zero calls for a sample without chimeric reads (code: scripts/call/arriba_runner.py)."""

from call.arriba_runner import main
from common.rulelog import run_rule

run_rule(main, snakemake)  # noqa: F821
