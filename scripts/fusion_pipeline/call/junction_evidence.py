"""Junction-sequence evidence: reads across a fusion junction that STAR did not report as chimeric (issue 27).

STAR reports a chimeric alignment only when both segments are long enough
(`--chimSegmentMin 10`) and score well; a read that crosses the junction near
one of its ends is soft-clipped instead, and at the Poisson limit those reads
are the difference between one fragment and three (benchmarks/dilution.py:
on the GRCh38 minigenome at 1-2 %, 8 fusion reads soft-clipped at the junction
against 19 in Chimeric.out.junction).

For each junction the fusion transcript is built around it: the 5'
transcript's last `flank` bases up to the breakpoint and the 3' transcript's
first `flank` bases from it, spliced. The reads near either breakpoint that
are soft-clipped or unmapped (placed there beside their mate) are laid on it
without gaps, in both orientations. A read counts when it

- crosses the junction with at least `min_overhang` bases on each side,
- has at most `max_mismatches` mismatches there, and
- reads worse on each partner's own transcript (the 5' gene continuing, the
  3' gene's preceding bases) than on the fusion: homology is no evidence.

A fragment already in Chimeric.out.junction is never counted again (its split
reads and pairs are the caller's own evidence), both mates of one fragment
count once, and PCR copies (same placement of both mates), duplicate-flagged,
secondary, supplementary and QC-failed alignments are not counted.

Junctions: every candidate whose two breakpoints lie in exons, and every
known kinase fusion of the whitelist at its usual exons (`typical_exons` of
kinases.yaml for the kinase, each exon boundary of the partner's transcript),
gene pairs from the known-fusions list, with the reads at the kinase's exon
boundary (where the whitelist fixes the junction; the partner's every exon
boundary would cost a region query each).
"""

from dataclasses import dataclass

import pandas as pd
import pysam

from fusion_pipeline.call.known_pairs import known_gene_pairs, numbering_transcript
from fusion_pipeline.common.annotation import breakpoint_junctions
from fusion_pipeline.common.errors import InputError
from fusion_pipeline.common.fusion_table import side_direction
from fusion_pipeline.common.junction_sequence import (
    JunctionSequence,
    TranscriptSequences,
    clipped_at_breakend,
    junction_sequence,
    place_either_way,
)


@dataclass(frozen=True)
class Evidence:
    fragments: int = 0  # fragments with a read across the junction, PCR copies once
    anchor: int = 0  # the longest shorter side among the counted fragments' reads


