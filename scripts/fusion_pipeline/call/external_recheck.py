"""External callers' calls that the built-in caller did not pass, judged by its artefact filters.

Arriba without its blacklist passes artefacts (template switches, homologous
mis-mappings) that the built-in filters remove from the same junctions: on the
validation set the merged PPV fell from 100 % to 94.0 % when Arriba's calls
were added unchecked. So when the built-in caller runs beside an external one,
a passing call that the built-in caller did not pass is judged again:

- the built-in caller has a candidate at the same breakpoints and removed it
  with an artefact filter (ARTEFACT_FILTERS): the call fails,
  `builtin_artefact(<filters>)`. Relative support is judged again on the
  external caller's own support against the built-in chimeric background, since
  the other caller may see more reads, and the known-fusions rescue applies to
  it as in the built-in caller;
- it has no candidate there: the filters that judge from the reference and the
  annotation alone (REFERENCE_FILTERS, less those `builtin.filters` switches
  off) are run on the breakpoints; a hit fails. A call no external caller saw
  a split read of fails too, `builtin_artefact(pairs_only)`, unless its gene
  pair is a known fusion: the built-in caller makes a candidate of discordant
  pairs alone only for known fusions (call/known_pairs.py), and on the
  validation set Arriba's pairs-only calls it had no candidate for were all
  false (a poly-A switch from 3 discordant mates);
- otherwise (removed for weak support only, or not seen at all) the call keeps
  passing with `builtin_unconfirmed(<why>)`, and interpretation holds it at
  `review` (common/fusion_table.unconfirmed_by_builtin).
"""

import pandas as pd

from fusion_pipeline.call import filters
from fusion_pipeline.call.background import evalue
from fusion_pipeline.call.region_lists import pair_matches
from fusion_pipeline.common.cells import cell_float, cell_int
from fusion_pipeline.common.fusion_table import (
    ARTEFACT_FLAG,
    NO_CANDIDATE,
    UNCONFIRMED_FLAG,
    fusion_type,
    parse_breakpoint,
    same_breakpoints,
    side_direction,
)

BUILTIN = "builtin"
# Removing filters whose verdict is about the junction itself, not about how much support was seen.
ARTEFACT_FILTERS = ("read_through", "same_gene", "gene_vicinity", "hairpin", "intronic", "mate_inconsistent",
                    "template_switch", "low_complexity", "homologs", "relative_support", "blacklist")  # fmt: skip
REFERENCE_FILTERS = {
    "same_gene": filters.same_gene, "read_through": filters.read_through, "gene_vicinity": filters.gene_vicinity,
    "hairpin": filters.hairpin, "intronic": filters.intronic, "low_complexity": filters.low_complexity_flanks,
    "homologs": filters.homologs,
}  # fmt: skip


def _caller_counts(support_by_caller: str, callers: set) -> list:
    """(split reads, spanning pairs) each of `callers` gave the call ('caller:junction/spanning;...')."""
    counts = []
    for item in str(support_by_caller).split(";"):
        caller, _, pair = item.partition(":")
        if caller in callers and "/" in pair:
            junction, spanning = pair.split("/", 1)
            counts.append((cell_int(junction), cell_int(spanning)))
    return counts


def _caller_support(support_by_caller: str, callers: set) -> int:
    """The most fragments any of `callers` gave the call."""
    return max(
        (junction + spanning for junction, spanning in _caller_counts(support_by_caller, callers)), default=0
    )


def _caller_split_reads(support_by_caller: str, callers: set) -> int:
    """The most split reads any of `callers` saw for the call."""
    return max((junction for junction, _ in _caller_counts(support_by_caller, callers)), default=0)


def _known_pair(record: dict, context) -> bool:
    """Whether the call's gene pair, in its orientation, is on the known-fusions list."""
    call = breakend_table([record]).iloc[0].to_dict()
    return any(pair_matches(entry, call, ordered=True) for entry in context.known_fusions)


def pairs_only(record: dict, context) -> bool:
    """No external caller saw a split read across the call and its pair is not a known fusion."""
    external = set(str(record["callers"]).split(",")) - {BUILTIN}
    return _caller_split_reads(record["support_by_caller"], external) == 0 and not _known_pair(
        record, context
    )


def _known_rescue(record: dict, support: int, context) -> bool:
    """The built-in known-fusions rescue of a weakly supported call: a pair of the known-fusions list on
    exon boundaries at both ends, with `known_min_support` fragments."""
    if support < context.params.known_min_support or not context.known_fusions:
        return False
    if record.get("site5") != "exon_boundary" or record.get("site3") != "exon_boundary":
        return False
    return _known_pair(record, context)


