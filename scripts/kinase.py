"""Kinase whitelist annotation, reading frame, domain retention and tiering.

Each passing call with a whitelisted gene on either side is annotated against
the GTF's CDS rows: the kinase's exon in the whitelist transcript, whether the
kinase (or ligand) domain is kept, the reading frame across the junction, the
therapies of the knowledge base, and a tier:

    I    kinase at its actionable end, domain kept, in frame, a level 1/2
         therapy, and at least `min_support_tier1` supporting fragments
    II   the same checks pass (or could not be made) with a level 3A-4
         therapy, or level 1/2 with low support or an unchecked frame/domain
    III  a whitelisted gene that fails a check (kinase at the wrong end,
         domain lost, out of frame) or has no therapy: reported, not actionable

Levels are for the indications listed with each therapy; the tumour type
decides which applies.
"""

from dataclasses import dataclass

import pandas as pd
import yaml

from annotation import locate_in_transcript
from fusion_table import parse_breakpoint
from samplesheet import InputError

LEVEL_ORDER = ["1", "2", "3A", "3B", "4"]
KINASE_COLUMNS = [
    "kinase", "partner_role", "kinase_transcript", "kinase_exon", "kinase_domain", "kinase_domain_retained",
    "reading_frame", "tier", "actionable", "tier_reason", "therapies", "drug_classes", "best_level",
]  # fmt: skip


@dataclass
class KnowledgeBase:
    kinases: dict
    actionability: dict

    @property
    def versions(self) -> dict:
        return {"kinases": str(self.kinases["version"]), "actionability": str(self.actionability["version"])}


def load_knowledge_base(kinases_path: str, actionability_path: str) -> KnowledgeBase:
    """Both YAML files, checked enough that a typo is named rather than crashing later."""
    kinases = load_yaml(kinases_path)
    actionability = load_yaml(actionability_path)
    for path, data, key in ((kinases_path, kinases, "genes"), (actionability_path, actionability, "genes")):
        if not isinstance(data.get(key), dict) or "version" not in data:
            raise InputError(f"{path}: needs 'version' and a '{key}' mapping")
    for gene, entry in kinases["genes"].items():
        missing = [k for k in ("transcript", "actionable_role", "domain") if k not in entry]
        if missing:
            raise InputError(f"{kinases_path}: gene {gene} lacks {', '.join(missing)}")
        if entry["actionable_role"] not in ("3prime", "5prime"):
            raise InputError(f"{kinases_path}: gene {gene}: actionable_role must be 3prime or 5prime")
        domain = entry["domain"]
        if not (isinstance(domain, dict) and int(domain.get("start", 0)) >= 1
                and int(domain.get("end", 0)) >= int(domain["start"])):  # fmt: skip
            raise InputError(f"{kinases_path}: gene {gene}: domain needs start <= end (protein positions)")
    sources = actionability.get("sources", {})
    for gene, entry in actionability["genes"].items():
        for therapy in entry.get("therapies") or []:
            if str(therapy.get("level")) not in LEVEL_ORDER:
                raise InputError(
                    f"{actionability_path}: {gene} {therapy.get('drug')}: level must be one of {LEVEL_ORDER}"
                )
            unknown = [s for s in therapy.get("sources", []) if s not in sources]
            if unknown:
                raise InputError(
                    f"{actionability_path}: {gene} {therapy['drug']}: unknown source(s) {unknown}"
                )
    return KnowledgeBase(kinases, actionability)


def load_yaml(path: str) -> dict:
    try:
        with open(path) as fh:
            data = yaml.safe_load(fh)
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except yaml.YAMLError as err:
        raise InputError(f"{path}: not valid YAML ({str(err).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a mapping at the top level")
    return data


# --- coding coordinates ---------------------------------------------------------


