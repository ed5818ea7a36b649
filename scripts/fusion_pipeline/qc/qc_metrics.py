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
  found in the annotation (ReadsPerGene.out.tab), and their median;
- targeted panels (qc/panel.py's tables): on-target %, mean family size, molecules
  per target (all targets' molecules / targets) and the fewest molecules of a
  control primer (a target of a control gene), which the targeted gates read.
"""

import json
import logging
import statistics

import pysam

from fusion_pipeline.common.cells import cell_number
from fusion_pipeline.common.fragments import SKIP_FLAGS, unclipped_five_prime
from fusion_pipeline.common.input_verdict import input_failure
from fusion_pipeline.common.star_outputs import read_gene_counts, star_log_summary


def star_log_metrics(path: str) -> dict:
    star = star_log_summary(path)
    return {"aligned_read_pairs": star["read_pairs"],
            **{k: star[k] for k in ("uniquely_mapped_pct", "too_short_pct", "chimeric_pct")}}  # fmt: skip


def fastp_metrics(path: str | None) -> dict:
    """Read pairs (reads, single-end) before and after trimming; empty when fastp did not run."""
    if not path:
        return {}
    with open(path) as fh:
        report = json.load(fh)
    if "not_trimmed" in report:  # nothing went through fastp: the input check's counts stand
        return {}
    summary = report.get("summary", {})
    before = summary.get("before_filtering", {}).get("total_reads", 0)
    after = summary.get("after_filtering", {}).get("total_reads", 0)
    # fastp counts reads: two per pair, one per single-end read (its report then has no read 2)
    mates = 2 if "read2_mean_length" in summary.get("before_filtering", {}) or not before else 1
    return {"input_read_pairs": before // mates, "trimmed_read_pairs": after // mates}


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


def panel_metrics(summary_path: str, targets_path: str, control_names: list) -> dict:
    """The panel QC's figures the targeted gates read (None where panel QC measured nothing)."""
    import csv

    with open(summary_path, newline="") as fh:
        summary = next(csv.DictReader(fh, delimiter="\t"), {})
    with open(targets_path, newline="") as fh:
        targets = list(csv.DictReader(fh, delimiter="\t"))
    molecules = [cell_number(t["molecules"]) for t in targets]
    controls = [m for t, m in zip(targets, molecules) if t["gene"] in set(control_names) and m is not None]
    counted = [m for m in molecules if m is not None]
    return {
        "on_target_pct": cell_number(summary.get("on_target_pct")),
        "mean_family_size": cell_number(summary.get("mean_family_size")),
        "molecules_per_target": round(sum(counted) / len(targets), 1) if targets and counted else None,
        "control_primer_molecules_min": min(controls) if controls else None,
    }


METRIC_COLUMNS = [
    "sample", "input_read_pairs", "trimmed_read_pairs", "aligned_read_pairs", "uniquely_mapped_pct",
    "too_short_pct", "chimeric_pct", "duplication_pct", "insert_size_median", "control_reads_median",
    "control_genes", "input_status", "gate_failures",
]  # fmt: skip
# targeted runs only, before input_status: what the panel's own gates read (common/qc_gates.py TARGETED_GATES)
PANEL_METRIC_COLUMNS = [
    "on_target_pct",
    "mean_family_size",
    "molecules_per_target",
    "control_primer_molecules_min",
]


def metric_columns(assay: str = "whole_transcriptome") -> list:
    if assay != "targeted":
        return METRIC_COLUMNS
    return METRIC_COLUMNS[:-2] + PANEL_METRIC_COLUMNS + METRIC_COLUMNS[-2:]


def sample_metrics(sample: str, star_log: str, fastp_json: str | None, bam: str, reads_per_gene: str, annotation,
                   control_names: list, check: dict) -> dict:  # fmt: skip
    """One row of metrics.tsv (before the gates)."""
    controls = control_gene_reads(reads_per_gene, annotation, control_names)
    row = {"sample": sample, "input_read_pairs": int(check.get("read_pairs") or 0), **fastp_metrics(fastp_json),
           **star_log_metrics(star_log), **bam_metrics(bam)}  # fmt: skip
    row.pop("pairs_examined", None)
    row["control_reads_median"] = statistics.median(controls.values()) if controls else None
    row["control_genes"] = ",".join(f"{g}:{n}" for g, n in controls.items()) or "."
    row["input_status"] = input_failure(check) or "ok"
    return row


def main(snakemake) -> None:
    from fusion_pipeline.common.annotation import load_gtf
    from fusion_pipeline.common.input_verdict import read_verdict
    from fusion_pipeline.common.qc_gates import QcSettings, gate_failures
    from fusion_pipeline.common.rulelog import atomic_write

    settings = QcSettings.from_config(snakemake.params.qc)
    check = read_verdict(snakemake.input.check)
    row = sample_metrics(snakemake.wildcards.sample, snakemake.input.star_log, snakemake.input.get("fastp"),
                         snakemake.input.bam, snakemake.input.gene_counts, load_gtf(snakemake.input.gtf),
                         list(settings.control_genes), check)  # fmt: skip
    if snakemake.input.get("panel_qc"):  # a targeted run with a panel file
        row.update(panel_metrics(snakemake.input.panel_qc, snakemake.input.panel_targets,
                                 list(settings.control_genes)))  # fmt: skip
    assay = snakemake.params.get("assay", "whole_transcriptome")
    failures = gate_failures(row, settings, assay)
    row["gate_failures"] = "; ".join(failures) or "."
    for failure in failures:
        logging.warning("QC gate failed: %s", failure)
    with atomic_write(snakemake.output[0]) as out:
        out.write("\t".join(metric_columns(assay)) + "\n")
        out.write("\t".join("." if row.get(c) is None else str(row[c]) for c in metric_columns(assay)) + "\n")
