"""All benchmarks in one table (issue 6).

    .venv/bin/python benchmarks/run.py            # or: make benchmark

1. DAG construction (`--dag`) and `--dry-run` for 10, 100 and 1000 samples
   (sample sheets over the demo FASTQs, two samples per patient). Target:
   1000 samples under 30 s.
2. Built-in caller throughput on a generated 1,000,000-record
   Chimeric.out.junction, and its peak memory.
3. Abundance: wild-type counting per fusion on a small and a 10x larger BAM.
4. The demo end to end in a fresh directory: wall time, time per rule from
   the `benchmark:` files, and STAR's share against the post-processing.
5. One 1.2 M-pair simulated sample: the workflow's wall time against STAR
   alone (index + alignment) on the same machine (benchmarks/end_to_end_ratio.py).
"""

import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import abundance_scaling as abundance_bench  # noqa: E402
import caller_throughput as caller_bench  # noqa: E402
import end_to_end_ratio  # noqa: E402

SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
DEMO = ROOT / "resources/demo"


def demo_data() -> Path:
    if not (DEMO / "samples.tsv").exists():
        from fusion_pipeline.simulation.simulate import write_dataset

        write_dataset(DEMO)
    return DEMO


def write_sheet(directory: Path, samples: int) -> Path:
    fq1, fq2 = (DEMO / "reads/S1_R1.fastq.gz").resolve(), (DEMO / "reads/S1_R2.fastq.gz").resolve()
    sheet = directory / f"samples_{samples}.tsv"
    with open(sheet, "w") as out:
        out.write("sample\tpatient\ttimepoint\tfq1\tfq2\n")
        for i in range(samples):
            out.write(f"S{i:04d}\tP{i // 2:04d}\t{i % 2 + 1}\t{fq1}\t{fq2}\n")
    config = directory / f"config_{samples}.yaml"
    config.write_text(
        f"samples: {sheet}\noutdir: {directory}/out\nreference:\n  fasta: {(DEMO / 'genome.fa').resolve()}\n"
        f"  gtf: {(DEMO / 'genes.gtf').resolve()}\n"
    )
    return config


def timed(command: list, cwd: Path) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    return time.perf_counter() - start, result


def dag_rows(directory: Path) -> list:
    rows = []
    for samples in (10, 100, 1000):
        config = write_sheet(directory, samples)
        base = [
            SNAKEMAKE,
            "--snakefile",
            str(ROOT / "Snakefile"),
            "--configfile",
            str(config),
            "--cores",
            "2",
        ]
        dag_s, dag = timed(base + ["--dag"], directory)
        dry_s, dry = timed(base + ["--dry-run", "--quiet", "rules"], directory)
        if dag.returncode or dry.returncode:
            raise SystemExit(
                f"snakemake failed for {samples} samples:\n{dag.stderr[-2000:]}{dry.stderr[-2000:]}"
            )
        jobs = dag.stdout.count("[label")
        rows.append((f"DAG, {samples} samples ({jobs} jobs)", f"{dag_s:.1f} s"))
        target = " (target < 30 s)" if samples == 1000 else ""
        rows.append((f"dry run, {samples} samples", f"{dry_s:.1f} s{target}"))
    return rows


def caller_rows(directory: Path) -> list:
    path = str(directory / "Chimeric.out.junction")
    records = 1_000_000
    caller_bench.generate(path, records)
    child = subprocess.run([sys.executable, caller_bench.__file__, "--worker", path], capture_output=True, text=True,
                           check=True)  # fmt: skip
    seconds = float(child.stdout.split("\t")[0])
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return [
        (
            f"built-in caller, {records:,} junction records",
            f"{seconds:.2f} s = {records / seconds:,.0f} records/s",
        ),
        ("built-in caller peak memory (max over child processes so far)", f"{peak:,.0f} MB"),
    ]


def abundance_rows(directory: Path) -> list:
    rows = []
    for reads in (200_000, 2_000_000):
        path = str(directory / f"{reads}.bam")
        length = abundance_bench.write_bam(path, reads)
        seconds = abundance_bench.time_counts(path, length, 200)
        rows.append((f"abundance, BAM of {reads:,} reads ({os.path.getsize(path) / 1e6:.0f} MB)",
                     f"{1000 * seconds / 200:.2f} ms per fusion"))  # fmt: skip
    return rows


def end_to_end_rows(directory: Path) -> list:
    work = directory / "demo"
    work.mkdir()
    (work / "config.yaml").write_text(
        f"samples: {(DEMO / 'samples.tsv').resolve()}\noutdir: out\nreference:\n"
        f"  fasta: {(DEMO / 'genome.fa').resolve()}\n  gtf: {(DEMO / 'genes.gtf').resolve()}\n"
    )
    # samples.tsv holds paths relative to the project root
    sheet = work / "samples.tsv"
    sheet.write_text((DEMO / "samples.tsv").read_text().replace("resources/demo", str(DEMO.resolve())))
    (work / "config.yaml").write_text(
        (work / "config.yaml").read_text().replace(str((DEMO / "samples.tsv").resolve()), str(sheet))
    )
    wall, result = timed([SNAKEMAKE, "--snakefile", str(ROOT / "Snakefile"), "--directory", str(work),
                          "--configfile", str(work / "config.yaml"), "--cores", "2", "--quiet"], work)  # fmt: skip
    if result.returncode:
        raise SystemExit(f"demo run failed:\n{result.stderr[-3000:]}")
    per_rule: dict = defaultdict(float)
    for path in (work / "out/benchmarks").glob("*/*.tsv"):
        with open(path) as fh:
            per_rule[path.parent.name] += float(next(csv.DictReader(fh, delimiter="\t"))["s"])
    rows = [("demo end to end (6 samples, 2 cores), wall time", f"{wall:.1f} s")]
    for rule, seconds in sorted(per_rule.items(), key=lambda item: -item[1]):
        rows.append((f"  rule {rule} (sum over jobs)", f"{seconds:.2f} s"))
    star = per_rule.get("star_index", 0) + per_rule.get("star_align", 0)
    total = sum(per_rule.values())
    rows.append(
        (
            "STAR share of summed job time",
            f"{100 * star / total:.0f}% (post-processing {100 - 100 * star / total:.0f}%)",
        )
    )
    return rows


def main() -> None:
    demo_data()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        rows = []
        for section in (dag_rows, caller_rows, abundance_rows, end_to_end_rows):
            rows += section(directory)
        ratio_dir = directory / "ratio"
        ratio_dir.mkdir()
        rows += end_to_end_ratio.ratio_rows(ratio_dir)
    width = max(len(name) for name, _ in rows)
    print(f"{'benchmark':<{width}}  result")
    print(f"{'-' * width}  {'-' * 40}")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
