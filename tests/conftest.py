import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT / "scripts"))

SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
WORKFLOW_TIMEOUT = 900


def workflow_command(workdir: Path, *args: str, timeout: int = WORKFLOW_TIMEOUT) -> list:
    """The snakemake command for `workdir`, under `timeout -k` so nothing it starts outlives the limit."""
    return [
        "timeout", "-k", "10", str(timeout),
        SNAKEMAKE,
        "--snakefile", str(ROOT / "Snakefile"),
        "--directory", str(workdir),
        "--configfile", str(workdir / "config.yaml"),
        "--cores", "2",
        *args,
    ]  # fmt: skip


def workflow_env(**extra) -> dict:
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}", **extra}


def run_workflow(
    workdir: Path, *args: str, timeout: int = WORKFLOW_TIMEOUT, env=None
) -> subprocess.CompletedProcess:
    """Run the real workflow in `workdir` with its config.yaml; never hangs past `timeout`."""
    command = workflow_command(workdir, *args, timeout=timeout)
    return subprocess.run(command, capture_output=True, text=True, env=env or workflow_env())


def output_tables(out: Path) -> dict:
    """{relative path: bytes} of every TSV result (benchmarks and logs left out: they hold timings)."""
    return {
        str(path.relative_to(out)): path.read_bytes()
        for path in sorted(out.rglob("*.tsv"))
        if path.relative_to(out).parts[0] not in ("benchmarks", "logs")
    }


def write_config(workdir: Path, fasta: str, gtf: str, samples: str = "samples.tsv", **extra) -> Path:
    import yaml

    config = {"samples": samples, "outdir": "out", "reference": {"fasta": fasta, "gtf": gtf}, **extra}
    path = workdir / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory):
    """The generated demo dataset (genome, GTF, reads, truth) in a session directory."""
    from fusion_pipeline.simulation.simulate import write_dataset

    workdir = tmp_path_factory.mktemp("demo")
    result = write_dataset(workdir / "data")
    return {"workdir": workdir, **result}


@pytest.fixture(scope="session")
def demo_run(demo_data):
    """The whole workflow run once on the demo data; tests read its outputs."""
    workdir = demo_data["workdir"]
    write_config(
        workdir,
        str(workdir / "data/genome.fa"),
        str(workdir / "data/genes.gtf"),
        samples=str(workdir / "data/samples.tsv"),
    )
    result = run_workflow(workdir)
    assert result.returncode == 0, result.stderr[-4000:]
    return {**demo_data, "out": workdir / "out"}


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
