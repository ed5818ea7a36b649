"""Issue 28: VICC gene fusion names with transcripts, exons and offsets, `(::)` for an inferred junction.

Breakpoints are in the simulator's extended genome, named on the transcripts the
annotation picks for them (the whitelist's clinical transcript for a kinase).
"""

import pytest
from helpers import true_fusion

from fusion_pipeline.common.annotation import annotate_side, exon_and_offset
from fusion_pipeline.common.vicc_name import junction_component, vicc_name


def _component(extended, breakend, role, shift=0):
    """The component of a breakend moved `shift` bases in its gene's transcript direction."""
    annotation = extended["annotation"]
    chrom, pos, direction = breakend
    side = annotate_side(annotation, chrom, pos, role, direction)
    step = 1 if annotation.transcript(side.transcript).strand == "+" else -1
    return junction_component(annotation, side.transcript, side.gene, pos + shift * step, role), side


@pytest.fixture()
def etv6_ntrk3(extended):
    return true_fusion(extended, "ETV6", 5, "NTRK3", 15)


def test_a_junction_on_exon_boundaries_names_the_last_exon_kept_and_the_first(extended, etv6_ntrk3):
    (five, side5), (three, side3) = (
        _component(extended, etv6_ntrk3[0], "5"),
        _component(extended, etv6_ntrk3[1], "3"),
    )
    assert five == f"{side5.transcript}(ETV6):e.5" and three == f"{side3.transcript}(NTRK3):e.15"
    assert vicc_name(five, three, inferred=False) == f"{five}::{three}"
    assert vicc_name(five, three, inferred=True) == f"{five}(::){three}"


def test_offsets_count_from_the_exon_boundary_in_the_transcripts_direction(extended, etv6_ntrk3):
    """5': -n ends inside the exon, +n in the intron after it; 3': +n starts inside the exon, -n before it."""
    assert _component(extended, etv6_ntrk3[0], "5", shift=-3)[0].endswith(":e.5-3")
    assert _component(extended, etv6_ntrk3[0], "5", shift=10)[0].endswith(":e.5+10")
    assert _component(extended, etv6_ntrk3[1], "3", shift=4)[0].endswith(":e.15+4")
    assert _component(extended, etv6_ntrk3[1], "3", shift=-10)[0].endswith(":e.15-10")


def test_exon_and_offset_agrees_with_the_exon_the_annotation_gives(extended, etv6_ntrk3):
    annotation = extended["annotation"]
    for role, (chrom, pos, direction) in zip("53", etv6_ntrk3):
        for shift in (-40, -1, 0, 1, 40):
            side = annotate_side(annotation, chrom, pos + shift, role, direction)
            located = exon_and_offset(annotation.transcript(side.transcript), pos + shift, role)
            assert str(located[0]) == side.exon
            assert (located[1] == 0) == (side.site == "exon_boundary")


def test_a_side_without_a_transcript_is_named_by_its_gene_or_unknown(extended):
    annotation = extended["annotation"]
    assert junction_component(annotation, ".", "CUSTOM1", 100, "5") == "CUSTOM1"
    assert junction_component(annotation, ".", ".", 100, "3") == "?"
    assert junction_component(None, "ENST0001", "ALK", 100, "3") == "ALK"
