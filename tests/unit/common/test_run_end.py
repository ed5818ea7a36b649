"""The end of a run: run_status.tsv's account, the exit policy, and one run per outdir (issue 24)."""

import pytest

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


def test_a_second_run_on_the_same_outdir_is_refused_until_the_first_ends(held_outdir):
    outdir, holder = held_outdir
    with pytest.raises(InputError, match=r"out is in use by another run \(pid \d+ on .*\): wait for it"):
        lock_outdir(str(outdir))
    # a killed run leaves no stale lock: the kernel drops it with the process
    holder.kill()
    holder.wait()
    lock_outdir(str(outdir)).close()
