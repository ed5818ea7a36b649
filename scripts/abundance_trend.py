"""Snakemake entry point of rule abundance_trend: a patient's fusions across timepoints (code: scripts/abundance/trend.py)."""

from abundance.trend import main
from common.rulelog import run_rule

run_rule(main, snakemake)  # noqa: F821
