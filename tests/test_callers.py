"""The caller registry: one table for the config check, the rules and the merge."""

import subprocess
import sys

import pytest
from conftest import ROOT, run_workflow, write_config

from fusion_pipeline.call.adapt_calls import READERS
from fusion_pipeline.common.callers import REGISTRY, adapted, caller_path, check_callers, merge_order
from fusion_pipeline.common.errors import InputError
from fusion_pipeline.common.fusion_table import CALLER_ORDER


def test_configured_callers_come_in_merge_order():
    assert check_callers(["starfusion", "builtin", "arriba"]) == ["builtin", "arriba", "starfusion"]
    assert check_callers(["arriba"]) == ["arriba"]
    assert CALLER_ORDER == merge_order() == ("builtin", "arriba", "starfusion")


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


@pytest.mark.workflow
def test_unknown_caller_in_config_stops_the_dry_run(tmp_path, demo_data):
    data = demo_data["workdir"] / "data"
    write_config(tmp_path, str(data / "genome.fa"), str(data / "genes.gtf"),
                 samples=str(data / "samples.tsv"), callers=["builtin", "fusioncatcher"])  # fmt: skip
    result = run_workflow(tmp_path, "-n")
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if "ERROR" in line]
    assert errors == [
        "ERROR: configuration: unknown caller 'fusioncatcher' (known: builtin, arriba, starfusion)"
    ]