class JunctionReads:
    """Counts junction-sequence fragments per junction from one BAM."""

    def __init__(self, bam_path: str, fasta, chimeric_names: set, params):
        self.bam = pysam.AlignmentFile(bam_path)
        if not self.bam.has_index():
            raise InputError(f"{bam_path}: no index (.bai); junction-sequence reads need region queries")
        self.contigs = set(self.bam.references)
        self.sequences = TranscriptSequences(fasta)
        self.excluded = chimeric_names
        self.params = params
        # the clip may be shorter than the overhang by the bases both partners share at the junction
        self.min_clip = max(1, params.junction_min_overhang // 2)

    def close(self) -> None:
        self.bam.close()

    def reads_at(self, sites: list) -> list:
        """(name, placement of both mates, sequence) of the reads at `sites` [(chrom, pos, direction)] that
        STAR did not report as chimeric."""
        reads, names = [], set()
        for chrom, pos, direction in sites:
            if chrom not in self.contigs:
                continue
            for read in clipped_at_breakend(self.bam, chrom, pos, direction, self.params.junction_slack,
                                         self.min_clip):  # fmt: skip
                key = (read.query_name, read.is_read1)
                if read.query_name in self.excluded or key in names or not read.query_sequence:
                    continue
                names.add(key)
                placement = (
                    read.reference_id,
                    read.reference_start,
                    read.is_reverse,
                    read.next_reference_start,
                )
                reads.append((read.query_name, placement, read.query_sequence))
        return reads

    def evidence(self, junction: JunctionSequence, reads: list) -> Evidence:
        kmers = junction.kmers()
        seen, placements, anchor = set(), set(), 0
        for name, placement, sequence in reads:
            if name in seen:
                continue
            laid = place_either_way(sequence, junction, kmers, self.params.junction_min_overhang,
                                    self.params.junction_max_mismatches)  # fmt: skip
            if laid is None:
                continue
            seen.add(name)
            if placement not in placements:  # PCR copies: the same placement of both mates
                placements.add(placement)
                anchor = max(anchor, min(laid[1]))
        return Evidence(len(placements), anchor)

    def of_candidates(self, table: pd.DataFrame, annotation) -> list:
        """Evidence of each candidate row (an empty one where a breakpoint is not in its transcript's exons)."""
        out = []
        columns = ["transcript5", "transcript3", "chr5", "pos5", "dir5", "chr3", "pos3", "dir3"]
        for row in table[columns].to_dict("records"):
            junction = candidate_junction(row, annotation, self.sequences, self.params.junction_flank)
            sites = [(row["chr5"], row["pos5"], row["dir5"]), (row["chr3"], row["pos3"], row["dir3"])]
            out.append(Evidence() if junction is None else self.evidence(junction, self.reads_at(sites)))
        return out

    def of_known(self, junctions: list) -> list:
        """Cluster-like rows (the caller's candidate input) of the known junctions with evidence.

        The reads are those at the kinase's exon boundary, where the whitelist fixes the junction: the
        partner's every exon boundary would be read for each pair, at a cost that grows with its depth."""
        rows, at_site = [], {}
        unique = {(j[0].transcript_id, j[1], j[2].transcript_id, j[3]): j for j in junctions}.values()
        for tx5, pos5, tx3, pos3, kinase_side in unique:  # a pair listed twice is one junction
            site = (tx3.chrom, pos3, side_direction("3", tx3.strand)) if kinase_side == "3" else (
                tx5.chrom, pos5, side_direction("5", tx5.strand))  # fmt: skip
            if site not in at_site:
                at_site[site] = self.reads_at([site])
            if not at_site[site]:
                continue
            junction = junction_sequence(self.sequences, tx5, pos5, tx3, pos3, self.params.junction_flank)
            if junction is None or not self.evidence(junction, at_site[site]).fragments:
                continue
            rows.append({"chr1": tx5.chrom, "pos1": pos5, "dir1": side_direction("5", tx5.strand),
                         "chr2": tx3.chrom, "pos2": pos3, "dir2": side_direction("3", tx3.strand),
                         "junction_reads": 0, "duplicates": 0, "motif": 0, "homology": 0, "min_anchor_best": None})  # fmt: skip
        return rows


def candidate_junction(row: dict, annotation, sequences, flank: int):
    """The junction sequence of a candidate row (breakpoints in exons of its transcripts, read the way the
    candidate is oriented), or None."""
    tx5, tx3 = annotation.transcript(row["transcript5"]), annotation.transcript(row["transcript3"])
    if tx5 is None or tx3 is None:
        return None
    if side_direction("5", tx5.strand) != row["dir5"] or side_direction("3", tx3.strand) != row["dir3"]:
        return None  # a transcript on the other strand: its sequence is not what this junction's reads read
    return junction_sequence(sequences, tx5, int(row["pos5"]), tx3, int(row["pos3"]), flank)


def known_kinase_junctions(annotation, kinases: dict, known: list) -> list:
    """(tx5, pos5, tx3, pos3, the kinase's side '5' or '3') of the whitelist's kinases fused to their known partners at the
    kinase's typical exons and every exon boundary of the partner."""
    junctions = []
    genes = (kinases or {}).get("genes", {})
    for five, three in known_gene_pairs(known, annotation):
        for kinase, partner, role in ((three, five, "3prime"), (five, three, "5prime")):
            entry = genes.get(kinase.name)
            if entry is None or entry["actionable_role"] != role:
                continue
            tx_k, tx_p = numbering_transcript(annotation, kinase), numbering_transcript(annotation, partner)
            if tx_k is None or tx_p is None:
                continue
            for _, pos_k, _ in breakpoint_junctions(tx_k, entry.get("typical_exons") or [], role):
                if role == "3prime":  # the partner's exon ends before the kinase exon's start
                    junctions += [
                        (tx_p, tx_p.last_base(i), tx_k, pos_k, "3") for i in range(len(tx_p.exons) - 1)
                    ]
                else:
                    junctions += [
                        (tx_k, pos_k, tx_p, tx_p.first_base(i), "5") for i in range(1, len(tx_p.exons))
                    ]
    return junctions
