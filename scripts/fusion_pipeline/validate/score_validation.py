"""Rule score_validation: concordance.tsv, summary.json (schema-checked) and a self-contained report.html."""

import base64
import csv
import io
import json
import logging
import os

from fusion_pipeline.common.truth import read_truth
from fusion_pipeline.validate.score import (
    CONCORDANCE_COLUMNS,
    concordance,
    load_sample,
    sample_calls,
    score,
)

SCHEMA = os.path.join(
    os.path.dirname(__file__), "..", "..", "..", "workflow", "schemas", "validation.schema.json"
)


def detection_plot(cells: list) -> str:
    """Detection rate (with its exact interval) against fraction, one line per depth; a PNG data URI."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for depth in dict.fromkeys(c["depth"] for c in cells):
        rows = [c for c in cells if c["depth"] == depth and c["value"] is not None]
        x = [c["fraction"] * 100 for c in rows]
        y = [c["value"] * 100 for c in rows]
        errors = [
            [v - c["ci_low"] * 100 for v, c in zip(y, rows)],
            [c["ci_high"] * 100 - v for v, c in zip(y, rows)],
        ]
        ax.errorbar(x, y, yerr=errors, marker="o", capsize=3, label=f"{depth} fragments")
    ax.axhline(95, color="grey", linestyle="--", linewidth=1)
    ax.set_xscale("log")
    ax.set_xlabel("fusion fraction (%)")
    ax.set_ylabel("detected (%)")
    ax.set_ylim(-5, 105)
    ax.legend(title="depth at the breakpoint", fontsize=8)
    return _data_uri(fig)


def abundance_plot(points: list, agreement: dict) -> str:
    """Measured against expected abundance, with the identity line and the OLS fit; a PNG data URI."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 5))
    for depth in dict.fromkeys(p["depth"] for p in points):
        rows = [p for p in points if p["depth"] == depth]
        ax.scatter([p["expected"] * 100 for p in rows], [p["measured"] * 100 for p in rows], s=14,
                   label=f"{depth} fragments" if depth else "measured")  # fmt: skip
    ax.plot([0, 100], [0, 100], color="grey", linestyle="--", linewidth=1, label="identity")
    if agreement.get("slope") is not None:
        ax.plot([0, 100], [agreement["intercept"] * 100, (agreement["intercept"] + agreement["slope"]) * 100],
                color="black", linewidth=1, label="least squares")  # fmt: skip
    ax.set_xlabel("expected fraction (%)")
    ax.set_ylabel("measured abundance (%)")
    ax.legend(fontsize=8)
    return _data_uri(fig)


def _data_uri(fig) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def render_html(summary: dict, rows: list) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(os.path.join(os.path.dirname(__file__), "templates")),
        autoescape=select_autoescape(["html", "j2"]),
    )
    env.filters["pct"] = lambda v: "." if v is None else f"{100 * v:.1f}%"
    env.filters["num"] = lambda v, digits=3: "." if v is None else f"{v:.{digits}g}"
    plots = {
        "detection": detection_plot(summary["cells"]) if summary["cells"] else None,
        "abundance": abundance_plot(summary["abundance"]["points"], summary["abundance"])
        if summary["abundance"]["points"] else None,
    }  # fmt: skip
    return env.get_template("validation.html.j2").render(summary=summary, rows=rows, plots=plots)


def by_caller(
    truth: dict, samples: list, not_evaluable: list, negatives: list, callers: list, tables: list
) -> dict:
    """Each caller's own calls (callers/{caller}.tsv) scored alike: PPA, PPV, NPA, false calls, LoD."""

    def read(path):
        with open(path, newline="") as fh:
            return list(csv.DictReader(fh, delimiter="\t"))

    figures = {}
    for i, caller in enumerate(callers):
        rows = []
        for j, sample in enumerate(samples):
            if sample in not_evaluable:
                continue
            rows += concordance(sample, truth[sample], sample_calls(read(tables[j * len(callers) + i]), []))
        result = score(rows, not_evaluable, negatives)
        figures[caller] = {
            k: result[k]
            for k in ("ppa", "ppv", "npa", "false_positives", "f1", "breakpoint_level", "cells", "lod")
        }
    return figures


def main(snakemake) -> None:
    import jsonschema

    from fusion_pipeline.common.rulelog import atomic_write

    truth = read_truth(snakemake.input.truth)
    rows, not_evaluable, negatives = [], [], []
    for sample, fusions, kinases, report in zip(snakemake.params.samples, snakemake.input.fusions,
                                                snakemake.input.kinase_calls, snakemake.input.reports):  # fmt: skip
        calls, evaluable = load_sample(fusions, kinases, report)
        if not evaluable:
            not_evaluable.append(sample)
            logging.warning("%s: not evaluable, not scored", sample)
            continue
        if not truth[sample]:
            negatives.append(sample)
        rows += concordance(sample, truth[sample], calls)
    summary = score(rows, not_evaluable, negatives)
    summary["by_caller"] = by_caller(truth, snakemake.params.samples, not_evaluable, negatives,
                                     snakemake.params.callers, list(snakemake.input.caller_tables))  # fmt: skip
    summary["truth"] = snakemake.input.truth
    summary["caller"] = ",".join(snakemake.params.callers)
    with open(SCHEMA) as fh:
        jsonschema.validate(summary, json.load(fh))
    logging.info(
        "PPA %s, PPV %s, NPA %s", summary["ppa"]["value"], summary["ppv"]["value"], summary["npa"]["value"]
    )
    with atomic_write(snakemake.output.concordance) as fh:
        writer = csv.DictWriter(fh, CONCORDANCE_COLUMNS, delimiter="\t", lineterminator="\n", restval="",
                                extrasaction="ignore")  # fmt: skip
        writer.writeheader()
        writer.writerows(rows)
    with atomic_write(snakemake.output.summary) as fh:
        json.dump(summary, fh, indent=2)
    with atomic_write(snakemake.output.html) as fh:
        fh.write(render_html(summary, rows))
