"""The workflow on real public reads (skipped when ../shared/data is absent)."""

import csv
import gzip
import json
import shutil

import pytest
import yaml
from helpers import SHARED_DATA, chimeric_breakpoints, close_to, run_workflow, write_config

from fusion_pipeline.common.fusion_table import read_table

pytestmark = [
    pytest.mark.workflow,
    pytest.mark.realdata,
    pytest.mark.skipif(not SHARED_DATA.is_dir(), reason=f"public test data not found at {SHARED_DATA}"),
]

FC_READS = SHARED_DATA / "fusioncatcher-test-reads"
EASYFUSE = SHARED_DATA / "easyfuse-grch38-minigenome"
RESOLWE = SHARED_DATA / "resolwe-bio-arriba-ccdc6-ret"


def detectable_truth():
    with open(FC_READS / "truth_on_easyfuse_minigenome.tsv") as fh:
        return [
            r for r in csv.DictReader(fh, delimiter="\t") if r["detectable_on_easyfuse_minigenome"] == "yes"
        ]


@pytest.fixture(scope="session")
def easyfuse_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("easyfuse")
    (workdir / "samples.tsv").write_text(
        "sample\tpatient\ttimepoint\tfq1\tfq2\n"
        f"FC\tFCP\t1\t{FC_READS / 'reads_1.fq.gz'}\t{FC_READS / 'reads_2.fq.gz'}\n"
    )
    write_config(
        workdir,
        str(EASYFUSE / "Homo_sapiens.GRCh38.110_minigenome.fa"),
        str(EASYFUSE / "Homo_sapiens.GRCh38.110_miniannotation.gtf"),
    )
    result = run_workflow(workdir)
    assert result.returncode == 0, result.stderr[-4000:]
    return workdir / "out"


@pytest.fixture(scope="session")
def resolwe_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("resolwe")
    for name in ("minigenome.fasta", "minigenome.gtf"):
        with gzip.open(RESOLWE / f"{name}.gz", "rb") as src, open(workdir / name, "wb") as dst:
            shutil.copyfileobj(src, dst)
    (workdir / "samples.tsv").write_text(
        "sample\tpatient\ttimepoint\tfq1\tfq2\n"
        f"CCDC6_RET\tR1\t1\t{RESOLWE / 'reads_R1.fastq.gz'}\t{RESOLWE / 'reads_R2.fastq.gz'}\n"
    )
    # untrimmed, as in the recorded Arriba run it is compared with (fastp trims 128 reads here)
    write_config(workdir, "minigenome.fasta", "minigenome.gtf", trim={"enabled": False})
    result = run_workflow(workdir)
    assert result.returncode == 0, result.stderr[-4000:]
    return workdir / "out"


@pytest.fixture(scope="session")
def easyfuse_without_ros1_clinical_transcript(tmp_path_factory, easyfuse_run):
    """The same reads on an annotation lacking ENST00000368508 (only ROS1's 2341-aa MANE Select is left).

    The first run's STAR index serves as a prebuilt one (its gene set is the same), and only the
    report is asked for: the test reads the kinase annotation, resistance and report.
    """
    workdir = tmp_path_factory.mktemp("easyfuse_no_368508")
    with open(EASYFUSE / "Homo_sapiens.GRCh38.110_miniannotation.gtf") as src:
        (workdir / "genes.gtf").write_text("".join(line for line in src if "ENST00000368508" not in line))
    (workdir / "samples.tsv").write_text(
        "sample\tpatient\ttimepoint\tfq1\tfq2\n"
        f"FC\tFCP\t1\t{FC_READS / 'reads_1.fq.gz'}\t{FC_READS / 'reads_2.fq.gz'}\n"
    )
    path = write_config(workdir, str(EASYFUSE / "Homo_sapiens.GRCh38.110_minigenome.fa"), "genes.gtf")
    config = yaml.safe_load(path.read_text())
    config["reference"]["star_index"] = str(easyfuse_run / "reference/star_index")
    path.write_text(yaml.safe_dump(config))
    result = run_workflow(workdir, "out/FC/report.json")
    assert result.returncode == 0, result.stderr[-4000:]
    return workdir / "out"


def test_ros1_numbering_follows_the_clinical_transcript(easyfuse_run):
    calls = read_table(easyfuse_run / "FC/fusions.tsv").set_index("fusion")
    assert (calls.loc["CD74::ROS1", "exon3"], calls.loc["CD74::ROS1", "transcript3"]) == (
        "34",
        "ENST00000368508",
    )
    kinase = read_table(easyfuse_run / "FC/kinase_fusions.tsv").set_index("fusion").loc["CD74::ROS1"]
    assert (kinase["kinase_exon"], kinase["kinase_domain_retained"]) == ("34", "yes")
    report = json.loads((easyfuse_run / "FC/report.json").read_text())
    assert report["tumour_type"]["code"] is None  # the sheet has no tumour_type column
    assert report["caveats"][0].startswith("No tumour type was given")
    ros1 = read_table(easyfuse_run / "FC/resistance.tsv")
    ros1 = ros1[ros1["gene"] == "ROS1"]
    assert set(ros1["hotspot"]) == {"G2032", "D2033", "L2086"} and "found" not in set(ros1["status"])


