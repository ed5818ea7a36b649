"""Reference preparation: FASTA/GTF checks, GTF clipping and the STAR index."""

import logging
import math
import os
import shutil
import subprocess

from common.errors import InputError


def fasta_lengths(path: str) -> dict:
    """{contig: length} read by streaming the FASTA (no index written beside it)."""
    lengths: dict = {}
    name = None
    try:
        with open(path, "rb") as fh:
            if fh.read(2) == b"\x1f\x8b":
                raise InputError(f"{path}: gzipped FASTA is not supported; decompress it first")
            fh.seek(0)
            for line in fh:
                if line.startswith(b">"):
                    name = line[1:].split(maxsplit=1)[0].decode()
                    if name in lengths:
                        raise InputError(f"{path}: contig '{name}' appears twice")
                    lengths[name] = 0
                elif name is None:
                    if line.strip():
                        raise InputError(f"{path}: not a FASTA file (no '>' header before sequence)")
                else:
                    lengths[name] += len(line.rstrip(b"\r\n"))
    except OSError as err:
        raise InputError(f"{path}: cannot be read ({err})") from None
    if not lengths:
        raise InputError(f"{path}: no sequences")
    return lengths


def gtf_attribute(attributes: str, key: str) -> str | None:
    marker = f'{key} "'
    at = attributes.find(marker)
    if at < 0:
        return None
    at += len(marker)
    return attributes[at : attributes.find('"', at)]


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
            f"{path}: no chromosome name matches the FASTA (GTF has {_sample_names(gtf_contigs)}, "
            f"FASTA has {_sample_names(lengths)}); check the 'chr' prefix"
        )
    missing = gtf_contigs - set(lengths)
    if missing:
        warnings.append(
            f"{len(missing)} GTF contig(s) absent from the FASTA, rows dropped: {_sample_names(missing)}"
        )
    return kept, warnings


def _sample_names(names, limit: int = 5) -> str:
    ordered = sorted(names)
    more = f", ... ({len(ordered)} in all)" if len(ordered) > limit else ""
    return ", ".join(ordered[:limit]) + more


def sa_index_nbases(genome_length: int) -> int:
    """STAR's recommended --genomeSAindexNbases: min(14, log2(length)/2 - 1)."""
    return max(4, min(14, int(math.log2(max(genome_length, 2)) / 2 - 1)))


def star_mem_mb(fasta_bytes: int) -> int:
    """Memory for STAR: about 10 bytes of index per genome base, plus working space."""
    return max(2000, int(fasta_bytes / 1e6 * 11) + 1500)


def build_star_index(fasta, gtf, index_dir, clipped_gtf, threads, sjdb_overhang, sa_nbases, log):
    lengths = fasta_lengths(fasta)
    with open(gtf) as fh:
        rows, warnings = clip_gtf(fh, lengths, gtf)
    for warning in warnings:
        logging.warning("%s: %s", gtf, warning)
    from common.rulelog import atomic_write

    with atomic_write(clipped_gtf) as out:
        out.writelines(rows)
    genome_length = sum(lengths.values())
    nbases = sa_nbases or sa_index_nbases(genome_length)
    logging.info(
        "genome %s: %d contigs, %d bp; --genomeSAindexNbases %d", fasta, len(lengths), genome_length, nbases
    )
    if os.path.isdir(index_dir):
        shutil.rmtree(index_dir)
    os.makedirs(index_dir)
    command = [
        "STAR", "--runMode", "genomeGenerate", "--runThreadN", str(threads),
        "--genomeDir", index_dir, "--genomeFastaFiles", fasta,
        "--sjdbGTFfile", clipped_gtf, "--sjdbOverhang", str(sjdb_overhang),
        "--genomeSAindexNbases", str(nbases), "--outFileNamePrefix", index_dir + "/",
        "--outTmpDir", index_dir + "/_STARtmp",
    ]  # fmt: skip
    logging.info("running: %s", " ".join(command))
    log.flush()
    result = subprocess.run(command, stdout=log, stderr=log)
    if result.returncode != 0:
        from align.star_align import raise_star_failure

        log.flush()
        raise_star_failure(result.returncode, index_dir, [index_dir + "/Log.out", log.name])


def main(snakemake) -> None:
    import sys

    build_star_index(
        fasta=snakemake.input.fasta,
        gtf=snakemake.input.gtf,
        index_dir=snakemake.output.index,
        clipped_gtf=snakemake.output.gtf,
        threads=snakemake.threads,
        sjdb_overhang=snakemake.params.sjdb_overhang,
        sa_nbases=snakemake.params.sa_nbases,
        log=sys.stderr,
    )
