"""Snakemake entry point of rule adapt_calls: Arriba / STAR-Fusion output into the common fusion table (code: scripts/call/adapters.py)."""

from call.adapters import main
from common.rulelog import run_rule

run_rule(main, snakemake)  # noqa: F821
