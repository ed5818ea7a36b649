"""The built-in fusion caller on STAR's Chimeric.out.junction (plus SJ.out.tab).

Pipeline: parse -> normalise both strands -> cluster split reads (PCR
duplicates removed by fragment ends) -> assign spanning pairs -> annotate
genes/exons and orient 5'->3' (known pairs seen in discordant pairs only are
added with an inferred breakpoint, call/known_pairs.py) -> reads across each
junction that STAR left soft-clipped (`junction_sequence_reads`, and known
kinase junctions seen only so, call/junction_evidence.py) -> the filters of
call/filters.py, in their registry's order. Read-throughs of adjacent same-strand genes are ordinary
spliced alignments for STAR, so SJ.out.tab junctions that join two different
genes are added as candidates too (they carry no spanning pairs).
"""

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from fusion_pipeline.call.background import Background
from fusion_pipeline.call.filters import FilterContext, apply_filters
from fusion_pipeline.call.flanks import five_prime_flanks, three_prime_flanks
from fusion_pipeline.call.junction_evidence import JunctionReads, known_kinase_junctions
from fusion_pipeline.call.known_pairs import known_pair_candidates, without_confirmed
from fusion_pipeline.common.annotation import annotate_side, side_score, strand_fits, transcript_strand
from fusion_pipeline.common.chimeric import (
    KEY,
    cigar_table,
    normalise_columns,
    orientation_codes,
    out_of_order,
    read_junctions,
    spanning_rows,
    split_mate_aligned,
    split_read_clusters,
    take,
    window_search,
)
from fusion_pipeline.common.fusion_table import fusion_name, fusion_type, same_breakpoints, sort_calls
from fusion_pipeline.common.settings import FromConfig


@dataclass
class CallerParams(FromConfig):
    min_support: int = 3  # junction reads + spanning pairs
    min_junction_reads: int = 1
    min_junction_reads_off_boundary: int = (
        3  # breakpoints off annotated exon boundaries need these split reads
    )
    off_boundary_min_spanning: int = 1  # ... and a spanning pair
    off_boundary_split_only: int = 10  # ... or this many split reads
    min_anchor: int = 25  # at least one split read with this much on both sides, or a spanning pair
    max_partners: int = 10  # a gene fused to more partners than this is promiscuous
    readthrough_distance: int = 100000
    vicinity_distance: int = 10000
    hairpin_distance: int = 1000
    min_microhomology: int = 4
    switch_min_background: int = 5  # template switching needs abundant templates: chimeric background events
    flank_length: int = 20
    homopolymer: int = 10
    homology_length: int = 30
    max_identity: float = 0.8
    max_evalue: float = 0.3
    evalue_exponent: float = 2.5
    known_min_support: int = 2
    merge_distance: int = 5
    spanning_window: int = 200000
    report_min_support: int = 2  # weaker clusters are not written at all
    junction_sequence: bool = (
        True  # count reads across each junction that STAR left soft-clipped (junction_evidence)
    )
    junction_min_overhang: int = 10
    junction_max_mismatches: int = 2
    junction_slack: int = 10  # reads this close to a breakpoint are looked at
    junction_flank: int = 250  # bases of each partner's transcript in a junction sequence


def assign_spanning(clusters: pd.DataFrame, spans: pd.DataFrame, window: int) -> pd.DataFrame:
    """Clusters with `spanning_pairs` and `inconsistent_pairs` added (see spanning_support)."""
    spanning, inconsistent = spanning_support(clusters, spans, window)
    return clusters.assign(spanning_pairs=spanning, inconsistent_pairs=inconsistent)


