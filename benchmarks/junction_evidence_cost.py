"""What junction-sequence evidence costs the built-in caller on one sample (issue 27: <= 10 %).

    .venv/bin/python benchmarks/junction_evidence_cost.py --outdir results/demo --sample S1 \
        --fasta resources/demo/genome.fa [--repeats 3]

Runs the caller of rule call_builtin on the sample's STAR outputs in a workflow
results folder (its reference/annotation.gtf and kb_check.tsv, star/ files and
BAM), with `builtin.junction_sequence` on and off, `--repeats` times each in
this process, and prints the best wall time of each, the increase, and what the
evidence changed (candidates with junction-sequence reads, calls passing).
The records of Chimeric.out.junction and the reads of the BAM are what grow
with depth: run it on a deep sample (benchmarks/end_to_end_ratio.py --keep).
"""

import argparse
import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))


def main() -> None:
    import pysam

    from fusion_pipeline.call.call_builtin import CallerParams, call_fusions
    from fusion_pipeline.call.filters import FilterContext
    from fusion_pipeline.call.region_lists import read_region_list
    from fusion_pipeline.common.clinical_annotation import load_annotation
    from fusion_pipeline.common.knowledge_base import load_kinases
    from fusion_pipeline.common.star_outputs import read_gene_counts

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outdir", required=True, help="the workflow's results folder")
    parser.add_argument("--sample", required=True)
    parser.add_argument("--fasta", required=True, help="the reference FASTA the sample was aligned to")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    logging.disable(logging.INFO)
    out, star = Path(args.outdir), Path(args.outdir) / args.sample / "star"
    annotation = load_annotation(str(out / "reference/annotation.gtf"), str(out / "reference/kb_check.tsv"))
    known = read_region_list(str(ROOT / "config/known_fusions.tsv"), allow_keywords=False)
    kinases = load_kinases(str(ROOT / "config/kinases.yaml"))
    records = sum(
        1 for line in open(star / "Chimeric.out.junction") if not line.startswith(("#", "chr_donorA"))
    )
    best, tables = {}, {}
    with pysam.FastaFile(args.fasta) as fasta:
        for on in (False, True):
            params = CallerParams(junction_sequence=on)
            times = []
            for _ in range(args.repeats):
                context = FilterContext(params, annotation, fasta, known_fusions=known)
                start = time.perf_counter()
                tables[on] = call_fusions(str(star / "Chimeric.out.junction"), annotation, params,
                                          str(star / "SJ.out.tab"), context, {},
                                          read_gene_counts(str(star / "ReadsPerGene.out.tab")),
                                          str(star / "Aligned.sortedByCoord.out.bam"), kinases)[0]  # fmt: skip
                times.append(time.perf_counter() - start)
            best[on] = min(times)
    with_reads = int((tables[True]["junction_sequence_reads"] > 0).sum()) if len(tables[True]) else 0
    passing = {on: int((t["pass"] == "yes").sum()) if len(t) else 0 for on, t in tables.items()}
    print(f"{args.sample}: {records} chimeric records, best of {args.repeats}")
    print(
        f"  junction sequence off: {best[False]:.2f} s, {len(tables[False])} candidates, {passing[False]} passing"
    )
    print(f"  junction sequence on:  {best[True]:.2f} s, {len(tables[True])} candidates, {passing[True]} passing, "
          f"{with_reads} with junction-sequence reads")  # fmt: skip
    print(f"  increase: {best[True] - best[False]:.2f} s = {100 * (best[True] / best[False] - 1):.1f} %")


if __name__ == "__main__":
    main()
