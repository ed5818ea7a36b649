"""One source of therapy levels, and what resistance found in the sample means for them (issue 24)."""

import pytest
from helpers import ROOT

from fusion_pipeline.common.knowledge_base import load_knowledge_base
from fusion_pipeline.common.resistance_effect import defeated_drugs, resistance_effect, resistance_sentence
from fusion_pipeline.common.therapies import therapies_for, therapy_cell

KB = load_knowledge_base(
    str(ROOT / "config/kinases.yaml"),
    str(ROOT / "config/actionability.yaml"),
    str(ROOT / "config/oncotree.tsv"),
)


def levels(tumour_type):
    return {t["drug"]: (t["sample_level"], t["scope"]) for t in therapies_for(KB, "ALK", tumour_type)}


def test_each_drug_once_at_its_best_level_for_this_tumour_type():
    imt = therapies_for(KB, "ALK", "IMT")
    drugs = [t["drug"] for t in imt]
    assert len(drugs) == len(set(drugs))  # brigatinib and ceritinib are listed under NSCLC and IMT
    assert levels("IMT")["brigatinib"] == ("2", "this tumour type")
    assert levels("IMT")["alectinib"] == ("3B", "other tumour type")
    brigatinib = next(t for t in imt if t["drug"] == "brigatinib")
    assert brigatinib["other_indications"] == ["level 1 in NSCLC"]
    # LUAD lies under NSCLC: the NSCLC indication is the best, IMT's level 2 is a note
    assert levels("LUAD")["brigatinib"] == ("1", "this tumour type")
    assert therapy_cell(therapies_for(KB, "ALK", "IMT")) == "crizotinib (1); brigatinib (2); ceritinib (2)"
    assert "(2)" not in therapy_cell(therapies_for(KB, "ALK", "LUAD"))


def hotspot(mutation, status="found", resistant_to=".", overcome_by=".", hotspot_label=None, reason="."):
    return {"gene": "ALK", "hotspot": hotspot_label or mutation[:-1], "mutation": mutation if status == "found" else ".",
            "status": status, "alt_fraction": 0.35, "resistant_to": resistant_to, "overcome_by": overcome_by,
            "sources": "oncokb-news", "reason": reason}  # fmt: skip


G1202R = hotspot("G1202R", resistant_to="alectinib (R2); crizotinib (R2); ceritinib (R2); brigatinib (R2)",
                 overcome_by="lorlatinib (2); neladalkib (3A)")  # fmt: skip


def test_a_change_named_in_the_qualifier_limits_the_resistance():
    cell = "crizotinib (R2); alectinib (R2, L1196Q)"
    assert defeated_drugs(cell, "L1196M") == ["crizotinib"]
    assert defeated_drugs(cell, "L1196Q") == ["crizotinib", "alectinib"]


def test_found_resistance_marks_the_drugs_and_names_the_next_line():
    therapies = therapies_for(KB, "ALK", "IMT")
    effect = resistance_effect([G1202R], "ALK", therapies)
    assert set(effect["resisted"]) == {"crizotinib", "brigatinib", "ceritinib", "alectinib"}
    # the sample's level first, then the knowledge base's level against the mutation
    assert effect["next_line"] == ["lorlatinib (3B for this tumour type; 2 against G1202R)",
                                   "neladalkib (3A against G1202R)"]  # fmt: skip
    assert therapy_cell(therapies, effect["resisted"]).startswith("crizotinib (1; resistance found: G1202R)")
    sentence = resistance_sentence("ALK", effect)
    assert "ALK G1202R found (35%): resistance to" in sentence and "next-line options: lorlatinib" in sentence


def test_compound_mutations_drop_options_another_mutation_defeats():
    first = hotspot("L1196M", resistant_to="crizotinib (R2)", overcome_by="alectinib; lorlatinib (2)")
    second = hotspot("G1202R", resistant_to="alectinib (R2)", overcome_by="lorlatinib (2)")
    effect = resistance_effect([first, second], "ALK", therapies_for(KB, "ALK", "NSCLC"))
    assert [option.split()[0] for option in effect["next_line"]] == ["lorlatinib"]
    assert "compound resistance" in resistance_sentence("ALK", effect)


@pytest.mark.parametrize(
    "rows, expected",
    [
        ([hotspot("G1202R", status="covered, not found", hotspot_label="G1202")], "covered, none found (G1202)"),
        ([hotspot("G1202R", status="not assessable", hotspot_label="G1202", reason="depth 3")],
         "not assessable: G1202 (depth 3)"),
        ([], ""),
    ],
)  # fmt: skip
def test_uncertain_hotspots_are_stated_as_such(rows, expected):
    effect = resistance_effect(rows, "ALK", therapies_for(KB, "ALK", "IMT"))
    assert effect["resisted"] == {} and effect["next_line"] == []
    sentence = resistance_sentence("ALK", effect)
    assert (expected in sentence) if expected else sentence == ""


def test_another_genes_mutation_defeats_nothing_of_this_kinase():
    nf2 = {**G1202R, "gene": "NF2", "mutation": "G161*"}
    assert resistance_effect([nf2], "ALK", therapies_for(KB, "ALK", "IMT"))["found"] == []
