"""Score a run against a truth file: concordance per sample and the validation figures.

Truth (`validation.truth`, TSV): `sample`, `fusion` (GENE1::GENE2 as labs
write it, or `none` for a sample without a fusion), optional `breakpoint5`,
`breakpoint3`, `expected_fraction`, `expected_copies`, `expected_actionable`,
`expected_tier`, and for a designed set `depth` and `replicate`. Every sample
named in it is scored; its calls are the passing rows of its fusions.tsv (one
per gene pair, the best supported), with tier and actionability from
kinase_fusions.tsv. A sample the run reports "not evaluable" is listed, not
scored.

- true positive: a call with the truth's 5' and 3' genes (breakpoints, when
  given, are compared and a difference noted, not held against the call);
- false negative: a truth fusion without such a call;
- false positive: any other passing call; the two genes of a truth fusion
  swapped is one too, labelled `reciprocal`.

Breakpoint level (published tables give both; gene pairs flatter): a truth
fusion with breakpoints is found at breakpoint level when the call's two
breakpoints lie within BREAKPOINT_TOLERANCE of them (`breakpoint_match`
`yes`); a call of the right genes at other breakpoints is then a false
negative and a false positive at once. Truth rows without breakpoints are
left out of the breakpoint-level figures (`breakpoint_match` `.`).
"""

import csv
import json
import statistics
from collections import defaultdict

from fusion_pipeline.common.cells import cell_float
from fusion_pipeline.common.fusion_names import relation
from fusion_pipeline.common.fusion_table import parse_breakpoint
from fusion_pipeline.validate.stats import (
    abundance_agreement,
    coefficient_of_variation,
    lod_by_hit_rate,
    probit_lod,
    proportion,
)

CONCORDANCE_COLUMNS = [
    "sample", "fusion", "status", "truth_fusion", "junction_reads", "spanning_pairs", "abundance",
    "abundance_ci_low", "abundance_ci_high", "expected_fraction", "expected_copies", "tier", "actionable",
    "expected_tier", "expected_actionable", "depth", "replicate", "note", "breakpoint_match",
]  # fmt: skip
BREAKPOINT_TOLERANCE = 10


def sample_calls(fusions: list, kinase_calls: list) -> dict:
    """{(gene5, gene3): call} of the passing calls, the best supported per gene pair, with tier/actionable."""
    kinase = {(row["fusion"], row["breakpoint5"], row["breakpoint3"]): row for row in kinase_calls}
    calls: dict = {}
    for row in fusions:
        if row.get("pass") != "yes":
            continue
        genes = (row["gene5"].upper(), row["gene3"].upper())
        support = int(row.get("junction_reads") or 0) + int(row.get("spanning_pairs") or 0)
        best = calls.get(genes)
        if best is None or support > best["support"]:
            k = kinase.get((row["fusion"], row["breakpoint5"], row["breakpoint3"]), {})
            calls[genes] = {
                **row,
                "support": support,
                "tier": k.get("tier", "."),
                "actionable": k.get("actionable", "."),
            }
    return calls


def _breakpoint_note(truth: dict, call: dict) -> str:
    notes = []
    for side in ("breakpoint5", "breakpoint3"):
        if truth.get(side) and call.get(side):
            t, c = parse_breakpoint(truth[side]), parse_breakpoint(call[side])
            if t[0] != c[0] or abs(t[1] - c[1]) > BREAKPOINT_TOLERANCE:
                notes.append(f"{side} {call[side]} (truth {truth[side]})")
    return "; ".join(notes)


def _differs(row: dict, field: str, expected: dict) -> bool:
    """Whether `expected` gives an `expected_{field}` and row's `field` is another value (case ignored)."""
    want = expected.get(f"expected_{field}", "")
    return bool(want) and str(row.get(field, "")).strip().lower() != want.strip().lower()


def _expectation_note(truth: dict, call: dict) -> str:
    """'tier II (expected I)' and the like where the call's tier or actionability differs from the truth's."""
    notes = [f"{field} {call.get(field, '.')} (expected {truth[f'expected_{field}']})"
             for field in ("tier", "actionable") if _differs(call, field, truth)]  # fmt: skip
    return "; ".join(notes)


