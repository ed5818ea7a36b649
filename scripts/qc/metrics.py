"""Per-sample QC metrics from fastp, STAR and the BAM, in one MultiQC-readable row.

- input and trimmed read pairs (fastp's JSON; STAR's input when not trimming);
- uniquely mapped %, "too short" % and chimeric % (STAR's Log.final.out):
  many "too short" reads mean adapter read-through (Arriba's documentation);
- duplication %: read pairs that are PCR copies of another pair (both mates'
  unclipped 5' ends alike, common/fragments.py), over the first `max_pairs`
  pairs in coordinate order (300,000: every copy of a molecule sits at the same
  place, so a prefix of the sorted BAM sees whole families; the full scan took
  10 s per million pairs on the critical path);
- insert size: median template length of properly paired reads;
- control genes: reads STAR counted on each housekeeping gene of the config
  found in the annotation (ReadsPerGene.out.tab), and their median.
"""

import json
import logging
import statistics

import pysam

from align.star_outputs import count, percent, read_gene_counts, read_log_final
from common.fragments import SKIP_FLAGS, unclipped_five_prime


def star_log_metrics(path: str) -> dict:
    values = read_log_final(path)
    return {
        "aligned_read_pairs": count(values.get("Number of input reads")),
        "uniquely_mapped_pct": percent(values.get("Uniquely mapped reads %")),
        "too_short_pct": percent(values.get("% of reads unmapped: too short")),
        "chimeric_pct": percent(values.get("% of chimeric reads")),
    }


def fastp_metrics(path: str | None) -> dict:
    """Read pairs before and after trimming; empty when fastp did not run."""
    if not path:
        return {}
    with open(path) as fh:
        report = json.load(fh)
    summary = report.get("summary", {})
    before = summary.get("before_filtering", {}).get("total_reads", 0)
    after = summary.get("after_filtering", {}).get("total_reads", 0)
    return {"input_read_pairs": before // 2, "trimmed_read_pairs": after // 2}


def bam_metrics(path: str, max_pairs: int = 300_000) -> dict:
    """Duplication % and median insert size over the first `max_pairs` complete pairs of the BAM."""
    pending, keys, inserts, pairs = {}, set(), [], 0
    with pysam.AlignmentFile(path) as bam:
        for read in bam.fetch(until_eof=True):
            if read.flag & SKIP_FLAGS or not read.is_paired or read.mate_is_unmapped:
                continue
            mate = pending.pop(read.query_name, None)
            if mate is None:
                pending[read.query_name] = unclipped_five_prime(read)
                continue
            keys.add(tuple(sorted((mate, unclipped_five_prime(read)))))
            if read.is_proper_pair and 0 < abs(read.template_length) <= 1000 and "N" not in read.cigarstring:
                inserts.append(abs(read.template_length))  # unspliced pairs only: STAR's TLEN spans introns
            pairs += 1
            if pairs >= max_pairs:
                break
    return {
        "duplication_pct": round(100 * (1 - len(keys) / pairs), 2) if pairs else None,
        "insert_size_median": statistics.median(inserts) if inserts else None,
        "pairs_examined": pairs,
    }


def control_gene_reads(reads_per_gene: str, annotation, names: list) -> dict:
    """{gene name: reads} of the control genes present in the annotation (STAR's unstranded counts)."""
    counts = read_gene_counts(reads_per_gene)
    found = {}
    for name in names:
        gene = annotation.by_name.get(name)
        if gene is not None:
            found[name] = counts.get(gene.gene_id.split(".")[0], 0)
    return found


METRIC_COLUMNS = [
    "sample", "input_read_pairs", "trimmed_read_pairs", "aligned_read_pairs", "uniquely_mapped_pct",
    "too_short_pct", "chimeric_pct", "duplication_pct", "insert_size_median", "control_reads_median",
    "control_genes", "input_status", "gate_failures",
]  # fmt: skip


def sample_metrics(sample: str, star_log: str, fastp_json: str | None, bam: str, reads_per_gene: str, annotation,
                   control_names: list, check: dict) -> dict:  # fmt: skip
    """One row of metrics.tsv (before the gates)."""
    controls = control_gene_reads(reads_per_gene, annotation, control_names)
    row = {"sample": sample, "input_read_pairs": int(check.get("read_pairs") or 0), **fastp_metrics(fastp_json),
           **star_log_metrics(star_log), **bam_metrics(bam)}  # fmt: skip
    row.pop("pairs_examined", None)
    row["control_reads_median"] = statistics.median(controls.values()) if controls else None
    row["control_genes"] = ",".join(f"{g}:{n}" for g, n in controls.items()) or "."
    row["input_status"] = (
        check.get("status", "ok") if check.get("status") == "ok" else f"{check['status']}: {check['reason']}"
    )
    return row


def main(snakemake) -> None:
    from align.fastq_check import read_verdict
    from common.annotation import load_gtf
    from common.rulelog import atomic_write
    from qc.gates import QcSettings, gate_failures

    settings = QcSettings.from_config(snakemake.params.qc)
    check = read_verdict(snakemake.input.check)
    row = sample_metrics(snakemake.wildcards.sample, snakemake.input.star_log, snakemake.input.get("fastp"),
                         snakemake.input.bam, snakemake.input.gene_counts, load_gtf(snakemake.input.gtf),
                         list(settings.control_genes), check)  # fmt: skip
    failures = gate_failures(row, settings)
    row["gate_failures"] = "; ".join(failures) or "."
    for failure in failures:
        logging.warning("QC gate failed: %s", failure)
    with atomic_write(snakemake.output[0]) as out:
        out.write("\t".join(METRIC_COLUMNS) + "\n")
        out.write("\t".join("." if row.get(c) is None else str(row[c]) for c in METRIC_COLUMNS) + "\n")
