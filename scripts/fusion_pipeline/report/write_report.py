"""Per-sample actionability report: report.json (machine) and report.html (people).

The HTML is rendered with Jinja2 autoescaping, so every value from the input
or the knowledge base is shown as text; it is self-contained (inline CSS and
SVG, a Content-Security-Policy that forbids any request and any script).
"""

import datetime
import os
import re

import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape

from fusion_pipeline.common.cells import cell_float, cell_int
from fusion_pipeline.common.star_outputs import star_log_summary

SCHEMA_VERSION = "1.6"
TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
PIPELINE_VERSION_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "VERSION")
CAVEATS = [
    "Evidence levels hold for the indication listed with each therapy; this sample's level is that of its tumour "
    "type (other indications: 3B at best).",
    "Abundance is fusion / (fusion + wild-type) fragments of the 5' partner at the breakpoint in RNA: it follows "
    "expression and tumour content and is comparable between timepoints only for the same assay.",
    "Protein coordinates (domains, hotspots) are used only on a transcript whose translation was checked against "
    "the reference (kb_check.tsv); otherwise they are reported as unknown or not assessable.",
    "A fusion not found can still be present below the detection limit, or outside the annotated genes.",
]


# --- inputs -------------------------------------------------------------------------


def star_qc(log_final: str) -> dict:
    """Read pairs, mapping and chimeric rates from STAR's Log.final.out."""
    star = star_log_summary(log_final)
    return {
        k: star[k]
        for k in ("read_pairs", "uniquely_mapped_pct", "multimapped_pct", "chimeric_reads", "chimeric_pct")
    }


def star_version(log_out: str) -> str:
    try:
        with open(log_out) as fh:
            for line in fh:
                match = re.search(r"STAR version=(\S+)", line)
                if match:
                    return match.group(1)
    except OSError:
        pass
    return "unknown"


def pipeline_version() -> str:
    try:
        with open(PIPELINE_VERSION_FILE) as fh:
            return fh.read().strip()
    except OSError:
        return "unknown"


# --- diagram ------------------------------------------------------------------------


def diagram(call: dict, annotation, kb) -> dict | None:
    """Shapes of the fusion diagram: both partners' exons, the kept ones, the domain."""
    tx5 = annotation.transcript(call.get("transcript5", "."))
    tx3 = annotation.transcript(call.get("transcript3", "."))
    if tx5 is None or tx3 is None:
        return None
    exon5, exon3 = cell_int(call.get("exon5")), cell_int(call.get("exon3"))
    if not exon5 or not exon3:
        return None
    width = 760.0
    rows = []
    partners = (
        (call["gene5"], tx5, range(1, exon5 + 1), "#1565c0"),
        (call["gene3"], tx3, range(exon3, len(tx3.exons) + 1), "#ef6c00"),
    )
    for label, tx, kept, color in partners:
        lengths = [e - s + 1 for s, e in tx.exons]
        scale = width / sum(lengths)
        x, boxes = 0.0, []
        for number, length in enumerate(lengths, start=1):
            boxes.append({"x": round(x, 1), "w": round(max(length * scale - 1, 1), 1), "kept": number in kept,
                          "number": number})  # fmt: skip
            x += length * scale
        rows.append({"label": f"{label} ({tx.transcript_id})", "boxes": boxes, "color": color})
    kept5 = [e - s + 1 for s, e in tx5.exons[:exon5]]
    kept3 = [e - s + 1 for s, e in tx3.exons[exon3 - 1 :]]
    scale = width / (sum(kept5) + sum(kept3))
    fused, x = [], 0.0
    for part, lengths, first in (("5", kept5, 1), ("3", kept3, exon3)):
        for i, length in enumerate(lengths):
            fused.append(
                {
                    "x": round(x, 1),
                    "w": round(max(length * scale - 1, 1), 1),
                    "part": part,
                    "number": first + i,
                }
            )
            x += length * scale
    junction_x = round(sum(kept5) * scale, 1)
    domain_box = None
    kinase = call.get("kinase")
    entry = kb.kinases["genes"].get(kinase) if kinase else None
    verified = not str(call.get("kinase_transcript_choice", "")).startswith("no verified")
    if entry and verified:  # protein coordinates only on a transcript proven to encode the protein
        side_tx, side = (tx3, "3") if call.get("partner_role") == "3prime" else (tx5, "5")
        first = side_tx.first_phase
        lo = side_tx.cds_to_transcript(first + (int(entry["domain"]["start"]) - 1) * 3)
        hi = side_tx.cds_to_transcript(first + int(entry["domain"]["end"]) * 3 - 1)
        if lo is not None and hi is not None:
            shift = sum(kept5) - sum(e - s + 1 for s, e in tx3.exons[: exon3 - 1]) if side == "3" else 0
            start, end = (lo + shift) * scale, (hi + shift) * scale
            start, end = max(0.0, start), min(width, end)
            if end > start:
                domain_box = {
                    "x": round(start, 1),
                    "w": round(end - start, 1),
                    "name": entry["domain"].get("name", "domain"),
                }
    return {"width": width, "partners": rows, "fused": fused, "junction_x": junction_x, "domain": domain_box}


