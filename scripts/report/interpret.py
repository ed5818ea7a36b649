"""Snakemake entry point: one sample's interpretation in one job.

Kinase annotation and tiers (kinase.py), resistance hotspots (resistance.py)
and the report (report.py) run together, sharing one parsed GTF, so a cohort
of thousands of samples keeps a small DAG and a short cluster queue. Writes
kinase_fusions.tsv, resistance.tsv, report.json and report.html.
"""

import json
import logging

import pysam

from common.fusion_table import read_table, write_table
from common.knowledge_base import load_hotspots, load_knowledge_base
from common.rulelog import atomic_write
from common.versions import caller_versions, read_version_file
from reference.kb_check import load_annotation, read_kb_check
from report.kinase import kinase_calls
from report.resistance import (
    GenotypeSettings,
    compare_with_previous,
    genotype_sample,
    resistance_table,
)
from report.sample_report import build_report, collect_versions, render_html, star_qc
from report.status import status_block


def main(snakemake) -> None:
    sample = snakemake.params.sample
    annotation = load_annotation(snakemake.input.gtf, snakemake.input.kb_check)
    clinical = read_kb_check(snakemake.input.kb_check)
    kb = load_knowledge_base(
        snakemake.input.kinases, snakemake.input.actionability, snakemake.input.tumour_types
    )
    hotspots = load_hotspots(snakemake.input.hotspots, kb.kinases["genes"])
    calls = read_table(snakemake.input.calls)

    tumour_type = sample.get("tumour_type") or None
    kinases = kinase_calls(calls, annotation, kb, clinical, snakemake.params.min_support, tumour_type)
    actionable = int((kinases["actionable"] == "yes").sum()) if len(kinases) else 0
    logging.info("%d kinase fusions, %d actionable", len(kinases), actionable)
    write_table(kinases, snakemake.output.kinase_calls)

    settings = GenotypeSettings.from_config(snakemake.params.resistance)
    with pysam.FastaFile(snakemake.input.fasta, filepath_index=snakemake.input.fai) as fasta:
        rows = genotype_sample(
            sample["sample"], kinases, snakemake.input.bam, fasta, annotation, hotspots, clinical, settings
        )
    previous = read_table(snakemake.input.previous) if snakemake.input.get("previous") else None
    resistance = resistance_table(compare_with_previous(rows, previous, snakemake.params.previous_sample))
    logging.info(
        "%d hotspots genotyped, %d mutations found", len(rows), int((resistance["status"] == "found").sum())
    )
    with atomic_write(snakemake.output.resistance) as out:
        resistance.to_csv(out, sep="\t", index=False)

    trend = read_table(snakemake.input.trend) if snakemake.input.get("trend") else None
    callers = list(snakemake.params.callers)
    tools = {"samtools": read_version_file(snakemake.input.samtools_version),
             **caller_versions(callers, {c: snakemake.input.get(f"version_{c}") for c in callers})}  # fmt: skip
    versions = collect_versions(snakemake.input.star_log, kb, hotspots, snakemake.params.fasta_name,
                                snakemake.params.gtf_name, tools)  # fmt: skip
    status = status_block(
        snakemake.input.metrics, snakemake.input.evaluability, len(kinases), snakemake.params.qc
    )
    logging.info("sample status: %s%s", status["sample_status"],
                 f" ({'; '.join(status['reasons'])})" if status["reasons"] else "")  # fmt: skip
    report = build_report(sample, kinases, calls, star_qc(snakemake.input.star_final), trend, versions, kb,
                          annotation, resistance, callers, status)  # fmt: skip
    with atomic_write(snakemake.output.json) as out:
        json.dump(report, out, indent=2)
    with atomic_write(snakemake.output.html) as out:
        out.write(render_html(report))
