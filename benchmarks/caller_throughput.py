"""Built-in caller benchmark: throughput, peak memory, and share of STAR's time.

    .venv/bin/python benchmarks/caller_throughput.py [--records 1000000] [--star-pairs 1000000]

Writes a generated Chimeric.out.junction (true fusions with many reads among
random single-read chimeras, both strands, duplicates, spanning pairs), times
the caller on it in a child process (so the peak RSS is the caller's own), and
compares call_builtin with star_align in the `benchmark:` files of a workflow
run on a simulated sample of --star-pairs read pairs (or of --results).
"""

import argparse
import csv
import glob
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

HEADER = (
    "chr_donorA\tbrkpt_donorA\tstrand_donorA\tchr_acceptorB\tbrkpt_acceptorB\tstrand_acceptorB\tjunction_type\t"
    "repeat_left_lenA\trepeat_right_lenB\tread_name\tstart_alnA\tcigar_alnA\tstart_alnB\tcigar_alnB\tnum_chim_aln\t"
    "max_poss_aln_score\tnon_chim_aln_score\tthis_chim_aln_score\tbestall_chim_aln_score\tPEmerged_bool\treadgrp\n"
)


def generate(path: str, n: int, seed: int = 7, fusions: int = 500) -> None:
    rng = np.random.default_rng(seed)
    chroms = np.array([f"chr{i}" for i in range(1, 23)])
    true_share = 0.3  # 30% of records belong to real fusion breakpoints
    n_true = int(n * true_share)
    fusion_id = rng.integers(0, fusions, n_true)
    fa = chroms[rng.integers(0, 22, fusions)]
    fb = chroms[rng.integers(0, 22, fusions)]
    pa = rng.integers(1_000_000, 200_000_000, fusions)
    pb = rng.integers(1_000_000, 200_000_000, fusions)
    n_noise = n - n_true
    chr_a = np.concatenate([fa[fusion_id], chroms[rng.integers(0, 22, n_noise)]])
    chr_b = np.concatenate([fb[fusion_id], chroms[rng.integers(0, 22, n_noise)]])
    brk_a = np.concatenate([pa[fusion_id], rng.integers(1_000_000, 200_000_000, n_noise)])
    brk_b = np.concatenate([pb[fusion_id], rng.integers(1_000_000, 200_000_000, n_noise)])
    jtype = rng.choice([1, 2, -1, 0], n, p=[0.4, 0.4, 0.15, 0.05])
    spanning = jtype == -1
    brk_a = np.where(spanning, brk_a - rng.integers(50, 300, n), brk_a)
    brk_b = np.where(spanning, brk_b + rng.integers(50, 300, n), brk_b)
    start_a = brk_a - rng.integers(20, 80, n)
    split_at = rng.integers(15, 85, n)
    cigar_a = np.char.add(
        np.char.add(split_at.astype(str), "M"), np.char.add((100 - split_at).astype(str), "S")
    )
    cigar_b = np.char.add(
        np.char.add(split_at.astype(str), "S"), np.char.add((100 - split_at).astype(str), "M")
    )
    with open(path, "w") as out:
        out.write(HEADER)
        for i in range(n):
            out.write(
                f"{chr_a[i]}\t{brk_a[i]}\t+\t{chr_b[i]}\t{brk_b[i]}\t+\t{jtype[i]}\t0\t0\tread{i}\t{start_a[i]}\t"
                f"{cigar_a[i]}\t{brk_b[i]}\t{cigar_b[i]}\t1\t200\t100\t190\t190\t0\tGRP\n"
            )
        out.write(f"# 2.7.10b generated\n# Nreads {n}\tNreadsUnique {n}\tNreadsMulti 0\n")


def worker(path: str) -> None:
    """Child process: run the caller once and print seconds and calls."""
    from fusion_pipeline.call.call_builtin import CallerParams, call_fusions
    from fusion_pipeline.common.annotation import Annotation

    start = time.perf_counter()
    table, _ = call_fusions(path, Annotation({}), CallerParams())
    elapsed = time.perf_counter() - start
    print(f"{elapsed}\t{len(table)}\t{int((table['pass'] == 'yes').sum())}")


def run_star_sample(pairs: int, workdir: str) -> str:
    """Simulate one sample of about `pairs` read pairs and run the workflow on it."""
    import yaml

    from fusion_pipeline.simulation.design import DEMO_DESIGN, SampleSpec
    from fusion_pipeline.simulation.genome import GENES
    from fusion_pipeline.simulation.simulate import write_dataset

    base = DEMO_DESIGN[2]  # four fusions, EML4::ALK among them
    scale = pairs / 7000  # a demo sample holds about 7,000 pairs
    sample = SampleSpec("BIG", "PB", 1, base.fusions, {g.name: g.coverage * scale for g in GENES})
    write_dataset(os.path.join(workdir, "data"), [sample])
    config = {"samples": "data/samples.tsv", "outdir": "out",
              "reference": {"fasta": "data/genome.fa", "gtf": "data/genes.gtf"}}  # fmt: skip
    with open(os.path.join(workdir, "config.yaml"), "w") as fh:
        yaml.safe_dump(config, fh)
    snakemake = str(Path(sys.executable).with_name("snakemake"))
    subprocess.run([snakemake, "--snakefile", str(ROOT / "Snakefile"), "--directory", workdir,
                    "--configfile", os.path.join(workdir, "config.yaml"), "--cores", "2", "--quiet"],
                   check=True, capture_output=True)  # fmt: skip
    return os.path.join(workdir, "out")


def star_share(results: str) -> list:
    rows = []
    for star_file in sorted(glob.glob(f"{results}/benchmarks/star_align/*.tsv")):
        sample = Path(star_file).stem
        caller_file = f"{results}/benchmarks/call_builtin/{sample}.tsv"
        if not os.path.exists(caller_file):
            continue
        star_s = _seconds(star_file)
        caller_s = _seconds(caller_file)
        rows.append((sample, star_s, caller_s, caller_s / star_s if star_s else float("nan")))
    return rows


def _seconds(path: str) -> float:
    with open(path) as fh:
        return float(next(csv.DictReader(fh, delimiter="\t"))["s"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument(
        "--results", default=None, help="a finished run's outdir to read benchmark files from"
    )
    parser.add_argument(
        "--star-pairs", type=int, default=1_000_000, help="read pairs of the simulated STAR sample"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "Chimeric.out.junction")
        t0 = time.perf_counter()
        generate(path, args.records)
        print(
            f"generated {args.records:,} records ({os.path.getsize(path) / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s"
        )
        child = subprocess.run(
            [sys.executable, __file__, "--worker", path], capture_output=True, text=True, check=True
        )
        seconds, calls, passing = child.stdout.strip().split("\t")
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    seconds = float(seconds)
    print(f"built-in caller: {seconds:.2f} s, {args.records / seconds:,.0f} records/s (target >= 1,000,000)")
    print(f"peak memory: {peak_mb:,.0f} MB; {calls} calls written, {passing} passing")
    with tempfile.TemporaryDirectory() as tmp:
        results = args.results or run_star_sample(args.star_pairs, tmp)
        shares = star_share(results)
    if not shares:
        print(f"no star_align/call_builtin benchmark files under {results}/benchmarks")
    for sample, star_s, caller_s, share in shares:
        print(
            f"{sample}: STAR {star_s:.2f} s, caller {caller_s:.2f} s = {100 * share:.1f}% of STAR (target < 5%)"
        )


if __name__ == "__main__":
    main()
