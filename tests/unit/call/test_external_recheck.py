"""Issue 27 item 5: a call only an external caller passed is judged by the built-in artefact filters.

Calls are Arriba-like rows at breakpoints of the simulator's extended genome,
annotated as the adapters annotate them; the built-in caller's rows are those
it writes for its own candidates (pass, filters, background_events).
"""

import pandas as pd
import pytest
from helpers import breakend, true_fusion

from fusion_pipeline.call.call_builtin import CallerParams
from fusion_pipeline.call.external_recheck import recheck
from fusion_pipeline.call.filters import FilterContext
from fusion_pipeline.call.merge_calls import judge
from fusion_pipeline.common.fusion_table import annotate_breakpoints, unconfirmed_by_builtin


def _breakpoints(five, three):
    return (f"{five[0]}:{five[1]}:{'+' if five[2] == 1 else '-'}",
            f"{three[0]}:{three[1]}:{'+' if three[2] == -1 else '-'}")  # fmt: skip


def arriba_call(extended, five, three, junction=6, spanning=3, callers="arriba"):
    bp5, bp3 = _breakpoints(five, three)
    row = {"fusion": ".", "gene5": ".", "gene3": ".", "breakpoint5": bp5, "breakpoint3": bp3, "exon5": ".",
           "exon3": ".", "transcript5": ".", "transcript3": ".", "junction_reads": str(junction), "spanning_pairs": str(spanning), "callers": callers,
           "filters": ".", "pass": "yes", "gene_id5": ".", "gene_id3": ".", "site5": ".", "site3": ".",
           "support_by_caller": f"arriba:{junction}/{spanning}"}  # fmt: skip
    return annotate_breakpoints(pd.DataFrame([row]), extended["annotation"]).to_dict("records")[0]


def builtin_row(record, filters, background=0.0, passed="no"):
    return {"breakpoint5": record["breakpoint5"], "breakpoint3": record["breakpoint3"], "pass": passed,
            "filters": filters, "background_events": str(background)}  # fmt: skip


@pytest.fixture()
def ctx(extended):
    return FilterContext(CallerParams(), extended["annotation"], extended["fasta"])


@pytest.fixture()
def fusion(extended):
    return arriba_call(extended, *true_fusion(extended, "ETV6", 5, "NTRK3", 15))


def test_an_artefact_the_builtin_caller_removed_fails(fusion, ctx):
    [judged] = recheck([fusion], [builtin_row(fusion, "template_switch,homologs")], ctx)
    assert judged["pass"] == "no"
    assert judged["filters"] == "builtin_artefact(template_switch+homologs)"


def test_weak_support_alone_leaves_the_call_passing_for_review(fusion, ctx):
    [judged] = recheck([fusion], [builtin_row(fusion, "duplicates(2),min_support,low_anchor")], ctx)
    assert judged["pass"] == "yes"
    assert judged["filters"] == "builtin_unconfirmed(min_support+low_anchor)"
    reason = unconfirmed_by_builtin(judged["filters"], judged["callers"])
    assert reason == "called by arriba only; the built-in caller removed it (min_support, low_anchor)"


def test_relative_support_is_judged_again_on_the_external_callers_support(extended, ctx):
    """evalue = (1 + background) * support^-2.5 against max_evalue 0.3: 9 fragments hold 40 events, 3 do not."""
    five, three = true_fusion(extended, "ETV6", 5, "NTRK3", 15)
    strong, weak = arriba_call(extended, five, three, 6, 3), arriba_call(extended, five, three, 2, 1)
    [kept] = recheck([strong], [builtin_row(strong, "relative_support", background=40)], ctx)
    [failed] = recheck([weak], [builtin_row(weak, "relative_support", background=40)], ctx)
    assert (kept["pass"], kept["filters"]) == ("yes", "builtin_unconfirmed(relative_support)")
    assert (failed["pass"], failed["filters"]) == ("no", "builtin_artefact(relative_support)")


def test_without_a_builtin_candidate_the_reference_filters_judge(extended, ctx, fusion):
    genes = extended["genes"]
    paralogues = arriba_call(
        extended, breakend(genes["GOLGA8A"], 599, "5"), breakend(genes["GOLGA8B"], 600, "3")
    )
    run5, run3 = genes["PABPC1"].mrna.find("A" * 30), genes["RPLP0"].mrna.find("A" * 30)
    poly_a = arriba_call(extended, breakend(genes["PABPC1"], run5 + 15, "5"),
                         breakend(genes["RPLP0"], run3 + 15, "3"))  # fmt: skip
    judged = recheck([paralogues, poly_a, fusion], [], ctx)
    assert [j["pass"] for j in judged] == ["no", "no", "yes"]
    assert "homologs" in judged[0]["filters"] and "low_complexity" in judged[1]["filters"]
    assert judged[2]["filters"] == "builtin_unconfirmed(no_candidate)"
    assert unconfirmed_by_builtin(judged[2]["filters"], "arriba").endswith(
        "found no candidate at this junction"
    )


