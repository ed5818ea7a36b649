"""The fusion call table shared by every caller, the merge and later steps.

Contract columns (issue 3) come first and are never renamed; further columns
are added after them.
"""

import pandas as pd

from fusion_pipeline.common.annotation import annotate_side
from fusion_pipeline.common.callers import merge_order
from fusion_pipeline.common.cells import cell_int

CONTRACT_COLUMNS = [
    "fusion", "gene5", "gene3", "breakpoint5", "breakpoint3", "exon5", "exon3",
    "junction_reads", "spanning_pairs", "callers", "filters",
]  # fmt: skip
EXTRA_COLUMNS = [
    "pass", "transcript5", "transcript3", "gene_id5", "gene_id3", "site5", "site3", "type",
    "duplicates", "large_anchor", "inconsistent_pairs", "support_by_caller", "breakpoint_source",
    "junction_sequence_reads", "vicc_name",
]  # fmt: skip
SPLIT_READS, JUNCTION_SEQUENCE, INFERRED_FROM_PAIRS = (
    "split_reads",
    "junction_sequence",
    "inferred_from_pairs",
)
# Filter notes of an external caller's call re-judged by the built-in filters (call/external_recheck.py).
ARTEFACT_FLAG, UNCONFIRMED_FLAG, NO_CANDIDATE = "builtin_artefact", "builtin_unconfirmed", "no_candidate"
COLUMNS = CONTRACT_COLUMNS + EXTRA_COLUMNS
CALLER_ORDER = merge_order()  # the registry's priorities (common/callers.py)


def empty_table() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})


def parse_breakpoint(text: str) -> tuple[str, int, str]:
    """'chrom:pos:strand' -> (chrom, pos, strand); the chrom may itself hold ':'."""
    chrom, pos, strand = text.rsplit(":", 2)
    return chrom, int(pos), strand


def same_breakpoints(a5: str, a3: str, b5: str, b3: str, tolerance: int = 5) -> bool:
    """Both ends on the same chromosome and strand, each within `tolerance` bp."""
    pa5, pa3, pb5, pb3 = (parse_breakpoint(x) for x in (a5, a3, b5, b3))
    return all(
        x[0] == y[0] and x[2] == y[2] and abs(x[1] - y[1]) <= tolerance for x, y in ((pa5, pb5), (pa3, pb3))
    )


def side_direction(role: str, strand: str) -> int:
    """+1 when the retained part lies at and below the breakpoint (see chimeric.py)."""
    return 1 if (role == "5") == (strand == "+") else -1


def fusion_name(gene5: str, gene3: str, bp5: str, bp3: str) -> str:
    left = gene5 if gene5 != "." else bp5.rsplit(":", 1)[0]
    right = gene3 if gene3 != "." else bp3.rsplit(":", 1)[0]
    return f"{left}::{right}"


def fusion_type(chrom5: str, pos5: int, dir5: int, chrom3: str, pos3: int, dir3: int) -> str:
    if chrom5 != chrom3:
        return "translocation"
    if dir5 == dir3:
        return "inversion"
    low_dir = dir5 if pos5 <= pos3 else dir3
    return "deletion" if low_dir == 1 else "duplication"


def annotate_breakpoints(table: pd.DataFrame, annotation) -> pd.DataFrame:
    """Fill gene/transcript/exon/site columns of calls whose breakpoints are known.

    Used for the adapters: the caller's own gene names are kept where the GTF
    has nothing at the breakpoint.
    """
    table = table.copy()
    for index, row in table.iterrows():
        for role in ("5", "3"):
            chrom, pos, strand = parse_breakpoint(row[f"breakpoint{role}"])
            side = annotate_side(annotation, chrom, pos, role, side_direction(role, strand))
            if side.gene == ".":
                continue
            table.at[index, f"gene{role}"] = side.gene
            table.at[index, f"gene_id{role}"] = side.gene_id
            table.at[index, f"transcript{role}"] = side.transcript
            table.at[index, f"exon{role}"] = side.exon
            table.at[index, f"site{role}"] = side.site
        table.at[index, "fusion"] = fusion_name(row_value(table, index, "gene5"), row_value(table, index, "gene3"),
                                                row["breakpoint5"], row["breakpoint3"])  # fmt: skip
    return table


def row_value(table: pd.DataFrame, index, column: str) -> str:
    return str(table.at[index, column])