def cds_offset(tx, pos: int):
    """0-based offset of genomic `pos` in the transcript's CDS, 'utr5'/'utr3' outside it, None if not exonic."""
    if not tx.cds:
        return None
    offset = 0
    for start, end, _ in tx.cds:
        if start <= pos <= end:
            return offset + (pos - start if tx.strand == "+" else end - pos)
        offset += end - start + 1
    located = locate_in_transcript(tx, pos, "5")
    if located is None or located[1] == "intron":
        return None
    first, last = tx.cds[0], tx.cds[-1]
    cds_start = first[0] if tx.strand == "+" else first[1]
    before = pos < cds_start if tx.strand == "+" else pos > cds_start
    if before:
        return "utr5"
    cds_end = last[1] if tx.strand == "+" else last[0]
    after = pos > cds_end if tx.strand == "+" else pos < cds_end
    return "utr3" if after else None


def _first_phase(tx) -> int:
    return tx.cds[0][2] if tx.cds else 0


def codon_of(tx, offset: int) -> int:
    """1-based codon (amino acid) number holding CDS offset `offset`."""
    return (offset - _first_phase(tx)) // 3 + 1


def reading_frame(tx5, pos5: int, tx3, pos3: int) -> str:
    """in-frame / out-of-frame / unknown across a junction (last 5' base, first 3' base)."""
    if tx5 is None or tx3 is None:
        return "unknown"
    o5, o3 = cds_offset(tx5, pos5), cds_offset(tx3, pos3)
    if not isinstance(o5, int) or not isinstance(o3, int):
        return "unknown"
    kept5 = (o5 + 1 - _first_phase(tx5)) % 3  # bases of an open codon the 5' part leaves
    enters3 = (o3 - _first_phase(tx3)) % 3  # bases of an open codon the 3' part starts inside
    return "in-frame" if kept5 == enters3 else "out-of-frame"


def domain_retained(tx, pos: int, role: str, domain: dict) -> str:
    """yes / no / unknown: is the whole domain (protein positions) in the kept part?"""
    if tx is None:
        return "unknown"
    offset = cds_offset(tx, pos)
    start, end = int(domain["start"]), int(domain["end"])
    if role == "3prime":  # keeps the protein from the breakpoint to its end
        if offset == "utr5":
            return "yes"
        if offset == "utr3":
            return "no"
        if offset is None:
            return "unknown"
        return "yes" if codon_of(tx, offset) <= start else "no"
    if offset == "utr3":  # 5' partner keeps the protein from its start to the breakpoint
        return "yes"
    if offset == "utr5":
        return "no"
    if offset is None:
        return "unknown"
    return "yes" if codon_of(tx, offset) >= end else "no"


# --- annotation and tiers ---------------------------------------------------------


def whitelisted(kb: KnowledgeBase, gene: str, gene_id: str):
    genes = kb.kinases["genes"]
    stem = str(gene_id).split(".")[0]
    for name, entry in genes.items():
        if entry.get("ensembl_gene") == stem and stem not in (".", ""):
            return name
    return gene if gene in genes else None


def therapies_for(kb: KnowledgeBase, kinase: str) -> list:
    entry = kb.actionability["genes"].get(kinase) or {}
    return sorted(entry.get("therapies") or [], key=lambda t: LEVEL_ORDER.index(str(t["level"])))


def tier_for(role_ok: bool, domain: str, frame: str, best_level, support: int, min_support: int) -> tuple:
    """(tier, actionable, reason) by the house rule of the module docstring."""
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
        notes.append(f"{' and '.join(unchecked)} could not be checked")
    if support < min_support:
        notes.append(f"low support ({support} fragments < {min_support})")
    if best_level in ("1", "2") and not notes:
        return "I", "yes", f"level {best_level} therapy, all checks passed"
    return "II", "yes", "; ".join([f"best level {best_level}"] + notes)


