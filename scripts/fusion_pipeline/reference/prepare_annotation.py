"""Rule prepare_annotation: the FASTA and GTF checked, and the GTF clipped to the FASTA's contigs."""

import logging

from fusion_pipeline.common.errors import InputError
from fusion_pipeline.common.reference_files import fasta_lengths, gtf_attribute, sample_names


def clip_gtf(lines, lengths: dict, path: str = "GTF") -> tuple[list, list]:
    """Keep rows on known contigs, clipped to the contig; return (rows, warnings).

    Minigenome GTFs carry neighbouring genes lifted past their segment, with a
    start below 1 or an end past the contig; STAR accepts them, our interval
    code must not, so such rows are clipped (or dropped when nothing is left).
    """
    kept, warnings = [], []
    gtf_contigs, exon_rows, named_exons = set(), 0, 0
    for number, line in enumerate(lines, start=1):
        if line.startswith("#") or not line.strip():
            continue
        fields = line.rstrip("\n").split("\t")
        if len(fields) != 9:
            raise InputError(f"{path}: line {number} has {len(fields)} tab-separated fields, not 9")
        contig = fields[0]
        gtf_contigs.add(contig)
        if fields[2] == "exon":
            exon_rows += 1
            named_exons += gtf_attribute(fields[8], "gene_name") is not None
        if contig not in lengths:
            continue
        try:
            start, end = int(fields[3]), int(fields[4])
        except ValueError:
            raise InputError(f"{path}: line {number} has a non-numeric start/end") from None
        clipped_start, clipped_end = max(1, start), min(lengths[contig], end)
        if clipped_start > clipped_end:
            warnings.append(f"line {number}: {contig}:{start}-{end} lies outside the contig; dropped")
            continue
        if (clipped_start, clipped_end) != (start, end):
            warnings.append(f"line {number}: {contig}:{start}-{end} clipped to {clipped_start}-{clipped_end}")
            fields[3], fields[4] = str(clipped_start), str(clipped_end)
        kept.append("\t".join(fields) + "\n")
    if exon_rows == 0:
        raise InputError(f"{path}: no exon rows")
    if named_exons == 0:
        raise InputError(
            f"{path}: exon rows have no gene_name attribute; the pipeline names fusion partners by gene_name"
        )
    shared = gtf_contigs & set(lengths)
    if not shared:
        raise InputError(
            f"{path}: no chromosome name matches the FASTA (GTF has {sample_names(gtf_contigs)}, "
            f"FASTA has {sample_names(lengths)}); check the 'chr' prefix"
        )
    missing = gtf_contigs - set(lengths)
    if missing:
        warnings.append(
            f"{len(missing)} GTF contig(s) absent from the FASTA, rows dropped: {sample_names(missing)}"
        )
    return kept, warnings


def prepare_annotation(fasta: str, gtf: str, clipped_gtf: str) -> dict:
    """Check the FASTA and GTF and write the GTF clipped to the FASTA's contigs; return the contig lengths."""
    lengths = fasta_lengths(fasta)
    with open(gtf) as fh:
        rows, warnings = clip_gtf(fh, lengths, gtf)
    for warning in warnings:
        logging.warning("%s: %s", gtf, warning)
    from fusion_pipeline.common.rulelog import atomic_write

    with atomic_write(clipped_gtf) as out:
        out.writelines(rows)
    logging.info(
        "genome %s: %d contigs, %d bp; %d GTF rows kept",
        fasta,
        len(lengths),
        sum(lengths.values()),
        len(rows),
    )
    return lengths


def main(snakemake) -> None:
    """Rule prepare_annotation: FASTA and GTF checked, the GTF clipped to the FASTA."""
    prepare_annotation(snakemake.input.fasta, snakemake.input.gtf, snakemake.output[0])
