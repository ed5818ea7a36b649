"""The workflow refuses an outdir another run holds, before any job (issue 24)."""

from helpers import run_workflow, write_config


def test_the_workflow_refuses_an_outdir_another_run_holds(held_outdir, demo_data):
    held_outdir, _ = held_outdir
    work = held_outdir.parent
    data = demo_data["workdir"] / "data"
    (work / "samples.tsv").write_text(
        f"sample\tpatient\ttimepoint\tfq1\tfq2\nS6\tP\t1\t{data}/reads/S6_R1.fastq.gz\t{data}/reads/S6_R2.fastq.gz\n"
    )
    write_config(work, str(data / "genome.fa"), str(data / "genes.gtf"), outdir=str(held_outdir))
    result = run_workflow(work)
    assert result.returncode != 0
    assert f"ERROR: {held_outdir} is in use by another run" in result.stderr
    assert not (held_outdir / "S6").exists()  # refused before any job ran
