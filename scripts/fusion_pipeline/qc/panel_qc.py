"""Panel QC of a targeted sample: reads, molecules, family size and on-target share, per target.

A read pair is on target when one of its alignments (primary or supplementary:
the primed part of a fusion read is often the supplementary one) overlaps a panel
target (the primer's region, where every primed molecule starts). Molecules
per target are the UMI families of those pairs, found per fragment position as
umi_tools groups reads per alignment position: the pairs are bundled by both
mates' unclipped 5' ends (common/fragments.py: the primer's end, the same for
every molecule of a target, and the ligation end, where molecules differ: the
"unique start sites" of anchored multiplex PCR), and the UMIs of each bundle
are clustered by umi_tools' directional method (common/molecules.py). By
UMI alone, two molecules of a deep target whose UMIs lie one substitution apart
were one (66 of the simulated panel's 69 ROS1 molecules were counted). The
mean family size is on-target read pairs / molecules. Input read pairs come from
STAR's Log.final.out (after trimming, when trimming is on).
"""

import csv
import logging

import pysam

from fusion_pipeline.common.fragments import SKIP_FLAGS, unclipped_five_prime
from fusion_pipeline.common.molecules import count_molecules, umi_from_name
from fusion_pipeline.common.panel import read_panel
from fusion_pipeline.common.star_outputs import star_log_summary

PANEL_QC_COLUMNS = [
    "sample",
    "read_pairs",
    "on_target_read_pairs",
    "on_target_pct",
    "molecules",
    "mean_family_size",
]
TARGET_COLUMNS = ["sample", "target", "gene", "chrom", "start", "end", "read_pairs", "molecules"]
SKIP = (
    0x4 | 0x100 | 0x200
)  # unmapped, secondary, QC-failed (a fusion read's primed part may be its supplementary)


def target_umis(bam, target) -> dict:
    """{read name: UMI} of the pairs with a primary alignment over the target."""
    if target.chrom not in bam.references:
        return {}
    names = {}
    for read in bam.fetch(target.chrom, target.start, target.end):
        if not read.flag & SKIP and read.query_name not in names:
            names[read.query_name] = umi_from_name(read.query_name)
    return names


def fragment_ends(bam_path: str, names: set) -> dict:
    """{read name: its fragment's unclipped 5' ends, in coordinate order} of these pairs' primary alignments.

    One pass over the whole BAM (opened anew: after region queries, pysam would go on from
    where they stopped): a mate lies wherever its molecule was ligated, on another chromosome
    for a fusion. A pair with one mate aligned has one end; with none, no entry.
    """
    ends: dict = {}
    with pysam.AlignmentFile(bam_path) as bam:
        for read in bam.fetch(until_eof=True):
            if not read.flag & SKIP_FLAGS and read.query_name in names:
                ends.setdefault(read.query_name, {})[read.is_read1] = unclipped_five_prime(read)
    return {name: tuple(sorted(mates.values())) for name, mates in ends.items()}


def panel_qc(sample: str, bam_path: str, panel_path: str, star_log: str, max_edit_distance: int) -> tuple:
    """(the sample's summary row, one row per target)."""
    targets = read_panel(panel_path)
    read_pairs = star_log_summary(star_log)["read_pairs"]
    on_target: dict = {}
    rows = []
    with pysam.AlignmentFile(bam_path) as bam:
        per_target = [target_umis(bam, target) for target in targets]
        for umis in per_target:
            on_target.update(umis)
    ends = fragment_ends(bam_path, set(on_target))
    for target, umis in zip(targets, per_target):
        molecules = count_molecules(list(umis.values()), max_edit_distance, [ends.get(n) for n in umis])
        rows.append({"sample": sample, "target": target.name, "gene": target.gene, "chrom": target.chrom,
                     "start": target.start, "end": target.end, "read_pairs": len(umis),
                     "molecules": molecules})  # fmt: skip
    molecules = sum(r["molecules"] for r in rows)
    summary = {
        "sample": sample, "read_pairs": read_pairs, "on_target_read_pairs": len(on_target),
        "on_target_pct": round(100 * len(on_target) / read_pairs, 2) if read_pairs else None,
        "molecules": molecules,
        "mean_family_size": round(len(on_target) / molecules, 2) if molecules else None,
    }  # fmt: skip
    for r in rows:  # one column per target, so that MultiQC shows them beside the totals
        summary[f"molecules_{r['target']}"] = r["molecules"]
    return summary, rows


def _write(path: str, columns: list, rows: list) -> None:
    from fusion_pipeline.common.rulelog import atomic_write

    with atomic_write(path) as fh:
        writer = csv.DictWriter(fh, columns, delimiter="\t", lineterminator="\n", restval=".")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "." if v is None else v for k, v in row.items()})


def not_counted(sample: str, panel_path: str) -> tuple:
    """The panel QC tables of an input that failed its check: its targets, nothing counted."""
    rows = [{"sample": sample, "target": t.name, "gene": t.gene, "chrom": t.chrom, "start": t.start,
             "end": t.end, "read_pairs": None, "molecules": None} for t in read_panel(panel_path)]  # fmt: skip
    summary = {"sample": sample, **{c: None for c in PANEL_QC_COLUMNS[1:]}}
    summary.update({f"molecules_{r['target']}": None for r in rows})
    return summary, rows


def main(snakemake) -> None:
    from fusion_pipeline.common.input_verdict import input_failure, read_verdict

    sample = snakemake.wildcards.sample
    failure = input_failure(read_verdict(snakemake.input.check))
    if failure:  # reads without UMIs, say: nothing they hold is counted
        logging.warning("input %s: no panel QC counted", failure)
        summary, rows = not_counted(sample, snakemake.input.panel)
        _write(snakemake.output.summary, list(summary), [summary])
        _write(snakemake.output.targets, TARGET_COLUMNS, rows)
        return
    summary, rows = panel_qc(sample, snakemake.input.bam, snakemake.input.panel,
                             snakemake.input.star_log, snakemake.params.umi.get("max_edit_distance", 1))  # fmt: skip
    logging.info("%s read pairs, %s on target (%s %%), %s molecules, mean family size %s",
                 summary["read_pairs"], summary["on_target_read_pairs"], summary["on_target_pct"],
                 summary["molecules"], summary["mean_family_size"])  # fmt: skip
    _write(snakemake.output.summary, list(summary), [summary])
    _write(snakemake.output.targets, TARGET_COLUMNS, rows)
