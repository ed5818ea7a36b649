"""The chimeric background of a gene pair: how much support a candidate needs there.

Artefacts (template switching, mis-mapping, circular RNAs) make chimeric
reads in proportion to expression, and some genes make many. A candidate's
support is judged against that background, Arriba's relative-support idea in
our own form:

    background  = split-read events (distinct breakpoint pairs, any support)
                  with a breakend in either gene, other than those joining the
                  same two genes (a fusion's own isoforms and reciprocal)
    e-value     = (1 + background) x support ** -exponent

The tail of the support of artefact events falls off like a power law
(exponent 2.5 by default): with no background 2 supporting fragments pass
(e = 0.18 at the default cut-off 0.3), 20 background events need 6 and 100
need 11. An intergenic breakend is judged on a 10 kb window around it.
"""

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from fusion_pipeline.common.chimeric import stable_order

INTERGENIC_WINDOW = 10_000


@dataclass
class Background:
    """Breakends of every split-read event of a sample, sorted per chromosome, and the expression rate."""

    ends: dict  # chrom -> sorted breakend positions (both sides of every event)
    pairs: dict  # chrom of side 1 -> (sorted side-1 positions, side-2 chroms, side-2 positions)
    events_per_read: float = 0.0
    gene_reads: dict = None  # gene_id -> reads assigned (STAR ReadsPerGene, unstranded column)
    chroms: list = None  # chromosome names the integer codes index

    @classmethod
    def from_clusters(cls, clusters, chroms: list, gene_reads: dict | None = None):
        """`clusters` (DataFrame or columns), chromosome codes into `chroms`; all events, before any cut."""
        c1, p1 = np.asarray(clusters["chr1"]), np.asarray(clusters["pos1"])
        c2, p2 = np.asarray(clusters["chr2"]), np.asarray(clusters["pos2"])
        # every event seen from each of its ends, side-1 ends first: one sort on (chromosome, position)
        pos = np.concatenate([p1, p2])
        low = np.min(pos, initial=0)
        bits = int(np.max(pos, initial=0) - low).bit_length()
        key = np.concatenate([c1, c2], dtype=np.int64) << bits
        key |= pos - low
        order, ordered = stable_order(key)
        bounds = ordered.searchsorted(np.arange(len(chroms) + 1) << bits)  # each chromosome's slice
        pos = (ordered & ((1 << bits) - 1)) + low
        other_chrom, other_pos = np.concatenate([c2, c1])[order], np.concatenate([p2, p1])[order]
        ends, pairs = {}, {}
        for code, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:])):
            if hi > lo:
                ends[chroms[code]] = pos[lo:hi]
                pairs[chroms[code]] = (pos[lo:hi], other_chrom[lo:hi], other_pos[lo:hi])
        total_reads = sum((gene_reads or {}).values())
        rate = len(c1) / total_reads if total_reads else 0.0
        return cls(ends, pairs, rate, gene_reads or {}, list(chroms))

    @cached_property
    def codes(self) -> dict:
        """{chromosome name: code}."""
        return {name: code for code, name in enumerate(self.chroms)}

    def events_in(self, chrom: str, start: int, end: int) -> int:
        positions = self.ends.get(chrom)
        if positions is None:
            return 0
        return int(positions.searchsorted(end, "right") - positions.searchsorted(start, "left"))

    def events_between(self, region_a: tuple, region_b: tuple) -> int:
        """Events with one breakend in region a (chrom, start, end) and the other in region b."""
        total = 0
        for one, other in ((region_a, region_b), (region_b, region_a)):
            entry = self.pairs.get(one[0])
            if entry is None:
                continue
            positions, chroms2, positions2 = entry
            lo, hi = positions.searchsorted(one[1], "left"), positions.searchsorted(one[2], "right")
            if hi <= lo:
                continue
            partner = positions2[lo:hi]
            inside = (
                (chroms2[lo:hi] == self.codes.get(other[0], -1))
                & (partner >= other[1])
                & (partner <= other[2])
            )
            total += int(np.count_nonzero(inside))
        if region_a == region_b:
            total //= 2  # each intragenic event was seen from both of its ends
        return total

    def expected(self, gene_ids: list) -> float:
        return self.events_per_read * sum(self.gene_reads.get(str(g).split(".")[0], 0) for g in gene_ids)


def gene_region(annotation, gene_id: str, chrom: str, pos: int) -> tuple:
    gene = annotation.gene_by_id(gene_id) if gene_id not in (".", "") else None
    if gene is None:
        return chrom, pos - INTERGENIC_WINDOW, pos + INTERGENIC_WINDOW
    return gene.chrom, gene.start, gene.end


def background_events(background: Background, annotation, call: dict) -> float:
    """Events touching either partner, those joining the same two genes excluded."""
    a = gene_region(annotation, call["gene_id5"], call["chr5"], call["pos5"])
    b = gene_region(annotation, call["gene_id3"], call["chr3"], call["pos3"])
    own = background.events_between(a, b)
    touching = background.events_in(*a) + (background.events_in(*b) if b != a else 0)
    return float(max(0, touching - 2 * own))


def evalue(background_count: float, support: int, exponent: float) -> float:
    return (1.0 + background_count) * max(support, 1) ** -exponent
