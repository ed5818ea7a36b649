"""The sample's status block of the report: its three honest answers, the QC gates and each kinase's evaluability."""

import csv

from fusion_pipeline.common.cells import cell_number
from fusion_pipeline.common.qc_gates import QcSettings, gate_results, sample_status


def _rows(path: str) -> list:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def status_block(metrics_path: str, evaluability_path: str, kinase_fusions: int, qc_config: dict,
                 assay: str = "whole_transcriptome") -> dict:  # fmt: skip
    """Status, reasons, every gate with its value, limit and source, and the per-kinase evaluability."""
    settings = QcSettings.from_config(qc_config)
    metrics = {k: (cell_number(v) if k not in ("sample", "control_genes", "input_status", "gate_failures") else v)
               for k, v in _rows(metrics_path)[0].items()}  # fmt: skip
    input_status = metrics.get("input_status", "ok")
    input_failure = None if input_status == "ok" else input_status
    failures = [] if metrics.get("gate_failures") in (None, ".") else metrics["gate_failures"].split("; ")
    status, reasons = sample_status(kinase_fusions, input_failure, failures)
    gates = gate_results(metrics, settings, assay)
    kinases = [
        {"kinase": r["kinase"], "transcript": r["transcript"], "status": r["status"], "depth": cell_number(r["depth"]) or 0,
         "lod_fraction": cell_number(r["lod_fraction"]), "reason": r["reason"]}
        for r in _rows(evaluability_path)
    ]  # fmt: skip
    return {"sample_status": status, "reasons": reasons, "input": input_status, "gates": gates, "kinases": kinases,
            "metrics": {k: v for k, v in metrics.items() if k not in ("sample", "gate_failures")}}  # fmt: skip
