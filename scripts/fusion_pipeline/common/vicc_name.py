"""A fusion's name in the VICC Gene Fusion Specification (cancervariants/fusion-representation).

A call is written by its two junction components, 5' partner first:
`<transcript>(<gene>):e.<exon><offset>::<transcript>(<gene>):e.<exon><offset>`, for
example `ENST00000318522(EML4):e.13::ENST00000389048(ALK):e.20`.

- The 5' component names the last exon kept, the 3' component the first; the
  offset (omitted when 0) counts genomic bases from that exon's boundary in the
  transcript's direction: for the 5' side, `-n` ends n bases before the exon's
  end and `+n` n bases into the intron after it; for the 3' side, `+n` starts n
  bases after the exon's first base and `-n` n bases into the intron before it.
- A side with no transcript of the annotation at its breakpoint is named by its
  gene alone (a gene component), and `?` when no gene is known there.
- `(::)` joins the two when the junction is inferred, not observed (a call from
  discordant pairs alone: `breakpoint_source` `inferred_from_pairs`).
"""

from fusion_pipeline.common.annotation import Annotation

OBSERVED, INFERRED = "::", "(::)"


def exon_and_offset(tx, pos: int, role: str) -> tuple[int, int] | None:
    """(exon number, offset) of a breakpoint in a transcript, None outside its span."""
    lo, hi = min(s for s, _ in tx.exons), max(e for _, e in tx.exons)
    if not lo <= pos <= hi:
        return None
    step = 1 if tx.strand == "+" else -1  # genomic bases to transcript direction
    for index, (start, end) in enumerate(tx.exons):
        if start <= pos <= end:
            if role == "5":
                return index + 1, (pos - tx.last_base(index)) * step
            return index + 1, (pos - tx.first_base(index)) * step
    for index in range(len(tx.exons)):  # in an intron: the exon before it (5') or after it (3')
        if (tx.first_base(index) - pos) * step > 0:
            if role == "5":
                return index, (pos - tx.last_base(index - 1)) * step
            return index + 1, (pos - tx.first_base(index)) * step
    return None


def junction_component(
    annotation: Annotation | None, transcript_id: str, gene: str, pos: int, role: str
) -> str:
    """One side's component: transcript, gene and exon with offset; the gene alone, or `?`."""
    gene = gene if gene not in ("", ".") else "?"
    tx = (
        annotation.transcript(transcript_id)
        if annotation is not None and transcript_id not in ("", ".")
        else None
    )
    located = exon_and_offset(tx, pos, role) if tx is not None else None
    if located is None:
        return gene
    exon, offset = located
    return f"{tx.transcript_id}({gene}):e.{exon}{'' if offset == 0 else f'{offset:+d}'}"


def vicc_name(component5: str, component3: str, inferred: bool) -> str:
    return f"{component5}{INFERRED if inferred else OBSERVED}{component3}"