def test_ros1_hotspots_are_withheld_without_the_clinical_transcript(
    easyfuse_without_ros1_clinical_transcript,
):
    out = easyfuse_without_ros1_clinical_transcript
    kb_check = read_table(out / "reference/kb_check.tsv").set_index("gene")
    assert kb_check.loc["ROS1", "status"] == "failed"
    kinase = read_table(out / "FC/kinase_fusions.tsv").set_index("fusion").loc["CD74::ROS1"]
    assert (kinase["kinase_domain_retained"], kinase["actionable"]) == ("unknown", "review")
    assert kinase["kinase_transcript"] == "ENST00000368507"  # numbered on the MANE transcript, ID beside it
    hotspots = read_table(out / "FC/resistance.tsv")
    ros1 = hotspots[hotspots["gene"] == "ROS1"]
    assert set(ros1["hotspot"]) == {"G2032", "D2033", "L2086"}
    assert set(ros1["status"]) == {"not assessable"}
    assert all(
        "ENST00000368507 encodes 2341 aa, whitelist expects 2347 (P08922)" in r for r in ros1["reason"]
    )
    report = json.loads((out / "FC/report.json").read_text())
    ros1_entry = next(f for f in report["kinase_fusions"] if f["fusion"] == "CD74::ROS1")
    assert ros1_entry["actionable"] == "review" and "2341 aa" in ros1_entry["review_reason"]
    assert (
        report["headline"]["fusion"] == "HOOK3::RET"
    )  # RET: tumour-agnostic selpercatinib, all checks passed


def test_easyfuse_alignment_shows_the_truth_junctions(easyfuse_run):
    junctions = chimeric_breakpoints(easyfuse_run / "FC/star/Chimeric.out.junction")
    log = (easyfuse_run / "logs/prepare_annotation/prepare_annotation.log").read_text()
    assert "clipped to" in log  # the minigenome GTF has rows past its contigs
    missing = []
    for truth in detectable_truth():
        c5, p5 = truth["minigenome_bp1"].split(":")
        c3, p3 = truth["minigenome_bp2"].split(":")
        hit = any(
            {a[0], b[0]} == {c5, c3}
            and min(abs(a[1] - int(p5)) + abs(b[1] - int(p3)), abs(b[1] - int(p5)) + abs(a[1] - int(p3)))
            <= 10
            for a, b in junctions
        )
        if not hit:
            missing.append(truth["fusion"])
    assert not missing


def test_resolwe_ccdc6_ret_aligns(resolwe_run):
    log = (resolwe_run / "CCDC6_RET/star/Log.final.out").read_text()
    assert "Uniquely mapped reads %" in log
    assert (resolwe_run / "CCDC6_RET/star/Aligned.sortedByCoord.out.bam.bai").exists()


def test_builtin_caller_finds_the_seven_easyfuse_fusions(easyfuse_run):
    table = read_table(easyfuse_run / "FC/fusions.tsv")
    passing = table[table["pass"] == "yes"]
    matched = set()
    for truth in detectable_truth():
        hits = passing[
            passing["breakpoint5"].map(lambda bp, t=truth: close_to(bp, t["minigenome_bp1"]))
            & passing["breakpoint3"].map(lambda bp, t=truth: close_to(bp, t["minigenome_bp2"]))
        ]
        assert len(hits) == 1, truth["fusion"]
        matched |= set(hits.index)
    assert len(passing) == len(matched)  # no extra passing call (Arriba 2.5.1: none either)
    named = dict(zip(passing["breakpoint5"].str.rsplit(":", n=1).str[0], passing["fusion"]))
    assert named["8:71369"] == "HOOK3::RET" and named["5:3144"] == "CD74::ROS1"
    assert named["7:162903"].startswith("AKAP9::")  # BRAF has sequence but no annotation here
    # one partner absent from the minigenome: never called
    assert not passing["fusion"].str.contains("NTRK3|GOPC").any()


def test_builtin_caller_reproduces_the_resolwe_ccdc6_ret_breakpoints(resolwe_run):
    table = read_table(resolwe_run / "CCDC6_RET/fusions.tsv")
    passing = table[table["pass"] == "yes"]
    assert passing["fusion"].tolist() == ["CCDC6::RET"]
    row = passing.iloc[0]
    # Arriba's expected output: minigenome:609384 / minigenome:490475, 1+0 split reads, 7 discordant mates
    assert (row["breakpoint5"], row["breakpoint3"]) == ("minigenome:609384:-", "minigenome:490475:+")
    assert int(row["spanning_pairs"]) == 7
    assert (row["exon5"], row["exon3"]) == ("1", "12")
