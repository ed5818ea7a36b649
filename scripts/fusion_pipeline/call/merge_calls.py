"""Rule merge_calls: every caller's table merged into one row per breakpoint, then judged as one table.

Merging (common/fusion_table.merge_callers) keeps one row per breakpoint pair,
with each caller's evidence. The filters of the merged table (MERGED_FILTERS)
then judge every caller's rows alike, in registry order, and are counted in
`merged_filter_counts.tsv` as the built-in caller's are in its filter counts.

`external_recheck` (whole-transcriptome runs with the built-in caller beside
another): a passing call the built-in caller did not pass is judged by its
artefact filters (call/external_recheck.py): an artefact fails, the rest is
marked `builtin_unconfirmed(...)` and interpreted as `review`.

`min_molecules` (targeted runs only): in an anchored multiplex PCR panel only
the kinase side is primed, so read-based evidence rules (spanning pairs,
anchors on both sides, support in deduplicated fragments) do not fit. A call
whose primed side is a panel gene and whose junction lies on exon boundaries
passes on `targeted.min_molecules` junction molecules (UMI families of its
split reads) and fails with fewer; a call with neither gene in the panel is
flagged `off_panel` and left to the read-based filters (nothing primed it on
purpose: a PCR chimera or a mispriming is likelier than a fusion). Switched
off with `targeted.filters: {min_molecules: false}`.
"""

import logging
from dataclasses import dataclass

import pandas as pd

from fusion_pipeline.common.molecules import JunctionMolecules, count_molecules
from fusion_pipeline.common.panel import Targeted, primed_gene, targeted_settings

FILTER_COUNT_COLUMNS = ["order", "filter", "kind", "enabled", "candidates", "hits", "removed", "rescued"]


@dataclass(frozen=True)
class MergedFilter:
    name: str
    kind: str  # verdict: may pass or fail a call
    assays: tuple  # the assays it runs in
    description: str


MERGED_FILTERS = [
    MergedFilter("external_recheck", "verdict", ("whole_transcriptome",),
                 "a call the built-in caller did not pass fails on its artefact filters, else is marked unconfirmed"),
    MergedFilter("min_molecules", "verdict", ("targeted",),
                 "targeted: a primed call on exon boundaries passes on min_molecules junction molecules, fails below"),
]  # fmt: skip


def panel_verdict(record: dict, genes: set, min_molecules: int) -> tuple[str, str]:
    """(pass, filter note) of one call in a targeted run; its `junction_molecules` must be counted."""
    molecules = int(record["junction_molecules"])
    if primed_gene(record["gene5"], record["gene3"], genes) is None:
        return record["pass"], "off_panel"
    on_boundaries = record.get("site5") == "exon_boundary" and record.get("site3") == "exon_boundary"
    if molecules < min_molecules:
        return "no", f"min_molecules({molecules})"
    if not on_boundaries:
        return record["pass"], ""  # off an exon boundary: the read-based filters decide
    return "yes", "" if record["pass"] == "yes" else f"passed_on_molecules({molecules})"


def apply_panel(records: list, genes: set, min_molecules: int) -> list:
    """The calls with `pass` and `filters` as a targeted run decides them."""
    out = []
    for record in records:
        verdict, note = panel_verdict(record, genes, min_molecules)
        filters = [f for f in str(record.get("filters", ".")).split(",") if f and f != "."]
        out.append({**record, "pass": verdict, "filters": ",".join(filters + [note] * bool(note)) or "."})
    return out


def count_junction_molecules(records: list, junction_path: str, min_anchor: int, targeted: Targeted) -> list:
    """The calls with `junction_molecules`: UMI families of the split reads at their breakpoint."""
    molecules = JunctionMolecules(junction_path, min_anchor)
    return [
        {**r, "junction_molecules": count_molecules(molecules.umis(r["breakpoint5"], r["breakpoint3"]),
                                                    targeted.max_edit_distance)}
        for r in records
    ]  # fmt: skip


def judge(records: list, assay: str, targeted: Targeted | None, min_molecules: int, enabled: dict,
          recheck=None) -> tuple:  # fmt: skip
    """(calls with pass/filters as the merged table's filters decide, one count row per filter).

    `recheck` re-judges external callers' calls (None: the built-in caller did not run beside another)."""
    counts = []
    steps = {"min_molecules": lambda rs: apply_panel(rs, targeted.primed_genes, min_molecules),
             "external_recheck": recheck}  # fmt: skip
    for order, flt in enumerate(MERGED_FILTERS, start=1):
        on = assay in flt.assays and enabled.get(flt.name, True) and steps[flt.name] is not None
        before = sum(r["pass"] == "yes" for r in records)
        judged = steps[flt.name](records) if on else records
        removed = sum(a["pass"] == "yes" and b["pass"] == "no" for a, b in zip(records, judged))
        rescued = sum(a["pass"] == "no" and b["pass"] == "yes" for a, b in zip(records, judged))
        hits = sum(a["filters"] != b["filters"] for a, b in zip(records, judged))
        counts.append({"order": order, "filter": flt.name, "kind": flt.kind, "enabled": "yes" if on else "no",
                       "candidates": before, "hits": hits, "removed": removed, "rescued": rescued})  # fmt: skip
        if on:
            logging.info(
                "filter %s removed %d, passed %d of %d calls", flt.name, removed, rescued, len(records)
            )
        records = judged
    return records, counts


