import pytest
from conftest import ROOT

from annotation import Transcript
from kinase import (
    cds_offset,
    codon_of,
    domain_retained,
    load_knowledge_base,
    reading_frame,
    tier_for,
    whitelisted,
)
from samplesheet import InputError

KINASES = str(ROOT / "config/kinases.yaml")
ACTIONABILITY = str(ROOT / "config/actionability.yaml")


def plus_tx():
    # exons 101-130, 201-230, 301-330; CDS starts at 111 (10 bases of 5'UTR), ends at 320
    return Transcript("T5", "G5", "A", "c1", "+", exons=[(101, 130), (201, 230), (301, 330)],
                      cds=[(111, 130, 0), (201, 230, 1), (301, 320, 1)])  # fmt: skip


def minus_tx():
    # exons 1301-1330, 1201-1230, 1101-1130 in transcript order; CDS 1321 down to 1111
    return Transcript("T3", "G3", "K", "c2", "-", exons=[(1301, 1330), (1201, 1230), (1101, 1130)],
                      cds=[(1301, 1321, 0), (1201, 1230, 0), (1111, 1130, 0)])  # fmt: skip


def test_cds_offsets_on_both_strands():
    tx = plus_tx()
    assert cds_offset(tx, 111) == 0 and cds_offset(tx, 130) == 19 and cds_offset(tx, 201) == 20
    assert cds_offset(tx, 105) == "utr5" and cds_offset(tx, 325) == "utr3" and cds_offset(tx, 150) is None
    tx = minus_tx()
    assert cds_offset(tx, 1321) == 0 and cds_offset(tx, 1301) == 20 and cds_offset(tx, 1230) == 21
    assert cds_offset(tx, 1325) == "utr5" and cds_offset(tx, 1105) == "utr3"
    assert codon_of(tx, 21) == 8


def test_reading_frame_follows_the_phase_at_both_ends():
    five, three = plus_tx(), minus_tx()
    # 5' keeps CDS bases 0..19 (20 bases: 2 left over); 3' exon 2 starts at CDS offset 21 (21 % 3 == 0)
    assert reading_frame(five, 130, three, 1230) == "out-of-frame"
    # 5' keeps 0..49 (50 bases: 2 over); 3' from offset 20 (1301): 20 % 3 == 2 -> in frame
    assert reading_frame(five, 230, three, 1301) == "in-frame"
    assert reading_frame(five, 105, three, 1230) == "unknown"  # 5'UTR
    assert reading_frame(None, 130, three, 1230) == "unknown"


def test_domain_retention():
    kinase = minus_tx()  # 70 CDS bases: codons 1-23
    domain = {"start": 10, "end": 20}
    assert domain_retained(kinase, 1230, "3prime", domain) == "yes"  # from codon 8
    assert domain_retained(kinase, 1130, "3prime", domain) == "no"  # from codon 18
    assert domain_retained(kinase, 1325, "3prime", domain) == "yes"  # 5'UTR: the whole protein
    assert domain_retained(kinase, 1115, "5prime", domain) == "yes"  # keeps codons 1-23
    assert domain_retained(kinase, 1201, "5prime", domain) == "no"  # keeps codons 1-17: domain ends at 20
    assert domain_retained(kinase, 1105, "5prime", domain) == "yes"  # 3'UTR: the whole protein
    assert domain_retained(None, 1301, "5prime", domain) == "unknown"


def test_tiers():
    assert tier_for(True, "yes", "in-frame", "1", 10, 5)[:2] == ("I", "yes")
    assert tier_for(True, "yes", "in-frame", "1", 3, 5)[:2] == ("II", "yes")
    assert tier_for(True, "unknown", "in-frame", "1", 10, 5)[:2] == ("II", "yes")
    assert tier_for(True, "yes", "in-frame", "3B", 10, 5)[:2] == ("II", "yes")
    assert tier_for(False, "no", "in-frame", "1", 10, 5) == (
        "III",
        "no",
        "kinase at the non-actionable end; kinase domain not retained",
    )
    assert tier_for(True, "yes", "out-of-frame", "1", 10, 5)[:2] == ("III", "no")
    assert tier_for(True, "yes", "in-frame", None, 10, 5)[:2] == ("III", "no")


def test_knowledge_base_and_whitelist():
    kb = load_knowledge_base(KINASES, ACTIONABILITY)
    required = {"NTRK1", "NTRK2", "NTRK3", "ALK", "ROS1", "RET", "FGFR1", "FGFR2", "FGFR3", "BRAF", "RAF1", "MET",
                "EGFR", "PDGFRA", "PDGFRB", "IGF1R", "ABL1", "JAK2", "CSF1R", "NRG1"}  # fmt: skip
    assert required <= set(kb.kinases["genes"])
    assert kb.kinases["genes"]["FGFR2"]["actionable_role"] == "5prime"
    assert kb.kinases["genes"]["NRG1"]["actionable_role"] == "3prime"
    assert whitelisted(kb, "renamed", "ENSG00000171094.12") == "ALK"
    assert whitelisted(kb, "ALK", ".") == "ALK" and whitelisted(kb, "EML4", "ENSG00000143924") is None


def test_knowledge_base_errors_name_the_file(tmp_path):
    bad = tmp_path / "kinases.yaml"
    bad.write_text(
        "version: 1\ngenes:\n  ALK: {transcript: T, actionable_role: middle, domain: {start: 1, end: 2}}\n"
    )
    with pytest.raises(InputError, match="kinases.yaml: gene ALK: actionable_role must be"):
        load_knowledge_base(str(bad), ACTIONABILITY)
    broken = tmp_path / "broken.yaml"
    broken.write_text("genes: [\n")
    with pytest.raises(InputError, match="broken.yaml: not valid YAML"):
        load_knowledge_base(KINASES, str(broken))
