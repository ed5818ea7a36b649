"""A fusion's name in the VICC Gene Fusion Specification (cancervariants/fusion-representation).

A call is written by its two junction components, 5' partner first:
`<transcript>(<gene>):e.<exon><offset>::<transcript>(<gene>):e.<exon><offset>`, for
example `ENST00000318522(EML4):e.13::ENST00000389048(ALK):e.20`.

- The 5' component names the last exon kept, the 3' component the first, with
  the offset (omitted when 0) of common/annotation.exon_and_offset: genomic
  bases from that exon's boundary in the transcript's direction.
- A side with no transcript of the annotation at its breakpoint is named by its
  gene alone (a gene component), and `?` when no gene is known there.
- `(::)` joins the two when the junction is inferred, not observed (a call from
  discordant pairs alone: `breakpoint_source` `inferred_from_pairs`).
"""

from fusion_pipeline.common.annotation import Annotation, exon_and_offset

OBSERVED, INFERRED = "::", "(::)"


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
