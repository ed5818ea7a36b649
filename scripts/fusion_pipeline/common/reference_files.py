"""Readers of the reference files and of a STAR index: FASTA lengths, GTF attributes, index contents and memory."""

import math
import os

from fusion_pipeline.common.errors import InputError


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


def contig_differences(found: dict, fasta: dict) -> tuple[list, list, list]:
    """How `found` ({contig: length} of an index or a BAM header) differs from a FASTA's: (contigs of
    another length, contigs only in `found`, contigs only in the FASTA), each sorted."""
    resized = sorted(c for c in set(found) & set(fasta) if found[c] != fasta[c])
    return resized, sorted(set(found) - set(fasta)), sorted(set(fasta) - set(found))


def sample_names(names, limit: int = 5) -> str:
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
