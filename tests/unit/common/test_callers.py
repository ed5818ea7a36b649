"""The caller registry: one table for the config check, the rules and the merge."""

import subprocess
import sys

import pandas as pd
import pytest
from helpers import ROOT

from fusion_pipeline.call.adapt_calls import READERS
from fusion_pipeline.common.callers import REGISTRY, adapted, caller_path, check_callers, merge_order
from fusion_pipeline.common.errors import InputError
from fusion_pipeline.common.fusion_table import CALLER_ORDER, merge_callers


def test_configured_callers_come_in_merge_order():
    assert check_callers(["starfusion", "builtin", "arriba"]) == ["builtin", "arriba", "starfusion"]
    assert check_callers(["arriba"]) == ["arriba"]
    assert merge_order() == ("builtin", "arriba", "starfusion")
    priorities = [REGISTRY[name].priority for name in merge_order()]  # the order is the registry's priorities
    assert priorities == sorted(set(priorities))


def test_the_merge_keeps_the_row_of_the_first_caller_in_merge_order():
    """CALLER_ORDER is what merge_callers obeys: tables handed over in reverse order, one breakpoint that all
    three callers found (within 5 bp) keeps the built-in caller's row and lists the callers in merge order."""

    def row(caller, shift):
        return {"fusion": f"A::B_{caller}", "breakpoint5": f"chr1:{1000 + shift}:+", "breakpoint3": f"chr2:{500 + shift}:-",
                "junction_reads": 3 + shift, "spanning_pairs": 1, "pass": "no" if caller == "builtin" else "yes"}  # fmt: skip

    tables = {
        caller: pd.DataFrame([row(caller, shift)]) for shift, caller in enumerate(reversed(CALLER_ORDER))
    }
    merged = merge_callers(tables)
    assert len(merged) == 1
    kept = merged.iloc[0]
    assert (kept["fusion"], kept["breakpoint5"], kept["breakpoint3"]) == (
        "A::B_builtin",
        "chr1:1002:+",
        "chr2:502:-",
    )
    assert (
        kept["callers"] == "builtin,arriba,starfusion"
        and kept["support_by_caller"] == "builtin:5/1;arriba:4/1;starfusion:3/1"
    )
    assert kept["pass"] == "yes"  # passed by another caller


def test_unknown_caller_names_the_known_ones():
    with pytest.raises(InputError, match=r"^unknown caller 'x' \(known: builtin, arriba, starfusion\)$"):
        check_callers(["builtin", "x"])


def test_every_adapted_caller_has_its_reader():
    assert set(READERS) == set(adapted(REGISTRY)) == {"arriba", "starfusion"}
    assert REGISTRY["builtin"].adapter is None


def test_paths_keep_the_sample_wildcard_for_rules():
    assert caller_path(REGISTRY["arriba"].output, "out") == "out/{sample}/arriba/fusions.tsv"
    assert caller_path(REGISTRY["arriba"].version_file, "out", "S6") == "out/S6/arriba/version.txt"
    assert caller_path(REGISTRY["builtin"].output, "out", "S1") == "out/S1/callers/builtin.tsv"


def test_registry_is_light_enough_for_the_dag():
    """common.smk imports it while parsing: no pandas or pysam."""
    code = "import sys, fusion_pipeline.common.callers; assert not {'pandas', 'pysam'} & set(sys.modules), sys.modules"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT / "scripts", check=True)
