"""Rule check_star_index: a prebuilt STAR index (reference.star_index) checked against reference.fasta and the GTF."""

import logging

from fusion_pipeline.common.errors import InputError
from fusion_pipeline.common.reference_files import (
    contig_differences,
    fasta_lengths,
    genome_parameters,
    gtf_gene_ids,
    index_contigs,
    index_gene_ids,
    missing_index_files,
    sample_names,
)


def compare_contigs(index: dict, fasta: dict, index_dir: str, fasta_path: str) -> None:
    """The index must have been built from this FASTA: the same contigs at the same lengths."""
    if index == fasta:
        return
    resized, only_index, only_fasta = contig_differences(index, fasta)
    if resized:
        detail = f"{resized[0]} is {index[resized[0]]} bp in the index, {fasta[resized[0]]} bp in the FASTA"
    elif only_index:
        detail = f"the index has {sample_names(only_index)} which the FASTA lacks"
    else:
        detail = f"the FASTA has {sample_names(only_fasta)} which the index lacks"
    raise InputError(
        f"reference.star_index {index_dir} was not built from reference.fasta {fasta_path}: {detail}"
    )


def check_prebuilt_index(index_dir: str, fasta: str, gtf_rows: list, sjdb_overhang: int) -> tuple[dict, list]:
    """(facts of the index, warnings); InputError when the index cannot serve this reference."""
    missing = missing_index_files(index_dir)
    if missing:
        raise InputError(f"reference.star_index {index_dir}: not a STAR index (missing {', '.join(missing)})")
    compare_contigs(index_contigs(index_dir), fasta_lengths(fasta), index_dir, fasta)
    parameters = genome_parameters(index_dir)
    genes = index_gene_ids(index_dir)
    if genes is None:
        raise InputError(
            f"reference.star_index {index_dir}: built without a GTF (no geneInfo.tab); the pipeline needs STAR's "
            "gene counts, so rebuild it with --sjdbGTFfile or leave reference.star_index out"
        )
    warnings = []
    ours = gtf_gene_ids(gtf_rows)
    if genes != ours:
        warnings.append(
            f"the index was built with another GTF than reference.gtf ({len(genes - ours)} genes only in the index, "
            f"{len(ours - genes)} only in the GTF): annotated splice junctions and gene counts follow the index's GTF"
        )
    overhang = parameters.get("sjdbOverhang", "")
    if overhang and overhang != str(sjdb_overhang):
        warnings.append(
            f"the index has sjdbOverhang {overhang}, star.sjdb_overhang is {sjdb_overhang}: the index's is used"
        )
    facts = {
        "index": index_dir, "contigs": len(index_contigs(index_dir)), "genes_in_index": len(genes),
        "genes_in_gtf": len(ours), "same_gtf": "yes" if genes == ours else "no",
        "sjdb_overhang": overhang or ".", "sa_sparse": parameters.get("genomeSAsparseD", "1"),
        "star_version": parameters.get("versionGenome", "."),
    }  # fmt: skip
    return facts, warnings


def main(snakemake) -> None:
    """Rule check_star_index: a prebuilt index checked against reference.fasta and the GTF."""
    import sys

    from fusion_pipeline.common.rulelog import atomic_write

    with open(snakemake.input.gtf) as fh:
        rows = fh.readlines()
    facts, warnings = check_prebuilt_index(snakemake.params.index, snakemake.input.fasta, rows,
                                           snakemake.params.sjdb_overhang)  # fmt: skip
    for warning in warnings:  # on the console too: the run goes on with the lab's index
        message = f"WARNING: reference.star_index: {warning}"
        logging.warning(message)
        print(message, file=sys.__stderr__, flush=True)
    facts["warnings"] = "; ".join(warnings) or "."
    logging.info("index %s: %d contigs match the FASTA", facts["index"], facts["contigs"])
    with atomic_write(snakemake.output[0]) as out:
        out.write("\t".join(facts) + "\n" + "\t".join(str(v) for v in facts.values()) + "\n")
