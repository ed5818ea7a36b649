import pytest

from fusion_pipeline.common.errors import InputError
from fusion_pipeline.common.reference_files import fasta_lengths, sa_index_nbases, star_mem_mb
from fusion_pipeline.reference.prepare_annotation import clip_gtf

ATTRS = 'gene_id "G1"; gene_name "ABC"; transcript_id "T1";'


def row(contig, start, end, feature="exon", attrs=ATTRS):
    return f"{contig}\tsrc\t{feature}\t{start}\t{end}\t.\t+\t.\t{attrs}\n"


def test_clip_gtf_clips_and_drops_rows_outside_contigs():
    lines = [row("c1", -5, 10), row("c1", 90, 150), row("c1", 120, 130), row("c1", 20, 30), row("zz", 1, 5)]
    kept, warnings = clip_gtf(lines, {"c1": 100})
    starts_ends = [tuple(line.split("\t")[3:5]) for line in kept]
    assert starts_ends == [("1", "10"), ("90", "100"), ("20", "30")]
    assert any("clipped to 1-10" in w for w in warnings)
    assert any("dropped" in w and "120-130" in w for w in warnings)
    assert any("absent from the FASTA" in w for w in warnings)


def test_clip_gtf_rejects_name_mismatch_and_missing_gene_name():
    with pytest.raises(InputError, match="no chromosome name matches the FASTA.*chr1.*'chr' prefix"):
        clip_gtf([row("1", 1, 10)], {"chr1": 100}, "genes.gtf")
    with pytest.raises(InputError, match="genes.gtf: exon rows have no gene_name"):
        clip_gtf([row("c1", 1, 10, attrs='gene_id "G1";')], {"c1": 100}, "genes.gtf")


def test_fasta_lengths(tmp_path):
    fasta = tmp_path / "g.fa"
    fasta.write_text(">a desc\nACGT\nAC\n>b\nA\n")
    assert fasta_lengths(str(fasta)) == {"a": 6, "b": 1}
    (tmp_path / "bad.fa").write_text("ACGT\n")
    with pytest.raises(InputError, match="not a FASTA"):
        fasta_lengths(str(tmp_path / "bad.fa"))


def test_star_sizes_follow_genome():
    assert sa_index_nbases(3_100_000_000) == 14
    assert sa_index_nbases(1_578_407) == 9
    assert sa_index_nbases(163_000) == 7
    assert star_mem_mb(160_000) == 2000
    assert 30_000 < star_mem_mb(3_100_000_000) < 40_000  # GRCh38: STAR's manual asks for 32 GB
    # a sparse suffix array: STAR issue #266, "to fit human genome into 24GB you also need --genomeSAsparseD 2"
    assert 16_000 < star_mem_mb(3_100_000_000, sa_sparse=2) < 24_000
    assert star_mem_mb(3_100_000_000, sa_sparse=3) < star_mem_mb(3_100_000_000, sa_sparse=2)