# --- report -------------------------------------------------------------------------


def _evidence(call: dict) -> dict:
    return {
        "junction_reads": cell_int(call.get("junction_reads")), "spanning_pairs": cell_int(call.get("spanning_pairs")),
        "fusion_reads": cell_int(call.get("fusion_reads")), "wt_reads5": cell_int(call.get("wt_reads5")),
        "abundance": cell_float(call.get("abundance")), "abundance_ci_low": cell_float(call.get("abundance_ci_low")),
        "abundance_ci_high": cell_float(call.get("abundance_ci_high")), "callers": str(call.get("callers", ".")),
        "filters": str(call.get("filters", ".")), "breakpoint_source": str(call.get("breakpoint_source", ".")),
        "junction_sequence_reads": cell_int(call.get("junction_sequence_reads")), **_molecules(call),
    }  # fmt: skip


def panel_qc_block(summary_path: str, targets_path: str) -> dict:
    """Targeted runs: the panel QC totals and per-target reads and molecules (qc/panel.py)."""
    from fusion_pipeline.common.fusion_table import read_table

    summary = read_table(summary_path).iloc[0].to_dict()
    targets = read_table(targets_path).to_dict("records")
    return {
        "read_pairs": cell_int(summary["read_pairs"]), "on_target_read_pairs": cell_int(summary["on_target_read_pairs"]),
        "on_target_pct": cell_float(summary["on_target_pct"]), "molecules": cell_int(summary["molecules"]),
        "mean_family_size": cell_float(summary["mean_family_size"]),
        "targets": [{"target": str(t["target"]), "gene": str(t["gene"]), "read_pairs": cell_int(t["read_pairs"]),
                     "molecules": cell_int(t["molecules"])} for t in targets],
    }  # fmt: skip


def _molecules(call: dict) -> dict:
    """Targeted runs: junction and wild-type molecules of the side the abundance is measured on."""
    unit = str(call.get("abundance_unit") or "fragments")
    side = str(call.get("abundance_side") or "5")
    if unit != "molecules":
        return {
            "abundance_unit": unit,
            "abundance_side": side,
            "junction_molecules": None,
            "wt_molecules": None,
        }
    return {
        "abundance_unit": unit, "abundance_side": side, "junction_molecules": cell_int(call.get("junction_molecules")),
        "wt_molecules": cell_int(call.get(f"wt_molecules{side}")),
    }  # fmt: skip


def _therapy(t: dict) -> dict:
    return {
        **{k: str(t.get(k, "")) for k in ("drug", "class", "level", "indication", "approval")},
        "sources": list(t.get("sources", [])), "level_for_sample": str(t["sample_level"]), "scope": t["scope"],
        "tumour_types": [str(x) for x in t.get("tumour_types") or []],
        "tumour_agnostic": str(t.get("tumour_agnostic") or ""),
        "other_indications": [str(x) for x in t.get("other_indications") or []],
        "resistance_found": [str(x) for x in t.get("resistance_found") or []],
    }  # fmt: skip


