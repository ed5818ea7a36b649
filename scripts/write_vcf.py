"""Snakemake entry point of rule write_vcf: fusions.vcf.gz and its index (code: scripts/fusion_pipeline/report/write_vcf.py)."""

from fusion_pipeline.common.rulelog import run_rule
from fusion_pipeline.report.write_vcf import main

run_rule(main, snakemake)  # noqa: F821
