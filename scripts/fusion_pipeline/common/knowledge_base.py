"""The knowledge base files, validated when the workflow is parsed (PyYAML and csv only).

config/kinases.yaml (whitelist: protein, clinical transcript, role, domain),
config/actionability.yaml (therapies with levels and indications),
config/resistance_hotspots.yaml and config/oncotree.tsv. Each problem is an
InputError naming the file and the entry.
"""

from dataclasses import dataclass

from fusion_pipeline.common.errors import InputError
from fusion_pipeline.common.tumour_types import LEVEL_ORDER, OncoTree, load_oncotree
from fusion_pipeline.common.yamlio import load_yaml

AGNOSTIC_SCOPES = ("solid", "all")


@dataclass
class KnowledgeBase:
    kinases: dict
    actionability: dict
    oncotree: OncoTree | None = None

    @property
    def versions(self) -> dict:
        versions = {"kinases": str(self.kinases["version"])}
        if self.actionability:
            versions["actionability"] = str(self.actionability["version"])
        return versions


def load_kinases(path: str) -> dict:
    """The kinase whitelist, checked enough that a typo is named rather than crashing later."""
    kinases = load_yaml(path)
    if not isinstance(kinases.get("genes"), dict) or "version" not in kinases:
        raise InputError(f"{path}: needs 'version' and a 'genes' mapping")
    for gene, entry in kinases["genes"].items():
        missing = [k for k in ("transcript", "actionable_role", "domain", "protein") if k not in entry]
        if missing:
            raise InputError(f"{path}: gene {gene} lacks {', '.join(missing)}")
        if entry["actionable_role"] not in ("3prime", "5prime"):
            raise InputError(f"{path}: gene {gene}: actionable_role must be 3prime or 5prime")
        protein = entry["protein"]
        if not (
            isinstance(protein, dict) and protein.get("uniprot") and isinstance(protein.get("length"), int)
        ):
            raise InputError(f"{path}: gene {gene}: protein needs a uniprot accession and an integer length")
        domain = entry["domain"]
        if not (isinstance(domain, dict) and 1 <= int(domain.get("start", 0)) <= int(domain.get("end", 0))
                <= protein["length"]):  # fmt: skip
            raise InputError(f"{path}: gene {gene}: domain needs 1 <= start <= end <= protein length")
        unknown = [k for k in entry.get("sources", []) if k not in kinases.get("sources", {})]
        if unknown or not entry.get("sources"):
            raise InputError(
                f"{path}: gene {gene}: needs sources from the sources table (unknown: {unknown})"
            )
        core_end = domain.get("core_end")
        if core_end is not None and not int(domain["start"]) <= int(core_end) <= int(domain["end"]):
            raise InputError(f"{path}: gene {gene}: domain core_end must lie between start and end")
    return kinases


def load_actionability(path: str, oncotree: OncoTree | None) -> dict:
    actionability = load_yaml(path)
    if not isinstance(actionability.get("genes"), dict) or "version" not in actionability:
        raise InputError(f"{path}: needs 'version' and a 'genes' mapping")
    sources = actionability.get("sources", {})
    for gene, entry in actionability["genes"].items():
        for therapy in entry.get("therapies") or []:
            where = f"{path}: {gene} {therapy.get('drug')}"
            if str(therapy.get("level")) not in LEVEL_ORDER:
                raise InputError(f"{where}: level must be one of {LEVEL_ORDER}")
            unknown = [s for s in therapy.get("sources", []) if s not in sources]
            if unknown or not therapy.get("sources"):
                raise InputError(
                    f"{where}: every therapy needs sources from the sources table (unknown: {unknown})"
                )
            agnostic, types = therapy.get("tumour_agnostic"), therapy.get("tumour_types") or []
            if agnostic not in (None, *AGNOSTIC_SCOPES) or (agnostic is None and not types):
                raise InputError(
                    f"{where}: needs tumour_types (OncoTree codes) or tumour_agnostic: solid|all"
                )
            if oncotree is not None:
                bad = [t for t in types if t not in oncotree]
                if bad:
                    raise InputError(f"{where}: unknown OncoTree code(s) {', '.join(bad)}")
    return actionability


def load_knowledge_base(
    kinases_path: str, actionability_path: str | None, tumour_types_path: str | None = None
):
    oncotree = load_oncotree(tumour_types_path) if tumour_types_path else None
    actionability = load_actionability(actionability_path, oncotree) if actionability_path else {}
    return KnowledgeBase(load_kinases(kinases_path), actionability, oncotree)


def load_hotspots(path: str, kinase_genes=None) -> dict:
    """The hotspot file; genes outside the kinase whitelist state their own transcript and protein."""
    data = load_yaml(path)
    if not isinstance(data.get("genes"), dict) or "version" not in data:
        raise InputError(f"{path}: needs 'version' and a 'genes' mapping")
    for gene, entry in data["genes"].items():
        if entry.get("role") not in ("on_target", "bypass"):
            raise InputError(f"{path}: {gene}: role must be on_target or bypass")
        if kinase_genes is not None and gene not in kinase_genes:
            protein = entry.get("protein") or {}
            if (
                not entry.get("transcript")
                or not protein.get("uniprot")
                or not isinstance(protein.get("length"), int)
            ):
                raise InputError(
                    f"{path}: {gene} is not in the kinase whitelist, so it needs transcript and protein "
                    "(uniprot, length)"
                )
        for spot in entry.get("hotspots", []):
            if (
                not isinstance(spot.get("position"), int)
                or spot["position"] < 1
                or len(str(spot.get("ref"))) != 1
            ):
                raise InputError(
                    f"{path}: {gene}: each hotspot needs a protein position and a one-letter ref"
                )
    return data
