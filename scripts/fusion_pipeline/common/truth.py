"""The truth file of a validation run: the fusions each sample is expected to carry (none for a negative)."""

import csv
from collections import defaultdict

from fusion_pipeline.common.errors import InputError
from fusion_pipeline.common.fusion_names import parse_fusion_name


def read_truth(path: str) -> dict:
    """{sample: [truth rows]}; a `none` row marks a sample expected to have no fusion."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    if not rows or not {"sample", "fusion"} <= set(rows[0]):
        raise InputError(f"{path}: a truth file needs the columns sample and fusion")
    truth: dict = defaultdict(list)
    for n, row in enumerate(rows, 2):
        row = {k: (v or "").strip() for k, v in row.items() if k}
        if row["fusion"].lower() in ("none", "", "."):
            truth[row["sample"]]
            continue
        try:
            row["genes"] = parse_fusion_name(row["fusion"])
        except InputError as err:
            raise InputError(f"{path} line {n}: {err}") from None
        truth[row["sample"]].append(row)
    return dict(truth)
