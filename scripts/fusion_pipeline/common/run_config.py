"""The run a configuration describes, checked before any job starts: `load_run(config, basedir) -> Run`.

Standard library and PyYAML only: the workflow calls it while Snakemake parses,
where pandas, pysam and the rest are not loaded (tests/test_callers.py). The
configuration must already have passed the schema (which fills the defaults);
every problem found here is an `InputError` of one line naming the key or file,
which the workflow prints as `ERROR: ...` before any job runs.
"""

import os
from dataclasses import dataclass, field

from fusion_pipeline.common.callers import check_callers
from fusion_pipeline.common.errors import InputError
from fusion_pipeline.common.knowledge_base import load_hotspots, load_knowledge_base
from fusion_pipeline.common.panel import check_panel_genes, read_panel
from fusion_pipeline.common.reference_check import check_reference
from fusion_pipeline.common.reference_files import missing_index_files
from fusion_pipeline.common.samplesheet import read_sample_sheet, timepoint_order
from fusion_pipeline.common.truth import read_truth
from fusion_pipeline.common.tumour_types import load_oncotree
from fusion_pipeline.common.yamlio import load_yaml


@dataclass
class Run:
    """What the rules and input functions read: the checked configuration and the samples it names."""

    config: dict
    outdir: str
    samples: dict  # {sample: its sheet row}, in sheet order
    callers: list  # in merge order
    targeted: bool
    umi_in_reads: bool  # UMIs at the start of the reads: umi_tools moves them into the names first
    panel_qc: bool  # a targeted run with a panel file
    prebuilt_index: str | None
    validation: dict | None
    validation_samples: list  # the samples the truth file names, in its order
    validation_dir: str
    patient_samples: dict  # {patient: samples in timepoint order}
    followed_patients: list  # patients with more than one sample
    warnings: list = field(default_factory=list)


def _shipped(path: str, basedir: str) -> str:
    """A relative path as given when it exists, else the shipped file of that name (found from any directory)."""
    shipped = os.path.join(basedir, path)
    if not os.path.isabs(path) and not os.path.exists(path) and os.path.exists(shipped):
        return shipped
    return path


def _check_files(config: dict, basedir: str) -> None:
    for key in ("fasta", "gtf"):
        path = config["reference"][key]
        if not os.path.isfile(path):
            raise InputError(f"configuration: reference.{key} file not found: {path}")
    check_reference(
        config["reference"]["fasta"], config["reference"]["gtf"]
    )  # no job on a GTF that cannot serve
    for key, path in config["knowledge_base"].items():
        if path:
            config["knowledge_base"][key] = _shipped(path, basedir)
    for key in ("known_fusions", "blacklist"):
        if config["builtin"].get(key):
            path = config["builtin"][key] = _shipped(config["builtin"][key], basedir)
            if not os.path.isfile(path):
                raise InputError(f"configuration: builtin.{key} file not found: {path}")
    try:
        kb = load_knowledge_base(config["knowledge_base"]["kinases"], config["knowledge_base"]["actionability"],
                                 config["knowledge_base"]["tumour_types"])  # fmt: skip
        load_hotspots(config["knowledge_base"]["resistance_hotspots"], kb.kinases["genes"])
    except InputError as err:
        raise InputError(f"knowledge base: {err}") from None
    index = config["reference"].get("star_index")
    if index and missing_index_files(index):
        raise InputError(
            f"configuration: reference.star_index {index} is not a STAR index "
            f"(missing {', '.join(missing_index_files(index))})"
        )


def _moved_keys(config: dict) -> list:
    """Keys that moved, applied at their new place with a warning each."""
    warnings = []
    old_min_molecules = config["builtin"].get("targeted", {}).get("min_molecules")
    if old_min_molecules is not None:  # configs written before rule merge_calls judged every caller
        warnings.append(
            f"configuration: builtin.targeted.min_molecules is now targeted.min_molecules "
            f"(set to {old_min_molecules}); it judges every caller's calls"
        )
        config["targeted"]["min_molecules"] = old_min_molecules
    return warnings


def _validation_samples(validation: dict, samples: dict, sheet: str) -> list:
    truth = validation["truth"]
    if not os.path.isfile(truth):
        raise InputError(f"configuration: validation.truth file not found: {truth}")
    names = [sample for sample in read_truth(truth) if sample]
    missing = [s for s in names if s not in samples]
    if missing:
        raise InputError(f"{truth}: sample {missing[0]} is not in the sample sheet {sheet}")
    return names


def load_run(config: dict, basedir: str, check_panel_against_gtf: bool = True) -> Run:
    """The checked run of a schema-validated `config` (rewritten in place: callers, shipped file paths).

    `basedir` is the workflow's folder, where the shipped knowledge base lives;
    `check_panel_against_gtf` is off in cluster jobs, which the main process already checked.
    """
    warnings = _moved_keys(config)
    try:  # the registry, not the schema, knows the callers
        config["callers"] = check_callers(config["callers"])
    except InputError as err:
        raise InputError(f"configuration: {err}") from None
    _check_files(config, basedir)
    outdir = config["outdir"].rstrip("/")
    rows = read_sample_sheet(config["samples"],
                             tumour_types=load_oncotree(config["knowledge_base"]["tumour_types"]).parents)  # fmt: skip
    samples = {row["sample"]: row for row in rows}
    callers = config["callers"]
    if "starfusion" in callers and not os.path.isdir(config["starfusion"].get("genome_lib_dir", "")):
        raise InputError(
            "configuration: callers has 'starfusion' but starfusion.genome_lib_dir is not a directory"
        )
    targeted = config["assay"] == "targeted"
    umi_in_reads = targeted and config["umi"]["location"] != "read_name"
    if umi_in_reads and "length" not in config["umi"]:
        raise InputError(f"configuration: umi.location {config['umi']['location']} needs umi.length")
    not_fastq_pairs = [(row["sample"], "a BAM/CRAM" if row.get("bam") else "single-end")
                       for row in rows if row.get("bam") or not row.get("fq2")]  # fmt: skip
    if umi_in_reads and not_fastq_pairs:
        sample, kind = not_fastq_pairs[0]
        raise InputError(f"sample sheet {config['samples']}: sample {sample} is {kind}, but umi.location "
                         f"{config['umi']['location']} needs the UMIs at the start of paired FASTQ reads")  # fmt: skip
    if config.get("panel"):
        read_panel(config["panel"])
        if check_panel_against_gtf:  # every target's gene against the GTF's gene rows (1.3 s for GRCh38)
            check_panel_genes(
                config["panel"], config["reference"]["gtf"], load_yaml(config["knowledge_base"]["kinases"])
            )
    validation = config.get("validation")
    patient_samples = timepoint_order(rows)
    return Run(
        config=config,
        outdir=outdir,
        samples=samples,
        callers=callers,
        targeted=targeted,
        umi_in_reads=umi_in_reads,
        panel_qc=targeted and bool(config.get("panel")),
        prebuilt_index=config["reference"].get("star_index"),
        validation=validation,
        validation_samples=_validation_samples(validation, samples, config["samples"]) if validation else [],
        validation_dir=(validation or {}).get("outdir", f"{outdir}/validation").rstrip("/"),
        patient_samples=patient_samples,
        followed_patients=[p for p, s in patient_samples.items() if len(s) > 1],
        warnings=warnings,
    )