def with_vicc_names(records: list, annotation) -> list:
    """Each call with its VICC name (common/vicc_name.py), `(::)` where its junction is only inferred."""
    from fusion_pipeline.common.fusion_table import INFERRED_FROM_PAIRS, breakpoint_source, parse_breakpoint
    from fusion_pipeline.common.vicc_name import junction_component, vicc_name

    named = []
    for record in records:
        components = [
            junction_component(annotation, str(record.get(f"transcript{role}", ".")), str(record.get(f"gene{role}", ".")),
                               parse_breakpoint(record[f"breakpoint{role}"])[1], role)
            for role in "53"
        ]  # fmt: skip
        inferred = breakpoint_source(record) == INFERRED_FROM_PAIRS
        named.append({**record, "vicc_name": vicc_name(*components, inferred)})
    return named


def external_rechecker(snakemake, tables: dict, fasta, annotation):
    """The external_recheck step over the built-in caller's own candidates, or None without them."""
    from fusion_pipeline.call.call_builtin import CallerParams
    from fusion_pipeline.call.external_recheck import BUILTIN, recheck
    from fusion_pipeline.call.filters import FilterContext
    from fusion_pipeline.call.region_lists import read_region_list

    if BUILTIN not in tables or len(tables) < 2:
        return None
    settings = snakemake.params.builtin
    params = CallerParams.from_config(settings)
    known_path = snakemake.input.get("known_fusions")
    known = read_region_list(known_path, allow_keywords=False) if known_path else []
    context = FilterContext(params, annotation, fasta, known_fusions=known)
    builtin_rows = tables[BUILTIN].to_dict("records")
    enabled = settings.get("filters") or {}
    return lambda records: recheck(records, builtin_rows, context, enabled)


def main(snakemake) -> None:
    import pysam

    from fusion_pipeline.common.clinical_annotation import load_annotation
    from fusion_pipeline.common.fusion_table import empty_table, merge_callers, read_table, write_table
    from fusion_pipeline.common.input_verdict import input_failure, read_verdict
    from fusion_pipeline.common.rulelog import atomic_write

    targeted = targeted_settings(snakemake.params.assay, snakemake.input.get("panel"),
                                 snakemake.input.kinases, snakemake.params.umi)  # fmt: skip
    failure = input_failure(read_verdict(snakemake.input.check))
    tables = {}
    if failure:  # a call from the readable part of a broken input is no call
        logging.warning("input %s: no call is merged", failure)
        table = empty_table()
    else:
        tables = {c: read_table(path) for c, path in zip(snakemake.params.callers, snakemake.input.calls)}
        for caller, calls in tables.items():
            logging.info("%s: %d calls", caller, len(calls))
        table = merge_callers(tables)
        table = table if not table.empty else empty_table()
    records = table.to_dict("records")
    if targeted and records:
        records = count_junction_molecules(
            records, snakemake.input.junctions, snakemake.params.min_anchor, targeted
        )
    annotation = load_annotation(snakemake.input.gtf, snakemake.input.kb_check) if records else None
    with pysam.FastaFile(snakemake.input.fasta, filepath_index=snakemake.input.fai) as fasta:
        recheck = (
            external_rechecker(snakemake, tables, fasta, annotation) if records and not targeted else None
        )
        records, counts = judge(records, snakemake.params.assay, targeted, snakemake.params.min_molecules,
                                snakemake.params.filters, recheck)  # fmt: skip
    if targeted:
        for r in records:
            logging.info("%s: %s junction molecules, pass %s %s", r["fusion"], r["junction_molecules"], r["pass"],
                         r["filters"])  # fmt: skip
    records = with_vicc_names(records, annotation)
    columns = list(table.columns) + (["junction_molecules"] if targeted else [])
    write_table(pd.DataFrame(records, columns=columns), snakemake.output.calls)
    with atomic_write(snakemake.output.filter_counts) as out:
        pd.DataFrame(counts, columns=FILTER_COUNT_COLUMNS).to_csv(out, sep="\t", index=False)
