"""Detection at the Poisson limit: a dilution series on real GRCh38 gene sequence (issue 27).

    .venv/bin/python benchmarks/dilution.py [--tree DIR] [--replicates 3] [--seed 1] [--keep DIR] [--arriba]

Simulates, on the EasyFuse GRCh38 minigenome (../shared/data), CD74 e6::ROS1 e34
and HOOK3 e11::RET e12 at 1, 2, 5 and 10 % of about 100 wild-type fragments
(`--replicates` libraries per cell) and two negatives with artefacts, runs the
workflow of `--tree` (default: this checkout; another checkout compares a
version before a change) and its validation scoring, and prints per fraction
the fusions found (gene pair), those found at their true breakpoints, and
the false passing calls. With `--arriba` (an `arriba` on PATH) Arriba runs on
the same BAMs and is scored beside the built-in caller, and the merged table
the report reads is scored as well.
"""

import argparse
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
MINIGENOME = ROOT.parent / "shared" / "data" / "easyfuse-grch38-minigenome"
FUSIONS = [{"gene5": "CD74", "exon5": 6, "gene3": "ROS1", "exon3": 34},
           {"gene5": "HOOK3", "exon5": 11, "gene3": "RET", "exon3": 12}]  # fmt: skip
FRACTIONS = [0.01, 0.02, 0.05, 0.10]


def config(work: Path, replicates: int, seed: int, callers: list) -> dict:
    return {
        "samples": str(work / "data/samples.tsv"), "outdir": str(work / "out"), "callers": callers,
        "reference": {"fasta": str(MINIGENOME / "Homo_sapiens.GRCh38.110_minigenome.fa"),
                      "gtf": str(MINIGENOME / "Homo_sapiens.GRCh38.110_miniannotation.gtf")},
        "validation": {"truth": str(work / "data/validation_truth.tsv"), "outdir": str(work / "validation"),
                       "set": {"genome": "reference", "data": str(work / "data"), "fractions": FRACTIONS,
                               "depths": [100], "replicates": replicates, "negatives": 2, "seed": seed,
                               "fusions": FUSIONS}},
    }  # fmt: skip


def run(command: list, cwd: Path, log: Path) -> None:
    with open(log, "w") as out:
        if subprocess.run(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT).returncode:
            raise SystemExit(f"failed: {' '.join(command)}; see {log}")


def cells(summary: dict) -> dict:
    return {c["fraction"]: (c["k"], c["n"]) for c in summary["cells"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", default=str(ROOT), help="the checkout whose workflow runs")
    parser.add_argument("--replicates", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", help="work here and keep the files")
    parser.add_argument("--arriba", action="store_true", help="run Arriba too (needs arriba on PATH)")
    args = parser.parse_args()
    if not MINIGENOME.is_dir():
        raise SystemExit(f"the minigenome is not at {MINIGENOME}")
    if args.arriba and shutil.which("arriba") is None:
        raise SystemExit("--arriba: no arriba on PATH")
    tree = Path(args.tree).resolve()
    work = Path(args.keep or tempfile.mkdtemp(prefix="dilution_")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    callers = ["builtin", "arriba"] if args.arriba else ["builtin"]
    (work / "config.yaml").write_text(yaml.safe_dump(config(work, args.replicates, args.seed, callers)))
    python = str(ROOT / ".venv/bin/python")
    run([python, str(tree / "scripts/tools/validation_set.py"), "--configfile", str(work / "config.yaml")], tree,
        work / "validation_set.log")  # fmt: skip
    run([str(ROOT / ".venv/bin/snakemake"), "--snakefile", str(tree / "Snakefile"), "--directory", str(tree),
         "--configfile", str(work / "config.yaml"), "--cores", "2", "--quiet", "all"], tree,
        work / "snakemake.log")  # fmt: skip
    summary = json.loads((work / "validation/summary.json").read_text())
    by_caller = summary.get("by_caller") or {"builtin": summary}
    if len(by_caller) > 1:  # the report's own table: every caller's calls merged and judged as one
        by_caller = {**by_caller, "merged": summary}
    print(f"dilution on the GRCh38 minigenome, {tree}: {len(FUSIONS)} fusions x {args.replicates} replicates "
          f"at ~100 wild-type fragments, seed {args.seed}")  # fmt: skip
    for caller, figures in by_caller.items():
        found = cells(figures) if "cells" in figures else cells(summary)
        level = figures.get("breakpoint_level") or {}
        print(f"  {caller}:")
        for fraction in FRACTIONS:
            k, n = found.get(fraction, (0, 0))
            print(f"    {100 * fraction:4.0f} %   found {k} of {n}")
        print(f"    false passing calls {figures['false_positives']}; PPA {figures['ppa']['value']:.3f}, "
              f"PPV {figures['ppv']['value']:.3f}" + (
                  f"; at breakpoint level PPA {level['ppa']['value']:.3f}, PPV {level['ppv']['value']:.3f}"
                  if level else ""))  # fmt: skip
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
