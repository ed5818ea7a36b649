import pytest
from helpers import ROOT

from fusion_pipeline.common.annotation import Transcript
from fusion_pipeline.common.errors import InputError
from fusion_pipeline.common.knowledge_base import load_knowledge_base
from fusion_pipeline.common.yamlio import load_yaml
from fusion_pipeline.interpret.annotate_kinases import (
    domain_retained,
    reading_frame,
    tier_for,
    whitelisted,
)

KINASES = str(ROOT / "config/kinases.yaml")
ACTIONABILITY = str(ROOT / "config/actionability.yaml")
ONCOTREE = str(ROOT / "config/oncotree.tsv")


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
    assert tx.cds_offset(111) == 0 and tx.cds_offset(130) == 19 and tx.cds_offset(201) == 20
    assert tx.cds_offset(105) == "utr5" and tx.cds_offset(325) == "utr3" and tx.cds_offset(150) is None
    tx = minus_tx()
    assert tx.cds_offset(1321) == 0 and tx.cds_offset(1301) == 20 and tx.cds_offset(1230) == 21
    assert tx.cds_offset(1325) == "utr5" and tx.cds_offset(1105) == "utr3"
    assert tx.codon_of(21) == 8


def test_reading_frame_follows_the_phase_at_both_ends():
    five, three = plus_tx(), minus_tx()
    # 5' keeps CDS bases 0..19 (20 bases: 2 left over); 3' exon 2 starts at CDS offset 21 (21 % 3 == 0)
    assert reading_frame(five, 130, three, 1230) == ("out-of-frame", "")
    # 5' keeps 0..49 (50 bases: 2 over); 3' from offset 20 (1301): 20 % 3 == 2 -> in frame
    assert reading_frame(five, 230, three, 1301) == ("in-frame", "")
    assert reading_frame(five, 105, three, 1230) == (
        "unknown",
        "5' breakpoint in the 5' UTR of A: frame not determined",
    )
    assert reading_frame(five, 130, three, 1250) == (
        "unknown",
        "3' breakpoint in an intron of K: frame not determined",
    )
    assert reading_frame(None, 130, three, 1230)[0] == "unknown"


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
    # an intronic 3' breakpoint keeps the next exon on (exon 2 starts at codon 8)
    assert domain_retained(kinase, 1250, "3prime", domain) == "yes"
    # a 5' kinase needs only its catalytic core when the whitelist names its end
    assert domain_retained(kinase, 1201, "5prime", {**domain, "core_end": 17}) == "yes"


def test_tiers():
    assert tier_for(True, "yes", "in-frame", "1", 10, 5)[:2] == ("I", "yes")
    assert tier_for(True, "yes", "in-frame", "1", 3, 5)[:2] == ("II", "yes")
    assert tier_for(True, "unknown", "in-frame", "1", 10, 5)[:2] == ("II", "review")
    assert tier_for(True, "yes", "unknown", "1", 10, 5, ("3' breakpoint in an intron",))[2] == (
        "best level 1; reading frame could not be checked (3' breakpoint in an intron)"
    )
    assert tier_for(True, "yes", "in-frame", "3B", 10, 5)[:2] == ("II", "yes")
    assert tier_for(False, "no", "in-frame", "1", 10, 5) == (
        "III",
        "no",
        "kinase at the non-actionable end; kinase domain not retained",
    )
    assert tier_for(True, "yes", "out-of-frame", "1", 10, 5)[:2] == ("III", "no")
    assert tier_for(True, "yes", "in-frame", None, 10, 5)[:2] == ("III", "no")


def test_knowledge_base_and_whitelist():
    kb = load_knowledge_base(KINASES, ACTIONABILITY, ONCOTREE)
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
        "version: 1\ngenes:\n  ALK: {transcript: T, actionable_role: middle, domain: {start: 1, end: 2},\n"
        "        protein: {uniprot: Q9UM73, length: 1620}}\n"
    )
    with pytest.raises(InputError, match="kinases.yaml: gene ALK: actionable_role must be"):
        load_knowledge_base(str(bad), ACTIONABILITY)
    broken = tmp_path / "broken.yaml"
    broken.write_text("genes: [\n")
    with pytest.raises(InputError, match="broken.yaml: not valid YAML"):
        load_knowledge_base(KINASES, str(broken))


