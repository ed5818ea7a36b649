"""Fusion abundance: fusion fragments versus wild-type fragments at each breakpoint.

The Snakemake entry point first merges the callers' tables (one row per
breakpoint, see fusion_table.merge_callers), then measures every row.

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

Targeted panels (`assay: targeted`, abundance/molecules.py): every count is
also made in molecules (UMI families): `junction_molecules`,
`wt_molecules5`, `wt_molecules3`. Only the kinase side is primed, so
`abundance` and its interval are the kinase side's share in molecules,
junction_molecules / (junction_molecules + wild-type molecules at the
kinase's own exon junction), as panel vendors report it (`abundance_side`
says which side, `abundance_unit` says `molecules`).

Every count is a region query on the indexed BAM; the BAM is never scanned.
"""

import logging
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pysam

from abundance.molecules import JunctionMolecules, count_molecules, fragment_umis
from abundance.targeted import apply_panel, primed_gene, primed_genes, read_panel
from call.chimeric import cluster_split_reads, normalise, read_junctions, split_mate_aligned
from common.fragments import SKIP_FLAGS, FragmentIndex
from common.fusion_table import parse_breakpoint, side_direction
from common.settings import FromConfig
from common.stats import wilson_interval

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


@dataclass
class CountSettings(FromConfig):
    min_mapq: int = 10
    min_anchor: int = 20
    confidence: float = 0.95


def crosses(blocks, retained_index: int, boundary: int, min_anchor: int) -> bool:
    """Whether aligned blocks hold base `retained_index` and `min_anchor` bases on each side of `boundary`.

    Blocks are 0-based half-open (start, end); `boundary` is the first 0-based
    position right of the junction.
    """
    left = right = 0
    holds = False
    for start, end in blocks:
        if start <= retained_index < end:
            holds = True
        left += max(0, min(end, boundary) - start)
        right += max(0, end - max(start, boundary))
    return holds and left >= min_anchor and right >= min_anchor


def wild_type_reads(bam, chrom: str, pos: int, direction: int, settings: CountSettings):
    """Alignments crossing a breakpoint in the unfused configuration (one region query).

    `pos` is the 1-based last retained base; `direction` +1 when the retained
    part lies at and below it.
    """
    retained = pos - 1
    boundary = pos if direction == 1 else pos - 1
    if chrom not in bam.references:
        return
    for read in bam.fetch(chrom, max(0, retained - 1), retained + 1):
        if read.flag & SKIP_FLAGS or read.mapping_quality < settings.min_mapq:
            continue
        if crosses(read.get_blocks(), retained, boundary, settings.min_anchor):
            yield read


def wild_type_fragments(bam, chrom: str, pos: int, direction: int, settings: CountSettings) -> int:
    """Fragments crossing a breakpoint unfused; PCR copies count once (common/fragments.py)."""
    return wild_type_counts(bam, chrom, pos, direction, settings)[0]


def wild_type_counts(bam, chrom: str, pos: int, direction: int, settings: CountSettings,
                     max_edit_distance: int | None = None) -> tuple:  # fmt: skip
    """(fragments, molecules) crossing a breakpoint unfused, from one region query.

    Molecules (UMI families) only with a `max_edit_distance` (targeted runs), else None.
    """
    if chrom not in bam.references:
        return 0, (None if max_edit_distance is None else 0)
    reads = list(wild_type_reads(bam, chrom, pos, direction, settings))
    index = FragmentIndex(bam, chrom, pos - 1, pos, names={read.query_name for read in reads})
    fragments = len({index.key(read) for read in reads})
    if max_edit_distance is None:
        return fragments, None
    return fragments, count_molecules(fragment_umis(read.query_name for read in reads), max_edit_distance)


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
        aligned = np.array([split_mate_aligned(c) for c in junctions.cigars], dtype=np.int64)
        anchor = np.minimum(aligned[records["cigar1"].to_numpy()], aligned[records["cigar2"].to_numpy()])
        records = records[(records["junction_type"].to_numpy() >= 0) & (anchor >= min_anchor)]
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


