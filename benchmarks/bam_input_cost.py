"""What taking the reads out of a BAM or CRAM costs beside reading them from FASTQ (issue 28).

    .venv/bin/python benchmarks/bam_input_cost.py --bam results/S1/star/Aligned.sortedByCoord.out.bam \
        --fq1 S1_R1.fastq.gz --fq2 S1_R2.fastq.gz [--fasta genome.fa] [--threads 2] [--repeats 2]

Times, best of `--repeats`, what feeds STAR in rule star_align for each input kind: both gzipped
FASTQs decompressed (the FASTQ path's one pass, align/checked_reads.py), and `samtools collate |
samtools fastq` of the BAM, and of a CRAM made from it against `--fasta` (align/bam_input.py).
Prints wall and CPU seconds and the bytes of FASTQ produced. Both run beside STAR in the same job;
the reads, and so these times, grow with the depth: run it on a deep sample (the 4.75 M-pair
sample of benchmarks/end_to_end_ratio.py --keep).
"""

import argparse
import os
import resource
import shutil
import subprocess
import tempfile
import time


def timed(command: str) -> tuple[float, float, int]:
    """(wall s, CPU s of the children, bytes on stdout) of a shell pipeline."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(["bash", "-o", "pipefail", "-c", f"{command} | wc -c"], capture_output=True,
                            text=True, check=True)  # fmt: skip
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, int(result.stdout.split()[-1])


def best(command: str, repeats: int) -> tuple[float, float, int]:
    return min((timed(command) for _ in range(repeats)), key=lambda r: r[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bam", required=True)
    parser.add_argument("--fq1", required=True)
    parser.add_argument("--fq2", required=True)
    parser.add_argument("--fasta", help="also time a CRAM written from the BAM against this FASTA")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="bam_input_cost_")
    try:
        extract = ("samtools collate -u -O -@ {threads} {ref} {path} {work}/c | "
                   "samtools fastq -n -s /dev/null -0 /dev/null - 2>/dev/null")  # fmt: skip
        rows = [
            ("FASTQ (gzip -cd of both mates)", f"{{ gzip -cd {args.fq1}; gzip -cd {args.fq2}; }}", args.fq1)
        ]
        rows.append(("BAM (collate | fastq)", extract.format(threads=args.threads, ref="", path=args.bam, work=work),
                     args.bam))  # fmt: skip
        if args.fasta:
            cram = os.path.join(work, "reads.cram")
            subprocess.run(["samtools", "view", "-C", "-@", str(args.threads), "-T", args.fasta, "-o", cram, args.bam],
                           check=True)  # fmt: skip
            rows.append(("CRAM (collate | fastq)", extract.format(threads=args.threads, ref=f"--reference {args.fasta}",
                                                                 path=cram, work=work), cram))  # fmt: skip
        print(f"{'input':34} {'size MB':>9} {'wall s':>8} {'CPU s':>8} {'FASTQ MB':>9}")
        for name, command, path in rows:
            size = sum(os.path.getsize(p) for p in ([args.fq1, args.fq2] if path == args.fq1 else [path]))
            wall, cpu, produced = best(command, args.repeats)
            print(f"{name:34} {size / 1e6:9.1f} {wall:8.1f} {cpu:8.1f} {produced / 1e6:9.1f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
