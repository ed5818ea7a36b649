"""Analytical validation (scripts/fusion_pipeline/validate/): statistics, fusion names, scoring, and `make validate`'s run."""

import math

import pytest
import yaml
from helpers import ROOT

from fusion_pipeline.common.errors import InputError
from fusion_pipeline.common.fusion_names import parse_fusion_name, relation
from fusion_pipeline.common.stats import clopper_pearson
from fusion_pipeline.common.truth import read_truth
from fusion_pipeline.validate.score import concordance, score
from fusion_pipeline.validate.stats import (
    abundance_agreement,
    coefficient_of_variation,
    lod_by_hit_rate,
    probit_lod,
    proportion,
)


def test_clopper_pearson_against_hand_computed_values():
    # 19 of 20: 95.0 %, exact interval 75.1-99.9 % (beta quantiles 0.025 of B(19, 2), 0.975 of B(20, 1))
    low, high = clopper_pearson(19, 20)
    assert (round(low, 3), round(high, 3)) == (0.751, 0.999)
    assert proportion(19, 20)["value"] == 0.95
    # 0 of 10: 0 to 1 - 0.025 ** (1 / 10) = 30.8 %
    low, high = clopper_pearson(0, 10)
    assert low == 0 and math.isclose(high, 1 - 0.025 ** (1 / 10), rel_tol=1e-9)
    low, high = clopper_pearson(10, 10)  # 10 of 10: 0.025 ** (1 / 10) to 1
    assert math.isclose(low, 0.025 ** (1 / 10), rel_tol=1e-9) and high == 1.0
    assert proportion(0, 0)["value"] is None


def test_lod_by_hit_rate_is_the_lowest_fraction_detected_at_95_percent_and_above():
    hits = {0.01: (1, 3), 0.02: (3, 3), 0.05: (3, 3), 0.10: (3, 3)}
    assert lod_by_hit_rate(hits) == 0.02
    # a miss above a hit: the LoD is where detection holds from there upwards
    assert lod_by_hit_rate({0.01: (3, 3), 0.02: (2, 3), 0.05: (3, 3)}) == 0.05
    assert lod_by_hit_rate({0.5: (2, 3)}) is None


def test_probit_lod_needs_overlapping_detection():
    step = [(0.01, False)] * 3 + [(0.02, True)] * 3
    assert probit_lod(step)["lod"] is None and "jumps" in probit_lod(step)["reason"]
    points = [(0.005, False)] * 10 + [(0.01, False)] * 7 + [(0.01, True)] * 3 + [(0.02, True)] * 7
    points += [(0.02, False)] * 3 + [(0.05, True)] * 10
    fit = probit_lod(points)
    assert 0.02 < fit["lod"] < 0.05  # 70 % at 2 %, all at 5 %
    assert probit_lod([(0.1, True)] * 5)["lod"] is None


def test_abundance_agreement_and_repeatability():
    fit = abundance_agreement([0.1, 0.2, 0.4], [0.12, 0.22, 0.42])
    assert math.isclose(fit["slope"], 1.0) and math.isclose(fit["intercept"], 0.02)
    assert math.isclose(fit["bias"], 0.02) and math.isclose(fit["r_squared"], 1.0)
    assert math.isclose(coefficient_of_variation([0.2, 0.3]), 0.0707107 / 0.25, rel_tol=1e-5)
    assert coefficient_of_variation([0.2]) is None


@pytest.mark.parametrize("name", ["EML4::ALK", "eml4-alk", "EML4/ALK", "EML4--ALK", " Eml4 :: Alk "])
def test_fusion_names_as_labs_write_them(name):
    assert parse_fusion_name(name) == ("EML4", "ALK")


def test_a_gene_with_a_hyphen_needs_the_gene_list_or_a_double_colon():
    assert parse_fusion_name("NKX2-1-ALK", {"NKX2-1", "ALK"}) == ("NKX2-1", "ALK")
    assert parse_fusion_name("NKX2-1::ALK") == ("NKX2-1", "ALK")
    with pytest.raises(InputError, match="GENE1::GENE2"):
        parse_fusion_name("NKX2-1-ALK")
    assert relation(("EML4", "ALK"), ("ALK", "EML4")) == "reciprocal"


def _call(gene5, gene3, **extra):
    return {"gene5": gene5, "gene3": gene3, "junction_reads": "5", "spanning_pairs": "2", "abundance": "0.1",
            "breakpoint5": "chr2:100:+", "breakpoint3": "chr2:900:-", **extra}  # fmt: skip


