import pytest
from helpers import TOY_GTF

from fusion_pipeline.common.annotation import annotate_side, load_gtf, locate_in_transcript, strand_fits


@pytest.fixture
def annotation(tmp_path):
    path = tmp_path / "a.gtf"
    path.write_text(TOY_GTF)
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
