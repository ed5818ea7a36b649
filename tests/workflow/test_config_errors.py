"""What the workflow checks when it starts (issue 24): a config value the schema refuses, an unknown caller, a bad
reference or a panel naming a gene by its alias stops the dry run with one line, before any job."""

import subprocess

import pytest
from helpers import (
    UNNAMED,
    gtf_row,
    run_workflow,
    workflow_command,
    workflow_env,
    write_config,
    write_reference,
)


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"builtin": {"min_support": -2}}, "builtin.min_support: -2 is less than the minimum of 1"),
        ({"callers": ["builtin", 3]}, "callers[1]: 3 is not of type 'string'"),
        ({"assay": "wgs"}, "assay: 'wgs' is not one of ['whole_transcriptome', 'targeted']"),
        ({"builtin": {"min_suport": 2}}, "builtin: Additional properties are not allowed ('min_suport' was"),
    ],
)
def test_schema_error_names_the_key(tmp_path, extra, message):
    # the schema is checked first: the files named need not exist
    write_config(tmp_path, "genome.fa", "genes.gtf", **extra)
    result = run_workflow(tmp_path, "-n")
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if "ERROR" in line or "Error" in line]
    assert len(errors) == 1 and errors[0].startswith(f"ERROR: configuration: {message}"), result.stderr[
        -2000:
    ]
    assert "Traceback" not in result.stderr


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


NO_NAME = "genes.gtf: exon rows have no gene_name attribute (none of 1, the first on line 1)"
NO_CONTIG = "genes.gtf: no chromosome name matches the FASTA (GTF has 1; genome.fa has chr1, chr2)"


@pytest.mark.parametrize(
    "gtf_text, message", [(gtf_row(attributes=UNNAMED), NO_NAME), (gtf_row("1"), NO_CONTIG)]
)
def test_bad_reference_stops_the_run_before_any_job(tmp_path, gtf_text, message):
    write_reference(tmp_path, gtf_text)
    (tmp_path / "samples.tsv").write_text("sample\tpatient\ttimepoint\tfq1\tfq2\n")
    write_config(tmp_path, "genome.fa", "genes.gtf")
    result = run_workflow(tmp_path, "-n")
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if "ERROR" in line]
    assert len(errors) == 1 and errors[0].startswith(f"ERROR: {message}"), result.stderr[-2000:]
    assert not (tmp_path / "out").exists()


def test_an_alias_panel_stops_the_workflow_before_any_job(tmp_path):
    from fusion_pipeline.simulation.panel import write_panel

    write_panel(tmp_path / "data", seed=1)
    bed = (tmp_path / "data/panel.bed").read_text().replace("NTRK1_exon11", "TRKA_exon11")
    (tmp_path / "alias.bed").write_text(bed)
    data = tmp_path / "data"
    write_config(tmp_path, str(data / "genome.fa"), str(data / "genes.gtf"), samples=str(data / "samples.tsv"),
                 assay="targeted", panel=str(tmp_path / "alias.bed"))  # fmt: skip
    result = subprocess.run(
        workflow_command(tmp_path, "-n"), capture_output=True, text=True, env=workflow_env()
    )
    assert result.returncode != 0
    assert (f"ERROR: panel {tmp_path / 'alias.bed'} line 1: TRKA is not a gene of {data / 'genes.gtf'} "
            "(did you mean NTRK1? TRKA is its alias)") in result.stderr  # fmt: skip
    assert not (tmp_path / "out").exists()