def build_report(sample: dict, kinase_table: pd.DataFrame, fusions: pd.DataFrame, qc: dict, trend: pd.DataFrame | None,
                 versions: dict, kb, annotation, resistance: pd.DataFrame | None = None,
                 callers: list | None = None, status: dict | None = None,
                 assay: str = "whole_transcriptome", views: dict | None = None,
                 single_reads: bool = False) -> dict:  # fmt: skip
    """The report as a plain dict (report.json; report.html renders the same dict)."""
    from fusion_pipeline.common.resistance_effect import resistance_effect, resistance_sentence
    from fusion_pipeline.common.therapies import therapies_for, therapy_cell

    tumour_type = sample.get("tumour_type") or None
    genes = kb.actionability["genes"]
    notes = kb.actionability.get("fusions", {})
    status = status or {"sample_status": "no fusion detected" if not len(kinase_table) else "fusion detected",
                        "reasons": [], "input": "ok", "gates": [], "kinases": [], "metrics": {}}  # fmt: skip
    input_ok = status.get("input", "ok") == "ok"
    # Nothing seen in a broken input is a result: no call, abundance, tier, therapy or hotspot.
    hotspots = _resistance_rows(resistance) if input_ok else []
    entries = []
    for call in kinase_table.to_dict("records") if input_ok else []:
        kinase = call["kinase"]
        listed = call.get("actionable") in ("yes", "review")
        rated = therapies_for(kb, kinase, tumour_type) if listed else []
        effect = resistance_effect(hotspots, kinase, rated)
        for therapy in rated:
            therapy["resistance_found"] = effect["resisted"].get(therapy["drug"], [])
        known_resistance = [
            {"mutation": str(r["mutation"]), "resistant_to": [str(x) for x in r.get("resistant_to", [])],
             "next_line": [str(x) for x in r.get("next_line", [])], "sources": list(r.get("sources", []))}
            for r in (genes.get(kinase) or {}).get("resistance") or []
        ]  # fmt: skip
        note = notes.get(call["fusion"], {})
        entries.append({
            **{k: str(call.get(k, ".")) for k in ("fusion", "gene5", "gene3", "breakpoint5", "breakpoint3", "exon5",
                                                   "exon3", "transcript5", "transcript3", "kinase", "partner_role",
                                                   "kinase_domain", "kinase_domain_retained", "reading_frame", "tier",
                                                   "actionable", "tier_reason", "type", "kinase_transcript_choice",
                                                   "review_reason", "vicc_name")},
            "evidence": _evidence(call),
            "therapies": [_therapy(t) for t in rated],
            "therapies_for_sample": therapy_cell(rated, effect["resisted"]) if listed else ".",
            "resistance_effect": {**effect, "text": resistance_sentence(kinase, effect)} if listed else None,
            "resistance": known_resistance if listed else [],
            "note": str(note.get("note", "")), "note_sources": list(note.get("sources", [])),
            "trend": _trend_rows(trend, call, sample["sample"]),
            "diagram": diagram(call, annotation, kb),
            "evidence_view": (views or {}).get((str(call.get("breakpoint5")), str(call.get("breakpoint3"))),
                                               {"error": "not drawn"}),
        })  # fmt: skip
    headline = _headline(entries, status)
    headline["resistance"] = [
        f"{h['gene']} {h['mutation']} ({h['alt_fraction'] * 100:.0f}%{', new since ' + h['previous_sample'] if h['new'] == 'yes' else ''})"
        for h in hotspots if h["status"] == "found"
    ]  # fmt: skip
    passing = fusions[fusions["pass"] == "yes"] if len(fusions) and input_ok else fusions.iloc[0:0]
    kinase_names = set(kinase_table["fusion"]) if len(kinase_table) else set()
    others = [
        {"fusion": str(r["fusion"]), "vicc_name": str(r.get("vicc_name", ".")), "breakpoint5": str(r["breakpoint5"]),
         "breakpoint3": str(r["breakpoint3"]), **_evidence(r)}
        for r in passing.to_dict("records") if r["fusion"] not in kinase_names
    ]  # fmt: skip
    used = {s for e in entries for t in e["therapies"] for s in t["sources"]}
    used |= {s for e in entries for r in e["resistance"] for s in r["sources"]} | {
        s for e in entries for s in e["note_sources"]
    }
    sources = {k: str(v) for k, v in kb.actionability.get("sources", {}).items() if k in used}
    tumour = {
        "code": tumour_type,
        "name": kb.oncotree.names.get(tumour_type) if tumour_type and kb.oncotree else None,
    }
    return {
        "schema_version": SCHEMA_VERSION, "assay": assay,
        "sample": sample["sample"], "patient": sample["patient"], "timepoint": str(sample["timepoint"]),
        "tumour_type": tumour,
        "generated": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "versions": versions, "callers": list(callers or []), "headline": headline, "kinase_fusions": entries, "other_fusions": others,
        "resistance_hotspots": hotspots,
        "qc": qc, "status": status, "caveats": caveats(tumour_type, status, single_reads), "sources": sources,
    }  # fmt: skip


