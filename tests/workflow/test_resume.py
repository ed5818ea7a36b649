"""Kill the workflow during STAR; the rerun completes to the same outputs (issue 6)."""

import os
import signal
import subprocess
import time

from helpers import output_tables, run_workflow, workflow_command, workflow_env, write_config


def test_killed_run_resumes_to_identical_outputs(demo_run, tmp_path):
    data = demo_run["workdir"] / "data"
    write_config(
        tmp_path,
        str(data / "genome.fa"),
        str(data / "genes.gtf"),
        samples=str(data / "samples.tsv"),
        star_index=demo_run[
            "star_index"
        ],  # as the uninterrupted run: the same outputs, star_index_check.tsv too
    )
    process = subprocess.Popen(
        workflow_command(tmp_path), start_new_session=True, env=workflow_env(),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.time() + 300
    while time.time() < deadline and process.poll() is None:
        if any((tmp_path / "out").glob("*/star/Log.progress.out")):
            break  # a STAR alignment is under way
        time.sleep(0.02)
    assert process.poll() is None, "the workflow ended before STAR started"
    os.killpg(process.pid, signal.SIGKILL)  # a crash: snakemake gets no chance to clean up
    process.wait()
    bams = list((tmp_path / "out").glob("*/star/Aligned.sortedByCoord.out.bam.bai"))
    assert len(bams) < len(list(data.glob("reads/*_R1.fastq.gz"))), "nothing was left to resume"

    assert run_workflow(tmp_path, "--unlock").returncode == 0  # a killed run leaves its lock
    rerun = run_workflow(tmp_path)  # the default profile sets --rerun-incomplete
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    resumed, uninterrupted = output_tables(tmp_path / "out"), output_tables(demo_run["out"])
    assert resumed.keys() == uninterrupted.keys()
    assert [name for name in resumed if resumed[name] != uninterrupted[name]] == []
