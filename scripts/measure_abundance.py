"""Snakemake entry point of rule measure_abundance: merged calls and their abundance (fusions.tsv) (code: scripts/fusion_pipeline/abundance/measure_abundance.py)."""

from fusion_pipeline.abundance.measure_abundance import main
from fusion_pipeline.common.rulelog import run_rule

run_rule(main, snakemake)  # noqa: F821