def _headline(entries: list, status: dict) -> dict:
    input_status = str(status.get("input", "ok"))
    if input_status != "ok":  # what a broken input showed is not a result
        failed = status.get("sample_status") == "failed"
        text = (f"{'Failed' if failed else 'Not evaluable'}: the input could not be read in full "
                f"({'; '.join(status['reasons'])}); no result is given. Send the complete files again.")  # fmt: skip
        return {"status": "failed" if failed else "not evaluable", "fusion": None, "tier": None, "text": text}
    actionable = [e for e in entries if e["actionable"] == "yes"]
    review = [e for e in entries if e["actionable"] == "review"]
    if actionable:
        top = actionable[0]
        effect = top["resistance_effect"] or {"resisted": {}, "text": ""}
        here = [t for t in top["therapies"] if t["scope"] != "other tumour type"]
        usable = [t["drug"] for t in here if t["drug"] not in effect["resisted"]]
        if usable:
            drugs = ", ".join(usable)
        elif here:  # a therapy the sample is resistant to is never the recommendation
            drugs = "no listed therapy for this tumour type without resistance found in this sample"
        else:
            drugs = "no therapy at level 1-2 for this tumour type"
        text = f"{top['fusion']}: tier {top['tier']} actionable kinase fusion ({top['kinase']}); {drugs}"
        if effect["text"]:
            text += f". {effect['text'][0].upper()}{effect['text'][1:]}"
        return {"status": "actionable", "fusion": top["fusion"], "tier": top["tier"], "text": text}
    if review:
        top = review[0]
        text = (f"{top['fusion']}: kinase fusion that needs review before it can be called actionable "
                f"({top['review_reason']})")  # fmt: skip
        return {"status": "review", "fusion": top["fusion"], "tier": top["tier"], "text": text}
    if status["sample_status"] == "not evaluable":  # never a negative from a sample that cannot show one
        text = f"Not evaluable: this sample cannot show whether a kinase fusion is present ({'; '.join(status['reasons'])})."
        return {"status": "not evaluable", "fusion": None, "tier": None, "text": text}
    evaluable = [k for k in status["kinases"] if k["status"] == "evaluable"]
    limits = ", ".join(f"{k['kinase']} {k['lod_fraction']:.0%}" for k in evaluable)
    text = "No actionable kinase fusion found."
    if evaluable:
        text += f" Kinases evaluable down to these fusion fractions: {limits}."
    return {"status": "none", "fusion": None, "tier": None, "text": text}