def spanning_support(clusters, spans, window: int) -> tuple[np.ndarray, np.ndarray]:
    """(spanning pairs, inconsistent pairs) of each cluster; both arguments DataFrames or columns.

    A spanning pair supports a breakpoint of the same orientation when both
    mates end on the retained sides within `window`; it goes to the
    best-supported such breakpoint. A pair near a breakpoint (both mates within
    `window`) but on a wrong side counts as inconsistent with the best one.
    Vectorised: candidate breakpoints per pair come from a sorted search on
    (orientation, pos1), so cost grows with pairs x nearby breakpoints.
    """
    n_clusters = len(np.asarray(clusters["pos1"]))
    spanning = np.zeros(n_clusters, dtype=np.int64)
    inconsistent = np.zeros(n_clusters, dtype=np.int64)
    n_spans = len(np.asarray(spans["pos1"]))
    if n_spans and n_clusters:
        group_c, group_s = orientation_codes(clusters, spans)
        pos1_c, pos2_c = np.asarray(clusters["pos1"]), np.asarray(clusters["pos2"])
        m1, m2 = np.asarray(spans["pos1"]), np.asarray(spans["pos2"])
        span_idx, cl_idx = window_search(group_c, pos1_c, group_s, m1 - window, m1 + window)
        near = np.abs(m2[span_idx] - pos2_c[cl_idx]) <= window  # only pairs near on both sides count
        span_idx, cl_idx = span_idx[near], cl_idx[near]
        d1 = np.asarray(clusters["dir1"])[cl_idx]
        d2 = np.asarray(clusters["dir2"])[cl_idx]
        bp1, bp2 = pos1_c[cl_idx], pos2_c[cl_idx]
        mate1, mate2 = m1[span_idx], m2[span_idx]
        side1 = np.where(d1 == 1, mate1 <= bp1, mate1 >= bp1)
        side2 = np.where(d2 == 1, mate2 <= bp2, mate2 >= bp2)
        ok = side1 & side2
        reads = np.asarray(clusters["junction_reads"])[cl_idx]
        supported = _best_per_span(span_idx[ok], cl_idx[ok], reads[ok])
        np.add.at(spanning, supported[1], 1)
        unassigned = np.ones(n_spans, dtype=bool)
        unassigned[supported[0]] = False
        wrong = unassigned[span_idx]
        contradicted = _best_per_span(span_idx[wrong], cl_idx[wrong], reads[wrong])
        np.add.at(inconsistent, contradicted[1], 1)
    return spanning, inconsistent


