"""A full disk (issue 6): a 30 MB tmpfs, which only root can mount."""

import os
import shutil
import subprocess

import pytest
from helpers import run_workflow, write_config


@pytest.fixture
def tiny_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root")
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=30m", "tmpfs", str(mount)]).returncode != 0:
        pytest.skip("tmpfs mount not permitted here")
    yield mount
    subprocess.run(["umount", "-l", str(mount)])


def test_full_disk_is_reported_before_star_writes(tiny_disk, demo_data):
    data = demo_data["workdir"] / "data"
    work = tiny_disk
    (work / "samples.tsv").write_text(
        f"sample\tpatient\ttimepoint\tfq1\tfq2\nS6\tP\t1\t{data}/reads/S6_R1.fastq.gz\t{data}/reads/S6_R2.fastq.gz\n"
    )
    write_config(work, str(data / "genome.fa"), str(data / "genes.gtf"))
    assert run_workflow(work, "out/reference/star_index").returncode == 0
    free = shutil.disk_usage(work).free
    with open(work / "filler", "wb") as fh:  # leave ~2 MB: less than STAR needs
        fh.truncate(0)
        fh.write(b"\0" * max(0, free - 2 * 2**20))
    result = run_workflow(work, "--keep-going")
    assert result.returncode != 0
    assert "out/S6/star: only" in result.stderr and "MB free on the output device" in result.stderr
    assert not (work / "out/S6/star/Aligned.sortedByCoord.out.bam").exists()
    assert not (work / "out/S6/fusions.tsv").exists()


def test_atomic_write_leaves_nothing_on_a_full_disk(tiny_disk):
    from fusion_pipeline.common.rulelog import atomic_write

    with open(tiny_disk / "filler", "wb") as fh:
        fh.write(b"\0" * (shutil.disk_usage(tiny_disk).free - 4096))
    with pytest.raises(OSError):
        with atomic_write(str(tiny_disk / "fusions.tsv")) as out:
            out.write("x" * 10 * 2**20)
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["filler"]
