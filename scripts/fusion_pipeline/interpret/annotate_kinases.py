"""Kinase whitelist annotation, reading frame, domain retention and tiering.

Each passing call with a whitelisted gene on either side is annotated against
the GTF's CDS rows: the kinase's exon in its clinical transcript (chosen and
proven by translation in kb_check.py), whether the kinase (or ligand) domain is
kept, the reading frame across the junction, the therapies of the knowledge
base at the level that holds for the sample's tumour type, and a tier:

    I    kinase at its actionable end, domain kept, in frame, a level 1/2
         therapy for this tumour type, and at least `min_support_tier1`
         supporting fragments
    II   the same checks pass (or could not be made) with a level 3A-4
         therapy, or level 1/2 with low support or an unchecked frame/domain
    III  a whitelisted gene that fails a check (kinase at the wrong end,
         domain lost, out of frame) or has no therapy: reported, not actionable

`actionable` is `yes` only when frame and domain were both established from
the reference (in frame, domain kept) in tiers I-II, `review` when either
could not be checked, when STAR reported no read across the junction (its
breakpoint inferred from discordant pairs, or crossed only by junction-sequence
reads STAR left soft-clipped: `breakpoint_source`) or when only an external
caller passed it and the built-in caller beside it did not confirm it
(`builtin_unconfirmed` in `filters`); tier II at best then. `no` otherwise.
"""

import pandas as pd

from fusion_pipeline.common.annotation import locate_in_transcript
from fusion_pipeline.common.cells import cell_int
from fusion_pipeline.common.fusion_table import (
    INFERRED_FROM_PAIRS,
    JUNCTION_SEQUENCE,
    breakpoint_source,
    parse_breakpoint,
    unconfirmed_by_builtin,
)
from fusion_pipeline.common.knowledge_base import KnowledgeBase
from fusion_pipeline.common.therapies import therapies_for, therapy_cell

KINASE_COLUMNS = [
    "kinase", "partner_role", "kinase_transcript", "kinase_exon", "kinase_domain", "kinase_domain_retained",
    "reading_frame", "tier", "actionable", "tier_reason", "therapies", "drug_classes", "best_level",
    "kinase_transcript_choice", "tumour_type", "other_tumour_type_therapies", "review_reason",
]  # fmt: skip


# --- frame and domain ------------------------------------------------------------


def _coding_offset(tx, pos: int, role: str):
    """CDS offset (or 'utr5'/'utr3') of a breakpoint; intronic breakpoints use the nearest kept exon base.

    Returns (offset, in_intron).
    """
    offset = tx.cds_offset(pos)
    if offset is not None:
        return offset, False
    located = locate_in_transcript(tx, pos, role)
    if located is None or located[1] != "intron":
        return None, False
    exon_index = located[0] - 1
    kept = tx.last_base(exon_index) if role == "5" else tx.first_base(exon_index)
    return tx.cds_offset(kept), True


def reading_frame(tx5, pos5: int, tx3, pos3: int) -> tuple[str, str]:
    """(in-frame / out-of-frame / unknown, reason when unknown) across a junction (last 5' base, first 3' base)."""
    if tx5 is None or tx3 is None:
        missing = "5'" if tx5 is None else "3'"
        return "unknown", f"no coding transcript at the {missing} breakpoint"
    o5, intron5 = _coding_offset(tx5, pos5, "5")
    o3, intron3 = _coding_offset(tx3, pos3, "3")
    for side, tx, offset, intronic in (("5'", tx5, o5, intron5), ("3'", tx3, o3, intron3)):
        if intronic:
            return "unknown", f"{side} breakpoint in an intron of {tx.gene_name}: frame not determined"
        if not isinstance(offset, int):
            where = {"utr5": "5' UTR", "utr3": "3' UTR"}.get(offset, "a non-coding position")
            return "unknown", f"{side} breakpoint in the {where} of {tx.gene_name}: frame not determined"
    kept5 = (o5 + 1 - tx5.first_phase) % 3  # bases of an open codon the 5' part leaves
    enters3 = (o3 - tx3.first_phase) % 3  # bases of an open codon the 3' part starts inside
    return ("in-frame" if kept5 == enters3 else "out-of-frame"), ""


def domain_retained(tx, pos: int, role: str, domain: dict) -> str:
    """yes / no / unknown: is the domain in the kept part of the protein?

    A 3' kinase keeps the protein from the junction on: the whole domain must
    start after it. A 5' kinase keeps its start up to the junction: it must
    keep at least up to `core_end` (the end of the catalytic core) when the
    whitelist states one, else the domain's end. An intronic breakpoint is
    judged at the nearest kept exon base.
    """
    if tx is None:
        return "unknown"
    side = "3" if role == "3prime" else "5"
    offset, _ = _coding_offset(tx, pos, side)
    start, end = int(domain["start"]), int(domain.get("core_end") or domain["end"])
    if role == "3prime":
        if offset == "utr5":
            return "yes"
        if offset == "utr3":
            return "no"
        return "unknown" if offset is None else ("yes" if tx.codon_of(offset) <= start else "no")
    if offset == "utr3":
        return "yes"
    if offset == "utr5":
        return "no"
    return "unknown" if offset is None else ("yes" if tx.codon_of(offset) >= end else "no")


