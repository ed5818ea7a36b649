"""The built-in caller's filters: one function per filter, applied in the registry's order.

Each filter takes the candidate table and the `FilterContext` and returns a
boolean array: the candidates it hits. A removing filter's hit sets
`pass = no`; a flag only annotates; the rescue filter (known_fusions) gives
back `pass = yes` to calls that only weak-evidence filters removed. Every hit
is named in the `filters` column, and filter_counts.tsv counts, per filter,
the candidates it removed that were still passing when it ran. A filter is
switched off with `builtin.filters: {name: false}`; its thresholds are
`builtin.*` keys (workflow/schemas/config.schema.yaml). Adding a filter means
writing one function and one `REGISTRY` line.
"""

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fusion_pipeline.call.background import background_events, evalue
from fusion_pipeline.call.flanks import five_prime_flanks, identity, low_complexity, three_prime_flanks
from fusion_pipeline.call.region_lists import keyword_matches, pair_matches

# As Arriba's recover_known_fusions: a known pair comes back from weak support only. A call off exon
# boundaries (off_splice_site) stays removed: between two genes of a known pair, template switches
# inside exons otherwise came back with 2 fragments (a negative on the GRCh38 minigenome, CD74::ROS1).
RESCUABLE = frozenset({"min_support", "relative_support", "promiscuous"})


@dataclass
class FilterContext:
    params: object  # CallerParams
    annotation: object = None
    fasta: object = None  # pysam.FastaFile of the reference, or None (sequence filters then pass everything)
    background: object = None  # call.background.Background, or None
    blacklist: list = field(default_factory=list)
    known_fusions: list = field(default_factory=list)


@dataclass(frozen=True)
class Filter:
    name: str
    kind: str  # remove | flag | rescue
    function: object
    description: str


_BREAKENDS = ["chr5", "pos5", "dir5", "chr3", "pos3", "dir3"]  # row loops iterate only the columns they read


def _split(t: pd.DataFrame) -> np.ndarray:
    """Fragments with a read across the junction: STAR's split reads and junction-sequence reads."""
    extra = t["junction_sequence_reads"] if "junction_sequence_reads" in t else 0
    return (t["junction_reads"] + extra).to_numpy()


def _support(t: pd.DataFrame) -> np.ndarray:
    return _split(t) + t["spanning_pairs"].to_numpy()


def _both_boundaries(t: pd.DataFrame) -> np.ndarray:
    return ((t["site5"] == "exon_boundary") & (t["site3"] == "exon_boundary")).to_numpy()


def duplicates(t, ctx):
    return (t["duplicates"] > 0).to_numpy()


def min_support(t, ctx):
    p = ctx.params
    return (_split(t) < p.min_junction_reads) | (_support(t) < p.min_support)


def read_through(t, ctx):
    """Deletion-like joins of neighbouring same-strand genes: transcription beyond a gene's end."""
    same_strand = (t["gene5"] != ".") & (t["gene3"] != ".") & (t["strand5"] == t["strand3"])
    close = (t["chr5"] == t["chr3"]) & ((t["pos5"] - t["pos3"]).abs() <= ctx.params.readthrough_distance)
    return (t["type"].isin(["deletion", "read-through"]) & same_strand & close).to_numpy()


def same_gene(t, ctx):
    """Both ends in one gene: circular RNAs, back-splicing, intragenic rearrangements of the transcript."""
    return ((t["gene5"] != ".") & (t["gene_id5"] == t["gene_id3"])).to_numpy()


