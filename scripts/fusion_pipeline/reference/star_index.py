"""Rule star_index: the STAR index of reference.fasta with the clipped GTF's junctions."""

import logging
import os
import shutil
import subprocess

from fusion_pipeline.common.reference_files import fasta_lengths, sa_index_nbases
from fusion_pipeline.common.star_failure import raise_star_failure


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
