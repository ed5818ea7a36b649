"""Readers for STAR's small text outputs, shared by the caller, the QC metrics and the report."""

import math
import os

# A lab's STAR run given as it is (sample sheet bam + chimeric_junction, align/given_alignment.py): the
# files STAR writes beside Chimeric.out.junction under the same --outFileNamePrefix, by rule input key.
# STAR writes Log.final.out and SJ.out.tab in every run, ReadsPerGene.out.tab with --quantMode GeneCounts;
# Log.out (its version) is taken when it is there.
JUNCTION_NAME = "Chimeric.out.junction"
GIVEN_STAR_FILES = {
    "given_log_final": "Log.final.out",
    "given_splice_junctions": "SJ.out.tab",
    "given_gene_counts": "ReadsPerGene.out.tab",
}
GIVEN_STAR_LOG = ("given_log_main", "Log.out")


def given_star_files(junction: str) -> dict:
    """{input key: path} of the STAR files beside `junction` (Log.out only when it exists)."""
    prefix = junction[: -len(JUNCTION_NAME)]
    files = {key: prefix + name for key, name in GIVEN_STAR_FILES.items()}
    key, name = GIVEN_STAR_LOG
    if os.path.isfile(prefix + name):
        files[key] = prefix + name
    return files


def read_log_final(path: str) -> dict:
    """Log.final.out as {label: value text}, e.g. {"Uniquely mapped reads %": "91.20%"}."""
    values = {}
    with open(path) as fh:
        for line in fh:
            if "|" in line:
                key, value = (part.strip() for part in line.split("|", 1))
                values[key] = value
    return values


def star_log_summary(path: str) -> dict:
    """STAR's QC figures of Log.final.out, read once under one set of names for every output."""
    values = read_log_final(path)
    return {
        "read_pairs": count(values.get("Number of input reads")),
        "uniquely_mapped_pct": percent(values.get("Uniquely mapped reads %")),
        "multimapped_pct": percent(values.get("% of reads mapped to multiple loci")),
        "too_short_pct": percent(values.get("% of reads unmapped: too short")),
        "chimeric_reads": count(values.get("Number of chimeric reads")),
        "chimeric_pct": percent(values.get("% of chimeric reads")),
    }


def read_gene_counts(path: str) -> dict:
    """{gene_id (no version): reads} from ReadsPerGene.out.tab (column 2, unstranded)."""
    counts = {}
    with open(path) as fh:
        for line in fh:
            fields = line.rstrip("\n").split("\t")
            if len(fields) >= 2 and not fields[0].startswith("N_"):
                counts[fields[0].split(".")[0]] = int(fields[1])
    return counts


def count(text) -> int:
    """An integer field; 0 when absent or unreadable."""
    try:
        return int(text)
    except (TypeError, ValueError):
        return 0


def percent(text) -> float | None:
    """A percentage field ("91.20%") as a float; None when absent or unreadable."""
    try:
        value = float(str(text).rstrip("%"))
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None