def annotate_call(row: dict, annotation, kb: KnowledgeBase, min_support: int) -> dict | None:
    """Kinase columns for one call; None when neither partner is whitelisted."""
    kinase5 = whitelisted(kb, row["gene5"], row.get("gene_id5", "."))
    kinase3 = whitelisted(kb, row["gene3"], row.get("gene_id3", "."))
    if not kinase5 and not kinase3:
        return None
    genes = kb.kinases["genes"]
    if kinase5 and kinase3:  # both whitelisted: the one at its actionable end
        kinase = kinase3 if genes[kinase3]["actionable_role"] == "3prime" else kinase5
    else:
        kinase = kinase3 or kinase5
    position = "3prime" if kinase == kinase3 else "5prime"
    entry = genes[kinase]
    side = "3" if position == "3prime" else "5"
    other = "5" if side == "3" else "3"
    chrom, pos, _ = parse_breakpoint(row[f"breakpoint{side}"])
    kinase_tx = annotation.transcript(entry["transcript"])
    transcript_note = ""
    if kinase_tx is None:
        kinase_tx = annotation.transcript(row.get(f"transcript{side}", "."))
        transcript_note = f"{entry['transcript']} not in the GTF; used {row.get(f'transcript{side}', '.')}"
    kinase_exon = "."
    if kinase_tx is not None:
        located = locate_in_transcript(kinase_tx, pos, side)
        kinase_exon = str(located[0]) if located else "."
    partner_tx = annotation.transcript(row.get(f"transcript{other}", "."))
    _, partner_pos, _ = parse_breakpoint(row[f"breakpoint{other}"])
    if side == "3":
        frame = reading_frame(partner_tx, partner_pos, kinase_tx, pos)
    else:
        frame = reading_frame(kinase_tx, pos, partner_tx, partner_pos)
    domain = domain_retained(kinase_tx, pos, position, entry["domain"])
    therapies = therapies_for(kb, kinase)
    best = str(therapies[0]["level"]) if therapies else None
    support = _int(row.get("junction_reads")) + _int(row.get("spanning_pairs"))
    tier, actionable, reason = tier_for(position == entry["actionable_role"], domain, frame, best, support,
                                        min_support)  # fmt: skip
    if transcript_note:
        reason = f"{reason}; {transcript_note}"
    d = entry["domain"]
    return {
        "kinase": kinase, "partner_role": position,
        "kinase_transcript": kinase_tx.transcript_id if kinase_tx else ".", "kinase_exon": kinase_exon,
        "kinase_domain": f"{d.get('name', 'domain')} {d['start']}-{d['end']}",
        "kinase_domain_retained": domain, "reading_frame": frame, "tier": tier, "actionable": actionable,
        "tier_reason": reason,
        "therapies": "; ".join(f"{t['drug']} ({t['level']})" for t in therapies) or ".",
        "drug_classes": ", ".join(dict.fromkeys(t["class"] for t in therapies)) or ".",
        "best_level": best or ".",
    }  # fmt: skip


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def kinase_calls(table: pd.DataFrame, annotation, kb: KnowledgeBase, min_support: int = 5) -> pd.DataFrame:
    """Passing calls with a whitelisted partner, kinase columns added, best tier first.

    For the kinase side, `transcript5/3` and `exon5/3` are replaced by the
    whitelist transcript and its exon number, so exon numbers follow it.
    """
    rows = []
    for row in table[table["pass"] == "yes"].to_dict("records"):
        extra = annotate_call(row, annotation, kb, min_support)
        if extra is None:
            continue
        side = "3" if extra["partner_role"] == "3prime" else "5"
        if extra["kinase_transcript"] != ".":
            row[f"transcript{side}"], row[f"exon{side}"] = extra["kinase_transcript"], extra["kinase_exon"]
        rows.append({**row, **extra})
    if not rows:
        return pd.DataFrame(columns=list(table.columns) + KINASE_COLUMNS)
    result = pd.DataFrame(rows)
    order = result["tier"].map({"I": 0, "II": 1, "III": 2}).fillna(3)
    return result.loc[order.sort_values(kind="stable").index].reset_index(drop=True)
