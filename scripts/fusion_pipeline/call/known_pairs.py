"""Known fusions seen as discordant pairs only: a candidate with an inferred breakpoint (issue 27).

At the Poisson limit a fusion of a few fragments may have no read across its
junction, only pairs whose mates fall one in each gene. For a gene pair of the
known-fusions list (gene-name entries), such pairs in the fusion's orientation
(the 5' mate in an exon of the 5' gene, upstream of the junction; the 3' mate
in an exon of the 3' gene, downstream) make a candidate even without a split
read. Its breakpoint is inferred at the nearest exon boundaries consistent
with every pair: the end of the exon holding the 5' mate furthest downstream,
the start of the exon holding the 3' mate furthest upstream, on the gene's
clinical transcript (else its most canonical one). The call has no split read
(`junction_reads` 0), so its `breakpoint_source` is `inferred_from_pairs` and
interpretation holds it at `review`.

Pairs are STAR's encompassing records as spanning_rows keeps them (uniquely
placed, PCR copies once). Only candidates of pairs without a split-read
candidate are made: where split reads exist their call decides.
"""

import numpy as np
import pandas as pd

from fusion_pipeline.common.annotation import Annotation, locate_in_transcript, strand_fits

EXONIC = ("exon", "exon_boundary")


def numbering_transcript(annotation: Annotation, gene):
    """The gene's clinical transcript when it has one, else its most canonical, longest-coding one."""
    clinical = annotation.transcript(annotation.numbering.get(gene.gene_id, ""))
    if clinical is not None:
        return clinical
    if not gene.transcripts:
        return None
    return min(gene.transcripts, key=lambda tx: tx.preference)


def known_gene_pairs(known: list, annotation: Annotation) -> list:
    """(5' gene, 3' gene) of the known-fusions entries named by genes the annotation has."""
    pairs = []
    for entry in known:
        if entry.second is None or not entry.first.gene or not entry.second.gene:
            continue
        five, three = annotation.by_name.get(entry.first.gene), annotation.by_name.get(entry.second.gene)
        if five is not None and three is not None and five.gene_id != three.gene_id:
            pairs.append((five, three))
    return pairs


def _side_mask(spans: dict, side: str, code: int, gene, role: str) -> np.ndarray:
    """Spans whose mate on `side` ends in the gene's span, retained on the `role` partner's side."""
    wanted_dir = 1 if strand_fits(gene.strand, role, 1) else -1
    return (
        (spans[f"chr{side}"] == code)
        & (spans[f"pos{side}"] >= gene.start)
        & (spans[f"pos{side}"] <= gene.end)
        & (spans[f"dir{side}"] == wanted_dir)
    )


def inferred_breakpoint(tx, mates, role: str):
    """The exon boundary a junction must lie at for every mate on this side, or None.

    5': the last base of the exon holding the mate furthest downstream (in
    transcript order); 3': the first base of the exon holding the mate
    furthest upstream. A mate outside the transcript's exons (intron, beyond
    it) is unspliced or mis-placed and makes no inference.
    """
    located = {int(mate): locate_in_transcript(tx, int(mate), role) for mate in mates}
    if any(where is None or where[1] not in EXONIC for where in located.values()):
        return None
    toward_junction = max if (role == "5") == (tx.strand == "+") else min
    index = located[toward_junction(located)][0] - 1
    return tx.last_base(index) if role == "5" else tx.first_base(index)


def known_pair_candidates(spans: dict, chroms: list, annotation: Annotation, known: list,
                          min_pairs: int) -> pd.DataFrame:  # fmt: skip
    """Cluster-like rows (the caller's candidate input) of known pairs seen in discordant pairs only.

    `spans` are spanning_rows' records (chr codes into `chroms`, pos, dir of
    both breakends). Each row carries `junction_reads` 0 and the pairs as
    `spanning_pairs`.
    """
    if not len(spans.get("pos1", ())):
        return pd.DataFrame()
    codes = {name: i for i, name in enumerate(chroms)}
    rows = []
    for five, three in known_gene_pairs(known, annotation):
        if five.chrom not in codes or three.chrom not in codes:
            continue
        c5, c3 = codes[five.chrom], codes[three.chrom]
        found = set()  # the same mate ends twice are one fragment's records
        for s5, s3 in (("1", "2"), ("2", "1")):
            mask = _side_mask(spans, s5, c5, five, "5") & _side_mask(spans, s3, c3, three, "3")
            found |= {(int(p5), int(p3)) for p5, p3 in zip(spans[f"pos{s5}"][mask], spans[f"pos{s3}"][mask])}
        if len(found) < min_pairs:
            continue
        tx5, tx3 = numbering_transcript(annotation, five), numbering_transcript(annotation, three)
        if tx5 is None or tx3 is None:
            continue
        bp5 = inferred_breakpoint(tx5, [p5 for p5, _ in found], "5")
        bp3 = inferred_breakpoint(tx3, [p3 for _, p3 in found], "3")
        if bp5 is None or bp3 is None:
            continue
        rows.append({"chr1": five.chrom, "pos1": bp5, "dir1": 1 if five.strand == "+" else -1,
                     "chr2": three.chrom, "pos2": bp3, "dir2": -1 if three.strand == "+" else 1,
                     "junction_reads": 0, "duplicates": 0, "motif": 0, "homology": 0,
                     "spanning_pairs": len(found), "inconsistent_pairs": 0, "min_anchor_best": None})  # fmt: skip
    return pd.DataFrame(rows)


def without_confirmed(table: pd.DataFrame) -> pd.DataFrame:
    """The candidates less the weaker ones of a gene pair that better evidence also has: split reads decide
    over junction-sequence reads (call/junction_evidence.py), and either over pairs alone (their pairs
    would otherwise be counted for two calls)."""
    if table.empty:
        return table
    sequence = table["junction_sequence_reads"] if "junction_sequence_reads" in table else 0
    rank = np.where(table["junction_reads"] > 0, 2, np.where(sequence > 0, 1, 0))
    pair = pd.Series(list(zip(table["gene5"], table["gene3"])), index=table.index)
    best = pd.Series(rank, index=table.index).groupby(pair).transform("max")
    return table[(rank == 2) | (rank >= best.to_numpy())].reset_index(drop=True)
