"""Snakemake entry point of rule prepare_annotation: check FASTA and GTF, clip the GTF to the FASTA (code: scripts/fusion_pipeline/reference/prepare_annotation.py)."""

from fusion_pipeline.common.rulelog import run_rule
from fusion_pipeline.reference.prepare_annotation import main

run_rule(main, snakemake)  # noqa: F821
