"""Molecules, not reads: UMI families at a breakpoint (targeted panels, issue 13).

In an anchored multiplex PCR library each cDNA molecule carries a unique
molecular identifier (UMI) and is read tens to hundreds of times, while its
primed end is the same for every molecule of a target, so duplicates cannot
be told apart by alignment position. A molecule here is a UMI family:

- the UMI is read from the read name, after its last ':' or '_' (bcl-convert
  and `umi_tools extract` write it there; STAR keeps the name);
- reads of one junction (fusion) or of one wild-type crossing are grouped by
  UMI with umi_tools' directional method: UMIs within `max_edit_distance`
  substitutions join when the smaller family has at most half the reads of
  the larger plus one (a sequencing error in a UMI, not a second molecule);
- families are counted per junction, so a UMI seen at two different
  junctions counts at each (UMI collisions across junctions are not merged).

Read pairs count once per UMI family member: a read name is one fragment.
"""

import re

import numpy as np

from fusion_pipeline.common.chimeric import counted_split_reads, normalise_columns, read_junctions
from fusion_pipeline.common.errors import InputError
from fusion_pipeline.common.fusion_table import parse_breakpoint, side_direction


def count_molecules(umis, max_edit_distance: int = 1, positions=None) -> int:
    """Molecules among reads with these UMIs (one entry per read pair), by umi_tools' directional method.

    With `positions` (one per UMI, e.g. the fragment's two unclipped 5' ends), the UMIs are
    clustered per position, as `umi_tools group/dedup` cluster per alignment position: two
    molecules whose UMIs lie one substitution apart stay two when they were ligated at
    different places, which at a deep target is the rule rather than the exception.
    """
    from umi_tools.network import UMIClusterer

    umis = list(umis)
    bundles: dict = {}
    for position, umi in zip(positions if positions is not None else [None] * len(umis), umis):
        counts = bundles.setdefault((position, len(umi)), {})
        counts[umi.encode()] = counts.get(umi.encode(), 0) + 1
    clusterer = UMIClusterer(cluster_method="directional")
    return sum(len(clusterer(counts, threshold=max_edit_distance)) for counts in bundles.values())


def fragment_umis(read_names) -> list:
    """One UMI per fragment (distinct read name) among these names."""
    return [umi_from_name(name) for name in dict.fromkeys(read_names)]


class JunctionMolecules:
    """UMIs of the split fragments of every chimeric junction of one sample (Chimeric.out.junction).

    Only split reads (an exact junction) with `min_anchor` aligned bases on
    each side count, as for fragments in abundance's FusionCounter
    (common/chimeric.counted_split_reads: one selection for both).
    """

    def __init__(self, junction_path: str, min_anchor: int):
        junctions = read_junctions(junction_path, read_names=True)
        self.chroms = {name: code for code, name in enumerate(junctions.chroms)}
        if not len(junctions):
            self.columns, self.names = {}, np.zeros(0, dtype=object)
            return
        columns = normalise_columns(junctions)
        keep = counted_split_reads(columns, junctions.cigars, min_anchor)
        self.columns = {k: columns[k][keep] for k in ("chr1", "pos1", "dir1", "chr2", "pos2", "dir2")}
        self.names = junctions.columns["read_name"][keep]

    def _near(self, side: str, end: tuple, tolerance: int) -> np.ndarray:
        chrom, pos, direction = end
        c = self.columns
        return (
            (c[f"chr{side}"] == self.chroms[chrom])
            & (c[f"dir{side}"] == direction)
            & (np.abs(c[f"pos{side}"] - pos) <= tolerance)
        )

    def umis(self, breakpoint5: str, breakpoint3: str, tolerance: int = 5) -> list:
        """One UMI per split fragment of the junction between these breakpoints."""
        ends = []
        for role, breakpoint in (("5", breakpoint5), ("3", breakpoint3)):
            chrom, pos, strand = parse_breakpoint(breakpoint)
            ends.append((chrom, pos, side_direction(role, strand)))
        if not self.columns or any(end[0] not in self.chroms for end in ends):
            return []
        match = (self._near("1", ends[0], tolerance) & self._near("2", ends[1], tolerance)) | (
            self._near("1", ends[1], tolerance) & self._near("2", ends[0], tolerance)
        )
        return fragment_umis(self.names[match])


_UMI = re.compile(r"[ACGTN]+")


def umi_from_name(name: str) -> str:
    """The UMI of a read name: the text after its last ':' or '_' (ACGTN, '+' between dual UMIs)."""
    cut = max(name.rfind(":"), name.rfind("_"))
    umi = name[cut + 1 :] if cut >= 0 else ""
    if not umi or not all(_UMI.fullmatch(part) for part in umi.split("+")):
        raise InputError(f"read {name!r}: no UMI after its last ':' or '_' (umi.location: read_name)")
    return umi.replace("+", "")
