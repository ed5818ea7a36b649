"""The whole workflow against STAR alone on simulated samples of one or more sizes (issues 12, 26).

    .venv/bin/python benchmarks/end_to_end_ratio.py [--pairs 1200000 [4750000 ...]] [--trim both|on|off] [--keep DIR]

Simulates the demo's first sample (KHDRBS1::NTRK1, EWSR1::FLI1) scaled to about
`--pairs` read pairs, then on the same machine and in the same process:

1. STAR alone: the index (same genome, GTF and parameters the workflow uses)
   and the alignment with the workflow's own STAR command line;
2. the workflow, from nothing to the report and MultiQC, `--cores 2`, with
   trimming as configured by default and again with `trim.enabled: false`.

Prints wall times, the per-rule times and peak memory (max_rss of the benchmark files) of the
workflow and the ratio of each workflow run to STAR alone. With two sizes or more it also prints
what grows with the reads: the seconds per million pairs of STAR alone and of the workflow beyond
STAR (a least-squares slope over the sizes), and their ratio (issue 26's target: <= 10 %).
"""

import argparse
import csv
import gzip
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from fusion_pipeline.align.star_align import star_command  # noqa: E402
from fusion_pipeline.reference.star_index import sa_index_nbases  # noqa: E402
from fusion_pipeline.simulation.design import DEMO_DESIGN  # noqa: E402
from fusion_pipeline.simulation.simulate import write_dataset  # noqa: E402

SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
PAIRS_AT_SCALE_1 = 7450  # the demo S1 at coverage_scale 1 (measured: 104,279 pairs at 14)


def count_pairs(fastq_gz: Path) -> int:
    with gzip.open(fastq_gz, "rb") as fh:
        return sum(1 for _ in fh) // 4


def simulate(directory: Path, pairs: int) -> tuple[Path, int]:
    data = directory / "data"
    write_dataset(data, [DEMO_DESIGN[0]], seed=1, coverage_scale=pairs / PAIRS_AT_SCALE_1)
    return data, count_pairs(data / "reads/S1_R1.fastq.gz")


