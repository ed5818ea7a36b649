"""The reference checked when snakemake starts (issue 24): one ERROR line, before any job."""

import io
import os
import subprocess
import sys

import pytest
from helpers import ROOT, UNNAMED, gtf_row, write_reference

import fusion_pipeline.common.reference_check as reference_check
from fusion_pipeline.common.errors import InputError
from fusion_pipeline.common.reference_check import check_reference, fasta_headers


def refused(fasta, gtf) -> str:
    with pytest.raises(InputError) as err:
        check_reference(fasta, gtf)
    return str(err.value)


def test_good_reference_passes(tmp_path):
    # the first rows on a contig the FASTA lacks, the first exon unnamed: later rows decide
    text = "#!genome-build test\n" + gtf_row("chrUn", attributes=UNNAMED) + gtf_row("chr2", "gene")
    check_reference(*write_reference(tmp_path, text + gtf_row("chr2")))


def test_gtf_without_gene_name_names_file_and_line(tmp_path):
    text = "#!genome-build test\n" + gtf_row(feature="gene") + gtf_row(attributes=UNNAMED) * 3
    fasta, gtf = write_reference(tmp_path, text)
    assert refused(fasta, gtf) == (
        f"{gtf}: exon rows have no gene_name attribute (none of 3, the first on line 3); "
        "the pipeline names fusion partners by gene_name"
    )


def test_gtf_whose_contigs_are_not_in_the_fasta(tmp_path):
    fasta, gtf = write_reference(tmp_path, gtf_row("1") + gtf_row("2") + gtf_row("MT"))
    assert refused(fasta, gtf) == (
        f"{gtf}: no chromosome name matches the FASTA (GTF has 1, 2, MT; {fasta} has chr1, chr2); "
        "check the 'chr' prefix"
    )


def test_fai_beside_the_fasta_is_used_unless_older(tmp_path):
    fasta, gtf = write_reference(tmp_path, gtf_row("1"), fasta_text=">1\nACGT\n")
    fai = tmp_path / "genome.fa.fai"
    fai.write_text("chr1\t4\t3\t4\t5\n")  # not this FASTA's: shows which one was read
    os.utime(fasta, (1000, 1000))
    os.utime(fai, (2000, 2000))
    assert refused(fasta, gtf).endswith(f"(GTF has 1; {fasta} has chr1); check the 'chr' prefix")
    os.utime(fai, (1, 1))  # older than the FASTA: the FASTA's own headers are read
    check_reference(fasta, gtf)


def test_other_bad_inputs_are_named(tmp_path):
    fasta, gtf = write_reference(tmp_path, gtf_row(feature="gene"))
    assert refused(fasta, gtf) == f"{gtf}: no exon rows"
    fasta, gtf = write_reference(tmp_path, "chr1\tsrc\texon\t1\t4\n")
    assert refused(fasta, gtf) == f"{gtf}: line 1 has 5 tab-separated fields, not 9"
    fasta, gtf = write_reference(tmp_path, gtf_row(), fasta_text="ACGT\n")
    assert refused(fasta, gtf) == f"{fasta}: not a FASTA file (no '>' header line)"
    (tmp_path / "genes.gtf").write_bytes(b"\x1f\x8b\x08\x00rest")
    assert refused(fasta, gtf) == f"{gtf}: gzipped GTF is not supported; decompress it first"


def test_headers_are_found_across_block_edges(monkeypatch):
    text = b">a desc>x\nAC>GT\n>b\n\n>c\r\nACGT\n>\n>d"
    for block in range(1, 12):
        monkeypatch.setattr(reference_check, "BLOCK", block)
        assert list(reference_check._headers(io.BytesIO(text))) == ["a", "b", "c", "d"], block


def test_fasta_headers_of_a_file(tmp_path):
    fasta, _ = write_reference(tmp_path, "")
    assert list(fasta_headers(fasta)) == ["chr1", "chr2"]


def test_the_check_is_light_enough_for_the_parse():
    code = (
        "import sys, fusion_pipeline.common.reference_check; "
        "assert not {'pandas', 'pysam', 'numpy'} & set(sys.modules), sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT / "scripts", check=True)
