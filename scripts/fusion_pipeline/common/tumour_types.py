"""OncoTree tumour types and the evidence level a therapy has for a sample's tumour type.

A therapy's level holds for its indication: the OncoTree codes it lists (a
sample's code matches when it is one of them or lies below one in the tree) or
every solid tumour for a tumour-agnostic approval. Any other tumour type gets
the therapy as "other tumour type" evidence, level 3B at best (OncoKB's level
for a standard-care biomarker in another indication).
"""

import csv
from dataclasses import dataclass

from fusion_pipeline.common.errors import InputError

LEVEL_ORDER = ["1", "2", "3A", "3B", "4"]
OTHER_TYPE_BEST_LEVEL = "3B"
HAEMATOLOGICAL_ROOTS = frozenset({"LYMPH", "MYELOID"})


@dataclass
class OncoTree:
    parents: dict  # code -> parent code ('' for the root)
    names: dict  # code -> name
    source: str = ""

    def __contains__(self, code: str) -> bool:
        return code in self.parents

    def lineage(self, code: str) -> list:
        """The code and its ancestors up to (not including) the root TISSUE."""
        chain = []
        while code and code in self.parents and code != "TISSUE":
            chain.append(code)
            code = self.parents[code]
        return chain

    def is_solid(self, code: str) -> bool:
        lineage = self.lineage(code)
        return bool(lineage) and lineage[-1] not in HAEMATOLOGICAL_ROOTS


def load_oncotree(path: str) -> OncoTree:
    """config/oncotree.tsv: code, name, parent (+ tissue, level, main_type); '#' lines are comments."""
    try:
        with open(path, newline="") as fh:
            lines = [line for line in fh if not line.startswith("#")]
    except OSError as err:
        raise InputError(f"{path}: cannot be read ({err.strerror})") from None
    reader = csv.DictReader(lines, delimiter="\t")
    if not {"code", "name", "parent"} <= set(reader.fieldnames or []):
        raise InputError(f"{path}: needs columns code, name and parent")
    parents, names = {}, {}
    for row in reader:
        parents[row["code"]] = row["parent"]
        names[row["code"]] = row["name"]
    if "TISSUE" not in parents:
        raise InputError(f"{path}: no TISSUE root; not an OncoTree table")
    return OncoTree(parents, names)


def level_rank(level: str) -> int:
    return LEVEL_ORDER.index(str(level))


def worse_level(a: str, b: str) -> str:
    return a if level_rank(a) >= level_rank(b) else b


def therapy_scope(therapy: dict, tumour_type: str | None, oncotree: OncoTree) -> str:
    """'tumour-agnostic', 'this tumour type' or 'other tumour type' for one therapy."""
    agnostic = therapy.get("tumour_agnostic")
    if agnostic == "all" or (agnostic == "solid" and (tumour_type is None or oncotree.is_solid(tumour_type))):
        return "tumour-agnostic"
    if tumour_type and set(oncotree.lineage(tumour_type)) & set(therapy.get("tumour_types") or []):
        return "this tumour type"
    return "other tumour type"


def level_for_sample(therapy: dict, tumour_type: str | None, oncotree: OncoTree) -> tuple[str, str]:
    """(level that applies to this sample, scope); other tumour types get 3B at best."""
    scope = therapy_scope(therapy, tumour_type, oncotree)
    level = str(therapy["level"])
    if scope == "other tumour type":
        level = worse_level(level, OTHER_TYPE_BEST_LEVEL)
    return level, scope
