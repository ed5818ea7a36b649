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


WORKING_MB = 1500  # read buffers, chimeric detection, the BAM sort beyond --limitBAMsortRAM


def star_mem_mb(fasta_bytes: int, sa_sparse: int = 1) -> int:
    """Memory to build or load a STAR index of this FASTA.

    The index holds the genome (1 byte per base), the suffix array (about 8
    bytes per base of both strands together, divided by --genomeSAsparseD) and
    the pre-index SAindex (about 5.5 bytes x 4^genomeSAindexNbases; 1.5 GB at
    14). GRCh38 comes to about 34 GB dense, 20 GB with sparse 2, 15 GB with 3.
    """
    bases = fasta_bytes  # a plain FASTA: about one byte per base
    sa_index = 5.5 * 4 ** sa_index_nbases(bases)
    return max(2000, int((bases * (1 + 8 / sa_sparse) * 1.1 + sa_index) / 1e6) + WORKING_MB)


INDEX_FILES = ("Genome", "SA", "SAindex", "chrName.txt", "chrLength.txt", "genomeParameters.txt")


def prebuilt_index_mb(index_dir: str) -> int:
    """Memory to load an existing index: its Genome, SA and SAindex files, plus working space."""
    size = sum(os.path.getsize(os.path.join(index_dir, name)) for name in ("Genome", "SA", "SAindex"))
    return max(2000, int(size / 1e6 * 1.05) + WORKING_MB)


def missing_index_files(index_dir: str) -> list:
    """The files a STAR index must hold that `index_dir` lacks (all of them when it is no folder)."""
    return [name for name in INDEX_FILES if not os.path.isfile(os.path.join(index_dir, name))]


def index_contigs(index_dir: str) -> dict:
    """{contig: length} of a STAR index (chrName.txt, chrLength.txt)."""
    with (
        open(os.path.join(index_dir, "chrName.txt")) as names,
        open(os.path.join(index_dir, "chrLength.txt")) as lengths,
    ):
        return {name.strip(): int(length) for name, length in zip(names, lengths) if name.strip()}


def genome_parameters(index_dir: str) -> dict:
    """genomeParameters.txt as {parameter: value text}."""
    values = {}
    with open(os.path.join(index_dir, "genomeParameters.txt")) as fh:
        for line in fh:
            if line.strip() and not line.startswith("#"):
                key, _, value = line.rstrip("\n").partition("\t")
                values[key] = value.strip()
    return values


def index_gene_ids(index_dir: str) -> set | None:
    """Gene IDs (no version) of the GTF the index was built with (geneInfo.tab); None without one."""
    path = os.path.join(index_dir, "geneInfo.tab")
    if not os.path.isfile(path):
        return None
    with open(path) as fh:
        next(fh, None)  # the count
        return {line.split("\t", 1)[0].strip().split(".")[0] for line in fh if line.strip()}


def gtf_gene_ids(rows) -> set:
    return {
        (gtf_attribute(row.split("\t")[8], "gene_id") or "").split(".")[0]
        for row in rows
        if row.split("\t")[2] == "exon"
    } - {""}


def compare_contigs(index: dict, fasta: dict, index_dir: str, fasta_path: str) -> None:
    """The index must have been built from this FASTA: the same contigs at the same lengths."""
    if index == fasta:
        return
    only_index, only_fasta = sorted(set(index) - set(fasta)), sorted(set(fasta) - set(index))
    resized = sorted(c for c in set(index) & set(fasta) if index[c] != fasta[c])
    if resized:
        detail = f"{resized[0]} is {index[resized[0]]} bp in the index, {fasta[resized[0]]} bp in the FASTA"
    elif only_index:
        detail = f"the index has {_sample_names(only_index)} which the FASTA lacks"
    else:
        detail = f"the FASTA has {_sample_names(only_fasta)} which the index lacks"
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


def prepare_annotation(fasta: str, gtf: str, clipped_gtf: str) -> dict:
    """Check the FASTA and GTF and write the GTF clipped to the FASTA's contigs; return the contig lengths."""
    lengths = fasta_lengths(fasta)
    with open(gtf) as fh:
        rows, warnings = clip_gtf(fh, lengths, gtf)
    for warning in warnings:
        logging.warning("%s: %s", gtf, warning)
    from common.rulelog import atomic_write

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


def build_star_index(fasta, clipped_gtf, index_dir, threads, sjdb_overhang, sa_nbases, sa_sparse, log):
    genome_length = sum(fasta_lengths(fasta).values())
    nbases = sa_nbases or sa_index_nbases(genome_length)
    logging.info("--genomeSAindexNbases %d, --genomeSAsparseD %d", nbases, sa_sparse)
    if os.path.isdir(index_dir):
        shutil.rmtree(index_dir)
    os.makedirs(index_dir)
    command = [
        "STAR", "--runMode", "genomeGenerate", "--runThreadN", str(threads),
        "--genomeDir", index_dir, "--genomeFastaFiles", fasta,
        "--sjdbGTFfile", clipped_gtf, "--sjdbOverhang", str(sjdb_overhang),
        "--genomeSAindexNbases", str(nbases), "--genomeSAsparseD", str(sa_sparse),
        "--outFileNamePrefix", index_dir + "/", "--outTmpDir", index_dir + "/_STARtmp",
    ]  # fmt: skip
    logging.info("running: %s", " ".join(command))
    log.flush()
    result = subprocess.run(command, stdout=log, stderr=log)
    if result.returncode != 0:
        from align.star_align import raise_star_failure

        log.flush()
        raise_star_failure(result.returncode, index_dir, [index_dir + "/Log.out", log.name])


def main(snakemake) -> None:
    """Rule star_index: the STAR index of reference.fasta with the clipped GTF's junctions."""
    import sys

    build_star_index(
        fasta=snakemake.input.fasta,
        clipped_gtf=snakemake.input.gtf,
        index_dir=snakemake.output[0],
        threads=snakemake.threads,
        sjdb_overhang=snakemake.params.sjdb_overhang,
        sa_nbases=snakemake.params.sa_nbases,
        sa_sparse=snakemake.params.sa_sparse,
        log=sys.stderr,
    )


def prepare_main(snakemake) -> None:
    """Rule prepare_annotation: FASTA and GTF checked, the GTF clipped to the FASTA."""
    prepare_annotation(snakemake.input.fasta, snakemake.input.gtf, snakemake.output[0])


def check_main(snakemake) -> None:
    """Rule check_star_index: a prebuilt index checked against reference.fasta and the GTF."""
    import sys

    from common.rulelog import atomic_write

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