def concordance(sample: str, truth_rows: list, calls: dict) -> list:
    """One row per truth fusion (TP / FN) and per other passing call (FP)."""
    rows, used = [], set()
    for t in truth_rows:
        call = calls.get(t["genes"])
        base = {"sample": sample, "truth_fusion": "::".join(t["genes"]), **{k: t.get(k, "") for k in (
            "expected_fraction", "expected_copies", "expected_tier", "expected_actionable", "depth", "replicate")}}  # fmt: skip
        given = bool(t.get("breakpoint5") and t.get("breakpoint3"))
        if call is None:
            rows.append({**base, "fusion": "::".join(t["genes"]), "status": "FN", "note": "",
                         "breakpoint_match": "no" if given else "."})  # fmt: skip
            continue
        used.add(t["genes"])
        where = _breakpoint_note(t, call)
        note = "; ".join(n for n in (where, _expectation_note(t, call)) if n)
        match = ("no" if where else "yes") if given else "."
        rows.append({**base, **_call_fields(call), "status": "TP", "note": note, "breakpoint_match": match})
    truth_pairs = [t["genes"] for t in truth_rows]
    for genes, call in calls.items():
        if genes in used:
            continue
        reciprocal = any(relation(pair, genes) == "reciprocal" for pair in truth_pairs)
        rows.append({"sample": sample, **_call_fields(call), "status": "FP", "breakpoint_match": ".",
                     "note": "reciprocal of a true fusion" if reciprocal else "", "truth_fusion": ""})  # fmt: skip
    return rows


def _call_fields(call: dict) -> dict:
    return {
        "fusion": f"{call['gene5']}::{call['gene3']}",
        **{k: call.get(k, "") for k in ("junction_reads", "spanning_pairs", "abundance", "abundance_ci_low",
                                         "abundance_ci_high", "tier", "actionable")},
    }  # fmt: skip


def score(rows: list, not_evaluable: list, negatives: list, confidence: float = 0.95) -> dict:
    """The validation figures from concordance rows of the evaluable samples."""
    tp = [r for r in rows if r["status"] == "TP"]
    fn = [r for r in rows if r["status"] == "FN"]
    fp = [r for r in rows if r["status"] == "FP"]
    samples = sorted({r["sample"] for r in rows} | set(negatives))
    clean_negatives = [
        s for s in negatives if not any(r["sample"] == s and r["status"] == "FP" for r in rows)
    ]
    summary = {
        "samples": len(samples), "not_evaluable": sorted(not_evaluable),
        "true_positives": len(tp), "false_negatives": len(fn), "false_positives": len(fp),
        "ppa": proportion(len(tp), len(tp) + len(fn), confidence),
        "ppv": proportion(len(tp), len(tp) + len(fp), confidence),
        "npa": proportion(len(clean_negatives), len(negatives), confidence),
        "f1": f1(len(tp), len(fn), len(fp)),
        "breakpoint_level": breakpoint_level(tp, fn, fp, confidence),
        "false_calls_per_sample": len(fp) / len(samples) if samples else None,
        "false_calls": [{k: r[k] for k in ("sample", "fusion", "junction_reads", "note")} for r in fp],
    }  # fmt: skip
    summary["cells"], summary["lod"] = _cells_and_lod(tp + fn, confidence)
    with_expected = [
        r
        for r in tp
        if cell_float(r.get("expected_fraction")) is not None and cell_float(r["abundance"]) is not None
    ]
    summary["abundance"] = abundance_agreement(
        [cell_float(r["expected_fraction"]) for r in with_expected],
        [cell_float(r["abundance"]) for r in with_expected],
    )
    summary["abundance"]["points"] = [
        {
            "expected": cell_float(r["expected_fraction"]),
            "measured": cell_float(r["abundance"]),
            "depth": r.get("depth", ""),
        }
        for r in with_expected
    ]
    summary["repeatability"] = _repeatability(tp)
    summary["actionability_concordance"] = _agreement(tp, "actionable", confidence)
    summary["tier_concordance"] = _agreement(tp, "tier", confidence)
    summary["tier_discordant"] = [
        {
            k: r.get(k, "")
            for k in ("sample", "fusion", "tier", "expected_tier", "junction_reads", "spanning_pairs")
        }
        for r in tp
        if _differs(r, "tier", r)
    ]
    return summary


