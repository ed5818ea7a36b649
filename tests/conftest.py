"""Fixtures shared by the tiers, and the tier markers: tests/workflow gets `workflow`, tests/system `system`.

Plain helpers (run_workflow, write_config, ...) live in helpers.py; this file puts tests/ on sys.path so
every test module, in any subfolder, can `from helpers import ...`.
"""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from helpers import ROOT, run_workflow, write_config  # noqa: E402

TIER_MARKERS = {"workflow": "workflow", "system": "system"}


def pytest_collection_modifyitems(config, items):
    """Mark each test by its tier folder (tests/workflow, tests/system)."""
    for item in items:
        try:
            parts = Path(str(item.path)).resolve().relative_to(TESTS).parts
        except ValueError:
            continue
        marker = TIER_MARKERS.get(parts[0]) if len(parts) > 1 else None
        if marker:
            item.add_marker(getattr(pytest.mark, marker))


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory):
    """The generated demo dataset (genome, GTF, reads, truth) in a session directory."""
    from fusion_pipeline.simulation.simulate import write_dataset

    workdir = tmp_path_factory.mktemp("demo")
    result = write_dataset(workdir / "data")
    return {"workdir": workdir, **result}


@pytest.fixture(scope="session")
def demo_star_index(demo_data, tmp_path_factory):
    """STAR's index of the demo genome, built once per session by the workflow's own star_index rule.

    Workflow tests on the demo genome pass it as reference.star_index (a prebuilt index, which
    rule check_star_index checks) instead of each building the same index again.
    """
    data = demo_data["workdir"] / "data"
    workdir = tmp_path_factory.mktemp("demo_star_index")
    write_config(workdir, str(data / "genome.fa"), str(data / "genes.gtf"), samples=str(data / "samples.tsv"))
    result = run_workflow(workdir, "out/reference/star_index")
    assert result.returncode == 0, result.stderr[-4000:]
    return workdir / "out/reference/star_index"


@pytest.fixture(scope="session")
def demo_run(demo_data, demo_star_index):
    """The whole workflow run once on the demo data (with the session's demo index); tests read its outputs."""
    workdir = demo_data["workdir"]
    write_config(
        workdir,
        str(workdir / "data/genome.fa"),
        str(workdir / "data/genes.gtf"),
        samples=str(workdir / "data/samples.tsv"),
        star_index=demo_star_index,
    )
    result = run_workflow(workdir)
    assert result.returncode == 0, result.stderr[-4000:]
    return {**demo_data, "out": workdir / "out", "star_index": demo_star_index}


@pytest.fixture(scope="session")
def demo_reference(tmp_path_factory):
    """The simulator's genome and GTF (NTRK1 has its 796-aa transcript and the 760-aa isoform)."""
    import pysam

    from fusion_pipeline.simulation.simulate import build_genome, gtf_rows, write_fasta

    folder = tmp_path_factory.mktemp("demo_reference")
    contigs, genes = build_genome(seed=1)
    write_fasta(contigs, folder / "genome.fa")
    pysam.faidx(str(folder / "genome.fa"))
    rows = gtf_rows(genes)
    (folder / "genes.gtf").write_text("\n".join(rows) + "\n")
    return folder, rows


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
