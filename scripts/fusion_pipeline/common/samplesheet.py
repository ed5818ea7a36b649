"""Sample sheet loading and validation, before any heavy work starts.

Each problem is reported as one line naming the sheet, the row and the sample.
"""

import csv
import datetime
import os
import re

from fusion_pipeline.common.errors import InputError
from fusion_pipeline.common.star_outputs import GIVEN_STAR_FILES, JUNCTION_NAME, given_star_files

REQUIRED_COLUMNS = ("sample", "patient", "timepoint", "fq1", "fq2")
# A row gives its reads as fq1 + fq2, as fq1 alone (single-end, fq2 empty), or as `bam`: a BAM or
# CRAM to re-align from its reads (a CRAM decoded with `cram_reference`, else the run's
# reference.fasta). fq1/fq2 may then be left out. With `chimeric_junction` (that STAR run's
# Chimeric.out.junction) the BAM is STAR's own, used as it is (align/given_alignment.py).
OPTIONAL_COLUMNS = ("tumour_type", "bam", "cram_reference", "chimeric_junction")
READ_COLUMNS = ("fq1", "fq2")
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
INTEGER = re.compile(r"^[0-9]+$")
# folders of {outdir} that are not samples
RESERVED = frozenset({"reference", "patients", "logs", "benchmarks", "multiqc"})