# --- annotation and tiers ---------------------------------------------------------


def whitelisted(kb: KnowledgeBase, gene: str, gene_id: str):
    genes = kb.kinases["genes"]
    stem = str(gene_id).split(".")[0]
    for name, entry in genes.items():
        if entry.get("ensembl_gene") == stem and stem not in (".", ""):
            return name
    return gene if gene in genes else None


def tier_for(role_ok: bool, domain: str, frame: str, best_level, support: int, min_support: int,
             unchecked_reasons: tuple = (), scope: str = "this tumour type", unconfirmed: str = "") -> tuple:  # fmt: skip
    """(tier, actionable, reason) by the house rule of the module docstring; `unconfirmed` says why
    the junction itself is not proven (no read crosses it)."""
    failures = []
    if not role_ok:
        failures.append("kinase at the non-actionable end")
    if domain == "no":
        failures.append("kinase domain not retained")
    if frame == "out-of-frame":
        failures.append("out of frame")
    if failures:
        return "III", "no", "; ".join(failures)
    if best_level is None:
        return "III", "no", "no therapy in the knowledge base"
    unchecked = [
        name for name, value in (("reading frame", frame), ("domain retention", domain)) if value == "unknown"
    ]
    notes = []
    if unchecked:
        detail = f" ({'; '.join(unchecked_reasons)})" if unchecked_reasons else ""
        notes.append(f"{' and '.join(unchecked)} could not be checked{detail}")
    if unconfirmed:
        notes.append(unconfirmed)
    if support < min_support:
        notes.append(f"low support ({support} fragments < {min_support})")
    actionable = "review" if unchecked or unconfirmed else "yes"
    if best_level in ("1", "2") and not notes:
        where = "a tumour-agnostic approval" if scope == "tumour-agnostic" else "for this tumour type"
        return "I", actionable, f"level {best_level} therapy ({where}), all checks passed"
    return "II", actionable, "; ".join([f"best level {best_level}"] + notes)


def _pick_kinase(kb: KnowledgeBase, row: dict):
    kinase5 = whitelisted(kb, row["gene5"], row.get("gene_id5", "."))
    kinase3 = whitelisted(kb, row["gene3"], row.get("gene_id3", "."))
    if not kinase5 and not kinase3:
        return None, None
    genes = kb.kinases["genes"]
    if kinase5 and kinase3:  # both whitelisted: the one at its actionable end
        kinase = kinase3 if genes[kinase3]["actionable_role"] == "3prime" else kinase5
    else:
        kinase = kinase3 or kinase5
    return kinase, ("3prime" if kinase == kinase3 else "5prime")


def annotate_call(row: dict, annotation, kb: KnowledgeBase, clinical: dict, min_support: int,
                  tumour_type: str | None = None) -> dict | None:  # fmt: skip
    """Kinase columns for one call; None when neither partner is whitelisted.

    `clinical` is kb_check's {gene: ClinicalChoice}: protein coordinates (the
    domain) are used only on a verified clinical transcript.
    """
    kinase, position = _pick_kinase(kb, row)
    if kinase is None:
        return None
    entry = kb.kinases["genes"][kinase]
    side = "3" if position == "3prime" else "5"
    other = "5" if side == "3" else "3"
    _, pos, _ = parse_breakpoint(row[f"breakpoint{side}"])
    choice = clinical.get(kinase)
    verified_tx = annotation.transcript(choice.transcript) if choice is not None and choice.verified else None
    numbering_tx = verified_tx or annotation.transcript(row.get(f"transcript{side}", "."))
    if verified_tx is not None:
        transcript_choice = f"{choice.chosen_by} ({choice.uniprot}, {choice.protein_length} aa verified)"
    else:
        why = choice.reason if choice is not None else "not checked against the reference"
        transcript_choice = f"no verified clinical transcript: {why}"
    located = locate_in_transcript(numbering_tx, pos, side) if numbering_tx is not None else None
    kinase_exon = str(located[0]) if located else "."
    partner_tx = annotation.transcript(row.get(f"transcript{other}", "."))
    _, partner_pos, _ = parse_breakpoint(row[f"breakpoint{other}"])
    if side == "3":
        frame, frame_reason = reading_frame(partner_tx, partner_pos, numbering_tx, pos)
    else:
        frame, frame_reason = reading_frame(numbering_tx, pos, partner_tx, partner_pos)
    domain = domain_retained(verified_tx, pos, position, entry["domain"])
    unchecked = [frame_reason] if frame == "unknown" else []
    if domain == "unknown":
        unchecked.append(f"{kinase} domain not assessable: {transcript_choice}" if verified_tx is None
                         else f"{kinase} breakpoint outside the coding exons")  # fmt: skip
    therapies = therapies_for(kb, kinase, tumour_type)
    best = therapies[0]["sample_level"] if therapies else None
    support = cell_int(row.get("junction_reads")) + cell_int(row.get("spanning_pairs"))
    scope = therapies[0]["scope"] if therapies else ""
    unconfirmed = unconfirmed_by_builtin(row.get("filters"), row.get("callers"))
    source = breakpoint_source(row)
    if source == INFERRED_FROM_PAIRS:
        unconfirmed = "; ".join(filter(None, [unconfirmed, (
            f"breakpoint inferred from {cell_int(row.get('spanning_pairs'))} discordant pairs at the "
            "nearest exon boundaries; no read crosses the junction")]))  # fmt: skip
    elif source == JUNCTION_SEQUENCE:
        unconfirmed = "; ".join(filter(None, [unconfirmed, (
            f"no chimeric read from STAR; {cell_int(row.get('junction_sequence_reads'))} fragments' soft-clipped "
            "reads cross the junction sequence")]))  # fmt: skip
    tier, actionable, reason = tier_for(position == entry["actionable_role"], domain, frame, best, support,
                                        min_support, tuple(unchecked), scope, unconfirmed)  # fmt: skip
    if tumour_type is None and any(t["scope"] == "other tumour type" for t in therapies):
        reason += "; no tumour type given: levels of other indications count as 3B at best"
    d = entry["domain"]
    elsewhere = [t for t in therapies if t["scope"] == "other tumour type"]
    return {
        "kinase": kinase, "partner_role": position,
        "kinase_transcript": numbering_tx.transcript_id if numbering_tx else ".", "kinase_exon": kinase_exon,
        "kinase_domain": f"{d.get('name', 'domain')} {d['start']}-{d['end']}",
        "kinase_domain_retained": domain, "reading_frame": frame, "tier": tier, "actionable": actionable,
        "tier_reason": reason,
        "therapies": therapy_cell(therapies),
        "drug_classes": ", ".join(dict.fromkeys(t["class"] for t in therapies)) or ".",
        "best_level": best or ".",
        "kinase_transcript_choice": transcript_choice, "tumour_type": tumour_type or ".",
        "other_tumour_type_therapies": "; ".join(
            f"{t['drug']} ({t['sample_level']}; level {t['level']} in {', '.join(t.get('tumour_types') or [])})"
            for t in elsewhere) or ".",
        "review_reason": "; ".join(unchecked + [unconfirmed] * bool(unconfirmed)) if actionable == "review" else ".",
    }  # fmt: skip


