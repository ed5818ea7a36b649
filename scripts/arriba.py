"""Snakemake entry point of rule arriba: Arriba on the STAR BAM, zero calls for a sample without chimeric reads (code: scripts/fusion_pipeline/call/arriba.py)."""

from fusion_pipeline.call.arriba import main
from fusion_pipeline.common.rulelog import run_rule

run_rule(main, snakemake)  # noqa: F821
