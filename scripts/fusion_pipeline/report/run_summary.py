"""Run-level summary across samples: summary.tsv and summary.html (one row per sample)."""

import json
import os

import pandas as pd

from fusion_pipeline.common.callers import REGISTRY
from fusion_pipeline.report.write_report import html_environment

SUMMARY_COLUMNS = [
    "sample", "patient", "timepoint", "tumour_type", "finding", "fusion", "tier", "kinase", "abundance", "abundance_ci_low",
    "abundance_ci_high", "therapies", "resistance", "other_kinase_fusions", "read_pairs", "uniquely_mapped_pct", "chimeric_pct",
    "report", "callers", "versions", "status", "status_reasons",
]  # fmt: skip
MQC_HEADER = """# id: 'fusion_status'
# section_name: 'Fusion status and QC gates'
# description: 'Sample status (fusion detected / no fusion detected / not evaluable / failed) and the QC metrics its gates read (kinase-fusion pipeline).'
# plot_type: 'table'
"""
TOOLS = ("star", "samtools")  # always listed; the external callers run follow


def tool_versions(report: dict) -> str:
    """'star=2.7.10b;samtools=1.16.1;arriba=2.5.1': the tools behind this sample's calls ('unknown' if missing)."""
    versions = report.get("versions", {})
    callers = [c for c in report.get("callers", []) if c in REGISTRY and REGISTRY[c].version_command]
    return ";".join(f"{tool}={versions.get(tool, 'unknown')}" for tool in (*TOOLS, *callers))


def summary_row(report: dict, report_path: str, outdir: str) -> dict:
    fusions = report["kinase_fusions"]
    listed = [f for f in fusions if f["actionable"] == "yes"] or [
        f for f in fusions if f["actionable"] == "review"
    ]
    top = listed[0] if listed else None
    others = [f["fusion"] for f in fusions if f is not top]
    status = report.get("status", {})
    sample_status = status.get("sample_status", ".")
    if sample_status == "failed":  # nothing from a failed input is a finding, whatever it showed
        top, others = None, []
    finding = (
        FINDINGS[top["actionable"]]
        if top
        else {"no fusion detected": "none", "failed": "failed"}.get(sample_status, "not evaluable")
    )
    return {
        "sample": report["sample"], "patient": report["patient"], "timepoint": report["timepoint"],
        "tumour_type": report["tumour_type"]["code"] or ".", "finding": finding,
        "fusion": top["fusion"] if top else ".", "tier": top["tier"] if top else ".",
        "kinase": top["kinase"] if top else ".",
        "abundance": top["evidence"]["abundance"] if top else None,
        "abundance_ci_low": top["evidence"]["abundance_ci_low"] if top else None,
        "abundance_ci_high": top["evidence"]["abundance_ci_high"] if top else None,
        "therapies": top["therapies_for_sample"] if top else ".",
        "resistance": "; ".join(report["headline"].get("resistance") or []) or ".",
        "other_kinase_fusions": ", ".join(others) or ".",
        "read_pairs": report["qc"]["read_pairs"], "uniquely_mapped_pct": report["qc"]["uniquely_mapped_pct"],
        "chimeric_pct": report["qc"]["chimeric_pct"],
        "report": os.path.relpath(os.path.join(os.path.dirname(report_path), "report.html"), outdir),
        "callers": ",".join(report.get("callers", [])) or ".", "versions": tool_versions(report),
        "status": sample_status, "status_reasons": "; ".join(status.get("reasons", [])) or ".",
    }  # fmt: skip


FINDINGS = {"yes": "actionable kinase fusion", "review": "kinase fusion to review"}


def summarise(report_paths: list, outdir: str) -> pd.DataFrame:
    rows = []
    for path in report_paths:
        with open(path) as fh:
            rows.append(summary_row(json.load(fh), path, outdir))
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def render_summary(table: pd.DataFrame, versions: dict) -> str:
    rows = [{k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
            for row in table.to_dict("records")]  # fmt: skip
    return html_environment(missing="").get_template("summary.html.j2").render(rows=rows, versions=versions)


def qc_table(metric_paths: list, summary: pd.DataFrame) -> pd.DataFrame:
    """The run-level QC table: every sample's metrics.tsv row with its status."""
    metrics = pd.concat([pd.read_csv(p, sep="\t", dtype=str, keep_default_na=False) for p in metric_paths],
                        ignore_index=True)  # fmt: skip
    status = summary[["sample", "status", "finding"]].astype(str)
    return status.merge(metrics, on="sample", how="right")[
        ["sample", "status", "finding"] + list(metrics.columns[1:])
    ]


def main(snakemake) -> None:
    from fusion_pipeline.common.rulelog import atomic_write

    table = summarise(list(snakemake.input.reports), snakemake.params.outdir)
    with atomic_write(snakemake.output.tsv) as out:
        table.to_csv(out, sep="\t", index=False, na_rep=".", float_format="%.4f")
    qc = qc_table(list(snakemake.input.metrics), table)
    with atomic_write(snakemake.output.qc) as out:
        qc.to_csv(out, sep="\t", index=False)
    with atomic_write(snakemake.output.multiqc) as out:  # MultiQC custom content: one table of the run
        out.write(MQC_HEADER)
        qc.rename(columns={"sample": "Sample"}).to_csv(out, sep="\t", index=False)
    from fusion_pipeline.common.run_status import write_run_status

    write_run_status(
        [{"sample": r["sample"], "status": r["status"], "finding": r["finding"], "reason": r["status_reasons"]}
         for r in table.to_dict("records")],
        snakemake.output.status,
    )  # fmt: skip
    versions = {}
    if len(snakemake.input.reports):
        with open(snakemake.input.reports[0]) as fh:
            versions = json.load(fh)["versions"]
    with atomic_write(snakemake.output.html) as out:
        out.write(render_summary(table, versions))