def test_concordance_counts_found_missed_extra_and_reciprocal_calls(tmp_path):
    truth_file = tmp_path / "truth.tsv"
    truth_file.write_text(
        "sample\tfusion\tbreakpoint5\texpected_fraction\n"
        "A\teml4-alk\tchr2:100:+\t0.1\nA\tETV6/NTRK3\t\t\nB\tnone\t\t\nC\tLMNA::NTRK1\t\t\n"
    )
    truth = read_truth(str(truth_file))
    assert truth["B"] == []
    rows = concordance(
        "A", truth["A"], {("EML4", "ALK"): _call("EML4", "ALK"), ("FOO", "BAR"): _call("FOO", "BAR")}
    )
    rows += concordance("B", truth["B"], {})
    rows += concordance("C", truth["C"], {("NTRK1", "LMNA"): _call("NTRK1", "LMNA")})
    status = {(r["sample"], r["fusion"]): r["status"] for r in rows}
    assert status == {("A", "EML4::ALK"): "TP", ("A", "ETV6::NTRK3"): "FN", ("A", "FOO::BAR"): "FP",
                      ("C", "LMNA::NTRK1"): "FN", ("C", "NTRK1::LMNA"): "FP"}  # fmt: skip
    assert next(r for r in rows if r["fusion"] == "NTRK1::LMNA")["note"] == "reciprocal of a true fusion"
    summary = score(rows, [], ["B"])
    assert (summary["ppa"]["k"], summary["ppa"]["n"]) == (1, 3)
    assert (summary["ppv"]["k"], summary["ppv"]["n"]) == (1, 3)
    assert (summary["npa"]["k"], summary["npa"]["n"]) == (1, 1)
    assert summary["false_calls_per_sample"] == 2 / 3


def test_tier_and_actionability_come_from_the_same_breakpoints():
    """Two calls of one gene pair: the best supported is scored with its own tier, not the other's."""
    from fusion_pipeline.validate.score import sample_calls

    fusions = [
        {"fusion": "EML4::ALK", "gene5": "EML4", "gene3": "ALK", "breakpoint5": "c:1:+", "breakpoint3": "c:9:-",
         "junction_reads": "200", "spanning_pairs": "8", "pass": "yes"},
        {"fusion": "EML4::ALK", "gene5": "EML4", "gene3": "ALK", "breakpoint5": "c:5:+", "breakpoint3": "c:9:-",
         "junction_reads": "4", "spanning_pairs": "0", "pass": "yes"},
    ]  # fmt: skip
    kinase = [
        {**fusions[0], "tier": "I", "actionable": "yes"},
        {**fusions[1], "tier": "II", "actionable": "review"},
    ]
    call = sample_calls(fusions, kinase)[("EML4", "ALK")]
    assert (call["tier"], call["actionable"], call["breakpoint5"]) == ("I", "yes", "c:1:+")


def test_the_simulated_truth_expects_tier_i_for_nsclc_approvals_and_ii_for_fgfr3():
    """AMP/ASCO/CAP 2017: an FDA approval in NSCLC (or tumour-agnostic) is tier I, elsewhere only tier II."""
    from fusion_pipeline.simulation.validation_set import PROFILES, validation_design

    _, truth = validation_design(PROFILES["full"])
    tiers = {r["fusion"]: r["expected_tier"] for r in truth if r["fusion"] != "none"}
    assert tiers == {"EML4::ALK": "I", "ETV6::NTRK3": "I", "LMNA::NTRK1": "I", "FGFR3::TACC3": "II",
                     "HMBOX1::ALK": "I", "KHDRBS1::NTRK1": "I", "YWHAE::ROS1": "I", "CCDC6::RET": "I"}  # fmt: skip
    # the same expectation read from the knowledge base's level 1 indications
    genes = yaml.safe_load((ROOT / "config/actionability.yaml").read_text())["genes"]
    for fusion, tier in tiers.items():
        gene5, gene3 = fusion.split("::")
        kinase = gene5 if gene5 == "FGFR3" else gene3
        in_nsclc = any(
            t["level"] == "1"
            and ("NSCLC" in t.get("tumour_types", []) or t.get("tumour_agnostic") in ("solid", "all"))
            for t in genes[kinase]["therapies"]
        )
        assert tier == ("I" if in_nsclc else "II"), fusion


