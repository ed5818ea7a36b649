"""Per-kinase evaluability: could this sample show a fusion of each whitelisted kinase, and down to what fraction?

For each kinase with a verified clinical transcript (kb_check.tsv), the
wild-type depth is the de-duplicated fragments crossing the exon junctions
where its fusions break (the whitelist's `typical_exons`: for a 3' kinase
the junction into that exon, for a 5' kinase the junction out of it),
counted as abundance counts wild-type fragments. The lowest fraction this
sample could show with 95% probability is the smallest f for which

    P(X >= s) >= 0.95,  X ~ Binomial(N, f),  N = D / (1 - f)

where D is the wild-type depth (the median over the kinase's breakpoint
junctions), N the fragments at the junction once the fusion adds its own,
and s the caller's minimum support (`builtin.min_support`). This is the
panel vendors' reading of abundance: the fusion's share of the molecules at
the kinase's own junction. A kinase is evaluable when that fraction is at
most `qc.max_kinase_lod`; with no depth at all it is not evaluable.
"""

import logging
import math
import statistics

from scipy.special import bdtrc  # binomial upper tail; scipy.stats would add ~1 s of start-up

from fusion_pipeline.common.annotation import breakpoint_junctions
from fusion_pipeline.common.wild_type import CountSettings, wild_type_fragments

EVALUABILITY_COLUMNS = [
    "kinase",
    "transcript",
    "junctions",
    "depths",
    "depth",
    "lod_fraction",
    "status",
    "reason",
]


def detection_limit(depth: int, min_support: int, probability: float = 0.95) -> float | None:
    """Smallest fusion fraction detected with `probability` at `depth` wild-type fragments (None: never)."""
    if depth <= 0:
        return None

    def detected(f):
        n = math.floor(depth / (1 - f))
        at_least = 1.0 if min_support <= 0 else bdtrc(min_support - 1, n, f)  # P(X >= min_support)
        return at_least >= probability

    low, high = 0.0, 0.999
    if not detected(high):
        return None
    for _ in range(40):
        mid = (low + high) / 2
        low, high = (low, mid) if detected(mid) else (mid, high)
    return math.ceil(high * 10_000) / 10_000  # rounded up: the limit still meets its probability


def kinase_evaluability(bam, annotation, kinases: dict, clinical: dict, min_support: int, max_lod: float,
                        settings: CountSettings) -> list:  # fmt: skip
    """One row per whitelisted kinase present in the annotation."""
    rows = []
    for kinase, entry in kinases["genes"].items():
        choice = clinical.get(kinase)
        row = {"kinase": kinase, "transcript": ".", "junctions": ".", "depths": ".", "depth": 0,
               "lod_fraction": None, "status": "not evaluable", "reason": "."}  # fmt: skip
        if choice is None or choice.status == "absent":
            continue  # not in this reference: nothing to evaluate
        if not choice.verified:
            rows.append({**row, "reason": f"clinical transcript not verified: {choice.reason}"})
            continue
        tx = annotation.transcript(choice.transcript)
        junctions = breakpoint_junctions(tx, entry.get("typical_exons") or [], entry["actionable_role"])
        if not junctions:
            rows.append({**row, "transcript": tx.transcript_id,
                         "reason": "no breakpoint exons (typical_exons) in the knowledge base"})  # fmt: skip
            continue
        depths = [
            wild_type_fragments(bam, tx.chrom, pos, direction, settings) for _, pos, direction in junctions
        ]
        depth = int(statistics.median(depths))
        lod = detection_limit(depth, min_support)
        status, reason = "evaluable", "."
        if lod is None:
            status, reason = "not evaluable", "no wild-type fragments across its breakpoint junctions"
        elif lod > max_lod:
            status = "not evaluable"
            reason = f"{depth} wild-type fragments: only fractions above {lod:.0%} would be seen (limit {max_lod:.0%})"
        rows.append({**row, "transcript": tx.transcript_id, "junctions": ",".join(f"exon{n}" for n, _, _ in junctions),
                     "depths": ",".join(map(str, depths)), "depth": depth, "lod_fraction": lod, "status": status,
                     "reason": reason})  # fmt: skip
    return rows


def main(snakemake) -> None:
    import pandas as pd
    import pysam

    from fusion_pipeline.common.clinical_annotation import load_annotation, read_kb_check
    from fusion_pipeline.common.knowledge_base import load_kinases
    from fusion_pipeline.common.qc_gates import QcSettings
    from fusion_pipeline.common.rulelog import atomic_write

    settings = QcSettings.from_config(snakemake.params.qc)
    annotation = load_annotation(snakemake.input.gtf, snakemake.input.kb_check)
    with pysam.AlignmentFile(snakemake.input.bam) as bam:
        rows = kinase_evaluability(bam, annotation, load_kinases(snakemake.input.kinases),
                                   read_kb_check(snakemake.input.kb_check), snakemake.params.min_support,
                                   settings.max_kinase_lod, CountSettings.from_config(snakemake.params.abundance))  # fmt: skip
    for row in rows:
        lod = f"down to {row['lod_fraction']:.1%}" if row["status"] == "evaluable" else row["reason"]
        logging.info("%s: %s (%s wild-type fragments) %s", row["kinase"], row["status"], row["depth"], lod)
    table = pd.DataFrame(rows, columns=EVALUABILITY_COLUMNS)
    with atomic_write(snakemake.output[0]) as out:
        table.to_csv(out, sep="\t", index=False, na_rep=".")
