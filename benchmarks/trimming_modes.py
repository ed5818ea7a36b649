"""Ways to trim before STAR, timed on one sample of clean and one of FFPE reads (issue 26).

    .venv/bin/python benchmarks/trimming_modes.py [--pairs 1200000] [--ffpe-pairs 100000] [--keep DIR]

For each sample, with the workflow's own STAR command (2 threads) and index:

- `fastp, 2 threads`: fastp writes gzip (level 1), then STAR decompresses it (the workflow's way
  up to issue 26);
- `fastp, 1 thread`: the same with one fastp thread;
- `fastp streamed, 1 / 2 threads`: fastp writes plain FASTQ that STAR reads as fastp writes it,
  through named pipes and relays (scripts/fusion_pipeline/align/trim_stream.py: the workflow's way now);
- `STAR clipping`: no fastp, STAR's own 3' adapter clipping (`--clip3pAdapterSeq` with the TruSeq
  adapters, `--clip3pAdapterMMp 0.1`);
- `no trimming`: STAR alone on the reads.

Prints wall seconds and, from STAR's Log.final.out, the uniquely mapped share, the share lost as
"too short" and the chimeric reads (for FFPE: what trimming is for: no read lost as too short).
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from fusion_pipeline.align.star_align import star_command  # noqa: E402
from fusion_pipeline.align.trim_stream import trimmed_stream  # noqa: E402
from fusion_pipeline.align.trimming import fastp_command  # noqa: E402
from fusion_pipeline.common.star_outputs import read_log_final  # noqa: E402
from fusion_pipeline.reference.star_index import sa_index_nbases  # noqa: E402
from fusion_pipeline.simulation.design import DEMO_DESIGN, PROFILES  # noqa: E402
from fusion_pipeline.simulation.simulate import write_dataset  # noqa: E402

FASTP_OPTIONS = "-l 30 --disable_quality_filtering --dont_eval_duplication --trim_poly_g"  # the workflow's
TRUSEQ = ["AGATCGGAAGAGCACACGTCTGAACTCCAGTCA", "AGATCGGAAGAGCGTCGTGTAGGGAAAGAGTGT"]
PAIRS_AT_SCALE_1 = {"clean": 7450, "ffpe": 68948 / 0.35}  # demo S1 and FFPE F1 at coverage_scale 1


def simulate(directory: Path, kind: str, pairs: int) -> Path:
    profile = PROFILES["ffpe"] if kind == "ffpe" else PROFILES["demo"]
    design = [profile.design[0]] if kind == "ffpe" else [DEMO_DESIGN[0]]
    write_dataset(directory, design, 1, profile.extended, profile.library, pairs / PAIRS_AT_SCALE_1[kind])
    return directory


def build_index(data: Path, index: Path) -> None:
    index.mkdir(parents=True)
    genome = data / "genome.fa"
    length = sum(len(line.strip()) for line in open(genome) if not line.startswith(">"))
    subprocess.run(
        ["STAR", "--runMode", "genomeGenerate", "--runThreadN", "2", "--genomeDir", str(index),
         "--genomeFastaFiles", str(genome), "--sjdbGTFfile", str(data / "genes.gtf"), "--sjdbOverhang", "100",
         "--genomeSAindexNbases", str(sa_index_nbases(length)), "--outFileNamePrefix", f"{index}/"],
        check=True, capture_output=True,
    )  # fmt: skip


def star(reads: tuple, index: Path, out: Path, log, extra: list = (), plain: bool = False) -> None:
    command = star_command(reads[0], reads[1], str(index), f"{out}/", 2, 4_000_000_000, "", plain)
    subprocess.run([*command, *extra], check=True, stdout=log, stderr=log)


def run_mode(mode: str, data: Path, index: Path, work: Path) -> float:
    out = work / "".join(c if c.isalnum() else "_" for c in mode)  # STAR splits --readFilesIn at commas
    out.mkdir(parents=True)
    reads = (str(data / "reads/S1_R1.fastq.gz"), str(data / "reads/S1_R2.fastq.gz"))
    if mode.startswith("F1"):
        reads = (str(data / "reads/F1_R1.fastq.gz"), str(data / "reads/F1_R2.fastq.gz"))
    kind = mode.split(": ", 1)[1]
    start = time.perf_counter()
    with open(out / "log.txt", "w") as log:
        if kind.startswith("fastp"):
            trimmed = (str(out / "R1.fastq.gz"), str(out / "R2.fastq.gz"))
            threads = 1 if "1 thread" in kind else 2
            command = fastp_command(*reads, *trimmed, str(out / "fastp.json"), str(out / "fastp.html"),
                                    FASTP_OPTIONS, threads, "bench")  # fmt: skip
            subprocess.run(command, check=True, stdout=log, stderr=log)
            star(trimmed, index, out, log)
        elif kind.startswith("fastp streamed"):
            threads = 1 if "1 thread" in kind else 2
            with trimmed_stream(*reads, str(out / "fastp.json"), str(out / "fastp.html"), FASTP_OPTIONS, threads,
                                "bench", str(out), log) as fifos:  # fmt: skip
                star(fifos, index, out, log, plain=True)
        elif kind == "STAR clipping":
            star(reads, index, out, log, ["--clip3pAdapterSeq", *TRUSEQ, "--clip3pAdapterMMp", "0.1", "0.1"])
        else:
            star(reads, index, out, log)
    seconds = time.perf_counter() - start
    values = read_log_final(str(out / "Log.final.out"))
    print(f"{mode:<40} {seconds:7.1f} s   unique {values['Uniquely mapped reads %']:>7}   too short "
          f"{values['% of reads unmapped: too short']:>7}   chimeric {values['Number of chimeric reads']:>7}",
          flush=True)  # fmt: skip
    shutil.rmtree(out)
    return seconds


MODES = [
    "fastp, 2 threads",
    "fastp, 1 thread",
    "fastp streamed, 2 threads",
    "fastp streamed, 1 thread",
    "STAR clipping",
    "no trimming",
]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1_200_000, help="clean sample (demo S1)")
    parser.add_argument("--ffpe-pairs", type=int, default=100_000, help="FFPE sample (F1, 2 x 150)")
    parser.add_argument("--keep", help="work here and keep the simulated reads")
    parser.add_argument("--modes", nargs="+", choices=MODES, default=MODES, help="the ways to time")
    args = parser.parse_args(argv)
    directory = Path(args.keep or tempfile.mkdtemp(prefix="trimming_modes_")).resolve()
    try:
        for kind, label, pairs in (("clean", "S1", args.pairs), ("ffpe", "F1", args.ffpe_pairs)):
            data = directory / kind
            if not (data / "genome.fa").exists():
                simulate(data, kind, pairs)
            index = directory / f"index_{kind}"
            if not index.exists():
                build_index(data, index)
            print(f"{label} ({kind}, about {pairs:,} pairs)")
            for mode in args.modes:
                run_mode(f"{label}: {mode}", data, index, directory / "runs")
    finally:
        if not args.keep:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
