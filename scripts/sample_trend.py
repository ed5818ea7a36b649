"""Snakemake entry point of rule sample_trend: the patient's fusions up to this sample's timepoint (code: scripts/abundance/trend.py)."""

from abundance.trend import main
from common.rulelog import run_rule

run_rule(main, snakemake)  # noqa: F821
