"""The built-in fusion caller on STAR's Chimeric.out.junction (plus SJ.out.tab).

Pipeline: parse -> normalise both strands -> cluster split reads (PCR
duplicates removed) -> assign spanning pairs -> annotate genes/exons and
orient 5'->3' -> filters. Read-throughs of adjacent same-strand genes are
ordinary spliced alignments for STAR, so SJ.out.tab junctions that join two
different genes are added as candidates too (they carry no spanning pairs).
"""

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from call.chimeric import (
    cluster_split_reads,
    normalise,
    orientation_codes,
    read_junctions,
    spanning_records,
    split_mate_aligned,
    window_search,
)
from common.annotation import annotate_side, side_score, strand_fits, transcript_strand
from common.fusion_table import fusion_name, fusion_type, sort_calls
from common.settings import FromConfig

REMOVING_FILTERS = (
    "min_support",
    "read_through",
    "same_gene",
    "low_anchor",
    "mate_inconsistent",
    "promiscuous",
)


@dataclass
class CallerParams(FromConfig):
    min_support: int = 3  # junction reads + spanning pairs
    min_junction_reads: int = 1
    min_junction_reads_off_boundary: int = 3  # breakpoints off annotated exon boundaries
    min_anchor: int = 25  # at least one split read with this much on both sides, or a spanning pair
    max_partners: int = 10  # a gene fused to more partners than this is promiscuous
    readthrough_distance: int = 100000
    merge_distance: int = 5
    spanning_window: int = 200000
    report_min_support: int = 2  # weaker clusters are not written at all


def assign_spanning(clusters: pd.DataFrame, spans: pd.DataFrame, window: int) -> pd.DataFrame:
    """Add `spanning_pairs` and `inconsistent_pairs` to clusters.

    A spanning pair supports a breakpoint of the same orientation when both
    mates end on the retained sides within `window`; it goes to the
    best-supported such breakpoint. A pair near a breakpoint (both mates within
    `window`) but on a wrong side counts as inconsistent with the best one.
    Vectorised: candidate breakpoints per pair come from a sorted search on
    (orientation, pos1), so cost grows with pairs x nearby breakpoints.
    """
    clusters = clusters.copy()
    n_clusters = len(clusters)
    spanning = np.zeros(n_clusters, dtype=np.int64)
    inconsistent = np.zeros(n_clusters, dtype=np.int64)
    if len(spans) and n_clusters:
        group_c, group_s = orientation_codes(clusters, spans)
        pos1_c, pos2_c = clusters["pos1"].to_numpy(), clusters["pos2"].to_numpy()
        m1, m2 = spans["pos1"].to_numpy(), spans["pos2"].to_numpy()
        span_idx, cl_idx = window_search(group_c, pos1_c, group_s, m1 - window, m1 + window)
        d1 = clusters["dir1"].to_numpy()[cl_idx]
        d2 = clusters["dir2"].to_numpy()[cl_idx]
        bp1, bp2 = pos1_c[cl_idx], pos2_c[cl_idx]
        mate1, mate2 = m1[span_idx], m2[span_idx]
        near = np.abs(mate2 - bp2) <= window
        side1 = np.where(d1 == 1, mate1 <= bp1, mate1 >= bp1)
        side2 = np.where(d2 == 1, mate2 <= bp2, mate2 >= bp2)
        ok = near & side1 & side2
        reads = clusters["junction_reads"].to_numpy()[cl_idx]
        supported = _best_per_span(span_idx[ok], cl_idx[ok], reads[ok])
        np.add.at(spanning, supported[1], 1)
        unassigned = np.ones(len(spans), dtype=bool)
        unassigned[supported[0]] = False
        wrong = near & unassigned[span_idx]
        contradicted = _best_per_span(span_idx[wrong], cl_idx[wrong], reads[wrong])
        np.add.at(inconsistent, contradicted[1], 1)
    clusters["spanning_pairs"] = spanning
    clusters["inconsistent_pairs"] = inconsistent
    return clusters


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
                     "junction_reads": int(rec.unique), "duplicates": 0, "motif": 0, "spanning_pairs": 0,
                     "inconsistent_pairs": 0, "min_anchor_best": None})  # fmt: skip
    return pd.DataFrame(rows)


def best_anchors(split: pd.DataFrame, cluster_ids, cigars: list) -> dict:
    """{cluster: longest 'shorter anchor' among its non-duplicate split reads}.

    Anchor lengths are worked out once per distinct CIGAR string.
    """
    wanted = split[split["cluster"].isin(cluster_ids).to_numpy() & ~split["duplicate"].to_numpy()]
    if wanted.empty:
        return {}
    aligned = np.array([split_mate_aligned(cigar) for cigar in cigars], dtype=np.int64)
    anchors = np.minimum(aligned[wanted["cigar1"].to_numpy()], aligned[wanted["cigar2"].to_numpy()])
    return pd.Series(anchors).groupby(wanted["cluster"].to_numpy()).max().to_dict()


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


def _breakpoint(side, ann, role) -> str:
    chrom, pos, direction = side
    fits = ann.gene != "." and strand_fits(ann.strand, role, direction)
    return f"{chrom}:{pos}:{ann.strand if fits else transcript_strand(role, direction)}"