@dataclass
class Targeted:
    """A targeted panel run: UMIs in the read names, the genes whose side the panel primes."""

    primed_genes: set
    max_edit_distance: int = 1


def measure_targeted(bam, breakpoint5: str, breakpoint3: str, fusion_reads: int, umis: list, side: str,
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
    junction = count_molecules(umis, targeted.max_edit_distance)
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
    molecules = JunctionMolecules(junction_path, settings.min_anchor) if targeted else None
    rows = []
    with pysam.AlignmentFile(bam_path) as bam:
        for record in table.to_dict("records"):
            bp5, bp3 = record["breakpoint5"], record["breakpoint3"]
            if targeted:
                primed = primed_gene(record["gene5"], record["gene3"], targeted.primed_genes)
                side = "3" if primed is not None and primed == record["gene3"] else "5"
                row = measure_targeted(bam, bp5, bp3, counter.count(bp5, bp3), molecules.umis(bp5, bp3), side,
                                       settings, targeted)  # fmt: skip
            else:
                row = measure(bam, bp5, bp3, counter.count(bp5, bp3), settings)
                row.update({"junction_molecules": ".", "wt_molecules5": ".", "wt_molecules3": ".",
                            "abundance_unit": "fragments", "abundance_side": "5"})  # fmt: skip
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
    from common.fusion_table import empty_table, merge_callers, read_table, write_table
    from common.input_verdict import input_failure, read_verdict

    failure = input_failure(read_verdict(snakemake.input.check))
    if failure:  # a call from the readable part of a broken input is no call
        logging.warning("input %s: no call is reported and no abundance measured", failure)
        table = empty_table()
        for column in ABUNDANCE_COLUMNS + MOLECULE_COLUMNS:
            table[column] = pd.Series(dtype=object)
        write_table(table, snakemake.output[0])
        return
    settings = CountSettings.from_config(snakemake.params.settings)
    tables = {
        caller: read_table(path) for caller, path in zip(snakemake.params.callers, snakemake.input.calls)
    }
    for caller, calls in tables.items():
        logging.info("%s: %d calls", caller, len(calls))
    table = merge_callers(tables)
    table = table if not table.empty else empty_table()
    targeted = targeted_settings(snakemake.params.assay, snakemake.input.get("panel"),
                                 snakemake.input.kinases, snakemake.params.umi)  # fmt: skip
    logging.info("measuring abundance of %d merged calls in %s", len(table), snakemake.input.bam)
    if len(table):
        table = add_abundance(table, snakemake.input.bam, snakemake.input.junctions, settings, targeted)
    if targeted and len(table):
        records = apply_panel(table.to_dict("records"), targeted.primed_genes, snakemake.params.min_molecules)
        table = pd.DataFrame(records, columns=table.columns)
        for r in records:
            logging.info("%s: %s junction molecules, pass %s %s", r["fusion"], r["junction_molecules"], r["pass"],
                         r["filters"])  # fmt: skip
    for column in ABUNDANCE_COLUMNS + MOLECULE_COLUMNS:
        if column not in table:
            table[column] = pd.Series(dtype=object)
    write_table(format_abundance(table), snakemake.output[0])


def targeted_settings(assay: str, panel: str | None, kinases_yaml: str, umi: dict) -> Targeted | None:
    """The primed genes of a targeted run: the panel's, else every whitelisted kinase; None otherwise."""
    if assay != "targeted":
        return None
    if panel:
        genes = primed_genes(read_panel(panel))
        logging.info("targeted assay: panel %s primes %s", panel, ", ".join(sorted(genes)))
    else:
        from common.yamlio import load_yaml

        genes = set(load_yaml(kinases_yaml)["genes"])
        logging.info("targeted assay without a panel file: every whitelisted kinase counts as primed")
    return Targeted(genes, umi.get("max_edit_distance", 1))