def gene_vicinity(t, ctx):
    """One end intergenic within `vicinity_distance` of the other end's gene: unannotated exons or UTRs."""
    hits = np.zeros(len(t), dtype=bool)
    if ctx.annotation is None:
        return hits
    distance = ctx.params.vicinity_distance
    sides = t[["gene_id5", "gene_id3", "gene5", "gene3", "chr5", "chr3", "pos5", "pos3"]]
    for i, row in enumerate(sides.itertuples(index=False)):
        for gene_side, other in (("5", "3"), ("3", "5")):
            gene_id = getattr(row, f"gene_id{gene_side}")
            if gene_id in (".", "") or getattr(row, f"gene{other}") != ".":
                continue
            gene = ctx.annotation.gene_by_id(gene_id)
            pos = getattr(row, f"pos{other}")
            if gene is not None and gene.chrom == getattr(row, f"chr{other}"):
                hits[i] |= gene.start - distance <= pos <= gene.end + distance
    return hits


def hairpin(t, ctx):
    """Inversions and duplications shorter than a fragment: molecules folding back on themselves."""
    near = (t["chr5"] == t["chr3"]) & ((t["pos5"] - t["pos3"]).abs() <= ctx.params.hairpin_distance)
    return (near & t["type"].isin(["inversion", "duplication"])).to_numpy()


def intronic(t, ctx):
    """No breakpoint in an exon or on its boundary: true fusion transcripts carry exons."""
    outside = ("intron", "intergenic")
    return (t["site5"].isin(outside) & t["site3"].isin(outside)).to_numpy()


def low_anchor(t, ctx):
    anchor = pd.to_numeric(t["anchor"], errors="coerce").to_numpy()
    return (anchor < ctx.params.min_anchor) & (t["spanning_pairs"].to_numpy() == 0)


def mate_inconsistent(t, ctx):
    inconsistent = t["inconsistent_pairs"].to_numpy()
    return (inconsistent >= 2) & (inconsistent > _support(t))


def off_splice_site(t, ctx):
    """A breakpoint off an annotated exon boundary needs split reads and a spanning pair (or many split reads)."""
    p = ctx.params
    split, spanning = _split(t), t["spanning_pairs"].to_numpy()
    strong = (split >= p.min_junction_reads_off_boundary) & (
        (spanning >= p.off_boundary_min_spanning) | (split >= p.off_boundary_split_only)
    )
    return ~_both_boundaries(t) & ~strong


def template_switch(t, ctx):
    """Reverse-transcriptase template switching: sides sharing a short sequence, no splice motif, off exon
    boundaries, in genes abundant enough to make chimeras (chimeric background)."""
    homology = t["homology"].to_numpy()
    abundant = t["background_events"].to_numpy(dtype=float) >= ctx.params.switch_min_background
    return (
        (homology >= ctx.params.min_microhomology)
        & (t["motif"].to_numpy() == 0)
        & ~_both_boundaries(t)
        & abundant
    )


def low_complexity_flanks(t, ctx):
    """Homopolymers or short tandem repeats next to either breakpoint attract alignment artefacts."""
    hits = np.zeros(len(t), dtype=bool)
    if ctx.fasta is None:
        return hits
    n = ctx.params.flank_length
    for i, row in enumerate(t[_BREAKENDS].itertuples(index=False)):
        five, _ = five_prime_flanks(ctx.fasta, row.chr5, row.pos5, row.dir5, n)
        three, _ = three_prime_flanks(ctx.fasta, row.chr3, row.pos3, row.dir3, n)
        hits[i] = low_complexity(five, ctx.params.homopolymer) or low_complexity(
            three, ctx.params.homopolymer
        )
    return hits


def homologs(t, ctx):
    """The read's 3' part matches the 5' gene's own continuation (or its 5' part the 3' gene): mis-mapping."""
    hits = np.zeros(len(t), dtype=bool)
    if ctx.fasta is None:
        return hits
    n, limit = ctx.params.homology_length, ctx.params.max_identity
    for i, row in enumerate(t[_BREAKENDS].itertuples(index=False)):
        retained5, continuation = five_prime_flanks(ctx.fasta, row.chr5, row.pos5, row.dir5, n)
        retained3, preceding = three_prime_flanks(ctx.fasta, row.chr3, row.pos3, row.dir3, n)
        hits[i] = (
            identity(continuation, retained3) >= limit or identity(preceding[::-1], retained5[::-1]) >= limit
        )
    return hits


