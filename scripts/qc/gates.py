"""QC gates and the sample's status: fusion detected, no fusion detected, or not evaluable.

A negative report is only as good as the sample: "no fusion detected" is
given only when every gate passes; otherwise the sample is "not evaluable"
with the failed gates as reasons. A fusion found in a sample that fails a
gate is still reported ("fusion detected"), with the failures as caveats.
Each gate's default and its source (a published practice, or a house default
with its reasoning) is in GATES and the README.
"""

from dataclasses import dataclass

from common.settings import FromConfig


@dataclass
class QcSettings(FromConfig):
    min_read_pairs: int = 1000
    min_uniquely_mapped_pct: float = 50.0
    max_too_short_pct: float = 30.0
    max_duplication_pct: float = 90.0
    min_control_reads: int = 100
    max_kinase_lod: float = 0.5
    control_genes: tuple = ("ACTB", "GAPDH", "B2M", "TBP", "GUSB", "HPRT1", "PGK1", "POLR2A")


# (metric, comparison, setting, source / reasoning)
GATES = [
    ("aligned_read_pairs", ">=", "min_read_pairs",
     "house default: far below any useful depth; it catches a failed or empty library"),
    ("uniquely_mapped_pct", ">=", "min_uniquely_mapped_pct",
     "house default: below half the reads placed, the sample is not the expected human RNA"),
    ("too_short_pct", "<=", "max_too_short_pct",
     "Arriba documentation (Current limitations, adapter trimming): many 'too short' reads mean adapters "
     "or degraded RNA, and fusion reads are lost first"),
    ("duplication_pct", "<=", "max_duplication_pct",
     "house default: when 9 of 10 pairs are PCR copies, too few molecules were sequenced"),
    ("control_reads_median", ">=", "min_control_reads",
     "house default: housekeeping genes with under 100 reads show the RNA could not show a fusion"),
]  # fmt: skip


def gate_failures(metrics: dict, settings: QcSettings) -> list:
    """The failed gates as one-line reasons (a metric that could not be measured is not a failure)."""
    reasons = []
    for metric, comparison, setting, _ in GATES:
        value, limit = metrics.get(metric), getattr(settings, setting)
        if value is None:
            continue
        ok = value >= limit if comparison == ">=" else value <= limit
        if not ok:
            reasons.append(f"{metric} {value} (needs {comparison} {limit})")
    return reasons


def sample_status(kinase_fusions: int, input_failure: str | None, failures: list) -> tuple[str, list]:
    """(status, reasons): fusion detected / no fusion detected / not evaluable."""
    reasons = ([f"input: {input_failure}"] if input_failure else []) + failures
    if input_failure:  # incomplete or unreadable reads: no answer stands, whatever they showed
        return "not evaluable", reasons
    if kinase_fusions:
        return "fusion detected", reasons
    if reasons:
        return "not evaluable", reasons
    return "no fusion detected", []
