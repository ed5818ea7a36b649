"""Fusion abundance: fusion fragments versus wild-type fragments at each breakpoint.

Every row of the merged calls (rule merge_calls, one row per breakpoint) is
measured; the calls and their verdicts are merge_calls', only the abundance
columns are this rule's.

Unit: fragments (read pairs) with a read across the junction, counted the
same way on both sides of the ratio, with at least `min_anchor` aligned bases
on each side of the junction (STAR misses some chimeric reads with shorter
overhangs; the same threshold on both sides keeps the ratio unbiased):

- fusion: split fragments at the breakpoint in STAR's Chimeric.out.junction
  (`fusion_reads`; PCR duplicates removed as in the caller, so any caller's
  call is measured the same way);
- wild type: fragments with a read aligned across the same position in the
  partner's own configuration, an aligned base at the breakpoint and the
  anchor on each side, whether the read continues into the next exon
  (spliced) or straight on. Duplicate, secondary, supplementary, QC-failed
  and low-MAPQ alignments are ignored; PCR copies (both mates' unclipped 5'
  ends alike, common/fragments.py) count once, as on the fusion side.

    abundance5 = fusion / (fusion + wild type at the 5' breakpoint)
    abundance3 = fusion / (fusion + wild type at the 3' breakpoint)
    abundance  = abundance5, with a Wilson interval

The 5' partner's wild-type transcript is expressed from the same promoter as
the fusion, so abundance5 is the share of that gene's transcripts that are
fused. A 3' kinase is often silent in normal tissue, which drives abundance3
towards 1 whatever the tumour content.

Targeted panels (`assay: targeted`, common/molecules.py): every count is
also made in molecules (UMI families): `junction_molecules`,
`wt_molecules5`, `wt_molecules3`. Only the kinase side is primed, so
`abundance` and its interval are the kinase side's share in molecules,
junction_molecules / (junction_molecules + wild-type molecules at the
kinase's own exon junction), as panel vendors report it (`abundance_side`
says which side, `abundance_unit` says `molecules`).

A call without a split read in STAR's output (`breakpoint_source`
`inferred_from_pairs`: its junction is only inferred from discordant pairs;
`junction_sequence`: only reads STAR left soft-clipped cross it) has no fusion
fragments counted in this unit, so its ratios are `.` (not assessable) rather
than 0.

Every count is a region query on the indexed BAM; the BAM is never scanned.
"""

import logging
import math

import pandas as pd
import pysam

from fusion_pipeline.common.chimeric import (
    cluster_split_reads,
    counted_split_reads,
    normalise,
    read_junctions,
)
from fusion_pipeline.common.fusion_table import (
    SPLIT_READS,
    breakpoint_source,
    parse_breakpoint,
    side_direction,
)
from fusion_pipeline.common.panel import Targeted, primed_gene, targeted_settings
from fusion_pipeline.common.stats import wilson_interval
from fusion_pipeline.common.wild_type import CountSettings, wild_type_counts, wild_type_fragments

ABUNDANCE_COLUMNS = ["fusion_reads", "wt_reads5", "wt_reads3", "abundance5", "abundance3", "abundance", "abundance_ci_low",
                     "abundance_ci_high"]  # fmt: skip
RATIO_COLUMNS = ABUNDANCE_COLUMNS[3:]
MOLECULE_COLUMNS = [
    "junction_molecules",
    "wt_molecules5",
    "wt_molecules3",
    "abundance_unit",
    "abundance_side",
]


def abundance_values(fusion: int, wt5: int, wt3: int, confidence: float = 0.95, side: str = "5") -> dict:
    """Both sides' ratios; `abundance` and its Wilson interval at `side` (the 5' one unless a panel primes the 3')."""

    def ratio(other):
        return fusion / (fusion + other) if fusion + other else math.nan

    wild_type = {"5": wt5, "3": wt3}[side]
    low, high = wilson_interval(fusion, fusion + wild_type, confidence)
    return {
        "fusion_reads": fusion, "wt_reads5": wt5, "wt_reads3": wt3, "abundance5": ratio(wt5), "abundance3": ratio(wt3),
        "abundance": ratio(wild_type), "abundance_ci_low": low, "abundance_ci_high": high,
    }  # fmt: skip


class FusionCounter:
    """Split fragments at any breakpoint pair, from one sample's Chimeric.out.junction.

    Built once per sample; counts even breakpoints no caller reported (zero
    when STAR saw none), with the anchor threshold of the wild-type count.
    """

    def __init__(self, junction_path: str, min_anchor: int):
        junctions = read_junctions(junction_path)
        self.ends: list = []
        if not len(junctions):
            return
        records = normalise(junctions)
        records = records[counted_split_reads(records, junctions.cigars, min_anchor)]
        clusters, _ = cluster_split_reads(records, merge_distance=0, cigars=junctions.cigars)
        names = junctions.chroms
        self.ends = [
            ({(names[r.chr1], r.pos1, r.dir1), (names[r.chr2], r.pos2, r.dir2)}, int(r.junction_reads))
            for r in clusters.itertuples()
        ]

    def count(self, breakpoint5: str, breakpoint3: str, tolerance: int = 5) -> int:
        wanted = []
        for role, breakpoint in (("5", breakpoint5), ("3", breakpoint3)):
            chrom, pos, strand = parse_breakpoint(breakpoint)
            wanted.append((chrom, pos, side_direction(role, strand)))
        return sum(
            reads
            for ends, reads in self.ends
            if all(
                any(c == w[0] and d == w[2] and abs(p - w[1]) <= tolerance for c, p, d in ends)
                for w in wanted
            )
        )