def caveats(tumour_type: str | None, status: dict | None = None, single: bool = False) -> list:
    notes = list(CAVEATS)
    if single:
        notes.insert(0, "Single-end reads: no read pair spans a junction, so every call rests on reads across the "
                        "junction alone (spanning pairs 0), and abundance counts reads, each read one fragment.")  # fmt: skip
    if status and status.get("input", "ok") != "ok":
        notes.insert(0, "The input FASTQ failed its check: no call, abundance, tier or therapy is given from it, "
                        "whatever its readable part showed; send the complete files again.")  # fmt: skip
    elif status and status["sample_status"] == "fusion detected" and status["reasons"]:
        notes.insert(0, f"This sample failed QC ({'; '.join(status['reasons'])}): the fusion is reported, but "
                        "a negative result for other kinases would not be reliable.")  # fmt: skip
    if tumour_type is None:
        notes.insert(0, "No tumour type was given: tiers assume none, so only tumour-agnostic approvals count at their "
                        "level and every other indication counts as level 3B at best; each therapy's own indication "
                        "and level are listed.")  # fmt: skip
    return notes


STATUS_ORDER = {"found": 0, "covered, not found": 1, "not assessable": 2}


def _resistance_rows(resistance: pd.DataFrame | None) -> list:
    """Hotspot results, found mutations first; empty without an actionable kinase fusion."""
    if resistance is None or resistance.empty:
        return []
    rows = [
        {"gene": str(r["gene"]), "role": str(r["role"]), "hotspot": str(r["hotspot"]), "mutation": str(r["mutation"]),
         "status": str(r["status"]), "depth": cell_int(r["depth"]), "alt_reads": cell_int(r["alt_reads"]),
         "alt_fraction": cell_float(r["alt_fraction"]), "alt_ci_low": cell_float(r["alt_ci_low"]),
         "alt_ci_high": cell_float(r["alt_ci_high"]), "known_change": str(r["known_change"]),
         "resistant_to": str(r["resistant_to"]), "overcome_by": str(r["overcome_by"]),
         "previous_sample": str(r["previous_sample"]), "previous_status": str(r["previous_status"]),
         "new": str(r["new"]), "sources": str(r["sources"]), "reason": str(r.get("reason", "."))}
        for r in resistance.to_dict("records")
    ]  # fmt: skip
    return sorted(rows, key=lambda r: STATUS_ORDER.get(r["status"], 3))


def _trend_rows(trend: pd.DataFrame | None, call: dict, sample: str) -> list:
    """This fusion's measurements up to and including this sample, when earlier samples exist."""
    if trend is None or trend.empty:
        return []
    rows = trend[
        (trend["breakpoint5"] == call["breakpoint5"]) & (trend["breakpoint3"] == call["breakpoint3"])
    ]
    if sample not in set(rows["sample"]):
        return []
    upto = rows.iloc[: list(rows["sample"]).index(sample) + 1]
    if len(upto) < 2:
        return []
    return [
        {"sample": str(r["sample"]), "timepoint": str(r["timepoint"]), "called": str(r["called"]),
         "fusion_reads": cell_int(r["fusion_reads"]), "wt_reads5": cell_int(r["wt_reads5"]),
         "abundance": cell_float(r["abundance"]), "abundance_ci_low": cell_float(r["abundance_ci_low"]),
         "abundance_ci_high": cell_float(r["abundance_ci_high"]), "change": cell_float(r["change"]),
         "p_value": cell_float(r["p_value"])}
        for r in upto.to_dict("records")
    ]  # fmt: skip


