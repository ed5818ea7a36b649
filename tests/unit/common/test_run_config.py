"""load_run: every start-up check of a run as one function (common/run_config.py), without Snakemake's DAG."""

import copy

import pytest
import yaml
from helpers import ROOT
from snakemake.utils import validate

from fusion_pipeline.common.errors import InputError
from fusion_pipeline.common.run_config import load_run

SCHEMA = str(ROOT / "workflow/schemas/config.schema.yaml")


def checked(config: dict) -> dict:
    """The config with the schema's defaults, as the workflow hands it to load_run."""
    config = copy.deepcopy(config)
    validate(config, SCHEMA)
    return config


@pytest.fixture(scope="module")
def demo_config(demo_data):
    data = demo_data["workdir"] / "data"
    return {"samples": str(data / "samples.tsv"), "outdir": "out/",
            "reference": {"fasta": str(data / "genome.fa"), "gtf": str(data / "genes.gtf")}}  # fmt: skip


def test_the_demo_run_names_its_samples_callers_and_patients(demo_config, demo_data, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # not the project: the shipped files must still be found
    run = load_run(checked(demo_config), str(ROOT))
    sheet = [
        line.split("\t")[0]
        for line in (demo_data["workdir"] / "data/samples.tsv").read_text().splitlines()[1:]
    ]
    assert list(run.samples) == sheet and run.outdir == "out"
    assert run.callers == ["builtin"] and not run.targeted and not run.panel_qc and run.warnings == []
    assert run.followed_patients and all(len(run.patient_samples[p]) > 1 for p in run.followed_patients)
    # the shipped knowledge base is found from any working directory
    assert run.config["knowledge_base"]["kinases"] == str(ROOT / "config/kinases.yaml")


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda c: c["reference"].update(fasta="missing.fa"), "configuration: reference.fasta file not found: missing.fa"),
        (lambda c: c.update(callers=["builtin", "fusioncatcher"]), "configuration: "),
        (lambda c: c.update(assay="targeted", umi={"location": "read1_prefix"}),
         "configuration: umi.location read1_prefix needs umi.length"),
        (lambda c: c.update(callers=["builtin", "starfusion"]),
         "configuration: callers has 'starfusion' but starfusion.genome_lib_dir is not a directory"),
        (lambda c: c["reference"].update(star_index="/nonexistent"),
         "configuration: reference.star_index /nonexistent is not a STAR index (missing Genome"),
    ],
)  # fmt: skip
def test_a_bad_run_is_one_input_error(demo_config, change, message):
    config = copy.deepcopy(demo_config)
    change(config)
    with pytest.raises(InputError) as err:
        load_run(checked(config), str(ROOT))
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


def test_a_truth_sample_missing_from_the_sheet_is_named(demo_config, tmp_path):
    truth = tmp_path / "truth.tsv"
    truth.write_text("sample\tfusion\nS1\tnone\nNOT_SEQUENCED\tEML4::ALK\n")
    config = {**copy.deepcopy(demo_config), "validation": {"truth": str(truth)}}
    with pytest.raises(InputError, match=r"truth.tsv: sample NOT_SEQUENCED is not in the sample sheet"):
        load_run(checked(config), str(ROOT))
    truth.write_text("sample\tfusion\nS2\tnone\nS1\tEML4::ALK\n")
    run = load_run(checked(config), str(ROOT))
    assert run.validation_samples == ["S2", "S1"] and run.validation_dir == "out/validation"


def test_the_old_place_of_min_molecules_still_sets_it_with_a_warning(demo_config):
    config = {**copy.deepcopy(demo_config), "builtin": {"targeted": {"min_molecules": 5}}}
    run = load_run(checked(config), str(ROOT))
    assert run.config["targeted"]["min_molecules"] == 5
    assert run.warnings == [
        "configuration: builtin.targeted.min_molecules is now targeted.min_molecules (set to 5); "
        "it judges every caller's calls"
    ]
    assert load_run(checked(demo_config), str(ROOT)).config["targeted"]["min_molecules"] == 3


def test_the_shipped_targeted_config_uses_the_new_place():
    shipped = yaml.safe_load((ROOT / "config/targeted.yaml").read_text())
    assert shipped["targeted"]["min_molecules"] == 3 and "targeted" not in shipped.get("builtin", {})


def test_a_bam_sample_in_a_run_that_takes_umis_from_the_reads_is_refused(demo_config, tmp_path):
    (tmp_path / "S1.bam").write_bytes(b"BAM")
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(f"sample\tpatient\ttimepoint\tbam\nS1\tP1\t1\t{tmp_path / 'S1.bam'}\n")
    config = {**copy.deepcopy(demo_config), "samples": str(sheet)}
    assert load_run(checked(config), str(ROOT)).samples["S1"]["bam"] == str(tmp_path / "S1.bam")
    config.update(assay="targeted", umi={"location": "read1_prefix", "length": 8})
    with pytest.raises(
        InputError,
        match=r"sample S1 is a BAM/CRAM, but umi.location read1_prefix needs the UMIs at the start of paired",
    ):
        load_run(checked(config), str(ROOT))