def kinase_calls(table: pd.DataFrame, annotation, kb: KnowledgeBase, clinical: dict, min_support: int = 5,
                 tumour_type: str | None = None) -> pd.DataFrame:  # fmt: skip
    """Passing calls with a whitelisted partner, kinase columns added, best tier first.

    For the kinase side, `transcript5/3` and `exon5/3` follow the transcript
    the kinase exon was numbered on (the clinical one when verified).
    """
    rows = []
    passing = table[table["pass"] == "yes"] if len(table) else table
    for row in passing.to_dict("records"):
        extra = annotate_call(row, annotation, kb, clinical, min_support, tumour_type)
        if extra is None:
            continue
        side = "3" if extra["partner_role"] == "3prime" else "5"
        if extra["kinase_transcript"] != ".":
            row[f"transcript{side}"], row[f"exon{side}"] = extra["kinase_transcript"], extra["kinase_exon"]
        rows.append({**row, **extra})
    if not rows:
        return pd.DataFrame(columns=list(table.columns) + KINASE_COLUMNS)
    result = pd.DataFrame(rows)
    order = result["tier"].map({"I": 0, "II": 1, "III": 2}).fillna(3) * 3 + result["actionable"].map(
        {"yes": 0, "review": 1, "no": 2}
    ).fillna(2)
    return result.loc[order.sort_values(kind="stable").index].reset_index(drop=True)


def main(snakemake) -> None:
    """Rule annotate_kinases: fusions.tsv -> kinase_fusions.tsv."""
    import logging

    from fusion_pipeline.common.clinical_annotation import load_annotation, read_kb_check
    from fusion_pipeline.common.fusion_table import read_table, write_table
    from fusion_pipeline.common.input_verdict import input_failure, read_verdict
    from fusion_pipeline.common.knowledge_base import load_knowledge_base

    failure = input_failure(read_verdict(snakemake.input.check))
    if failure:  # no tier or therapy from a broken input, whatever its readable part showed
        logging.warning("input %s: no kinase fusion is annotated", failure)
        write_table(pd.DataFrame(columns=list(read_table(snakemake.input.calls).columns) + KINASE_COLUMNS),
                    snakemake.output[0])  # fmt: skip
        return

    annotation = load_annotation(snakemake.input.gtf, snakemake.input.kb_check)
    kb = load_knowledge_base(
        snakemake.input.kinases, snakemake.input.actionability, snakemake.input.tumour_types
    )
    tumour_type = snakemake.params.sample.get("tumour_type") or None
    kinases = kinase_calls(read_table(snakemake.input.calls), annotation, kb, read_kb_check(snakemake.input.kb_check),
                           snakemake.params.min_support, tumour_type)  # fmt: skip
    actionable = int((kinases["actionable"] == "yes").sum()) if len(kinases) else 0
    logging.info("%d kinase fusions, %d actionable", len(kinases), actionable)
    write_table(kinases, snakemake.output[0])