def _best_per_span(span_idx, cl_idx, reads) -> tuple[np.ndarray, np.ndarray]:
    """For each span, the candidate cluster with the most junction reads."""
    if not len(span_idx):
        return span_idx, cl_idx
    order = np.lexsort((-reads, span_idx))
    span_sorted = span_idx[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = span_sorted[1:] != span_sorted[:-1]
    return span_sorted[first], cl_idx[order][first]


def splice_junction_candidates(sj_path: str, annotation) -> pd.DataFrame:
    """SJ.out.tab junctions whose two ends lie in different genes (read-through class)."""
    sj = pd.read_csv(sj_path, sep="\t", header=None, usecols=[0, 1, 2, 5, 6], names=["chrom", "start", "end",
                     "annotated", "unique"], dtype={"chrom": str})  # fmt: skip
    sj = sj[(sj["annotated"] == 0) & (sj["unique"] > 0)]
    rows = []
    for rec in sj.itertuples(index=False):
        left, right = rec.start - 1, rec.end + 1  # last exonic base before, first after the intron
        genes_left = {g.gene_id for g in annotation.genes_at(rec.chrom, left)}
        genes_right = {g.gene_id for g in annotation.genes_at(rec.chrom, right)}
        if not genes_left or not genes_right or genes_left & genes_right:
            continue
        rows.append({"chr1": rec.chrom, "pos1": left, "dir1": 1, "chr2": rec.chrom, "pos2": right, "dir2": -1,
                     "junction_reads": int(rec.unique), "duplicates": 0, "motif": 1, "homology": 0,
                     "spanning_pairs": 0, "inconsistent_pairs": 0, "min_anchor_best": None})  # fmt: skip
    return pd.DataFrame(rows)


def best_anchors(records: dict, split: dict, cluster_ids, cigars: list) -> dict:
    """{cluster: longest 'shorter anchor' among its non-duplicate split reads}, for `cluster_ids`.

    `split` is split_read_clusters' (record rows, duplicate flags, cluster
    ids). Anchor lengths are worked out once per distinct CIGAR string used.
    """
    wanted = np.flatnonzero(np.isin(split["cluster"], cluster_ids) & ~split["duplicate"])
    if not len(wanted):
        return {}
    rows = split["rows"][wanted]
    cigar1, cigar2 = records["cigar1"][rows], records["cigar2"][rows]
    aligned = cigar_table(cigars, np.concatenate([cigar1, cigar2]), split_mate_aligned)
    anchors = np.minimum(aligned[cigar1], aligned[cigar2])
    return pd.Series(anchors).groupby(split["cluster"][wanted]).max().to_dict()


def orient_and_annotate(row, annotation) -> dict:
    """Choose which breakend is the 5' partner; annotate both sides."""
    s1 = (row["chr1"], int(row["pos1"]), int(row["dir1"]))
    s2 = (row["chr2"], int(row["pos2"]), int(row["dir2"]))
    options = []
    for five, three, motif_sign in ((s1, s2, 1), (s2, s1, -1)):
        a5 = annotate_side(annotation, five[0], five[1], "5", five[2])
        a3 = annotate_side(annotation, three[0], three[1], "3", three[2])
        score = side_score(a5, "5", five[2]) + side_score(a3, "3", three[2])
        options.append((score, motif_sign * np.sign(row["motif"]), motif_sign, five, three, a5, a3))
    options.sort(key=lambda o: (o[0], o[1], o[2]), reverse=True)
    _, _, _, five, three, a5, a3 = options[0]
    return {"five": five, "three": three, "a5": a5, "a3": a3}


def snap_to_exon_boundaries(o: dict, homology: int, annotation, fasta) -> dict:
    """Move a junction within its homology window onto annotated exon boundaries.

    When the sequence at the junction is shared by both sides, a read fits the
    junction anywhere in that window; STAR reports one end of it. If shifting
    both breakends by t bases (checked base by base on the reference) puts
    more of them on exon boundaries, the call takes that placement, the one
    the transcript really has.
    """

    def boundaries(a5, a3):
        return (a5.site == "exon_boundary") + (a3.site == "exon_boundary")

    best, best_score = o, boundaries(o["a5"], o["a3"])
    if fasta is None or homology <= 0 or best_score == 2:
        return o
    (c5, p5, d5), (c3, p3, d3) = o["five"], o["three"]
    for t in sorted(range(-homology, homology + 1), key=abs):
        if t == 0 or not _shift_keeps_sequence(fasta, o, t):
            continue
        five, three = (c5, p5 - d5 * t, d5), (c3, p3 + d3 * t, d3)
        a5 = annotate_side(annotation, five[0], five[1], "5", five[2])
        a3 = annotate_side(annotation, three[0], three[1], "3", three[2])
        if boundaries(a5, a3) > best_score:
            best, best_score = {"five": five, "three": three, "a5": a5, "a3": a3}, boundaries(a5, a3)
    return best


def _shift_keeps_sequence(fasta, o: dict, t: int) -> bool:
    """Moving the junction t bases earlier (t < 0: later) in the read leaves the read's sequence unchanged."""
    (c5, p5, d5), (c3, p3, d3) = o["five"], o["three"]
    retained5, continuation5 = five_prime_flanks(fasta, c5, p5, d5, abs(t))
    retained3, preceding3 = three_prime_flanks(fasta, c3, p3, d3, abs(t))
    if t > 0:  # the 5' side's last t bases must be the bases before the 3' breakpoint
        return len(retained5) == t and retained5 == preceding3
    return len(continuation5) == -t and continuation5 == retained3


def _breakpoint(side, ann, role) -> str:
    chrom, pos, direction = side
    fits = ann.gene != "." and strand_fits(ann.strand, role, direction)
    return f"{chrom}:{pos}:{ann.strand if fits else transcript_strand(role, direction)}"


CALL_COLUMNS = [
    "fusion", "gene5", "gene3", "breakpoint5", "breakpoint3", "exon5", "exon3", "junction_reads", "spanning_pairs",
    "callers", "filters", "pass", "transcript5", "transcript3", "gene_id5", "gene_id3", "site5", "site3", "type",
    "duplicates", "large_anchor", "inconsistent_pairs", "support_by_caller", "homology", "background_events",
    "evalue", "junction_sequence_reads",
]  # fmt: skip


def candidate_table(clusters: pd.DataFrame, anchors: dict, annotation, params: CallerParams,
                    fasta=None) -> pd.DataFrame:  # fmt: skip
    """One row per candidate breakpoint pair: orientation, annotation and the evidence the filters read."""
    rows = []
    for row in clusters.to_dict("records"):
        o = snap_to_exon_boundaries(orient_and_annotate(row, annotation), int(row.get("homology") or 0),
                                    annotation, fasta)  # fmt: skip
        five, three, a5, a3 = o["five"], o["three"], o["a5"], o["a3"]
        bp5, bp3 = _breakpoint(five, a5, "5"), _breakpoint(three, a3, "3")
        junction, spanning = int(row["junction_reads"]), int(row["spanning_pairs"])
        anchor = anchors.get(row.get("cluster"), row.get("min_anchor_best"))
        kind = fusion_type(five[0], five[1], five[2], three[0], three[1], three[2])
        rows.append({
            "fusion": fusion_name(a5.gene, a3.gene, bp5, bp3),
            "gene5": a5.gene, "gene3": a3.gene, "breakpoint5": bp5, "breakpoint3": bp3,
            "exon5": a5.exon, "exon3": a3.exon, "junction_reads": junction, "spanning_pairs": spanning,
            "callers": "builtin", "transcript5": a5.transcript, "transcript3": a3.transcript,
            "gene_id5": a5.gene_id, "gene_id3": a3.gene_id, "site5": a5.site, "site3": a3.site,
            "type": kind, "duplicates": int(row["duplicates"]),
            "large_anchor": "yes" if (anchor is None or anchor >= params.min_anchor) else "no",
            "inconsistent_pairs": int(row["inconsistent_pairs"]),
            "support_by_caller": f"builtin:{junction}/{spanning}", "homology": int(row.get("homology") or 0),
            "chr5": five[0], "pos5": int(five[1]), "dir5": int(five[2]),
            "chr3": three[0], "pos3": int(three[1]), "dir3": int(three[2]),
            "strand5": bp5.rsplit(":", 1)[1], "strand3": bp3.rsplit(":", 1)[1],
            "anchor": anchor if anchor is not None else np.nan, "motif": int(np.sign(row["motif"])),
        })  # fmt: skip
    table = pd.DataFrame(rows)
    if not table.empty:  # same-strand neighbours joined like a deletion are named read-throughs
        neighbours = (
            (table["gene5"] != ".") & (table["gene3"] != ".") & (table["gene_id5"] != table["gene_id3"])
        )
        close = (table["pos5"] - table["pos3"]).abs() <= params.readthrough_distance
        same = (table["strand5"] == table["strand3"]) & (table["chr5"] == table["chr3"])
        table.loc[(table["type"] == "deletion") & neighbours & close & same, "type"] = "read-through"
    return table


def with_junction_sequence_reads(table: pd.DataFrame, evidence: list, min_anchor: int) -> pd.DataFrame:
    """`junction_sequence_reads` of each candidate; its reads' anchors count like split reads' anchors."""
    table = table.assign(junction_sequence_reads=[e.fragments for e in evidence])
    theirs = np.array([e.anchor if e.fragments else np.nan for e in evidence], dtype=float)
    ours = pd.to_numeric(table["anchor"], errors="coerce").to_numpy(dtype=float)
    anchor = np.fmax(ours, theirs)
    table["anchor"] = anchor
    table["large_anchor"] = np.where(np.isnan(anchor) | (anchor >= min_anchor), "yes", "no")
    return table


def _has_candidate(table: pd.DataFrame, row: dict, near: int) -> bool:
    """Whether a candidate of `table` has the row's breakpoints (each within `near` bases)."""
    return any(same_breakpoints(row["breakpoint5"], row["breakpoint3"], b5, b3, near)
               for b5, b3 in zip(table.get("breakpoint5", []), table.get("breakpoint3", [])))  # fmt: skip


def known_junction_clusters(reads, known_junctions: list, chroms: list, spans: dict,
                            params: CallerParams) -> pd.DataFrame:  # fmt: skip
    """Cluster-like rows of known kinase junctions with junction-sequence reads, with the spanning pairs
    that support them."""
    found = pd.DataFrame(reads.of_known(known_junctions))
    if found.empty:
        return found
    codes = {name: i for i, name in enumerate(chroms)}
    coded = found.assign(chr1=found["chr1"].map(codes).fillna(-1).astype(int),
                         chr2=found["chr2"].map(codes).fillna(-1).astype(int))  # fmt: skip
    # breakends in the records' order (common/chimeric.normalise_columns) for the spans to find them
    swap = out_of_order(coded["chr1"], coded["pos1"], coded["chr2"], coded["pos2"])
    for column in ("chr", "pos", "dir"):
        first, second = coded[f"{column}1"].copy(), coded[f"{column}2"].copy()
        coded[f"{column}1"], coded[f"{column}2"] = first.where(~swap, second), second.where(~swap, first)
    spanning, inconsistent = spanning_support(coded, spans, params.spanning_window)
    return found.assign(spanning_pairs=spanning, inconsistent_pairs=inconsistent)


def call_fusions(junction_path: str, annotation, params: CallerParams, sj_path: str | None = None,
                 context: FilterContext | None = None, enabled: dict | None = None,
                 gene_reads: dict | None = None, bam_path: str | None = None,
                 kinases: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """(calls, filter counts) of one sample; `context` brings the reference sequence and the user's lists,
    `bam_path` the reads STAR did not report as chimeric (junction_sequence_reads; none without it)."""
    evidence_on = bool(
        bam_path and params.junction_sequence and context is not None and context.fasta is not None
    )
    junctions = read_junctions(junction_path, read_names=evidence_on)
    logging.info("%s: %d chimeric records", junction_path, len(junctions))
    records = normalise_columns(junctions)
    chroms, cigars = junctions.chroms, junctions.cigars
    chimeric_names = set(junctions.columns["read_name"]) if evidence_on else set()
    del junctions  # the columns as read are not needed again: free them before clustering
    clusters, split = split_read_clusters(records, params.merge_distance, cigars)
    context = context or FilterContext(params, annotation)
    context.params, context.annotation = params, annotation
    context.background = Background.from_clusters(clusters, chroms, gene_reads)
    spans = take(records, spanning_rows(records, cigars), KEY)
    spanning, inconsistent = spanning_support(clusters, spans, params.spanning_window)
    support = clusters["junction_reads"] + spanning
    reported = np.flatnonzero(support >= params.report_min_support)
    logging.info(
        "%d split-read clusters, %d with support >= %d",
        len(support),
        len(reported),
        params.report_min_support,
    )
    anchors = best_anchors(records, split, clusters["cluster"][reported], cigars)
    clusters = pd.DataFrame(take(clusters, reported), index=reported).assign(
        spanning_pairs=spanning[reported], inconsistent_pairs=inconsistent[reported]
    )
    names = np.array(chroms, dtype=object)
    for side in ("1", "2"):
        clusters[f"chr{side}"] = names[clusters[f"chr{side}"].to_numpy()] if len(clusters) else []
    if sj_path:
        extra = splice_junction_candidates(sj_path, annotation)
        if not extra.empty:
            extra = extra[extra["junction_reads"] >= params.report_min_support]
            clusters = pd.concat([clusters, extra], ignore_index=True)
    known_only = known_pair_candidates(
        spans, chroms, annotation, context.known_fusions, params.known_min_support
    )
    if not known_only.empty:
        logging.info("%d known pairs seen in discordant pairs only", len(known_only))
        clusters = pd.concat([clusters, known_only], ignore_index=True)
    reads = JunctionReads(bam_path, context.fasta, chimeric_names, params) if evidence_on else None
    try:
        table = candidate_table(clusters, anchors, annotation, params, context.fasta)
        if reads is not None:
            known_junctions = known_kinase_junctions(annotation, kinases, context.known_fusions)
            found = known_junction_clusters(reads, known_junctions, chroms, spans, params)
            found = (
                candidate_table(found, {}, annotation, params, context.fasta) if not found.empty else found
            )
            found = found[
                [not _has_candidate(table, r, params.merge_distance) for r in found.to_dict("records")]
            ]
            if not found.empty:
                logging.info("%d known kinase junctions seen in junction-sequence reads only", len(found))
                table = pd.concat([table, found], ignore_index=True)
        if reads is not None and not table.empty:
            table = with_junction_sequence_reads(
                table, reads.of_candidates(table, annotation), params.min_anchor
            )
    finally:
        if reads is not None:
            reads.close()
    if "junction_sequence_reads" not in table:
        table = table.assign(junction_sequence_reads=0)
    table = without_confirmed(table)
    table, counts = apply_filters(table, context, enabled)
    if table.empty:
        return table, counts
    logging.info("%d calls, %d passing filters", len(table), int((table["pass"] == "yes").sum()))
    return sort_calls(table[CALL_COLUMNS]), counts


def main(snakemake) -> None:
    import pysam

    from fusion_pipeline.call.region_lists import read_region_list
    from fusion_pipeline.common.clinical_annotation import load_annotation
    from fusion_pipeline.common.fusion_table import empty_table, write_table
    from fusion_pipeline.common.knowledge_base import load_kinases
    from fusion_pipeline.common.rulelog import atomic_write
    from fusion_pipeline.common.star_outputs import read_gene_counts

    settings = dict(snakemake.params.settings)
    enabled = settings.pop("filters", None) or {}
    lists = {key: settings.pop(key, None) for key in ("blacklist", "known_fusions")}
    params = CallerParams.from_config(settings)
    annotation = load_annotation(snakemake.input.gtf, snakemake.input.kb_check)
    blacklist = read_region_list(lists["blacklist"], allow_keywords=True) if lists["blacklist"] else []
    known = read_region_list(lists["known_fusions"], allow_keywords=False) if lists["known_fusions"] else []
    with pysam.FastaFile(snakemake.input.fasta, filepath_index=snakemake.input.fai) as fasta:
        context = FilterContext(params, annotation, fasta, blacklist=blacklist, known_fusions=known)
        table, counts = call_fusions(snakemake.input.junctions, annotation, params,
                                     snakemake.input.get("splice_junctions"), context, enabled,
                                     read_gene_counts(snakemake.input.gene_counts), snakemake.input.bam,
                                     load_kinases(snakemake.input.kinases))  # fmt: skip
    write_table(table if not table.empty else empty_table(), snakemake.output.calls)
    with atomic_write(snakemake.output.filter_counts) as out:
        counts.to_csv(out, sep="\t", index=False)
