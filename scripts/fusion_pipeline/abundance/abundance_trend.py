"""A patient's fusions followed across biopsies.

Every fusion called (pass = yes) in any of the patient's samples is measured
in all of them, the same way as in measure_abundance.py: split fragments at the
breakpoint in each sample's Chimeric.out.junction (zero when STAR saw none)
and the wild type in its BAM, so an absent fusion is a measured zero with an
interval, not a gap. Consecutive timepoints are
compared with Fisher's exact test on the counts (fusion vs wild type at the
5' breakpoint).
"""

import logging
import math

import pandas as pd
import pysam
from scipy.stats import fisher_exact

from fusion_pipeline.abundance.measure_abundance import FusionCounter, measure
from fusion_pipeline.common.fusion_table import read_table, same_breakpoints
from fusion_pipeline.common.wild_type import CountSettings

TREND_COLUMNS = [
    "patient", "fusion", "breakpoint5", "breakpoint3", "sample", "timepoint", "called", "fusion_reads",
    "wt_reads5", "abundance", "abundance_ci_low", "abundance_ci_high", "change", "p_value",
]  # fmt: skip


def followed_fusions(tables: list) -> list:
    """Union of passing calls across samples: [(fusion, breakpoint5, breakpoint3)]."""
    fusions: list = []
    for table in tables:
        for row in table[table["pass"] == "yes"].itertuples():
            if not any(same_breakpoints(row.breakpoint5, row.breakpoint3, f[1], f[2]) for f in fusions):
                fusions.append((row.fusion, row.breakpoint5, row.breakpoint3))
    return fusions


def measure_sample(sample: dict, fusions: list, settings: CountSettings) -> list:
    """Rows for one sample: its own call's counts where it has one, else counted here."""
    table = sample["calls"]
    counter = FusionCounter(sample["junctions"], settings.min_anchor)
    rows = []
    with pysam.AlignmentFile(sample["bam"]) as bam:
        for name, bp5, bp3 in fusions:
            same = [
                same_breakpoints(bp5, bp3, r5, r3)
                for r5, r3 in zip(table["breakpoint5"], table["breakpoint3"])
            ]
            match = table[same] if len(table) else table
            called = bool((match["pass"] == "yes").any()) if len(match) else False
            values = measure(bam, bp5, bp3, counter.count(bp5, bp3), settings)
            rows.append({
                "fusion": name, "breakpoint5": bp5, "breakpoint3": bp3, "sample": sample["sample"],
                "timepoint": sample["timepoint"], "called": "yes" if called else "no",
                "fusion_reads": values["fusion_reads"], "wt_reads5": values["wt_reads5"],
                "abundance": values["abundance"],
                "abundance_ci_low": values["abundance_ci_low"], "abundance_ci_high": values["abundance_ci_high"],
            })  # fmt: skip
    return rows


def add_changes(rows: list) -> list:
    """Change and Fisher p-value against the previous timepoint of the same fusion."""
    previous: dict = {}
    for row in rows:
        key = (row["breakpoint5"], row["breakpoint3"])
        before = previous.get(key)
        row["change"], row["p_value"] = math.nan, math.nan
        if before is not None:
            row["change"] = row["abundance"] - before["abundance"]
            table = [[row["fusion_reads"], row["wt_reads5"]], [before["fusion_reads"], before["wt_reads5"]]]
            if sum(map(sum, table)) and all(sum(r) for r in table):
                row["p_value"] = fisher_exact(table, alternative="two-sided").pvalue
        previous[key] = row
    return rows


def patient_trend(patient: str, samples: list, settings: CountSettings) -> pd.DataFrame:
    """`samples` in timepoint order: dicts with sample, timepoint, calls, bam, junctions."""
    fusions = followed_fusions([s["calls"] for s in samples])
    per_sample = [measure_sample(sample, fusions, settings) for sample in samples]  # rows in `fusions` order
    rows = [per_sample[j][i] for i in range(len(fusions)) for j in range(len(samples))]
    rows = add_changes(rows)
    for row in rows:
        row["patient"] = patient
    return pd.DataFrame(rows, columns=TREND_COLUMNS)


def plot_trend(trend: pd.DataFrame, patient: str, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    timepoints = list(dict.fromkeys(trend["timepoint"].astype(str)))
    for fusion, group in trend.groupby(["fusion", "breakpoint5"], sort=False):
        x = [timepoints.index(str(t)) for t in group["timepoint"]]
        y = group["abundance"].astype(float).fillna(0)
        low = (y - group["abundance_ci_low"].astype(float)).clip(lower=0).fillna(0)
        high = (group["abundance_ci_high"].astype(float) - y).clip(lower=0).fillna(0)
        ax.errorbar(x, y, yerr=[low, high], marker="o", capsize=4, label=fusion[0])
    ax.set_xticks(range(len(timepoints)), timepoints)
    ax.set_xlabel("timepoint")
    ax.set_ylabel("abundance (fusion / 5' partner transcripts)")
    ax.set_ylim(0, 1)
    ax.set_title(f"Patient {patient}")
    if len(trend):
        ax.legend(fontsize="small")
    fig.tight_layout()
    from fusion_pipeline.common.rulelog import atomic_write

    with atomic_write(path) as out:
        fig.savefig(out, format="svg")
    plt.close(fig)


def format_trend(trend: pd.DataFrame) -> pd.DataFrame:
    trend = trend.copy()
    for column in ("abundance", "abundance_ci_low", "abundance_ci_high", "change"):
        trend[column] = [f"{v:.4f}" if not pd.isna(v) else "." for v in trend[column]]
    trend["p_value"] = [f"{v:.3g}" if not pd.isna(v) else "." for v in trend["p_value"]]
    return trend


def main(snakemake) -> None:
    """Rule abundance_trend: a patient's samples measured at every fusion called in any of them (TSV and
    plot); rule sample_trend runs the same on the samples up to one sample's timepoint."""
    from fusion_pipeline.common.rulelog import atomic_write

    settings = CountSettings.from_config(snakemake.params.settings)
    samples = [
        {"sample": s, "timepoint": t, "calls": read_table(c), "bam": b, "junctions": j}
        for s, t, c, b, j in zip(snakemake.params.samples, snakemake.params.timepoints, snakemake.input.calls,
                                 snakemake.input.bams, snakemake.input.junctions)
    ]  # fmt: skip
    patient = snakemake.params.patient
    trend = patient_trend(patient, samples, settings)
    logging.info("patient %s: %d fusions over %d samples", patient, trend["fusion"].nunique(), len(samples))
    with atomic_write(snakemake.output.tsv) as out:
        format_trend(trend).to_csv(out, sep="\t", index=False)
    if snakemake.output.get("svg"):
        plot_trend(trend, patient, snakemake.output.svg)
