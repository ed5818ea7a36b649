"""The demo workflow through a real single-node SLURM cluster gives the local run's outputs (issue 6).

tests/slurm/cluster.sh starts munged, slurmctld and slurmd on 127.0.0.1 and
stops them afterwards. The executor plugin lives in .slurm-plugin (installed
by `make test-deps`), outside the main venv: while it is importable every
snakemake call probes `scontrol`.
"""

import os
import shutil
import subprocess

import pytest
from helpers import ROOT, output_tables, run_workflow, workflow_env, write_config

from fusion_pipeline.simulation.simulate import DEMO_DESIGN, write_dataset

PLUGIN = ROOT / ".slurm-plugin"
CLUSTER = ROOT / "tests/slurm/cluster.sh"
pytestmark = [
    pytest.mark.workflow,
    pytest.mark.skipif(os.geteuid() != 0, reason="starting SLURM daemons needs root"),
    pytest.mark.skipif(
        not shutil.which("slurmctld"), reason="SLURM not installed (`make test-deps` installs it)"
    ),
    pytest.mark.skipif(not PLUGIN.is_dir(), reason="executor plugin not in .slurm-plugin (`make test-deps`)"),
]


@pytest.fixture(scope="module")
def slurm_cluster():
    started = subprocess.run(
        ["timeout", "-k", "5", "120", str(CLUSTER), "start"], capture_output=True, text=True
    )
    try:
        assert started.returncode == 0, started.stderr
        yield
    finally:
        subprocess.run(["timeout", "-k", "5", "60", str(CLUSTER), "stop"])


def test_slurm_run_matches_local_run(slurm_cluster, tmp_path):
    # one sample: each SLURM job costs about 12 s of the plugin's status polling, and the
    # patient-trend rules are plain Python steps tested locally
    design = [s for s in DEMO_DESIGN if s.sample == "S4"]
    local, cluster = tmp_path / "local", tmp_path / "slurm"
    for workdir in (local, cluster):
        write_dataset(workdir / "data", design)
        sheet = workdir / "data/samples.tsv"  # relative FASTQ paths: the two runs' tables compare equal
        sheet.write_text(sheet.read_text().replace(f"{workdir}/", ""))
        write_config(workdir, "data/genome.fa", "data/genes.gtf", samples="data/samples.tsv")
    assert run_workflow(local).returncode == 0
    env = workflow_env(PYTHONPATH=str(PLUGIN))
    result = run_workflow(
        cluster, "--workflow-profile", str(ROOT / "profiles/slurm"), "--slurm-no-account", "--jobs", "10",
        "--seconds-between-status-checks", "2", "--slurm-init-seconds-before-status-checks", "1",
        timeout=1200, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-4000:]
    assert "has been submitted with SLURM jobid" in result.stderr
    assert output_tables(cluster / "out") == output_tables(local / "out")