def relative_support(t, ctx):
    """Support judged against the chimeric background of the two genes (call/background.py)."""
    return t["evalue"].to_numpy(dtype=float) > ctx.params.max_evalue


def promiscuous(t, ctx):
    """Calls of a gene with more than `max_partners` partners, except its best one."""
    hits = np.zeros(len(t), dtype=bool)
    support = _support(t)
    named = (t["gene5"] != ".") & (t["gene3"] != ".")
    partners: dict = {}
    for g5, g3 in zip(t.loc[named, "gene5"], t.loc[named, "gene3"]):
        partners.setdefault(g5, set()).add(g3)
        partners.setdefault(g3, set()).add(g5)
    for gene, others in partners.items():
        if len(others) <= ctx.params.max_partners:
            continue
        rows = np.flatnonzero(((t["gene5"] == gene) | (t["gene3"] == gene)).to_numpy())
        best = rows[np.argmax(support[rows])]
        hits[rows[rows != best]] = True
    return hits


def blacklist(t, ctx):
    hits = np.zeros(len(t), dtype=bool)
    if not ctx.blacklist:
        return hits
    for i, row in enumerate(t.to_dict("records")):
        hits[i] = any(
            keyword_matches(e, row) if e.keyword else pair_matches(e, row, ordered=False)
            for e in ctx.blacklist
        )
    return hits


def known_fusions(t, ctx):
    """Recurrent gene pairs of the known-fusions list get back removed calls that only lacked support.

    A call with no split read is a known pair's candidate from discordant pairs (call/known_pairs.py):
    its breakpoint is inferred and it is kept on `known_min_support` pairs, for review. Only a junction
    on exon boundaries at both ends comes back: the minigenome's artefact negatives (seeds 2 and 3 of
    benchmarks/dilution.py) had template switches between CD74 and ROS1, inside an exon or an intron,
    that relative_support removed and the rescue returned.
    """
    hits = np.zeros(len(t), dtype=bool)
    if not ctx.known_fusions:
        return hits
    support = _support(t)
    for i, row in enumerate(t.to_dict("records")):
        removed_by = set(row["_hits"]) & REMOVING
        if not removed_by or not removed_by <= RESCUABLE:
            continue
        if support[i] < ctx.params.known_min_support:
            continue
        if not (row["site5"] == "exon_boundary" and row["site3"] == "exon_boundary"):
            continue  # weak support inside an exon or intron of a known pair is template switching
        hits[i] = any(pair_matches(e, row, ordered=True) for e in ctx.known_fusions)
    return hits


REGISTRY = [
    Filter("duplicates", "flag", duplicates, "PCR copies left out of junction_reads (flag: duplicates(N))"),
    Filter("min_support", "remove", min_support, "fewer than min_support fragments or min_junction_reads split reads"),
    Filter("read_through", "remove", read_through, "same-strand neighbours joined like a deletion"),
    Filter("same_gene", "remove", same_gene, "both ends in one gene (circular RNA, back-splice)"),
    Filter("gene_vicinity", "remove", gene_vicinity, "one end intergenic next to the other end's gene"),
    Filter("hairpin", "remove", hairpin, "inversion or duplication shorter than hairpin_distance"),
    Filter("intronic", "remove", intronic, "no breakpoint in or at an exon"),
    Filter("low_anchor", "remove", low_anchor, "no split read anchored min_anchor bases on both sides, no spanning pair"),
    Filter("mate_inconsistent", "remove", mate_inconsistent, "more contradicting than supporting pairs"),
    Filter("off_splice_site", "remove", off_splice_site, "a breakpoint off an exon boundary without strong support"),
    Filter("template_switch", "remove", template_switch, "microhomology at a non-canonical junction off exon boundaries"),
    Filter("low_complexity", "remove", low_complexity_flanks, "homopolymer or short tandem repeat beside a breakpoint"),
    Filter("homologs", "remove", homologs, "one side's sequence continues like the other gene (mis-mapping)"),
    Filter("relative_support", "remove", relative_support, "support low against the genes' chimeric background"),
    Filter("promiscuous", "remove", promiscuous, "a gene with more than max_partners partners: all but its best call"),
    Filter("blacklist", "remove", blacklist, "matches the blacklist (Arriba format)"),
    Filter("known_fusions", "rescue", known_fusions, "a known-fusions pair removed only for weak support is kept"),
]  # fmt: skip
REMOVING = frozenset(f.name for f in REGISTRY if f.kind == "remove")
NAMES = tuple(f.name for f in REGISTRY)


