"""Therapies for a fusion's kinase at the sample's own evidence level: the one function every output (kinase table,
report, summary) takes a level from."""

from fusion_pipeline.common.knowledge_base import KnowledgeBase
from fusion_pipeline.common.tumour_types import level_for_sample, level_rank


def therapies_for(kb: KnowledgeBase, kinase: str, tumour_type: str | None) -> list:
    """The gene's therapies for this sample: each drug once, at its best level for this tumour type.

    The one source of the level every output states (kinase_fusions.tsv, report, summary). A drug
    the knowledge base lists under several indications (brigatinib: level 1 in NSCLC, 2 in IMT)
    keeps the indication that gives this sample its best level; the others are listed in
    `other_indications` as notes, never as a second row. Best level first.
    """
    entry = kb.actionability.get("genes", {}).get(kinase) or {}
    by_drug = {}
    for therapy in entry.get("therapies") or []:
        level, scope = level_for_sample(therapy, tumour_type, kb.oncotree)
        by_drug.setdefault(therapy["drug"], []).append({**therapy, "sample_level": level, "scope": scope})

    def best_level_first(t):
        return level_rank(t["sample_level"]), level_rank(t["level"])

    best_first = []
    for rated in by_drug.values():
        rated.sort(key=best_level_first)
        best = rated[0]
        best["other_indications"] = [
            f"level {t['level']} in {', '.join(t.get('tumour_types') or []) or 'its indication'}"
            for t in rated[1:]
        ]
        best_first.append(best)
    return sorted(best_first, key=best_level_first)


def therapy_cell(therapies: list, resisted: dict | None = None) -> str:
    """'crizotinib (1); alectinib (3B)': the therapies for this tumour type at this sample's level.

    `resisted` ({drug: [mutation, ...]}) marks drugs a resistance mutation found in the sample
    defeats. Every table that lists therapies writes them through this function.
    """
    resisted = resisted or {}
    cells = []
    for t in therapies:
        if t["scope"] == "other tumour type":
            continue
        against = resisted.get(t["drug"])
        note = f"; resistance found: {', '.join(against)}" if against else ""
        cells.append(f"{t['drug']} ({t['sample_level']}{note})")
    return "; ".join(cells) or "."
