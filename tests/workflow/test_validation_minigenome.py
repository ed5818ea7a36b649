"""A validation set on the lab's own reference (the public minigenome) through the real workflow and its scoring."""

import csv
import json
import time

import pytest
import yaml
from helpers import ROOT, SHARED_DATA, artefact_reads, run_workflow

EASYFUSE = SHARED_DATA / "easyfuse-grch38-minigenome"
MINI_FASTA = EASYFUSE / "Homo_sapiens.GRCh38.110_minigenome.fa"
MINI_GTF = EASYFUSE / "Homo_sapiens.GRCh38.110_miniannotation.gtf"
needs_minigenome = pytest.mark.skipif(not EASYFUSE.is_dir(), reason=f"minigenome not found at {EASYFUSE}")


@pytest.fixture(scope="module")
def minigenome_set(tmp_path_factory):
    """validation_set.py on the lab's reference (one CD74::ROS1 library at 25 %, one negative with the
    artefact classes), then the workflow and its scoring, run once for the tests below (about 35 s)."""
    from fusion_pipeline.simulation import validation_set

    tmp_path = tmp_path_factory.mktemp("minigenome_set")
    config = {
        "samples": str(tmp_path / "data/samples.tsv"), "outdir": "out",
        "reference": {"fasta": str(MINI_FASTA), "gtf": str(MINI_GTF)},
        "knowledge_base": {"kinases": str(ROOT / "config/kinases.yaml")},
        "validation": {"truth": str(tmp_path / "data/validation_truth.tsv"), "outdir": "validation", "set": {
            "genome": "reference", "data": str(tmp_path / "data"), "fractions": [0.25], "depths": [100],
            "replicates": 1, "negatives": 1, "fusions": [{"gene5": "CD74", "exon5": 6, "gene3": "ROS1", "exon3": 34}],
        }},
    }  # fmt: skip
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    start = time.perf_counter()
    validation_set.cli(["--configfile", str(tmp_path / "config.yaml")])
    result = run_workflow(tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    return {"dir": tmp_path, "elapsed": time.perf_counter() - start}


@pytest.mark.realdata
@needs_minigenome
def test_validation_set_on_the_minigenome_is_found_with_its_true_breakpoints(minigenome_set):
    tmp_path = minigenome_set["dir"]
    assert not (tmp_path / "data/genome.fa").exists()  # the lab's genome is used, not copied
    with open(tmp_path / "data/validation_truth.tsv") as fh:
        truth, negative = list(csv.DictReader(fh, delimiter="\t"))
    assert (negative["sample"], negative["fusion"]) == ("VN1", "none")
    with open(tmp_path / "data/artefacts.tsv") as fh:
        classes = {r["class"] for r in csv.DictReader(fh, delimiter="\t") if r["sample"] == "VN1"}
    assert classes == {"template_switch", "circular", "intronic", "hairpin", "jackpot", "intronic_reads"}
    assert (truth["breakpoint5"], truth["breakpoint3"], truth["expected_tier"]) == (
        "5:3144:-",
        "6:37163:-",
        "I",
    )
    with open(tmp_path / "validation/concordance.tsv") as fh:
        (row,) = [r for r in csv.DictReader(fh, delimiter="\t") if r["sample"] == truth["sample"]]
    assert (row["fusion"], row["status"], row["note"]) == (
        "CD74::ROS1",
        "TP",
        "",
    )  # breakpoints within 10 bases
    with open(tmp_path / "out" / truth["sample"] / "fusions.tsv") as fh:
        call = next(r for r in csv.DictReader(fh, delimiter="\t") if r["fusion"] == "CD74::ROS1")
    assert (call["breakpoint5"], call["breakpoint3"]) == (truth["breakpoint5"], truth["breakpoint3"])
    assert float(row["abundance"]) == pytest.approx(0.25, abs=0.12)
    summary = json.loads((tmp_path / "validation/summary.json").read_text())
    assert (summary["tier_concordance"]["k"], summary["tier_concordance"]["n"]) == (1, 1)
    print(f"minigenome set: {row['junction_reads']} junction reads, {row['spanning_pairs']} spanning pairs, "
          f"abundance {row['abundance']} (true 0.25), {minigenome_set['elapsed']:.0f} s")  # fmt: skip


@pytest.mark.realdata
@needs_minigenome
def test_a_negative_with_artefacts_on_the_minigenome_has_no_false_call(minigenome_set):
    tmp_path = minigenome_set["dir"]
    reads = artefact_reads(tmp_path / "data/reads/VN1_R1.fastq.gz")  # read pairs, PCR copies included
    with open(tmp_path / "out/VN1/fusions.tsv") as fh:
        calls = [f"{r['fusion']} {r['breakpoint5']} {r['breakpoint3']} {r['junction_reads']}+"
                 f"{r['spanning_pairs']} {r['filters']}"
                 for r in csv.DictReader(fh, delimiter="\t") if r["pass"] == "yes"]  # fmt: skip
    summary = json.loads((tmp_path / "validation/summary.json").read_text())
    print(f"minigenome negative: artefact read pairs per class {dict(reads)}, passing calls {calls}")
    assert calls == [] and (summary["npa"]["k"], summary["npa"]["n"]) == (1, 1), calls