def breakpoint_source(record) -> str:
    """How a call's junction is known (any caller's row, a dict or a table row): `split_reads` when STAR
    reported a read across it, `junction_sequence` when only reads laid on the fusion sequence cross it
    (call/junction_evidence.py), else `inferred_from_pairs`."""
    if cell_int(record.get("junction_reads")) > 0:
        return SPLIT_READS
    return JUNCTION_SEQUENCE if cell_int(record.get("junction_sequence_reads")) > 0 else INFERRED_FROM_PAIRS


def unconfirmed_by_builtin(filters_cell, callers_cell) -> str:
    """Why the built-in caller did not confirm an external caller's passing call ('' when it did)."""
    for note in str(filters_cell).split(","):
        if note.startswith(f"{UNCONFIRMED_FLAG}("):
            reasons = note[len(UNCONFIRMED_FLAG) + 1 : -1].split("+")
            others = ", ".join(c for c in str(callers_cell).split(",") if c != "builtin") or "another caller"
            why = ("found no candidate at this junction" if reasons == [NO_CANDIDATE]
                   else f"removed it ({', '.join(reasons)})")  # fmt: skip
            return f"called by {others} only; the built-in caller {why}"
    return ""


def write_table(table: pd.DataFrame, path: str) -> None:
    from fusion_pipeline.common.rulelog import atomic_write

    table = table.copy()
    # only the two support columns decide: no row is boxed whole
    sequence_reads = (
        table["junction_sequence_reads"] if "junction_sequence_reads" in table else ["."] * len(table)
    )
    table["breakpoint_source"] = (
        [breakpoint_source({"junction_reads": split, "junction_sequence_reads": laid})
         for split, laid in zip(table["junction_reads"], sequence_reads)]
        if len(table) else []
    )  # fmt: skip
    for column in COLUMNS:
        if column not in table:
            table[column] = "."
    ordered = table[COLUMNS + [c for c in table.columns if c not in COLUMNS]]
    with atomic_write(path) as out:
        ordered.to_csv(out, sep="\t", index=False, na_rep=".")


def read_table(path: str) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)


def merge_callers(tables: dict, tolerance: int = 5) -> pd.DataFrame:
    """One row per fusion breakpoint across callers.

    Rows of different callers are the same breakpoint when both ends lie on the
    same chromosome and strand within `tolerance` bp. The row of the first
    caller in CALLER_ORDER is kept; `callers` lists every caller that found it,
    `support_by_caller` their junction/spanning counts, and `pass` is 'yes'
    when any caller passed it.
    """
    rows = []
    for caller in sorted(tables, key=lambda c: CALLER_ORDER.index(c) if c in CALLER_ORDER else 99):
        for record in tables[caller].to_dict("records"):
            record["_caller"] = caller
            rows.append(record)
    merged: list = []
    for record in rows:
        home = next(
            (
                kept
                for kept in merged
                if record["_caller"] not in kept["_callers"]
                and same_breakpoints(
                    record["breakpoint5"],
                    record["breakpoint3"],
                    kept["breakpoint5"],
                    kept["breakpoint3"],
                    tolerance,
                )  # fmt: skip
            ),
            None,
        )
        support = f"{record['_caller']}:{record['junction_reads']}/{record['spanning_pairs']}"
        if home is None:
            record.update(_callers=[record["_caller"]], _support=[support])
            merged.append(record)
        else:
            home["_callers"].append(record["_caller"])
            home["_support"].append(support)
            if str(record.get("pass")) == "yes":
                home["pass"] = "yes"
    for record in merged:
        record["callers"] = ",".join(record["_callers"])
        record["support_by_caller"] = ";".join(record["_support"])
        for key in ("_callers", "_support", "_caller"):
            record.pop(key)
    table = pd.DataFrame(merged) if merged else empty_table()
    return sort_calls(table)


def sort_calls(table: pd.DataFrame) -> pd.DataFrame:
    if table.empty:
        return table
    support = pd.to_numeric(table["junction_reads"], errors="coerce").fillna(0) + pd.to_numeric(
        table["spanning_pairs"], errors="coerce"
    ).fillna(0)
    order = pd.DataFrame({"fail": table["pass"].astype(str) != "yes", "support": -support})
    return table.loc[order.sort_values(["fail", "support"], kind="stable").index].reset_index(drop=True)
