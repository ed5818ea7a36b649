"""`{outdir}/run_status.tsv` and the short account printed at the end of a run.

A failed or not-evaluable sample must not hide in a scrolling log: the run ends by listing the
samples by status, each failed or not-evaluable one with its reason, and (config
`run.exit_nonzero_on`) can exit non-zero for CI-style users. Standard library only: the
Snakefile reads it when the run ends.
"""

import csv

RUN_STATUS_COLUMNS = ["sample", "status", "finding", "reason"]
STATUS_ORDER = ["failed", "not evaluable", "fusion detected", "no fusion detected"]
NEEDS_ATTENTION = ("failed", "not evaluable")


def write_run_status(rows: list, path: str) -> None:
    """rows: dicts with RUN_STATUS_COLUMNS ('.' for no reason)."""
    with open(path, "w", newline="") as out:
        writer = csv.DictWriter(
            out, RUN_STATUS_COLUMNS, delimiter="\t", extrasaction="ignore", lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(rows)


def read_run_status(path: str) -> list:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def account(rows: list, path: str) -> list:
    """The lines printed at the end of a run: counts by status, then each sample that needs attention."""
    counts = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    ordered = sorted(counts, key=lambda s: STATUS_ORDER.index(s) if s in STATUS_ORDER else len(STATUS_ORDER))
    lines = [f"Run status ({len(rows)} samples, {path}): " + ", ".join(f"{counts[s]} {s}" for s in ordered)]
    for row in rows:
        if row["status"] in NEEDS_ATTENTION:
            lines.append(f"  {row['status'].upper()}: {row['sample']}: {row['reason']}")
    return lines


def exit_failures(rows: list, exit_nonzero_on: list) -> list:
    """The samples whose status the exit policy turns into a non-zero exit."""
    return [row["sample"] for row in rows if row["status"] in exit_nonzero_on]