def f1(tp: int, fn: int, fp: int) -> float | None:
    """The harmonic mean of PPA and PPV; None when there is nothing to score."""
    return 2 * tp / (2 * tp + fn + fp) if tp + fn + fp else None


def breakpoint_level(tp: list, fn: list, fp: list, confidence: float) -> dict:
    """PPA, PPV and F1 counting a call true only at the truth's breakpoints (see the module docstring)."""
    found = [r for r in tp if r.get("breakpoint_match") == "yes"]
    elsewhere = [r for r in tp if r.get("breakpoint_match") == "no"]
    missed = [r for r in fn if r.get("breakpoint_match") == "no"] + elsewhere
    false = len(fp) + len(elsewhere)
    return {
        "true_positives": len(found), "false_negatives": len(missed), "false_positives": false,
        "ppa": proportion(len(found), len(found) + len(missed), confidence),
        "ppv": proportion(len(found), len(found) + false, confidence),
        "f1": f1(len(found), len(missed), false),
        "without_truth_breakpoints": sum(r.get("breakpoint_match") == "." for r in tp + fn),
        "other_breakpoints": [{k: r.get(k, "") for k in ("sample", "fusion", "note")} for r in elsewhere],
    }  # fmt: skip


def _cells_and_lod(rows: list, confidence: float) -> tuple:
    """PPA per expected fraction x depth, and per depth the LoD95 by hit rate and by probit."""
    cells: dict = defaultdict(lambda: [0, 0])
    points: dict = defaultdict(list)
    for r in rows:
        fraction = cell_float(r.get("expected_fraction"))
        if fraction is None:
            continue
        depth = r.get("depth") or "."
        detected = r["status"] == "TP"
        cells[(depth, fraction)][0] += detected
        cells[(depth, fraction)][1] += 1
        points[depth].append((fraction, detected))
    table = [
        {"depth": depth, "fraction": fraction, **proportion(k, n, confidence)}
        for (depth, fraction), (k, n) in sorted(
            cells.items(), key=lambda item: (_sort_depth(item[0][0]), item[0][1])
        )
    ]
    lod = []
    for depth in sorted(points, key=_sort_depth):
        hits = {c["fraction"]: (c["k"], c["n"]) for c in table if c["depth"] == depth}
        probit = probit_lod(points[depth])
        lod.append({"depth": depth, "lod95_hit_rate": lod_by_hit_rate(hits), "lod95_probit": probit["lod"],
                    "probit_note": probit["reason"]})  # fmt: skip
    return table, lod


def _sort_depth(depth):
    value = cell_float(depth)
    return (0, value) if value is not None else (1, 0)


def _repeatability(tp: list) -> dict:
    groups: dict = defaultdict(list)
    for r in tp:
        if r.get("replicate"):
            groups[(r["truth_fusion"], r.get("expected_fraction"), r.get("depth"))].append(
                cell_float(r["abundance"])
            )
    cells = []
    for (fusion, fraction, depth), values in sorted(groups.items()):
        values = [v for v in values if v is not None]
        cv = coefficient_of_variation(values)
        if cv is not None:
            cells.append({"fusion": fusion, "fraction": cell_float(fraction), "depth": depth, "replicates": len(values),
                          "mean": sum(values) / len(values), "cv": cv})  # fmt: skip
    cvs = [c["cv"] for c in cells]
    return {"cells": cells, "median_cv": statistics.median(cvs) if cvs else None}


def _agreement(tp: list, field: str, confidence: float) -> dict:
    given = [r for r in tp if r.get(f"expected_{field}")]
    same = [r for r in given if not _differs(r, field, r)]
    return proportion(len(same), len(given), confidence)


def load_sample(fusions_path: str, kinase_path: str, report_path: str) -> tuple:
    """(passing calls by gene pair, evaluable) of one sample's results."""

    def table(path):
        with open(path, newline="") as fh:
            return list(csv.DictReader(fh, delimiter="\t"))

    with open(report_path) as fh:
        report = json.load(fh)
    evaluable = report.get("headline", {}).get("status") != "not evaluable"
    return sample_calls(table(fusions_path), table(kinase_path)), evaluable
