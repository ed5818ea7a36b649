"""OncoTree codes and the level a therapy has for a sample's tumour type (issue 10)."""

import pytest
from helpers import ROOT

from fusion_pipeline.common.errors import InputError
from fusion_pipeline.common.tumour_types import level_for_sample, load_oncotree

ONCOTREE = load_oncotree(str(ROOT / "config/oncotree.tsv"))


def test_oncotree_lineage_and_solid_tumours():
    assert ONCOTREE.lineage("LUAD") == ["LUAD", "NSCLC", "LUNG"]
    assert ONCOTREE.lineage("IHCH")[:2] == ["IHCH", "CHOL"]
    assert ONCOTREE.is_solid("IMT") and ONCOTREE.is_solid("GB")
    assert not ONCOTREE.is_solid("CML") and not ONCOTREE.is_solid("ALCL")
    assert "NOT_A_CODE" not in ONCOTREE


def test_levels_follow_the_tumour_type():
    crizotinib = {"drug": "crizotinib", "level": "1", "tumour_types": ["NSCLC", "IMT", "ALCL"]}
    assert level_for_sample(crizotinib, "LUAD", ONCOTREE) == ("1", "this tumour type")  # LUAD is under NSCLC
    assert level_for_sample(crizotinib, "IMT", ONCOTREE) == ("1", "this tumour type")
    assert level_for_sample(crizotinib, "SARCNOS", ONCOTREE) == ("3B", "other tumour type")
    assert level_for_sample(crizotinib, None, ONCOTREE) == ("3B", "other tumour type")
    erdafitinib = {"drug": "erdafitinib", "level": "1", "tumour_types": ["BLCA", "UTUC"]}
    assert level_for_sample(erdafitinib, "BLCA", ONCOTREE) == ("1", "this tumour type")
    assert level_for_sample(erdafitinib, "GB", ONCOTREE) == ("3B", "other tumour type")
    narrower = {"drug": "x", "level": "1", "tumour_types": ["LUAD"]}  # a parent type does not inherit it
    assert level_for_sample(narrower, "NSCLC", ONCOTREE)[0] == "3B"
    level4 = {"drug": "y", "level": "4", "tumour_types": ["LUAD"]}  # 3B at best: 4 stays 4
    assert level_for_sample(level4, "GB", ONCOTREE)[0] == "4"


def test_tumour_agnostic_approvals_count_for_solid_tumours():
    larotrectinib = {"drug": "larotrectinib", "level": "1", "tumour_agnostic": "solid"}
    for code in ("SARCNOS", "GB", "LUAD", None):
        assert level_for_sample(larotrectinib, code, ONCOTREE) == ("1", "tumour-agnostic")
    assert level_for_sample(larotrectinib, "CML", ONCOTREE) == ("3B", "other tumour type")


def test_a_table_without_the_root_is_refused(tmp_path):
    bad = tmp_path / "types.tsv"
    bad.write_text("code\tname\tparent\nLUAD\tLung Adenocarcinoma\tNSCLC\n")
    with pytest.raises(InputError, match="types.tsv: no TISSUE root"):
        load_oncotree(str(bad))
