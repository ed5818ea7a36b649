"""QC gates and the sample's status: fusion detected, no fusion detected, not evaluable, or failed.

A negative report is only as good as the sample: "no fusion detected" is
given only when every gate passes; otherwise the sample is "not evaluable"
with the failed gates as reasons. A fusion found in a sample that fails a
gate is still reported ("fusion detected"), with the failures as caveats.
Each gate's default and its source (a published practice, or a house default
with its reasoning) is in GATES and the README.
"""

from dataclasses import dataclass

from fusion_pipeline.common.settings import FromConfig


@dataclass
class QcSettings(FromConfig):
    min_read_pairs: int = 1000
    min_uniquely_mapped_pct: float = 50.0
    max_too_short_pct: float = 30.0
    max_duplication_pct: float = 90.0
    min_control_reads: int = 100
    max_kinase_lod: float = 0.5
    control_genes: tuple = ("ACTB", "GAPDH", "B2M", "TBP", "GUSB", "HPRT1", "PGK1", "POLR2A")
    # targeted panels (assay targeted, with a panel file): qc/panel.py's molecules
    min_control_molecules: int = 10
    min_molecules_per_target: float = 10.0
    min_on_target_pct: float = 50.0
    min_mean_family_size: float = 1.5


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

# Targeted panels (anchored multiplex PCR with UMIs) count molecules; the first three gates above
# apply to them too. Duplication does not: a panel reads each molecule tens of times (95 % of the
# simulated panel's pairs are copies), and its molecules are gated instead. Nor do the control
# genes' reads: a panel reads only its targets; control primers (targets of qc.control_genes) are.
TARGETED_GATES = [
    ("control_primer_molecules_min", ">=", "min_control_molecules",
     "Archer-type anchored multiplex PCR lab validations: at least 10 unique start sites (molecules) per "
     "control primer; the fewest of the panel's control primers (targets of qc.control_genes) counts"),
    ("molecules_per_target", ">=", "min_molecules_per_target",
     "house default, after the 10 molecules those validations ask of each control primer: a panel whose "
     "targets average fewer was made from too little or too degraded RNA"),
    ("on_target_pct", ">=", "min_on_target_pct",
     "house default: with under half the read pairs on the panel's targets, the library is mostly primer "
     "dimers or mispriming (or the panel file is not this panel's)"),
    ("mean_family_size", ">=", "min_mean_family_size",
     "house default: a PCR panel reads each molecule many times (20 on average in the simulated one); "
     "under 1.5 reads per molecule the UMIs do not mark molecules (umi.location) or the library was "
     "sequenced too shallowly to see most molecules twice"),
]  # fmt: skip
WHOLE_TRANSCRIPTOME_ONLY = ("duplication_pct", "control_reads_median")


def gates_for(assay: str = "whole_transcriptome") -> list:
    """The gates of an assay: GATES for whole-transcriptome RNA-seq; for a targeted panel the ones of
    them that apply and TARGETED_GATES."""
    if assay != "targeted":
        return GATES
    return [g for g in GATES if g[0] not in WHOLE_TRANSCRIPTOME_ONLY] + TARGETED_GATES


def gate_results(metrics: dict, settings: QcSettings, assay: str = "whole_transcriptome") -> list:
    """Every gate of the assay with its value, limit, source and `passed` (None: not measured)."""
    results = []
    for metric, comparison, setting, source in gates_for(assay):
        value, limit = metrics.get(metric), getattr(settings, setting)
        passed = None if value is None else (value >= limit if comparison == ">=" else value <= limit)
        results.append({"metric": metric, "value": value, "comparison": comparison, "limit": limit,
                        "passed": passed, "source": source})  # fmt: skip
    return results


def gate_failures(metrics: dict, settings: QcSettings, assay: str = "whole_transcriptome") -> list:
    """The failed gates of the assay as one-line reasons (a metric not measured is not a failure)."""
    return [
        f"{g['metric']} {g['value']} (needs {g['comparison']} {g['limit']})"
        for g in gate_results(metrics, settings, assay)
        if g["passed"] is False
    ]


def sample_status(kinase_fusions: int, input_failure: str | None, failures: list) -> tuple[str, list]:
    """(status, reasons): fusion detected / no fusion detected / not evaluable / failed.

    `input_failure` is the input check's verdict ('failed: <reason>' or 'empty: <reason>'): a
    broken input is `failed`, one without reads `not evaluable`; neither gives any answer.
    """
    reasons = ([f"input: {input_failure}"] if input_failure else []) + failures
    if input_failure:  # incomplete or unreadable reads: no answer stands, whatever they showed
        return ("failed" if input_failure.startswith("failed") else "not evaluable"), reasons
    if kinase_fusions:
        return "fusion detected", reasons
    if reasons:
        return "not evaluable", reasons
    return "no fusion detected", []