def test_calls_the_builtin_caller_passed_or_failed_alone_are_left_as_they_are(extended, fusion, ctx):
    both = {**fusion, "callers": "builtin,arriba"}
    builtin_only = {**fusion, "callers": "builtin", "pass": "no", "filters": "min_support"}
    failed_by_arriba = {**fusion, "pass": "no", "filters": "low_confidence"}
    records = [both, builtin_only, failed_by_arriba]
    assert recheck(records, [builtin_row(fusion, ".", passed="yes")], ctx) == records


def test_the_merged_filter_runs_only_beside_the_builtin_caller_and_is_counted(extended, fusion, ctx):
    builtin = [builtin_row(fusion, "hairpin")]
    judged, counts = judge([fusion], "whole_transcriptome", None, 3, {},
                           lambda records: recheck(records, builtin, ctx))  # fmt: skip
    row = next(c for c in counts if c["filter"] == "external_recheck")
    assert judged[0]["pass"] == "no" and (row["enabled"], row["removed"]) == ("yes", 1)
    untouched, counts = judge([fusion], "whole_transcriptome", None, 3, {}, None)
    assert untouched == [fusion]
    assert next(c for c in counts if c["filter"] == "external_recheck")["enabled"] == "no"


def test_a_known_pair_on_exon_boundaries_is_rescued_from_relative_support_as_the_builtin_caller_would(
    extended, tmp_path
):
    from fusion_pipeline.call.region_lists import read_region_list

    five, three = true_fusion(extended, "ETV6", 5, "NTRK3", 15)
    merged = {**arriba_call(extended, five, three, 2, 1), "callers": "builtin,arriba", "pass": "yes",
              "filters": "min_support,relative_support"}  # fmt: skip
    builtin = [builtin_row(merged, "min_support,relative_support", background=40)]
    plain = FilterContext(CallerParams(), extended["annotation"], extended["fasta"])
    [failed] = recheck([merged], builtin, plain)
    assert (failed["pass"], failed["filters"]) == (
        "no",
        "min_support,relative_support,builtin_artefact(relative_support)",
    )
    (tmp_path / "known.tsv").write_text("ETV6\tNTRK3\n")
    known = read_region_list(str(tmp_path / "known.tsv"), allow_keywords=False)
    with_known = FilterContext(CallerParams(), extended["annotation"], extended["fasta"], known_fusions=known)
    [kept] = recheck([merged], builtin, with_known)
    assert kept["pass"] == "yes" and kept["filters"].endswith(
        "builtin_unconfirmed(min_support+relative_support)"
    )


def test_a_reference_filter_switched_off_for_the_builtin_caller_judges_no_external_call(extended, ctx):
    genes = extended["genes"]
    paralogues = arriba_call(
        extended, breakend(genes["GOLGA8A"], 599, "5"), breakend(genes["GOLGA8B"], 600, "3")
    )
    [judged] = recheck([paralogues], [], ctx, {"homologs": False})
    assert judged["pass"] == "yes" and judged["filters"] == "builtin_unconfirmed(no_candidate)"


def test_genes_only_the_other_caller_names_are_not_one_gene(fusion, ctx):
    from fusion_pipeline.call.external_recheck import reference_hits

    unannotated = {**fusion, "gene5": "X", "gene3": "Y", "gene_id5": ".", "gene_id3": "."}
    assert "same_gene" not in reference_hits([unannotated], ctx)[0]
    assert "same_gene" in reference_hits([{**unannotated, "gene3": "X"}], ctx)[0]


def test_a_pairs_only_call_without_a_builtin_candidate_fails_unless_its_pair_is_known(extended, tmp_path):
    """The built-in caller makes a candidate of discordant pairs alone only for a known fusion."""
    from fusion_pipeline.call.region_lists import read_region_list

    pairs = arriba_call(extended, *true_fusion(extended, "ETV6", 5, "NTRK3", 15), junction=0, spanning=3)
    plain = FilterContext(CallerParams(), extended["annotation"], extended["fasta"])
    [failed] = recheck([pairs], [], plain)
    assert (failed["pass"], failed["filters"]) == ("no", "builtin_artefact(pairs_only)")
    (tmp_path / "known.tsv").write_text("ETV6\tNTRK3\n")
    known = read_region_list(str(tmp_path / "known.tsv"), allow_keywords=False)
    with_known = FilterContext(CallerParams(), extended["annotation"], extended["fasta"], known_fusions=known)
    [kept] = recheck([pairs], [], with_known)
    assert (kept["pass"], kept["filters"]) == ("yes", "builtin_unconfirmed(no_candidate)")
    (tmp_path / "reversed.tsv").write_text("NTRK3\tETV6\n")
    reversed_pair = read_region_list(str(tmp_path / "reversed.tsv"), allow_keywords=False)
    wrong_way = FilterContext(
        CallerParams(), extended["annotation"], extended["fasta"], known_fusions=reversed_pair
    )
    assert recheck([pairs], [], wrong_way)[0]["pass"] == "no"
