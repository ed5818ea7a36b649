import pytest

from fusion_pipeline.common.annotation import annotate_side, load_gtf, locate_in_transcript, strand_fits

# gene P on '+': exons 101-200, 301-400, 501-600; gene M on '-': exons 2001-2100, 1801-1900, 1601-1700
GTF = """\
c1\tt\tgene\t101\t600\t.\t+\t.\tgene_id "GP"; gene_name "P"; gene_biotype "protein_coding";
c1\tt\texon\t101\t200\t.\t+\t.\tgene_id "GP"; gene_name "P"; transcript_id "TP"; tag "Ensembl_canonical";
c1\tt\texon\t301\t400\t.\t+\t.\tgene_id "GP"; gene_name "P"; transcript_id "TP";
c1\tt\texon\t501\t600\t.\t+\t.\tgene_id "GP"; gene_name "P"; transcript_id "TP";
c1\tt\texon\t101\t200\t.\t+\t.\tgene_id "GP"; gene_name "P"; transcript_id "TP2";
c1\tt\texon\t501\t600\t.\t+\t.\tgene_id "GP"; gene_name "P"; transcript_id "TP2";
c1\tt\texon\t2001\t2100\t.\t-\t.\tgene_id "GM"; gene_name "M"; transcript_id "TM";
c1\tt\texon\t1801\t1900\t.\t-\t.\tgene_id "GM"; gene_name "M"; transcript_id "TM";
c1\tt\texon\t1601\t1700\t.\t-\t.\tgene_id "GM"; gene_name "M"; transcript_id "TM";
"""


@pytest.fixture
def annotation(tmp_path):
    path = tmp_path / "a.gtf"
    path.write_text(GTF)
    return load_gtf(str(path))


def test_transcripts_in_transcript_order(annotation):
    tm = annotation.by_name["M"].transcripts[0]
    assert tm.exons == [(2001, 2100), (1801, 1900), (1601, 1700)]
    assert tm.last_base(0) == 2001 and tm.first_base(1) == 1900


def test_locate_plus_and_minus(annotation):
    tp = annotation.by_name["P"].transcripts[0]
    assert locate_in_transcript(tp, 200, "5") == (1, "exon_boundary")
    assert locate_in_transcript(tp, 301, "3") == (2, "exon_boundary")
    assert locate_in_transcript(tp, 301, "5") == (2, "exon")
    assert locate_in_transcript(tp, 250, "5") == (1, "intron")  # last exon before the junction
    assert locate_in_transcript(tp, 250, "3") == (2, "intron")  # first exon after it
    assert locate_in_transcript(tp, 50, "5") is None
    tm = annotation.by_name["M"].transcripts[0]
    assert locate_in_transcript(tm, 1801, "5") == (2, "exon_boundary")
    assert locate_in_transcript(tm, 1900, "3") == (2, "exon_boundary")
    assert locate_in_transcript(tm, 1750, "5") == (2, "intron")
    assert locate_in_transcript(tm, 1750, "3") == (3, "intron")


def test_strand_fits():
    assert strand_fits("+", "5", 1) and strand_fits("-", "5", -1)
    assert strand_fits("+", "3", -1) and strand_fits("-", "3", 1)
    assert not strand_fits("+", "3", 1)


def test_annotate_side_prefers_boundary_then_canonical(annotation):
    side = annotate_side(annotation, "c1", 200, "5", 1)
    assert (side.gene, side.transcript, side.exon, side.site) == ("P", "TP", "1", "exon_boundary")
    # exon 3 of TP is exon 2 of TP2; both have a boundary at 501, canonical TP wins
    side = annotate_side(annotation, "c1", 501, "3", -1)
    assert (side.transcript, side.exon) == ("TP", "3")
    assert annotate_side(annotation, "c1", 5000, "3", -1).gene == "."
    assert annotation.genes_between("c1", 550, 1650) and len(annotation.genes_between("c1", 550, 1650)) == 2