def _filter_names(cell) -> list:
    return [name.split("(", 1)[0] for name in str(cell).split(",") if name not in ("", ".")]


def builtin_verdict(record: dict, builtin: dict, context) -> tuple[list, list]:
    """(artefact filters that still hold, other filters) of the built-in candidate at the call's breakpoints."""
    removed = _filter_names(builtin.get("filters"))
    artefacts = [name for name in removed if name in ARTEFACT_FILTERS]
    if (
        "relative_support" in artefacts
    ):  # judged on the other caller's support, and rescued as the caller would
        external = _caller_support(record["support_by_caller"], set(record["callers"].split(",")) - {BUILTIN})
        background = cell_float(builtin.get("background_events")) or 0.0
        strong = evalue(background, external, context.params.evalue_exponent) <= context.params.max_evalue
        if strong or _known_rescue(record, external, context):
            artefacts.remove("relative_support")
    others = [name for name in removed if name not in artefacts and name != "duplicates"]
    return artefacts, others or ["not_passed"]


def breakend_table(records: list) -> pd.DataFrame:
    """The columns the reference filters read, from each call's breakpoints and annotation."""
    rows = []
    for r in records:
        (c5, p5, s5), (c3, p3, s3) = parse_breakpoint(r["breakpoint5"]), parse_breakpoint(r["breakpoint3"])
        d5, d3 = side_direction("5", s5), side_direction("3", s3)
        rows.append({
            "chr5": c5, "pos5": p5, "dir5": d5, "strand5": s5, "chr3": c3, "pos3": p3, "dir3": d3, "strand3": s3,
            "type": fusion_type(c5, p5, d5, c3, p3, d3),
            **{f"gene{role}": _text(r.get(f"gene{role}"), ".") for role in "53"},
            # a gene the GTF lacks (named by the other caller only) is its own: same_gene compares IDs
            **{f"gene_id{role}": _text(r.get(f"gene_id{role}"), _text(r.get(f"gene{role}"), ".")) for role in "53"},
            **{f"site{role}": _text(r.get(f"site{role}"), "intergenic") for role in "53"},
        })  # fmt: skip
    return pd.DataFrame(rows)


def _text(value, missing: str) -> str:
    """A cell as text; empty, '.' and NaN (a column another caller's rows lacked) read as `missing`."""
    return value if isinstance(value, str) and value not in ("", ".") else missing


def reference_hits(records: list, context, enabled: dict | None = None) -> list:
    """Per call, the REFERENCE_FILTERS that hit it (those `builtin.filters` switched off never do)."""
    if not records:
        return []
    table = breakend_table(records)
    hits = {name: function(table, context) for name, function in REFERENCE_FILTERS.items()
            if (enabled or {}).get(name, True)}  # fmt: skip
    return [[name for name in hits if hits[name][i]] for i in range(len(records))]


def _judged(record: dict, artefacts: list, unconfirmed: list) -> dict:
    """The call failed with builtin_artefact(...) when `artefacts`, else kept with builtin_unconfirmed(...)."""
    flag, reasons = (ARTEFACT_FLAG, artefacts) if artefacts else (UNCONFIRMED_FLAG, unconfirmed)
    kept = [f for f in str(record["filters"]).split(",") if f not in ("", ".")]
    note = f"{flag}({'+'.join(dict.fromkeys(reasons))})"
    return {**record, "pass": "no" if artefacts else record["pass"], "filters": ",".join(kept + [note])}


def recheck(records: list, builtin_rows: list, context, enabled: dict | None = None) -> list:
    """The merged calls with external-only passing calls failed as artefacts or marked unconfirmed."""
    out, unseen = [], []
    for record in records:
        callers = set(str(record["callers"]).split(","))
        if record["pass"] != "yes" or callers == {BUILTIN}:
            out.append(record)
            continue
        builtin = next((b for b in builtin_rows if same_breakpoints(
            record["breakpoint5"], record["breakpoint3"], b["breakpoint5"], b["breakpoint3"])), None)  # fmt: skip
        if builtin is None:
            unseen.append(len(out))
            out.append(record)
        elif builtin["pass"] == "yes":
            out.append(record)
        else:
            out.append(_judged(record, *builtin_verdict(record, builtin, context)))
    for index, hits in zip(unseen, reference_hits([out[i] for i in unseen], context, enabled)):
        artefacts = hits + (["pairs_only"] if pairs_only(out[index], context) else [])
        out[index] = _judged(out[index], artefacts, [NO_CANDIDATE])
    return out
