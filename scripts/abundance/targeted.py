"""Targeted panels: the panel file, the primed side of a call, and which calls pass on molecules.

Standard library only: the workflow reads the panel when it starts, to refuse
a bad file before any job runs.

In an anchored multiplex PCR panel only the kinase side is primed; the other
end is a ligated adapter at a random position, so read-based evidence rules
(spanning pairs, anchors on both sides, support in deduplicated fragments)
do not fit. Here a call whose primed side is a panel gene and whose junction
lies on exon boundaries passes on `min_molecules` junction molecules, and
fails with fewer; a call with neither gene in the panel is flagged
`off_panel` and left to the read-based filters (nothing primed it on
purpose: a PCR chimera or a mispriming is likelier than a fusion).
"""

from dataclasses import dataclass

from common.errors import InputError


@dataclass(frozen=True)
class PanelTarget:
    chrom: str
    start: int  # 0-based, half-open
    end: int
    gene: str
    name: str


def _bed_target(fields: list, where: str) -> PanelTarget:
    if len(fields) < 4:
        raise InputError(f"{where}: a panel BED row needs chrom, start, end and name (gene)")
    try:
        start, end = int(fields[1]), int(fields[2])
    except ValueError:
        raise InputError(f"{where}: start and end must be integers") from None
    name = fields[3]
    return PanelTarget(fields[0], start, end, name.split("_")[0], name)


def read_panel(path: str) -> list:
    """Targets of a panel BED (name = GENE or GENE_label) or TSV (header chrom, start, end, gene; 1-based)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            lines = [line.rstrip("\r\n") for line in fh]
    except OSError as err:
        raise InputError(f"panel {path}: {err.strerror}") from None
    rows = [
        (n, line)
        for n, line in enumerate(lines, 1)
        if line and not line.startswith(("#", "track", "browser"))
    ]
    if not rows:
        raise InputError(f"panel {path}: no target regions")
    header = rows[0][1].split("\t")
    targets = []
    if {"chrom", "start", "end", "gene"} <= set(header):
        for n, line in rows[1:]:
            record = dict(zip(header, line.split("\t")))
            where = f"panel {path} line {n}"
            target = _bed_target([record["chrom"], str(int(record["start"]) - 1) if record["start"].isdigit()
                                  else record["start"], record["end"], record["gene"]], where)  # fmt: skip
            targets.append(target)
    else:
        targets = [_bed_target(line.split("\t"), f"panel {path} line {n}") for n, line in rows]
    for target in targets:
        if target.end <= target.start or not target.gene:
            raise InputError(f"panel {path}: target {target.name} has no length or no gene")
    return targets


def primed_genes(targets: list) -> set:
    return {target.gene for target in targets}


def primed_gene(gene5: str, gene3: str, genes: set) -> str | None:
    """The call's gene the panel primes: the 3' one when both are (the usual 3' kinase), else either."""
    if gene3 in genes:
        return gene3
    return gene5 if gene5 in genes else None


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
