"""What the resistance mutations found in a sample mean for its fusion's therapies.

resistance.tsv states, per hotspot of the fused kinase, the drugs a change confers resistance to
and those reported to overcome it (config/resistance_hotspots.yaml, with sources). Here the found
mutations are set against the sample's therapies: a drug a found mutation defeats is never the
headline recommendation, and the next-line options are the knowledge base's, less any drug
another found mutation defeats (compound mutations).
"""

import re

# 'alectinib (R2, L1196Q)': the resistance holds for the L1196Q change only.
CHANGE = re.compile(r"\b[A-Z]\d+[A-Z*]\b")


def drug_name(entry: str) -> str:
    """'lorlatinib (2)' -> 'lorlatinib'; the knowledge base's level or note stays in the parentheses."""
    return entry.split("(", 1)[0].strip()


def _entries(cell: str) -> list:
    return [] if cell in ("", ".") else [part.strip() for part in cell.split(";") if part.strip()]


def defeated_drugs(resistant_to: str, mutation: str) -> list:
    """The drugs of a `resistant_to` cell that the found `mutation` (e.g. 'L1196M') defeats."""
    drugs = []
    for entry in _entries(resistant_to):
        qualifier = entry.split("(", 1)[1] if "(" in entry else ""
        only_for = set(CHANGE.findall(qualifier))
        if only_for and mutation not in only_for:
            continue
        drugs.append(drug_name(entry).lower())
    return drugs


def _next_line_text(option: str, mutation: str, sample_level: str | None) -> str:
    """'lorlatinib (3B for this tumour type; 2 against G1202R)': the sample's level first (from
    therapies_for), then the knowledge base's level in the resistance setting, never one for the other."""
    drug = drug_name(option)
    kb_level = option[len(drug) :].strip().strip("()")
    against = f"{kb_level} against {mutation}" if kb_level else f"against {mutation}"
    return (
        f"{drug} ({sample_level} for this tumour type; {against})" if sample_level else f"{drug} ({against})"
    )


def resistance_effect(hotspots: list, kinase: str, therapies: list) -> dict:
    """Found, uncertain and absent hotspots of `kinase` and their effect on `therapies`.

    `hotspots` are report rows of resistance.tsv; `therapies` those of therapies_for. Returns
    `found` (each with the listed therapies it defeats and its next-line options), `resisted`
    ({drug: [mutation, ...]}), `next_line` (every found mutation's options that no found mutation
    defeats), `not_assessable` and `not_found` (hotspot labels with reasons).
    """
    own = [h for h in hotspots if h["gene"] == kinase]
    listed = {t["drug"].lower(): t["drug"] for t in therapies}
    found, resisted, defeated_any = [], {}, set()
    for h in own:
        if h["status"] != "found":
            continue
        defeated = defeated_drugs(h["resistant_to"], h["mutation"])
        defeated_any |= set(defeated)
        for drug in defeated:
            if drug in listed:
                resisted.setdefault(listed[drug], []).append(h["mutation"])
        found.append({
            "mutation": h["mutation"], "alt_fraction": h["alt_fraction"], "sources": h["sources"],
            "resistant_to": [listed[d] for d in defeated if d in listed],
            "next_line": _entries(h["overcome_by"]),
        })  # fmt: skip
    levels = {t["drug"].lower(): t["sample_level"] for t in therapies}
    next_line, named = [], set()
    for mutation in found:
        for option in mutation["next_line"]:
            drug = drug_name(option)
            if drug.lower() in defeated_any or drug.lower() in named:
                continue
            named.add(drug.lower())
            next_line.append(_next_line_text(option, mutation["mutation"], levels.get(drug.lower())))
    return {
        "found": found, "resisted": resisted, "next_line": next_line,
        "not_assessable": [f"{h['hotspot']} ({h['reason']})" for h in own if h["status"] == "not assessable"],
        "not_found": [h["hotspot"] for h in own if h["status"] == "covered, not found"],
    }  # fmt: skip


def resistance_sentence(kinase: str, effect: dict) -> str:
    """One sentence on the kinase's resistance hotspots for the headline ('' when none were genotyped)."""
    parts = []
    for m in effect["found"]:
        fraction = "" if m["alt_fraction"] is None else f" ({m['alt_fraction'] * 100:.0f}%)"
        against = ", ".join(m["resistant_to"]) or "none of the listed therapies"
        parts.append(
            f"{kinase} {m['mutation']} found{fraction}: resistance to {against} (sources: {m['sources']})"
        )
    if len(effect["found"]) > 1:
        parts.append("compound resistance: the options below are those no found mutation defeats")
    if effect["found"]:
        options = "; ".join(effect["next_line"]) or "none in the knowledge base"
        parts.append(f"next-line options: {options}")
    if effect["not_assessable"]:
        parts.append(f"{kinase} hotspots not assessable: {', '.join(effect['not_assessable'])}")
    if effect["not_found"] and not effect["found"]:
        parts.append(f"{kinase} resistance hotspots covered, none found ({', '.join(effect['not_found'])})")
    return "; ".join(parts)
