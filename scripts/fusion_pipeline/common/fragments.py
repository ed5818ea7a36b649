"""Fragments as Picard MarkDuplicates defines them: PCR copies share both mates' unclipped 5' ends.

Copies of one molecule differ in sequencing errors, and so in where STAR
soft-clips their read ends; the 5' ends of both mates, with the soft clips
added back, stay the same. Abundance (wild-type fragments at a breakpoint)
and resistance (fragments over a codon) count fragments by this identity, as
the built-in caller counts fusion fragments (common/chimeric.py), so no ratio
compares molecules with reads.
"""

from fusion_pipeline.common.chimeric import cigar_geometry

SKIP_FLAGS = 0x4 | 0x100 | 0x200 | 0x400 | 0x800  # unmapped, secondary, QC fail, duplicate, supplementary
MATE_WINDOW = 1000  # bases around a region searched for mates, so both 5' ends are known


def unclipped_five_prime(read) -> tuple[int, int, bool]:
    """(reference id, 0-based position, reverse) of a read's 5' end with its soft clip added back."""
    cigar = read.cigartuples or []
    if read.is_reverse:
        clip = cigar[-1][1] if cigar and cigar[-1][0] == 4 else 0
        return read.reference_id, read.reference_end - 1 + clip, True
    clip = cigar[0][1] if cigar and cigar[0][0] == 4 else 0
    return read.reference_id, read.reference_start - clip, False


def mate_five_prime(read, chrom_id: int, start: int, end: int):
    """The mate's unclipped 5' end from the read's own mate CIGAR (MC tag), or None without one.

    Only a mate aligned on `chrom_id` overlapping [start, end) is given: the ends
    a region query over that window would have found (FragmentIndex).
    """
    if read.mate_is_unmapped or not read.has_tag("MC"):
        return None
    if read.next_reference_id != chrom_id:
        return None
    span, lead_clip, trail_clip = cigar_geometry(read.get_tag("MC"))
    mate_start = read.next_reference_start
    mate_end = mate_start + span
    if not (mate_start < end and mate_end > start):
        return None
    if read.mate_is_reverse:
        return chrom_id, mate_end - 1 + trail_clip, True
    return chrom_id, mate_start - lead_clip, False


class FragmentIndex:
    """Both mates' unclipped 5' ends of the fragments aligned around a region.

    STAR writes each read's mate CIGAR (MC, align/star_align.py), so a mate's 5'
    end is known from the read itself. Only for reads without it (a BAM from
    elsewhere) are the mates looked up, by one region query over the window.
    """

    def __init__(self, bam, chrom: str, start: int, end: int, window: int = MATE_WINDOW, names=None):
        """`names`: look up only these reads' mates (those that will be asked about). In a deep
        region the window holds far more reads than the few hundred crossing a breakpoint: at 4.7 M
        pairs scanning it took about 0.5 s per breakpoint even so, which the MC tag avoids."""
        self._bam, self._chrom, self._names = bam, chrom, names
        self._window = (max(0, start - window), end + window)
        self._chrom_id = bam.get_tid(chrom)
        self._ends: dict | None = None

    def _scanned_ends(self) -> dict:
        if self._ends is None:
            self._ends = {}
            for read in self._bam.fetch(self._chrom, *self._window):
                if read.flag & SKIP_FLAGS or (self._names is not None and read.query_name not in self._names):
                    continue
                self._ends.setdefault(read.query_name, {})[read.is_read1] = unclipped_five_prime(read)
        return self._ends

    def key(self, read) -> tuple:
        """The fragment of `read`: its two 5' ends in coordinate order, so copies read from either
        strand of the molecule (read 1 and read 2 swapped) are one fragment, as in Picard. A mate
        aligned out of reach (another exon far away, another chromosome) is known by its aligned start."""
        own = unclipped_five_prime(read)
        if read.has_tag("MC"):
            mate = mate_five_prime(read, self._chrom_id, *self._window)
        else:
            mate = self._scanned_ends().get(read.query_name, {}).get(not read.is_read1)
        mate = mate or (read.next_reference_id, read.next_reference_start, read.mate_is_reverse)
        return tuple(sorted((own, mate)))