def build_calls(clusters: pd.DataFrame, anchors: dict, annotation, params: CallerParams) -> pd.DataFrame:
    rows = []
    for row in clusters.to_dict("records"):
        o = orient_and_annotate(row, annotation)
        five, three, a5, a3 = o["five"], o["three"], o["a5"], o["a3"]
        bp5, bp3 = _breakpoint(five, a5, "5"), _breakpoint(three, a3, "3")
        junction, spanning = int(row["junction_reads"]), int(row["spanning_pairs"])
        anchor = anchors.get(row.get("cluster"), row.get("min_anchor_best"))
        kind = fusion_type(five[0], five[1], five[2], three[0], three[1], three[2])
        filters = []
        if junction < params.min_junction_reads or junction + spanning < params.min_support:
            filters.append("min_support")
        if a5.site != "exon_boundary" or a3.site != "exon_boundary":
            filters.append("non_exon_boundary")
            if junction < params.min_junction_reads_off_boundary and "min_support" not in filters:
                filters.append("min_support")
        if a5.gene != "." and a5.gene_id == a3.gene_id:
            filters.append("same_gene")
        elif (
            kind == "deletion"
            and a5.gene != "."
            and a3.gene != "."
            and a5.strand == a3.strand
            and abs(five[1] - three[1]) <= params.readthrough_distance
        ):
            filters.append("read_through")
            kind = "read-through"
        if anchor is not None and anchor < params.min_anchor and spanning == 0:
            filters.append("low_anchor")
        if row["inconsistent_pairs"] >= 2 and row["inconsistent_pairs"] > junction + spanning:
            filters.append("mate_inconsistent")
        if row["duplicates"]:
            filters.append(f"duplicates({int(row['duplicates'])})")
        rows.append({
            "fusion": fusion_name(a5.gene, a3.gene, bp5, bp3),
            "gene5": a5.gene, "gene3": a3.gene, "breakpoint5": bp5, "breakpoint3": bp3,
            "exon5": a5.exon, "exon3": a3.exon, "junction_reads": junction, "spanning_pairs": spanning,
            "callers": "builtin", "filters": ",".join(filters) or ".",
            "transcript5": a5.transcript, "transcript3": a3.transcript,
            "gene_id5": a5.gene_id, "gene_id3": a3.gene_id, "site5": a5.site, "site3": a3.site,
            "type": kind, "duplicates": int(row["duplicates"]),
            "large_anchor": "yes" if (anchor is None or anchor >= params.min_anchor) else "no",
            "inconsistent_pairs": int(row["inconsistent_pairs"]),
            "support_by_caller": f"builtin:{junction}/{spanning}",
        })  # fmt: skip
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    table = flag_promiscuous(table, params.max_partners)
    table["pass"] = [
        "no" if any(f.split("(")[0] in REMOVING_FILTERS for f in filters.split(",")) else "yes"
        for filters in table["filters"]
    ]
    return sort_calls(table)


def flag_promiscuous(table: pd.DataFrame, max_partners: int) -> pd.DataFrame:
    """Calls of a gene with more than `max_partners` partners, except its best one."""
    table = table.copy()
    support = table["junction_reads"] + table["spanning_pairs"]
    named = table[(table["gene5"] != ".") & (table["gene3"] != ".")]
    partners: dict = {}
    for g5, g3 in zip(named["gene5"], named["gene3"]):
        partners.setdefault(g5, set()).add(g3)
        partners.setdefault(g3, set()).add(g5)
    for gene, others in partners.items():
        if len(others) <= max_partners:
            continue
        rows = table.index[(table["gene5"] == gene) | (table["gene3"] == gene)]
        best = support.loc[rows].idxmax()
        for index in rows:
            if index != best:
                current = table.at[index, "filters"]
                table.at[index, "filters"] = "promiscuous" if current == "." else f"{current},promiscuous"
    return table


def call_fusions(
    junction_path: str, annotation, params: CallerParams, sj_path: str | None = None
) -> pd.DataFrame:
    junctions = read_junctions(junction_path)
    records = normalise(junctions)
    logging.info("%s: %d chimeric records", junction_path, len(records))
    clusters, split = cluster_split_reads(records, params.merge_distance)
    clusters = assign_spanning(clusters, spanning_records(records), params.spanning_window)
    support = clusters["junction_reads"] + clusters["spanning_pairs"]
    clusters = clusters[(support >= params.report_min_support).to_numpy()].copy()
    logging.info(
        "%d split-read clusters, %d with support >= %d",
        len(support),
        len(clusters),
        params.report_min_support,
    )
    anchors = best_anchors(split, set(clusters["cluster"]), junctions.cigars)
    names = np.array(junctions.chroms, dtype=object)
    for side in ("1", "2"):
        clusters[f"chr{side}"] = names[clusters[f"chr{side}"].to_numpy()] if len(clusters) else []
    if sj_path:
        extra = splice_junction_candidates(sj_path, annotation)
        if not extra.empty:
            extra = extra[extra["junction_reads"] >= params.report_min_support]
            clusters = pd.concat([clusters, extra], ignore_index=True)
    table = build_calls(clusters, anchors, annotation, params)
    passing = int((table["pass"] == "yes").sum()) if len(table) else 0
    logging.info("%d calls, %d passing filters", len(table), passing)
    return table


def main(snakemake) -> None:
    from common.fusion_table import empty_table, write_table
    from reference.kb_check import load_annotation

    annotation = load_annotation(snakemake.input.gtf, snakemake.input.kb_check)
    params = CallerParams.from_config(snakemake.params.settings)
    table = call_fusions(
        snakemake.input.junctions, annotation, params, snakemake.input.get("splice_junctions")
    )
    write_table(table if not table.empty else empty_table(), snakemake.output[0])
