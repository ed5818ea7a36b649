"""Fusion names as labs write them: GENE1::GENE2, GENE1-GENE2, GENE1/GENE2, GENE1--GENE2, any case."""

import re

from fusion_pipeline.common.errors import InputError

_SEPARATORS = ("::", "--", "/")


def parse_fusion_name(text: str, known_genes: set | None = None) -> tuple:
    """(5' gene, 3' gene) in upper case.

    A single '-' is ambiguous with gene names that hold one (NKX2-1, HLA-A):
    with `known_genes` the split whose two parts are both genes wins;
    otherwise the name must hold exactly one '-'.
    """
    name = re.sub(r"\s+", "", text).upper()
    for separator in _SEPARATORS:
        if separator in name:
            parts = name.split(separator)
            if len(parts) == 2 and all(parts):
                return parts[0], parts[1]
            raise InputError(f"fusion name {text!r}: expected two genes around {separator!r}")
    cuts = [m.start() for m in re.finditer("-", name)]
    known = {g.upper() for g in known_genes or ()}
    candidates = [(name[:c], name[c + 1 :]) for c in cuts if name[:c] and name[c + 1 :]]
    if known:
        both = [c for c in candidates if c[0] in known and c[1] in known]
        if len(both) == 1:
            return both[0]
    if len(candidates) == 1:
        return candidates[0]
    raise InputError(f"fusion name {text!r}: write it GENE1::GENE2 (5' partner first)")


def relation(truth: tuple, call: tuple) -> str | None:
    """'match' for the same 5' and 3' genes, 'reciprocal' for the two swapped, else None."""
    if truth == call:
        return "match"
    if truth == call[::-1]:
        return "reciprocal"
    return None