def measure(bam, breakpoint5: str, breakpoint3: str, fusion_reads: int, settings: CountSettings) -> dict:
    counts = []
    for role, breakpoint in (("5", breakpoint5), ("3", breakpoint3)):
        chrom, pos, strand = parse_breakpoint(breakpoint)
        counts.append(wild_type_fragments(bam, chrom, pos, side_direction(role, strand), settings))
    return abundance_values(fusion_reads, counts[0], counts[1], settings.confidence)


def measure_targeted(bam, breakpoint5: str, breakpoint3: str, fusion_reads: int, junction: int, side: str,
                     settings: CountSettings, targeted: Targeted) -> dict:  # fmt: skip
    """Fragments as in `measure`, and molecules with the primed side's abundance in molecules."""
    fragments, molecules = {}, {}
    for role, breakpoint in (("5", breakpoint5), ("3", breakpoint3)):
        chrom, pos, strand = parse_breakpoint(breakpoint)
        direction = side_direction(role, strand)
        fragments[role], molecules[role] = wild_type_counts(
            bam, chrom, pos, direction, settings, targeted.max_edit_distance
        )
    row = abundance_values(fusion_reads, fragments["5"], fragments["3"], settings.confidence)
    in_molecules = abundance_values(junction, molecules["5"], molecules["3"], settings.confidence, side)
    row.update({k: in_molecules[k] for k in RATIO_COLUMNS})
    row.update({"junction_molecules": junction, "wt_molecules5": molecules["5"], "wt_molecules3": molecules["3"],
                "abundance_unit": "molecules", "abundance_side": side})  # fmt: skip
    return row


def add_abundance(
    table: pd.DataFrame,
    bam_path: str,
    junction_path: str,
    settings: CountSettings,
    targeted: Targeted | None = None,
) -> pd.DataFrame:
    table = table.copy()
    counter = FusionCounter(junction_path, settings.min_anchor)
    rows = []
    with pysam.AlignmentFile(bam_path) as bam:
        for record in table.to_dict("records"):
            bp5, bp3 = record["breakpoint5"], record["breakpoint3"]
            if targeted:
                primed = primed_gene(record["gene5"], record["gene3"], targeted.primed_genes)
                side = "3" if primed is not None and primed == record["gene3"] else "5"
                row = measure_targeted(bam, bp5, bp3, counter.count(bp5, bp3), int(record["junction_molecules"]), side,
                                       settings, targeted)  # fmt: skip
            else:
                row = measure(bam, bp5, bp3, counter.count(bp5, bp3), settings)
                row.update({"junction_molecules": ".", "wt_molecules5": ".", "wt_molecules3": ".",
                            "abundance_unit": "fragments", "abundance_side": "5"})  # fmt: skip
            if breakpoint_source(record) != SPLIT_READS:
                # no split read counted at this junction: nothing to measure a ratio from
                row.update(dict.fromkeys(RATIO_COLUMNS, math.nan))
            rows.append(row)
    columns = ABUNDANCE_COLUMNS + MOLECULE_COLUMNS
    values = pd.DataFrame(rows, columns=columns, index=table.index)
    for column in columns:
        table[column] = values[column]
    return table


def format_abundance(table: pd.DataFrame) -> pd.DataFrame:
    table = table.copy()
    for column in RATIO_COLUMNS:
        table[column] = [
            f"{v:.4f}" if isinstance(v, float) and not math.isnan(v) else "." for v in table[column]
        ]
    return table


def main(snakemake) -> None:
    from fusion_pipeline.common.fusion_table import empty_table, read_table, write_table
    from fusion_pipeline.common.input_verdict import input_failure, read_verdict

    failure = input_failure(read_verdict(snakemake.input.check))
    if failure:  # a call from the readable part of a broken input is no call (merge_calls kept none)
        logging.warning("input %s: no call is reported and no abundance measured", failure)
        table = empty_table()
    else:
        table = read_table(snakemake.input.calls)
    settings = CountSettings.from_config(snakemake.params.settings)
    targeted = targeted_settings(snakemake.params.assay, snakemake.input.get("panel"),
                                 snakemake.input.kinases, snakemake.params.umi)  # fmt: skip
    logging.info("measuring abundance of %d merged calls in %s", len(table), snakemake.input.bam)
    if len(table):
        table = add_abundance(table, snakemake.input.bam, snakemake.input.junctions, settings, targeted)
    for column in ABUNDANCE_COLUMNS + MOLECULE_COLUMNS:
        if column not in table:
            table[column] = pd.Series(dtype=object)
    ours = ABUNDANCE_COLUMNS + MOLECULE_COLUMNS  # last, in this order, whatever merge_calls added
    table = table[[c for c in table.columns if c not in ours] + ours]
    write_table(format_abundance(table), snakemake.output[0])