def test_a_call_with_another_tier_than_expected_is_tier_discordant():
    truth = [
        {"genes": ("EML4", "ALK"), "expected_tier": "I", "expected_actionable": "yes"},
        {"genes": ("ETV6", "NTRK3"), "expected_tier": "I", "expected_actionable": "yes"},
    ]
    calls = {
        ("EML4", "ALK"): _call("EML4", "ALK", tier="I", actionable="yes"),
        ("ETV6", "NTRK3"): _call("ETV6", "NTRK3", tier="II", actionable="yes", junction_reads="2",
                                 spanning_pairs="1"),
    }  # fmt: skip
    rows = concordance("A", truth, calls)
    assert next(r for r in rows if r["fusion"] == "ETV6::NTRK3")["note"] == "tier II (expected I)"
    summary = score(rows, [], [])
    assert (summary["tier_concordance"]["k"], summary["tier_concordance"]["n"]) == (1, 2)
    assert (summary["actionability_concordance"]["k"], summary["actionability_concordance"]["n"]) == (2, 2)
    assert summary["tier_discordant"] == [{"sample": "A", "fusion": "ETV6::NTRK3", "tier": "II",
                                           "expected_tier": "I", "junction_reads": "2", "spanning_pairs": "1"}]  # fmt: skip
    from fusion_pipeline.validate.score_validation import render_html

    html = render_html({**summary, "truth": "t.tsv", "caller": "builtin", "by_caller": {}}, rows)
    assert "Tier discordant (1): A ETV6::NTRK3 tier II, expected I" in html


def test_configured_fusions_are_grouped_so_no_sample_holds_a_gene_twice():
    from fusion_pipeline.simulation.validation_set import fusion_groups, fusions_from_config

    fusions, expectations = fusions_from_config([
        {"gene5": "CD74", "exon5": 6, "gene3": "ROS1", "exon3": 34},
        {"gene5": "EZR", "exon5": 10, "gene3": "ROS1", "exon3": 34, "expected_tier": "II"},
        {"gene5": "HOOK3", "exon5": 11, "gene3": "RET", "exon3": 12, "expected_actionable": False},
    ])  # fmt: skip
    assert fusion_groups(fusions) == (
        (("CD74", 6, "ROS1", 34), ("HOOK3", 11, "RET", 12)),
        (("EZR", 10, "ROS1", 34),),
    )
    assert expectations == {"EZR::ROS1": {"expected_tier": "II"}, "HOOK3::RET": {"expected_actionable": "no"}}
    with pytest.raises(InputError, match="entry 1: needs gene5, exon5, gene3 and exon3"):
        fusions_from_config([{"gene5": "CD74", "gene3": "ROS1", "exon3": 34}])


def test_breakpoint_level_counts_a_call_at_other_breakpoints_as_missed_and_false():
    truth = [
        {"genes": ("EML4", "ALK"), "breakpoint5": "chr2:100:+", "breakpoint3": "chr2:900:-"},
        {"genes": ("ETV6", "NTRK3"), "breakpoint5": "chr12:500:+", "breakpoint3": "chr15:800:-"},
        {"genes": ("CD74", "ROS1"), "breakpoint5": "chr5:10:-", "breakpoint3": "chr6:20:-"},
        {"genes": ("LMNA", "NTRK1")},  # no truth breakpoints: gene level only
    ]
    calls = {
        ("EML4", "ALK"): _call("EML4", "ALK"),  # at the truth's breakpoints
        ("ETV6", "NTRK3"): _call("ETV6", "NTRK3", breakpoint5="chr12:700:+", breakpoint3="chr15:800:-"),
        ("LMNA", "NTRK1"): _call("LMNA", "NTRK1"),
        ("FOO", "BAR"): _call("FOO", "BAR"),
    }  # fmt: skip
    rows = concordance("A", truth, calls)
    match = {r["fusion"]: r["breakpoint_match"] for r in rows}
    assert match == {
        "EML4::ALK": "yes",
        "ETV6::NTRK3": "no",
        "CD74::ROS1": "no",
        "LMNA::NTRK1": ".",
        "FOO::BAR": ".",
    }
    summary = score(rows, [], [])
    assert (summary["ppa"]["k"], summary["ppa"]["n"], summary["ppv"]["k"], summary["ppv"]["n"]) == (
        3,
        4,
        3,
        4,
    )
    assert summary["f1"] == pytest.approx(0.75)
    level = summary["breakpoint_level"]
    # found: EML4::ALK; missed: CD74::ROS1 and ETV6::NTRK3 (elsewhere); false: FOO::BAR and ETV6::NTRK3
    assert (level["ppa"]["k"], level["ppa"]["n"], level["ppv"]["k"], level["ppv"]["n"]) == (1, 3, 1, 3)
    assert level["f1"] == pytest.approx(1 / 3)
    assert level["without_truth_breakpoints"] == 1
    assert [r["fusion"] for r in level["other_breakpoints"]] == ["ETV6::NTRK3"]
    from fusion_pipeline.validate.score_validation import render_html

    html = render_html({**summary, "truth": "t.tsv", "caller": "builtin", "by_caller": {}}, rows)
    assert "at breakpoint level: PPA</th><td>33.3% (1/3" in html