def _call_at_exon_boundaries(genes, gene5, exon5, gene3, exon3) -> dict:
    from fusion_pipeline.simulation.simulate import exon_boundary

    g5, g3 = genes[gene5], genes[gene3]
    return {
        "fusion": f"{gene5}::{gene3}", "gene5": gene5, "gene3": gene3, "gene_id5": g5.spec.gene_id,
        "gene_id3": g3.spec.gene_id, "transcript5": g5.spec.transcript_id, "transcript3": g3.spec.transcript_id,
        "breakpoint5": f"{g5.chrom}:{exon_boundary(g5, exon5, 'end')}:{g5.spec.strand}",
        "breakpoint3": f"{g3.chrom}:{exon_boundary(g3, exon3, 'start')}:{g3.spec.strand}",
        "junction_reads": "12", "spanning_pairs": "4", "pass": "yes",
    }  # fmt: skip


def test_fgfr3_tacc3_exon17_keeps_the_kinase_and_its_tier_follows_the_tumour_type(demo_reference):
    """FGFR3 (5' kinase) joined at the end of exon 17 (codon 758): retained, in frame; BLCA tier I, GB 3B."""
    import pysam

    from fusion_pipeline.common.annotation import load_gtf
    from fusion_pipeline.common.knowledge_base import load_hotspots
    from fusion_pipeline.interpret.annotate_kinases import annotate_call
    from fusion_pipeline.reference.kb_check import check_knowledge_base
    from fusion_pipeline.simulation.simulate import build_genome

    folder, _ = demo_reference
    _, genes = build_genome(seed=1)
    annotation = load_gtf(str(folder / "genes.gtf"))
    kb = load_knowledge_base(KINASES, ACTIONABILITY, ONCOTREE)
    hotspots = load_hotspots(str(ROOT / "config/resistance_hotspots.yaml"), kb.kinases["genes"])
    with pysam.FastaFile(str(folder / "genome.fa")) as fasta:
        clinical = {c.gene: c for c in check_knowledge_base(annotation, fasta, kb.kinases, hotspots)}
    call = _call_at_exon_boundaries(genes, "FGFR3", 17, "TACC3", 11)
    tx = annotation.transcript("ENST00000440486")
    _, pos5, _ = call["breakpoint5"].split(":")
    assert tx.codon_of(tx.cds_offset(int(pos5))) == 758
    urothelial = annotate_call(call, annotation, kb, clinical, 5, "BLCA")
    assert (urothelial["partner_role"], urothelial["kinase_domain_retained"], urothelial["reading_frame"]) == (
        "5prime", "yes", "in-frame")  # fmt: skip
    assert (urothelial["tier"], urothelial["actionable"], urothelial["best_level"]) == ("I", "yes", "1")
    assert urothelial["therapies"] == "erdafitinib (1)"
    glioma = annotate_call(call, annotation, kb, clinical, 5, "GB")
    assert (glioma["tier"], glioma["best_level"], glioma["therapies"]) == ("II", "3B", ".")
    assert glioma["other_tumour_type_therapies"] == "erdafitinib (3B; level 1 in BLCA, UTUC)"
    untyped = annotate_call(call, annotation, kb, clinical, 5, None)
    assert untyped["best_level"] == "3B" and "no tumour type given" in untyped["tier_reason"]
    # the same junction inferred from discordant pairs alone (no split read): review, tier II at best
    inferred = annotate_call({**call, "junction_reads": "0", "spanning_pairs": "6"}, annotation, kb, clinical, 5,
                             "BLCA")  # fmt: skip
    assert (inferred["tier"], inferred["actionable"]) == ("II", "review")
    assert "inferred from 6 discordant pairs" in inferred["review_reason"]
    assert "no read crosses the junction" in inferred["tier_reason"]
    # crossed only by junction-sequence reads (short overhangs, no chimeric read from STAR): review too
    by_sequence = annotate_call({**call, "junction_reads": "0", "junction_sequence_reads": "3", "spanning_pairs": "1"},
                                annotation, kb, clinical, 5, "BLCA")  # fmt: skip
    assert (by_sequence["tier"], by_sequence["actionable"]) == ("II", "review")
    assert "3 fragments' soft-clipped reads cross the junction sequence" in by_sequence["review_reason"]
    # passed by Arriba alone, the built-in caller beside it removed it for weak support: review as well
    unconfirmed = annotate_call({**call, "callers": "builtin,arriba", "filters": "builtin_unconfirmed(min_support)"},
                                annotation, kb, clinical, 5, "BLCA")  # fmt: skip
    assert (unconfirmed["tier"], unconfirmed["actionable"]) == ("II", "review")
    assert (
        unconfirmed["review_reason"] == "called by arriba only; the built-in caller removed it (min_support)"
    )
    # the same junction judged on the UniProt domain end (761) instead of the catalytic core would fail
    assert (
        kb.kinases["genes"]["FGFR3"]["domain"]["end"]
        > 758
        >= kb.kinases["genes"]["FGFR3"]["domain"]["core_end"]
    )


