"""Snakemake entry point of rule measure_abundance: merged calls and their abundance (fusions.tsv) (code: scripts/abundance/measure.py)."""

from abundance.measure import main
from common.rulelog import run_rule

run_rule(main, snakemake)  # noqa: F821
