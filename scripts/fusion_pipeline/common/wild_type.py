"""Breakpoints counted unfused: fragments (and UMI molecules) aligned across a breakpoint in the partner's own
configuration, one region query each. Abundance, the patient trend and kinase evaluability count the wild type
the same way."""

from dataclasses import dataclass

from fusion_pipeline.common.fragments import SKIP_FLAGS, FragmentIndex
from fusion_pipeline.common.molecules import count_molecules, fragment_umis
from fusion_pipeline.common.settings import FromConfig


@dataclass
class CountSettings(FromConfig):
    min_mapq: int = 10
    min_anchor: int = 20
    confidence: float = 0.95


def crosses(blocks, retained_index: int, boundary: int, min_anchor: int) -> bool:
    """Whether aligned blocks hold base `retained_index` and `min_anchor` bases on each side of `boundary`.

    Blocks are 0-based half-open (start, end); `boundary` is the first 0-based
    position right of the junction.
    """
    left = right = 0
    holds = False
    for start, end in blocks:
        if start <= retained_index < end:
            holds = True
        left += max(0, min(end, boundary) - start)
        right += max(0, end - max(start, boundary))
    return holds and left >= min_anchor and right >= min_anchor


def wild_type_reads(bam, chrom: str, pos: int, direction: int, settings: CountSettings):
    """Alignments crossing a breakpoint in the unfused configuration (one region query).

    `pos` is the 1-based last retained base; `direction` +1 when the retained
    part lies at and below it.
    """
    retained = pos - 1
    boundary = pos if direction == 1 else pos - 1
    if chrom not in bam.references:
        return
    for read in bam.fetch(chrom, max(0, retained - 1), retained + 1):
        if read.flag & SKIP_FLAGS or read.mapping_quality < settings.min_mapq:
            continue
        if crosses(read.get_blocks(), retained, boundary, settings.min_anchor):
            yield read


def wild_type_fragments(bam, chrom: str, pos: int, direction: int, settings: CountSettings) -> int:
    """Fragments crossing a breakpoint unfused; PCR copies count once (common/fragments.py)."""
    return wild_type_counts(bam, chrom, pos, direction, settings)[0]


def wild_type_counts(bam, chrom: str, pos: int, direction: int, settings: CountSettings,
                     max_edit_distance: int | None = None) -> tuple:  # fmt: skip
    """(fragments, molecules) crossing a breakpoint unfused, from one region query.

    Molecules (UMI families) only with a `max_edit_distance` (targeted runs), else None.
    """
    if chrom not in bam.references:
        return 0, (None if max_edit_distance is None else 0)
    reads = list(wild_type_reads(bam, chrom, pos, direction, settings))
    index = FragmentIndex(bam, chrom, pos - 1, pos, names={read.query_name for read in reads})
    fragments = len({index.key(read) for read in reads})
    if max_edit_distance is None:
        return fragments, None
    return fragments, count_molecules(fragment_umis(read.query_name for read in reads), max_edit_distance)
