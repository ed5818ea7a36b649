"""The built-in caller beside Arriba on the same BAMs: truth found and extra passing calls per data set.

    .venv/bin/python benchmarks/caller_vs_arriba.py [--sets demo,gauntlet,ffpe,easyfuse,resolwe] [--records N]

For each data set the workflow runs once with `callers: [builtin, arriba]`
when an `arriba` binary is on PATH (else builtin only, and Arriba's recorded
outputs in ../shared/data are used where the set has them). A call matches a
truth fusion when both breakpoints lie within 10 bases of it. Then the
built-in caller's throughput on a generated Chimeric.out.junction
(benchmarks/caller_throughput.py; target >= 1,000,000 records/s).

Truth: demo = truth.tsv without the read-through CTBS::GNG5 (not a fusion to
report); gauntlet and ffpe = their truth.tsv; easyfuse = the 7 truth fusions with both
partners in the EasyFuse minigenome; resolwe = CCDC6::RET at Arriba's
expected breakpoints.
"""

import argparse
import csv
import gzip
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import caller_throughput  # noqa: E402
import yaml  # noqa: E402

from fusion_pipeline.common.fusion_table import read_table  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
TOLERANCE = 10


def _position(breakpoint: str) -> tuple[str, int]:
    parts = breakpoint.split(":")
    return parts[0], int(parts[1])


def matches(call: tuple, truth: tuple) -> bool:
    return all(
        a[0] == b[0] and abs(a[1] - b[1]) <= TOLERANCE
        for a, b in zip(map(_position, call), map(_position, truth))
    )


def score(calls: list, truth: list) -> tuple[int, int]:
    """(truth fusions found, passing calls matching no truth fusion); calls and truth are (bp5, bp3) pairs."""
    found = sum(any(matches(c, t) for c in calls) for t in truth)
    extra = sum(not any(matches(c, t) for t in truth) for c in calls)
    return found, extra


def run(workdir: Path, fasta: str, gtf: str, samples: Path, extra_config: dict | None = None) -> Path:
    callers = ["builtin", "arriba"] if shutil.which("arriba") else ["builtin"]
    config = {"samples": str(samples), "outdir": "out", "reference": {"fasta": fasta, "gtf": gtf},
              "callers": callers, **(extra_config or {})}  # fmt: skip
    (workdir / "config.yaml").write_text(yaml.safe_dump(config))
    subprocess.run([SNAKEMAKE, "--snakefile", str(ROOT / "Snakefile"), "--directory", str(workdir),
                    "--configfile", str(workdir / "config.yaml"), "--cores", "2", "--quiet"],
                   check=True, capture_output=True)  # fmt: skip
    return workdir / "out"


def passing(out: Path, sample: str, caller: str) -> list | None:
    path = out / sample / "callers" / f"{caller}.tsv"
    if not path.exists():
        return None
    table = read_table(path)
    table = table[table["pass"] == "yes"] if len(table) else table
    return [(r.breakpoint5, r.breakpoint3) for r in table.itertuples()]


def simulated_set(name: str, workdir: Path) -> list:
    from fusion_pipeline.simulation.design import PROFILES
    from fusion_pipeline.simulation.simulate import write_profile

    profile = PROFILES[name]
    data = write_profile(workdir / "data", name)
    extra = {"star": {"sjdb_overhang": profile.library.read_length - 1}}
    out = run(workdir, str(workdir / "data/genome.fa"), str(workdir / "data/genes.gtf"), workdir / "data/samples.tsv",
              extra)  # fmt: skip
    rows = []
    for spec in profile.design:
        truth = [(t["breakpoint5"], t["breakpoint3"]) for t in data["truth"]
                 if t["sample"] == spec.sample and t["fusion"] != "CTBS::GNG5"]  # fmt: skip
        rows.append((spec.sample, truth, {c: passing(out, spec.sample, c) for c in ("builtin", "arriba")}))
    return rows