def parse_timepoint(value: str):
    """An integer order or an ISO date (YYYY-MM-DD); None when it is neither."""
    value = value.strip()
    if INTEGER.match(value):
        return int(value)
    try:
        return datetime.date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def read_sample_sheet(path: str, base_dir: str = ".", tumour_types=None) -> list[dict]:
    """Rows of a valid sheet (FASTQ paths resolved against `base_dir`), or InputError.

    `tumour_types` (a container of OncoTree codes) validates the optional
    tumour_type column; an empty cell means no tumour type.
    """
    if not os.path.isfile(path):
        raise InputError(f"sample sheet {path}: file not found")
    # utf-8-sig: a sheet saved from a spreadsheet may start with a byte-order mark (CRLF ends are stripped below)
    with open(path, newline="", encoding="utf-8-sig") as fh:
        lines = [line for line in fh if line.strip() and not line.startswith("#")]
    reader = csv.DictReader(lines, delimiter="\t")
    header = [h.strip() for h in (reader.fieldnames or [])]
    # fq2 may be left out (single-end reads), fq1 too when a bam column gives the reads
    required = [c for c in REQUIRED_COLUMNS if c != "fq2" and not ("bam" in header and c == "fq1")]
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(
            f"sample sheet {path}: missing column(s) {', '.join(missing)} "
            f"(tab-separated header must have {', '.join(REQUIRED_COLUMNS)}; fq2 may be left out for single-end "
            "reads, fq1 and fq2 for a bam column)"
        )
    rows, seen, patient_times = [], {}, {}
    for number, raw in enumerate(reader, start=2):  # line 1 is the header
        row = {k.strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        where = f"sample sheet {path}, line {number} (sample '{row.get('sample', '')}')"
        for column in required:
            if not row.get(column) and column not in READ_COLUMNS:
                raise InputError(f"{where}: empty '{column}'")
        for column in ("sample", "patient"):
            if not SAFE_NAME.match(row[column]):
                raise InputError(
                    f"{where}: {column} '{row[column]}' may hold only letters, digits, "
                    "'.', '_' and '-', and must start with a letter or digit"
                )
        if row["sample"] in RESERVED:
            raise InputError(
                f"{where}: '{row['sample']}' is reserved for an output folder; rename the sample"
            )
        if row["sample"] in seen:
            raise InputError(f"{where}: duplicate sample name (first on line {seen[row['sample']]})")
        seen[row["sample"]] = number
        timepoint = parse_timepoint(row["timepoint"])
        if timepoint is None:
            raise InputError(
                f"{where}: timepoint '{row['timepoint']}' is neither an integer nor a date YYYY-MM-DD"
            )
        earlier = patient_times.setdefault(row["patient"], {})
        if earlier and type(next(iter(earlier))) is not type(timepoint):
            raise InputError(f"{where}: patient '{row['patient']}' mixes integer and date timepoints")
        if timepoint in earlier:
            raise InputError(
                f"{where}: patient '{row['patient']}' already has timepoint "
                f"'{row['timepoint']}' (sample '{earlier[timepoint]}')"
            )
        earlier[timepoint] = row["sample"]
        row["tumour_type"] = row.get("tumour_type", "").upper()
        if row["tumour_type"] and tumour_types is not None and row["tumour_type"] not in tumour_types:
            raise InputError(
                f"{where}: tumour_type '{row['tumour_type']}' is not an OncoTree code of the knowledge base's "
                "tumour-type list (e.g. NSCLC, LUAD, IMT, SARCNOS, BLCA, GB)"
            )
        _resolve_reads(row, where, base_dir)
        rows.append(row)
    if not rows:
        raise InputError(f"sample sheet {path}: no samples")
    return rows


def _resolve_reads(row: dict, where: str, base_dir: str) -> None:
    """The row's read files resolved against `base_dir`: fq1 + fq2, or a BAM/CRAM (not both)."""
    row["bam"], row["cram_reference"] = row.get("bam", ""), row.get("cram_reference", "")
    row.setdefault("chimeric_junction", "")
    given = [c for c in READ_COLUMNS if row.get(c)]
    if row["bam"] and given:
        raise InputError(f"{where}: give the reads as fq1 + fq2 or as 'bam', not both")
    if not row["bam"] and not row.get("fq1"):
        raise InputError(
            f"{where}: empty 'fq1' (give fq1, with fq2 for paired-end reads, or a BAM/CRAM in 'bam')"
        )
    if row["cram_reference"] and not row["bam"]:
        raise InputError(f"{where}: 'cram_reference' is given without a CRAM in 'bam'")
    row["fq2"] = row.get("fq2", "")  # empty: single-end reads
    columns = (
        ["bam"] + (["cram_reference"] if row["cram_reference"] else [])
        if row["bam"]
        else [c for c in READ_COLUMNS if row[c]]
    )
    for column in columns:
        resolved = os.path.join(base_dir, row[column])
        if not os.path.isfile(resolved):
            raise InputError(f"{where}: {column} file not found: {row[column]}")
        row[column] = os.path.normpath(resolved)
    if row["bam"]:
        row["fq1"] = row["fq2"] = ""
        _given_alignment(row, where, base_dir)
    elif row.get("chimeric_junction"):
        raise InputError(f"{where}: 'chimeric_junction' is given without STAR's BAM in 'bam'")
    elif row["fq2"] and os.path.realpath(row["fq1"]) == os.path.realpath(row["fq2"]):
        raise InputError(f"{where}: fq1 and fq2 are the same file")


def _given_alignment(row: dict, where: str, base_dir: str) -> None:
    """A `chimeric_junction` makes `bam` a STAR alignment used as it is: STAR's other files beside it."""
    junction = row.get("chimeric_junction", "")
    row["chimeric_junction"] = ""
    if not junction:
        return
    if row["cram_reference"] or row["bam"].lower().endswith(".cram"):
        raise InputError(f"{where}: a CRAM cannot be used as STAR's alignment; give STAR's BAM with chimeric_junction, "
                         "or leave chimeric_junction empty to align the CRAM's reads again")  # fmt: skip
    if not junction.endswith(JUNCTION_NAME):
        raise InputError(f"{where}: chimeric_junction {junction} is not named {JUNCTION_NAME}; give STAR's own file "
                         "(its Log.final.out, SJ.out.tab and ReadsPerGene.out.tab are found by the same prefix)")  # fmt: skip
    resolved = os.path.normpath(os.path.join(base_dir, junction))
    if not os.path.isfile(resolved):
        raise InputError(f"{where}: chimeric_junction file not found: {junction}")
    for key, path in given_star_files(resolved).items():
        if not os.path.isfile(path):
            how = (
                "with --quantMode GeneCounts"
                if GIVEN_STAR_FILES.get(key) == "ReadsPerGene.out.tab"
                else "in every run"
            )
            raise InputError(f"{where}: {path} not found beside chimeric_junction (STAR writes it {how}); give it, or "
                             "leave chimeric_junction empty to align the BAM's reads again")  # fmt: skip
    row["chimeric_junction"] = resolved


def timepoint_order(rows: list[dict]) -> dict:
    """{patient: [sample, ...]} ordered by timepoint."""
    by_patient: dict = {}
    for row in rows:
        by_patient.setdefault(row["patient"], []).append(row)
    return {
        patient: [r["sample"] for r in sorted(group, key=lambda r: parse_timepoint(r["timepoint"]))]
        for patient, group in by_patient.items()
    }