def timed(command: list, cwd: Path, log: Path) -> float:
    start = time.perf_counter()
    with open(log, "w") as out:
        result = subprocess.run(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    if result.returncode:
        raise SystemExit(f"failed ({result.returncode}): {' '.join(command)}; see {log}")
    return time.perf_counter() - start


def star_alone(data: Path, work: Path, threads: int) -> tuple[float, float]:
    """STAR index + alignment with the workflow's parameters, nothing else."""
    index = work / "index"
    index.mkdir(parents=True)
    genome = data / "genome.fa"
    length = sum(len(line.strip()) for line in open(genome) if not line.startswith(">"))
    index_s = timed(
        ["STAR", "--runMode", "genomeGenerate", "--runThreadN", str(threads), "--genomeDir", str(index),
         "--genomeFastaFiles", str(genome), "--sjdbGTFfile", str(data / "genes.gtf"), "--sjdbOverhang", "100",
         "--genomeSAindexNbases", str(sa_index_nbases(length)), "--outFileNamePrefix", f"{index}/"],
        work, work / "index.log",
    )  # fmt: skip
    command = star_command(
        str(data / "reads/S1_R1.fastq.gz"), str(data / "reads/S1_R2.fastq.gz"), str(index),
        f"{work}/align/", threads, 2_000_000_000, "",
    )  # fmt: skip
    (work / "align").mkdir()
    align_s = timed(command, work, work / "align.log")
    return index_s, align_s


def phases(log_text: str, wall: float) -> dict:
    """Seconds before STAR starts, of STAR, and after it ends, from Snakemake's log (1 s resolution)."""
    stamp, star_start, star_end, first = None, None, None, None
    for line in log_text.splitlines():
        if line.startswith("[") and line.endswith("]"):
            stamp = time.mktime(time.strptime(line.strip("[]"), "%a %b %d %H:%M:%S %Y"))
            first = first or stamp
        elif line.strip() in ("localrule star_align:", "rule star_align:"):
            star_start = stamp
        elif "(Rule: star_align)" in line:
            star_end = stamp
    if None in (first, star_start, star_end):
        return {}
    last = stamp
    # Snakemake's own start-up (parse, DAG) and exit are outside the log's stamps
    return {"before STAR": star_start - first, "STAR": star_end - star_start, "after STAR": last - star_end,
            "Snakemake start and exit": wall - (last - first)}  # fmt: skip


def workflow(data: Path, work: Path, trim: bool) -> tuple[float, dict]:
    work.mkdir(parents=True)
    (work / "config.yaml").write_text(
        f"samples: {data / 'samples.tsv'}\noutdir: out\nreference:\n  fasta: {data / 'genome.fa'}\n"
        f"  gtf: {data / 'genes.gtf'}\ntrim:\n  enabled: {str(trim).lower()}\n"
    )
    wall = timed(
        [SNAKEMAKE, "--snakefile", str(ROOT / "Snakefile"), "--directory", str(work),
         "--configfile", str(work / "config.yaml"), "--cores", "2", "--quiet", "host"],
        work, work / "snakemake.log",
    )  # fmt: skip
    per_rule: dict = defaultdict(float)
    peak_mb: dict = defaultdict(float)
    for path in (work / "out/benchmarks").glob("*/*.tsv"):
        with open(path) as fh:
            row = next(csv.DictReader(fh, delimiter="\t"))
        per_rule[path.parent.name] += float(row["s"])
        if row.get("max_rss") not in (None, "", "-", "NA"):
            peak_mb[path.parent.name] = max(peak_mb[path.parent.name], float(row["max_rss"]))
    per_rule = dict(per_rule)
    per_rule["phases"] = phases((work / "snakemake.log").read_text(), wall)
    per_rule["peak_mb"] = dict(peak_mb)
    return wall, per_rule


def slope(points: list) -> float:
    """Least-squares slope of (x, y) points."""
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread


def ratio_rows(
    directory: Path, pairs: int = 1_200_000, trims: tuple = (True, False), growth: dict | None = None
) -> list:
    """(name, value) rows: the sample, STAR alone, each workflow run and its ratio, per-rule times.

    `growth` collects (million pairs, seconds) of STAR alone and of each run beyond STAR.
    """
    start = time.perf_counter()
    data, simulated = simulate(directory, pairs)
    rows = [
        (
            f"{pairs / 1e6:.2f} M-pair sample: read pairs simulated ({time.perf_counter() - start:.0f} s)",
            f"{simulated:,}",
        )
    ]
    index_s, align_s = star_alone(data, directory / "star_alone", threads=2)
    star = index_s + align_s
    growth = growth if growth is not None else {}
    growth.setdefault("STAR alone", []).append((simulated / 1e6, align_s))
    rows.append(
        ("  STAR alone (index + alignment, 2 threads)", f"{index_s:.1f} + {align_s:.1f} = {star:.1f} s")
    )
    for trim in trims:
        wall, per_rule = workflow(data, directory / f"workflow_trim_{str(trim).lower()}", trim)
        growth.setdefault(f"trim {str(trim).lower()}", []).append((simulated / 1e6, wall - star))
        rows.append(
            (
                f"  workflow, trim.enabled: {str(trim).lower()}",
                f"{wall:.1f} s = {wall / star:.2f} x STAR alone",
            )
        )
        split = per_rule.pop("phases")
        peaks = per_rule.pop("peak_mb")
        if split:
            rows.append(
                ("    phases", ", ".join(f"{name} {seconds:.0f} s" for name, seconds in split.items()))
            )
        for rule, seconds in sorted(per_rule.items(), key=lambda item: -item[1])[:6]:
            rows.append((f"    rule {rule}", f"{seconds:.2f} s"))
        others = {rule: mb for rule, mb in peaks.items() if rule != "star_align"}
        if others:
            rule, mb = max(others.items(), key=lambda item: item[1])
            rows.append(("    peak memory", f"star_align {peaks.get('star_align', 0):.0f} MB; "
                         f"every other job <= {mb:.0f} MB ({rule})"))  # fmt: skip
    return rows


def growth_rows(growth: dict) -> list:
    """Seconds per million pairs of STAR alone and of each workflow run beyond STAR."""
    if len(growth.get("STAR alone", [])) < 2:
        return []
    star = slope(growth["STAR alone"])
    rows = [("What grows with the reads (slope over the sizes)", ""),
            ("  STAR alone", f"{star:.1f} s per million pairs")]  # fmt: skip
    for name, points in growth.items():
        if name != "STAR alone":
            beyond = slope(points)
            rows.append((f"  workflow beyond STAR, {name}", f"{beyond:.1f} s per million pairs = "
                         f"{100 * beyond / star:.0f} % of STAR's"))  # fmt: skip
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, nargs="+", default=[1_200_000], help="one sample per size")
    parser.add_argument("--trim", choices=["both", "on", "off"], default="both", help="workflow runs to time")
    parser.add_argument("--keep", help="work here and keep the files (default: a temporary folder)")
    args = parser.parse_args(argv)
    directory = Path(args.keep or tempfile.mkdtemp(prefix="e2e_ratio_")).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    try:
        trims = {"both": (True, False), "on": (True,), "off": (False,)}[args.trim]
        rows, growth = [], {}
        for pairs in args.pairs:
            rows += ratio_rows(directory / f"pairs_{pairs}", pairs, trims, growth)
        rows += growth_rows(growth)
    finally:
        if not args.keep:
            shutil.rmtree(directory, ignore_errors=True)
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