def test_unverified_kinase_transcript_gives_review_not_actionable(demo_reference):
    from fusion_pipeline.common.annotation import load_gtf
    from fusion_pipeline.common.clinical_annotation import ClinicalChoice
    from fusion_pipeline.interpret.annotate_kinases import annotate_call
    from fusion_pipeline.simulation.simulate import build_genome

    folder, _ = demo_reference
    _, genes = build_genome(seed=1)
    annotation = load_gtf(str(folder / "genes.gtf"))
    kb = load_knowledge_base(KINASES, ACTIONABILITY, ONCOTREE)
    failed = {
        "NTRK1": ClinicalChoice(
            "NTRK1", reason="ENST00000392302 encodes 760 aa, whitelist expects 796 (P04629)"
        )
    }
    row = annotate_call(
        _call_at_exon_boundaries(genes, "LMNA", 2, "NTRK1", 11), annotation, kb, failed, 5, "SARCNOS"
    )
    assert row["kinase_domain_retained"] == "unknown" and row["reading_frame"] == "in-frame"
    assert (row["tier"], row["actionable"]) == ("II", "review")
    assert "760 aa, whitelist expects 796" in row["review_reason"]
    assert row["kinase_transcript_choice"].startswith("no verified clinical transcript")


def test_knowledge_base_facts_and_their_sources():
    """Facts of issue 10 as written, each with a source from the sources table."""
    kb = load_knowledge_base(KINASES, ACTIONABILITY, ONCOTREE)
    genes = kb.kinases["genes"]
    assert (genes["NTRK1"]["transcript"], genes["NTRK1"]["protein"]["length"]) == ("ENST00000524377", 796)
    assert (genes["NTRK3"]["transcript"], genes["NTRK3"]["protein"]["length"]) == ("ENST00000629765", 839)
    assert (genes["ROS1"]["transcript"], genes["ROS1"]["protein"]["length"]) == ("ENST00000368508", 2347)
    therapies = {(g, t["drug"], t["level"]): t for g, e in kb.actionability["genes"].items()
                 for t in e.get("therapies") or []}  # fmt: skip
    assert "2016-03-11" in therapies[("ROS1", "crizotinib", "1")]["approval"]
    alectinib = therapies[("ALK", "alectinib", "1")]["approval"]
    assert "2015-12-11 (accelerated" in alectinib and "2017-11-06 (first line)" in alectinib
    assert therapies[("ALK", "crizotinib", "1")]["tumour_types"] == ["NSCLC", "IMT", "ALCL"]
    assert all(t.get("tumour_agnostic") == "solid" for (g, _, _), t in therapies.items() if g == "NTRK1")
    hotspots = load_yaml(str(ROOT / "config/resistance_hotspots.yaml"))["genes"]
    ret = hotspots["RET"]["hotspots"][0]
    assert ret["position"] == 810 and "pralsetinib" in ret["resistant_to"]
    assert any("repotrectinib" in x for x in hotspots["NTRK3"]["hotspots"][0]["overcome_by"])
    assert {s["position"]: s["ref"] for s in hotspots["ROS1"]["hotspots"]}[2086] == "L"
    for gene, entry in hotspots.items():  # whitelisted kinases take their transcript from kinases.yaml
        assert ("transcript" in entry) == (gene not in genes), gene
    sources = kb.actionability["sources"]
    for spot in (s for e in hotspots.values() for s in e["hotspots"]):
        assert spot["sources"] and set(spot["sources"]) <= set(sources)
