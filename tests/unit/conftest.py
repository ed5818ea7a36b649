"""The simulator's extended genome (its artefact generators' genes), shared by the unit tests of the caller,
the fusion names and the evidence view."""

import pysam
import pytest

from fusion_pipeline.common.annotation import load_gtf
from fusion_pipeline.simulation.genome import build_genome, gtf_rows, write_fasta


@pytest.fixture(scope="module")
def extended(tmp_path_factory):
    folder = tmp_path_factory.mktemp("extended_genome")
    contigs, genes = build_genome(seed=1, extended=True)
    write_fasta(contigs, folder / "genome.fa")
    pysam.faidx(str(folder / "genome.fa"))
    (folder / "genes.gtf").write_text("\n".join(gtf_rows(genes)) + "\n")
    fasta = pysam.FastaFile(str(folder / "genome.fa"))
    yield {
        "genes": genes,
        "annotation": load_gtf(str(folder / "genes.gtf")),
        "fasta": fasta,
        "folder": folder,
    }
    fasta.close()
