"""The end of a run: run_status.tsv's account, the exit policy, and one run per outdir (issue 24)."""

import subprocess
import sys
import textwrap

import pytest
from conftest import ROOT, run_workflow, write_config

from fusion_pipeline.common.errors import InputError
from fusion_pipeline.common.outdir_lock import lock_outdir
from fusion_pipeline.common.run_status import account, exit_failures, read_run_status, write_run_status

ROWS = [
    {"sample": "A", "status": "fusion detected", "finding": "actionable kinase fusion", "reason": "."},
    {"sample": "B", "status": "failed", "finding": "failed", "reason": "input: failed: b.fq.gz: truncated"},
    {
        "sample": "C",
        "status": "not evaluable",
        "finding": "not evaluable",
        "reason": "aligned_read_pairs 314",
    },
]


def test_account_counts_statuses_and_names_each_sample_to_look_at(tmp_path):
    path = tmp_path / "run_status.tsv"
    write_run_status(ROWS, str(path))
    rows = read_run_status(str(path))
    assert rows == ROWS
    lines = account(rows, "out/run_status.tsv")
    assert (
        lines[0] == "Run status (3 samples, out/run_status.tsv): 1 failed, 1 not evaluable, 1 fusion detected"
    )
    assert lines[1:] == [
        "  FAILED: B: input: failed: b.fq.gz: truncated",
        "  NOT EVALUABLE: C: aligned_read_pairs 314",
    ]
    assert exit_failures(rows, []) == []
    assert exit_failures(rows, ["failed"]) == ["B"]
    assert exit_failures(rows, ["failed", "not evaluable"]) == ["B", "C"]


HOLD = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {scripts!r})
    from fusion_pipeline.common.outdir_lock import lock_outdir
    handle = lock_outdir({outdir!r})
    print("locked", flush=True)
    time.sleep(120)
    """
)


@pytest.fixture
def held_outdir(tmp_path):
    """An outdir whose lock another process holds (as a second run from another directory would)."""
    outdir = tmp_path / "out"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD.format(scripts=str(ROOT / "scripts"), outdir=str(outdir))],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    yield outdir, holder
    holder.kill()
    holder.wait()


def test_a_second_run_on_the_same_outdir_is_refused_until_the_first_ends(held_outdir):
    outdir, holder = held_outdir
    with pytest.raises(InputError, match=r"out is in use by another run \(pid \d+ on .*\): wait for it"):
        lock_outdir(str(outdir))
    # a killed run leaves no stale lock: the kernel drops it with the process
    holder.kill()
    holder.wait()
    lock_outdir(str(outdir)).close()


@pytest.mark.workflow
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