def add_background(t: pd.DataFrame, ctx: FilterContext) -> pd.DataFrame:
    """`background_events` and `evalue` of each candidate (0 events without a background)."""
    t = t.copy()
    counts = [0.0] * len(t)
    if ctx.background:  # only the columns background_events reads: other columns are slow to box per row
        rows = t[["gene_id5", "chr5", "pos5", "gene_id3", "chr3", "pos3"]].to_dict("records")
        counts = [background_events(ctx.background, ctx.annotation, r) for r in rows]
    t["background_events"] = np.round(counts, 1)
    # the background is counted in STAR's chimeric reads only, so the support it is judged against is too
    star_support = (t["junction_reads"] + t["spanning_pairs"]).to_numpy()
    t["evalue"] = [round(evalue(c, s, ctx.params.evalue_exponent), 6) for c, s in zip(counts, star_support)]
    return t


def apply_filters(table: pd.DataFrame, ctx: FilterContext, enabled: dict | None = None) -> tuple:
    """Run the registry on candidate calls; return (table with filters/pass, filter counts)."""
    enabled = enabled or {}
    table = add_background(table, ctx) if len(table) else table.assign(background_events=0.0, evalue=0.0)
    table["_hits"] = [[] for _ in range(len(table))]
    hit_lists = list(table["_hits"])  # the column's own lists: filters (known_fusions) read them
    passing = np.ones(len(table), dtype=bool)
    counts = []
    for order, flt in enumerate(REGISTRY, start=1):
        on = enabled.get(flt.name, True)
        hits = flt.function(table, ctx) if on and len(table) else np.zeros(len(table), dtype=bool)
        before = int(passing.sum())
        if flt.kind == "remove":
            changed = hits & passing
            passing &= ~hits
        elif flt.kind == "rescue":
            changed = hits & ~passing
            passing |= hits
        else:
            changed = hits & passing
        rows = np.flatnonzero(hits)
        labels = [flt.name] * len(rows)
        if flt.name == "duplicates" and len(rows):
            labels = [f"duplicates({int(n)})" for n in table["duplicates"].to_numpy()[rows]]
        for i, label in zip(rows, labels):
            hit_lists[i].append(label)
        counts.append({"order": order, "filter": flt.name, "kind": flt.kind, "enabled": "yes" if on else "no",
                       "candidates": before, "hits": int(hits.sum()),
                       "removed" if flt.kind != "rescue" else "rescued": int(changed.sum())})  # fmt: skip
        if on and changed.any():
            logging.info("filter %-18s %s %d of %d candidates", flt.name,
                         "rescued" if flt.kind == "rescue" else ("flagged" if flt.kind == "flag" else "removed"),
                         int(changed.sum()), before)  # fmt: skip
    table["filters"] = [",".join(h) or "." for h in hit_lists]
    table["pass"] = np.where(passing, "yes", "no")
    counts = pd.DataFrame(counts).fillna(0)
    for column in ("removed", "rescued"):
        if column not in counts:
            counts[column] = 0
        counts[column] = counts[column].astype(int)
    return table.drop(columns=["_hits"]), counts[["order", "filter", "kind", "enabled", "candidates", "hits",
                                                  "removed", "rescued"]]  # fmt: skip
