"""The fusion transcript around a junction, and reads laid on it without gaps (issues 27, 28).

Shared by the built-in caller's junction-sequence evidence (call/junction_evidence.py) and the
report's evidence view (report/draw_evidence.py): the 5' transcript up to the breakpoint and the 3'
transcript from it, spliced from the reference, with both wild types beside it so that a read
reading as well on a partner's own transcript (homology) is not taken for the junction.
"""

from dataclasses import dataclass

from fusion_pipeline.common.sequtil import revcomp

KMER = 8  # a read must share an exact k-mer with each side's junction-near bases before it is laid on them
NEAR = 40  # bases on each side of the junction those k-mers come from


@dataclass(frozen=True)
class JunctionSequence:
    left: str  # the 5' transcript up to and including the breakpoint
    right: str  # the 3' transcript from the breakpoint on
    continuation: str  # the 5' transcript after the breakpoint (wild type)
    preceding: str  # the 3' transcript before the breakpoint (wild type)

    def kmers(self) -> tuple[set, set]:
        def of(seq):
            return {seq[i : i + KMER] for i in range(len(seq) - KMER + 1)}

        return of(self.left[-NEAR:]), of(self.right[:NEAR])


class TranscriptSequences:
    """Spliced transcript sequences (sense strand) from the reference, each read once."""

    def __init__(self, fasta):
        self.fasta, self._cache = fasta, {}

    def __call__(self, tx) -> str:
        if tx.transcript_id not in self._cache:
            parts = [self.fasta.fetch(tx.chrom, start - 1, end).upper() for start, end in tx.exons]
            self._cache[tx.transcript_id] = (
                "".join(revcomp(p) for p in parts) if tx.strand == "-" else "".join(parts)
            )
        return self._cache[tx.transcript_id]


def junction_sequence(sequences: TranscriptSequences, tx5, pos5: int, tx3, pos3: int,
                      flank: int) -> JunctionSequence | None:  # fmt: skip
    """The fusion transcript around a junction and both wild types; None when a breakpoint is not in an exon."""
    off5, off3 = tx5.transcript_offset(pos5), tx3.transcript_offset(pos3)
    if off5 is None or off3 is None:
        return None
    s5, s3 = sequences(tx5), sequences(tx3)
    return JunctionSequence(s5[max(0, off5 + 1 - flank) : off5 + 1], s3[off3 : off3 + flank],
                            s5[off5 + 1 : off5 + 1 + flank], s3[max(0, off3 - flank) : off3])  # fmt: skip


def _mismatches(read: str, reference: str) -> int:
    """Mismatches of `read` against `reference` from its first base; bases beyond the reference count too."""
    return sum(a != b or a == "N" for a, b in zip(read, reference)) + max(0, len(read) - len(reference))


def place(read: str, junction: JunctionSequence, min_overhang: int, max_mismatches: int):
    """(bases on the 5' side, bases on the 3' side) of the read's best ungapped placement across the
    junction, or None when none crosses it well and reads better than wild type."""
    k, length = len(junction.left), len(read)
    best, best_mm = None, max_mismatches + 1
    for five in range(min_overhang, length - min_overhang + 1):
        if five > k or length - five > len(junction.right):
            continue
        left_mm = _mismatches(read[:five], junction.left[k - five :])
        if left_mm >= best_mm:
            continue
        right_mm = _mismatches(read[five:], junction.right)
        if left_mm + right_mm >= best_mm:
            continue
        # the same bases read as well on a partner's own transcript: homology, not a junction
        if right_mm >= _mismatches(read[five:], junction.continuation):
            continue
        if left_mm >= _mismatches(read[:five][::-1], junction.preceding[::-1]):
            continue
        best, best_mm = (five, length - five), left_mm + right_mm
    return best


def place_either_way(sequence: str, junction: JunctionSequence, kmers: tuple, min_overhang: int,
                     max_mismatches: int):  # fmt: skip
    """(the read as laid, its placement) in the first orientation of `sequence` that shares a k-mer with
    each side near the junction (`kmers`: JunctionSequence.kmers(), computed once per junction) and is
    laid across it by `place`; None when neither is."""
    kmers5, kmers3 = kmers
    for read in (sequence, revcomp(sequence)):
        own = {read[i : i + KMER] for i in range(len(read) - KMER + 1)}
        if own & kmers5 and own & kmers3:  # the cheap test before placing
            placed = place(read, junction, min_overhang, max_mismatches)
            if placed is not None:
                return read, placed
    return None


SKIPPED_FLAGS = 0x100 | 0x200 | 0x400 | 0x800  # secondary, QC-failed, duplicate, supplementary
SOFT_CLIP = 4


def clipped_at_breakend(bam, chrom: str, pos: int, direction: int, slack: int, min_clip: int):
    """Reads at a breakend that may cross it unseen by STAR: aligned up to it (within `slack`) and soft-clipped
    towards the junction (`direction` +1: the retained part lies at and below `pos`, so the clip is at the
    alignment's end), or unmapped and placed there beside their mate. A read whose clip lies elsewhere (a
    read spliced across the junction with a clip at its far end) is not taken.

    Every read over the breakend passes through here: the cheap tests come before the CIGAR is read."""
    reads = bam.fetch(chrom, max(0, pos - 1 - slack), pos + slack)
    for read in reads:
        flag = read.flag
        if flag & SKIPPED_FLAGS:
            continue
        if flag & 4:
            yield read
            continue
        if direction == 1:
            if abs(read.reference_end - pos) <= slack:
                last = read.cigartuples[-1]
                if last[0] == SOFT_CLIP and last[1] >= min_clip:
                    yield read
        elif abs(read.reference_start + 1 - pos) <= slack:
            first = read.cigartuples[0]
            if first[0] == SOFT_CLIP and first[1] >= min_clip:
                yield read