def easyfuse_set(workdir: Path) -> list:
    reads, genome = SHARED / "fusioncatcher-test-reads", SHARED / "easyfuse-grch38-minigenome"
    (workdir / "samples.tsv").write_text(
        f"sample\tpatient\ttimepoint\tfq1\tfq2\nFC\tFC\t1\t{reads / 'reads_1.fq.gz'}\t{reads / 'reads_2.fq.gz'}\n"
    )
    out = run(workdir, str(genome / "Homo_sapiens.GRCh38.110_minigenome.fa"),
              str(genome / "Homo_sapiens.GRCh38.110_miniannotation.gtf"), workdir / "samples.tsv")  # fmt: skip
    with open(reads / "truth_on_easyfuse_minigenome.tsv") as fh:
        truth = [(f"{r['minigenome_bp1']}:.", f"{r['minigenome_bp2']}:.") for r in csv.DictReader(fh, delimiter="\t")
                 if r["detectable_on_easyfuse_minigenome"] == "yes"]  # fmt: skip
    calls = {c: passing(out, "FC", c) for c in ("builtin", "arriba")}
    if calls["arriba"] is None:  # recorded Arriba 2.5.1 output on the same reads and reference
        recorded = read_table(SHARED / "derived-star2.7.10b-arriba2.5.1-runs/easyfuse_fc.arriba.fusions.tsv")
        calls["arriba (recorded)"] = [
            (r["breakpoint1"], r["breakpoint2"]) for r in recorded.to_dict("records")
        ]
    return [("FC", truth, calls)]


def resolwe_set(workdir: Path) -> list:
    source = SHARED / "resolwe-bio-arriba-ccdc6-ret"
    for name in ("minigenome.fasta", "minigenome.gtf"):
        with gzip.open(source / f"{name}.gz", "rb") as src, open(workdir / name, "wb") as dst:
            shutil.copyfileobj(src, dst)
    (workdir / "samples.tsv").write_text(
        "sample\tpatient\ttimepoint\tfq1\tfq2\n"
        f"CCDC6_RET\tR\t1\t{source / 'reads_R1.fastq.gz'}\t{source / 'reads_R2.fastq.gz'}\n"
    )
    out = run(workdir, str(workdir / "minigenome.fasta"), str(workdir / "minigenome.gtf"), workdir / "samples.tsv",
              {"arriba": {"extra": "-i minigenome"}})  # fmt: skip
    with gzip.open(source / "expected_fusions.tsv.gz", "rt") as fh:
        expected = list(csv.DictReader(fh, delimiter="\t"))
    truth = [(r["breakpoint1"], r["breakpoint2"]) for r in expected]
    calls = {c: passing(out, "CCDC6_RET", c) for c in ("builtin", "arriba")}
    if calls["arriba"] is None:
        calls["arriba (recorded)"] = truth  # Arriba's expected output is this set's truth
    return [("CCDC6_RET", truth, calls)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="demo,gauntlet,ffpe,easyfuse,resolwe")
    parser.add_argument("--records", type=int, default=1_000_000)
    args = parser.parse_args()
    print(f"Arriba on PATH: {'yes (' + shutil.which('arriba') + ')' if shutil.which('arriba') else 'no'}")
    print(f"{'data set':<10} {'sample':<10} {'truth':>5} | {'caller':<18} {'found':>5} {'extra':>5}")
    for name in args.sets.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            if name in ("demo", "gauntlet", "ffpe"):
                rows = simulated_set(name, workdir)
            elif not SHARED.is_dir():
                print(f"{name:<10} skipped: {SHARED} not found")
                continue
            else:
                rows = {"easyfuse": easyfuse_set, "resolwe": resolwe_set}[name](workdir)
        totals: dict = {}
        for sample, truth, calls in rows:
            for caller, called in calls.items():
                if called is None:
                    continue
                found, extra = score(called, truth)
                total = totals.setdefault(caller, [0, 0, 0])
                total[0] += found
                total[1] += extra
                total[2] += len(truth)
                print(f"{name:<10} {sample:<10} {len(truth):>5} | {caller:<18} {found:>5} {extra:>5}")
        for caller, (found, extra, n) in totals.items():
            print(f"{name:<10} {'all':<10} {n:>5} | {caller:<18} {found:>5} {extra:>5}")
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "Chimeric.out.junction")
        caller_throughput.generate(path, args.records)
        child = subprocess.run([sys.executable, str(ROOT / "benchmarks/caller_throughput.py"), "--worker", path],
                               capture_output=True, text=True, check=True)  # fmt: skip
        seconds = float(child.stdout.split("\t")[0])
    print(f"built-in caller throughput: {args.records / seconds:,.0f} records/s on {args.records:,} records "
          "(target >= 1,000,000)")  # fmt: skip


if __name__ == "__main__":
    main()
