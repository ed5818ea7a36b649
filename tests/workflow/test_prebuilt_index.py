"""A lab's own STAR index (reference.star_index): used when it matches the FASTA, refused when not."""

import csv

import pytest
import yaml
from helpers import run_workflow, write_config


@pytest.fixture(scope="module")
def lab_index(demo_star_index):
    """The session's demo index stands in for one a lab built once, outside this workflow."""
    return demo_star_index


def setup(workdir, demo_run, lab_index, fasta=None, gtf=None):
    data = demo_run["workdir"] / "data"
    (workdir / "samples.tsv").write_text(
        f"sample\tpatient\ttimepoint\tfq1\tfq2\nS6\tP\t1\t{data}/reads/S6_R1.fastq.gz\t{data}/reads/S6_R2.fastq.gz\n"
    )
    path = write_config(workdir, str(fasta or data / "genome.fa"), str(gtf or data / "genes.gtf"))
    config = yaml.safe_load(path.read_text())
    config["reference"]["star_index"] = str(lab_index)
    path.write_text(yaml.safe_dump(config))


def check_row(workdir):
    with open(workdir / "out/reference/star_index_check.tsv") as fh:
        return next(csv.DictReader(fh, delimiter="\t"))


def test_a_matching_index_is_used_and_none_is_built(tmp_path, demo_run, lab_index):
    setup(tmp_path, demo_run, lab_index)
    result = run_workflow(tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert not (tmp_path / "out/reference/star_index").exists()
    row = check_row(tmp_path)
    assert (row["same_gtf"], row["warnings"], row["index"]) == ("yes", ".", str(lab_index))
    assert "WARNING: reference.star_index" not in result.stderr
    assert (tmp_path / "out/S6/report.json").exists()


def test_an_index_of_another_genome_stops_before_alignment(tmp_path, demo_run, lab_index):
    data = demo_run["workdir"] / "data"
    text = (data / "genome.fa").read_text()
    (tmp_path / "other.fa").write_text(text.replace(">chr7", ">chr7_alt", 1))
    setup(tmp_path, demo_run, lab_index, fasta=tmp_path / "other.fa")
    result = run_workflow(tmp_path)
    assert result.returncode != 0
    assert f"ERROR: reference.star_index {lab_index} was not built from reference.fasta" in result.stderr
    assert "the index has chr7 which the FASTA lacks" in result.stderr
    assert not (tmp_path / "out/S6/star/Aligned.sortedByCoord.out.bam").exists()


def test_an_index_built_with_another_gtf_warns(tmp_path, demo_run, lab_index):
    data = demo_run["workdir"] / "data"
    lines = (data / "genes.gtf").read_text().splitlines()
    (tmp_path / "fewer.gtf").write_text(
        "\n".join(line for line in lines if 'gene_name "GNG5"' not in line) + "\n"
    )
    setup(tmp_path, demo_run, lab_index, gtf=tmp_path / "fewer.gtf")
    result = run_workflow(tmp_path, "out/reference/star_index_check.tsv")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "WARNING: reference.star_index: the index was built with another GTF than reference.gtf (1 genes only in the index, 0 only in the GTF)" in result.stderr  # fmt: skip
    assert check_row(tmp_path)["same_gtf"] == "no"


def test_a_folder_that_is_no_index_stops_the_dry_run(tmp_path, demo_run):
    (tmp_path / "empty_index").mkdir()
    setup(tmp_path, demo_run, tmp_path / "empty_index")
    result = run_workflow(tmp_path, "-n")
    assert result.returncode != 0
    assert f"ERROR: configuration: reference.star_index {tmp_path / 'empty_index'} is not a STAR index (missing Genome, SA" in result.stderr  # fmt: skip