def html_environment(missing: str = "n/a") -> Environment:
    """Jinja2 with autoescaping on; `missing` is what the pct filter shows for no value."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    env.filters["pct"] = lambda v: missing if v is None or v != v else f"{100 * v:.1f}%"
    return env


def evidence_views(path: str | None) -> tuple[dict, dict]:
    """From evidence.json (report/draw_evidence.py): ({(bp5, bp3): counts or error}, {(bp5, bp3): SVG}).
    A file that cannot be read gives no views: the report never waits on a plot."""
    import json

    try:
        with open(path) as fh:
            entries = json.load(fh).get("fusions", [])
    except (OSError, ValueError, TypeError, AttributeError):
        return {}, {}
    views, svgs = {}, {}
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(k), str) for k in ("breakpoint5", "breakpoint3")
        ):
            continue  # not an entry draw_evidence writes
        key = (entry["breakpoint5"], entry["breakpoint3"])
        views[key] = {
            k: entry.get(k) for k in ("reads", "fragments", "copies", "molecules", "not_examined", "error")
        }
        if isinstance(entry.get("svg"), str):
            svgs["|".join(key)] = entry["svg"]
    return views, svgs


def render_html(report: dict, svgs: dict | None = None) -> str:
    """The report's HTML; `svgs` ({'bp5|bp3': SVG}) are the evidence views drawn (and escaped) by
    report/draw_evidence.py."""
    env = html_environment()
    env.filters["num"] = lambda v, digits=3: "n/a" if v is None else f"{v:.{digits}g}"
    env.filters["points"] = lambda v: "" if v is None else f"{100 * v:+.1f} points"
    return env.get_template("report.html.j2").render(report=report, svgs=svgs or {})


def collect_versions(star_log: str, kb, hotspots: dict, fasta_name: str, gtf_name: str,
                     tools: dict | None = None) -> dict:  # fmt: skip
    """Pipeline, STAR (its Log.out), other `tools` (samtools, external callers: 'unknown' when not found), knowledge base."""
    return {
        "pipeline": pipeline_version(), "star": star_version(star_log), **(tools or {}), **kb.versions,
        "resistance_hotspots": str(hotspots["version"]), "reference_fasta": fasta_name, "reference_gtf": gtf_name,
    }  # fmt: skip


def main(snakemake) -> None:
    """Rule write_report: the sample's results -> report.json and report.html."""
    import json
    import logging

    from fusion_pipeline.common.clinical_annotation import load_annotation
    from fusion_pipeline.common.fusion_table import read_table
    from fusion_pipeline.common.input_verdict import read_verdict, single_end
    from fusion_pipeline.common.knowledge_base import load_hotspots, load_knowledge_base
    from fusion_pipeline.common.rulelog import atomic_write
    from fusion_pipeline.common.versions import caller_versions, read_version_file
    from fusion_pipeline.report.status import status_block

    sample = snakemake.params.sample
    annotation = load_annotation(snakemake.input.gtf, snakemake.input.kb_check)
    kb = load_knowledge_base(
        snakemake.input.kinases, snakemake.input.actionability, snakemake.input.tumour_types
    )
    hotspots = load_hotspots(snakemake.input.hotspots, kb.kinases["genes"])
    kinases = read_table(snakemake.input.kinase_calls)
    trend = read_table(snakemake.input.trend) if snakemake.input.get("trend") else None
    callers = list(snakemake.params.callers)
    tools = {"samtools": read_version_file(snakemake.input.samtools_version),
             **caller_versions(callers, {c: snakemake.input.get(f"version_{c}") for c in callers})}  # fmt: skip
    versions = collect_versions(snakemake.input.star_log, kb, hotspots, snakemake.params.fasta_name,
                                snakemake.params.gtf_name, tools)  # fmt: skip
    status = status_block(snakemake.input.metrics, snakemake.input.evaluability, len(kinases),
                          snakemake.params.qc, snakemake.params.assay)  # fmt: skip
    logging.info("sample status: %s%s", status["sample_status"],
                 f" ({'; '.join(status['reasons'])})" if status["reasons"] else "")  # fmt: skip
    views, svgs = evidence_views(snakemake.input.get("evidence"))
    report = build_report(sample, kinases, read_table(snakemake.input.calls), star_qc(snakemake.input.star_final),
                          trend, versions, kb, annotation, read_table(snakemake.input.resistance), callers,
                          status, snakemake.params.assay, views, single_end(read_verdict(snakemake.input.check)))  # fmt: skip
    if snakemake.input.get("panel_qc"):
        report["panel_qc"] = panel_qc_block(snakemake.input.panel_qc, snakemake.input.panel_targets)
    with atomic_write(snakemake.output.json) as out:
        json.dump(report, out, indent=2)
    with atomic_write(snakemake.output.html) as out:
        out.write(render_html(report, svgs))
