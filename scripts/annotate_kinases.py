"""Snakemake entry point of rule annotate_kinases: kinase_fusions.tsv of the sample's whitelisted fusions (code: scripts/fusion_pipeline/interpret/annotate_kinases.py)."""

from fusion_pipeline.common.rulelog import run_rule
from fusion_pipeline.interpret.annotate_kinases import main

run_rule(main, snakemake)  # noqa: F821
