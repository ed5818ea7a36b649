# Parsing imports only the standard library, PyYAML (via Snakemake) and library modules that need
# nothing more (tests/test_callers.py): pandas, pysam & co. load in jobs, inside their env.
import os
import sys

from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

sys.path.insert(0, os.path.join(workflow.basedir, "scripts"))

from fusion_pipeline.common.callers import REGISTRY, adapted, caller_path  # noqa: E402
from fusion_pipeline.common.errors import InputError  # noqa: E402
from fusion_pipeline.common.samplesheet import SAFE_NAME  # noqa: E402
from fusion_pipeline.common.star_outputs import given_star_files  # noqa: E402
from fusion_pipeline.common.reference_files import prebuilt_index_mb, star_mem_mb  # noqa: E402
from fusion_pipeline.common.run_config import load_run  # noqa: E402
from fusion_pipeline.common import outdir_lock, run_status  # noqa: E402
from fusion_pipeline.align.star_align import sort_ram_mb  # noqa: E402


def fail(message):
    """Stop before any job runs with one line naming the bad input."""
    sys.exit(f"ERROR: {message}")


def schema_checked(config):
    """The config with the schema's defaults, or one line naming the key at fault."""
    try:
        validate(config, "../schemas/config.schema.yaml")
    except WorkflowError as err:
        # Snakemake wraps jsonschema's ValidationError, whose path names the key at fault
        cause = next((a for a in err.args if hasattr(a, "absolute_path")), err.__context__)
        if hasattr(cause, "absolute_path") and hasattr(cause, "message"):
            key = "".join(
                f"[{part}]" if isinstance(part, int) else f".{part}" for part in cause.absolute_path
            ).lstrip(".")
            prefix = f"{key}: " if key else ""
            fail(f"configuration: {prefix}{cause.message}")
        detail = str(err).split("\n")
        reason = next(
            (line for line in detail if line.strip() and "Error validating" not in line), detail[0]
        )
        fail(f"configuration: {reason.strip()}")
    return config


# Every start-up check is load_run's (scripts/fusion_pipeline/common/run_config.py, unit-tested).
try:
    RUN = load_run(
        schema_checked(config), workflow.basedir, check_panel_against_gtf=workflow.is_main_process
    )
except InputError as err:
    fail(err)
for warning in RUN.warnings:
    print(f"WARNING: {warning}", file=sys.stderr)
try:  # the schema documents the sheet; read_sample_sheet already gave precise errors
    for row in RUN.samples.values():
        validate(row, "../schemas/samples.schema.yaml")
except WorkflowError as err:
    fail(f"sample sheet {config['samples']}: {str(err).splitlines()[0]}")
OUTDIR = RUN.outdir  # in every path of every rule


# The sheet's names are checked against this pattern (and reserved folder names) when it is
# read; a pattern instead of a list of every name keeps the DAG fast for thousands of samples.
wildcard_constraints:
    sample=SAFE_NAME.pattern.strip("^$"),
    patient=SAFE_NAME.pattern.strip("^$"),


def get_fastqs(wildcards):
    """The sample's reads: fq1 and fq2, or a BAM/CRAM (`bam`) with the FASTA a CRAM is decoded with (and a
    given STAR alignment checked against), and a given STAR run's other files."""
    row = RUN.samples[wildcards.sample]
    if row["bam"]:
        given = (
            {
                "chimeric_junction": row["chimeric_junction"],
                **given_star_files(row["chimeric_junction"]),
            }
            if row["chimeric_junction"]
            else {}
        )
        return {
            "bam": row["bam"],
            "cram_reference": row["cram_reference"] or config["reference"]["fasta"],
            **given,
        }
    return {
        "fq1": row["fq1"],
        **({"fq2": row["fq2"]} if row["fq2"] else {}),
    }  # fq1 alone: single-end


def raw_fastqs(wildcards):
    """The reads before trimming: with UMIs at the start of a read, umi_tools' extracted reads."""
    if RUN.umi_in_reads:
        return {
            "fq1": f"{OUTDIR}/{wildcards.sample}/umi/R1.fastq.gz",
            "fq2": f"{OUTDIR}/{wildcards.sample}/umi/R2.fastq.gz",
        }
    return get_fastqs(wildcards)


def panel_input(wildcards):
    return {"panel": config["panel"]} if config.get("panel") else {}


def panel_qc_input(wildcards):
    """A targeted sample's panel QC, for its report (only with a panel file)."""
    if RUN.panel_qc:
        return {
            "panel_qc": f"{OUTDIR}/{wildcards.sample}/qc/panel_qc_mqc.tsv",
            "panel_targets": f"{OUTDIR}/{wildcards.sample}/qc/panel_targets.tsv",
        }
    return {}


def fastp_settings(wildcards):
    """fastp's options and threads in the alignment job, or {} when trimming is off.

    Adapters are found from the mates' overlap, poly-G tails cut, short reads dropped. fastp's extra
    sequence-based adapter search (`--detect_adapter_for_pe`) is left off: on the FFPE sample it
    removed 210 more bases of 15.5 M and cost 1.8 s there, 7 s on 1.2 M pairs. fastp's quality
    filter is off: it drops pairs with many low-quality bases, and STAR soft-clips poor read ends
    anyway, so it would only lose fusion evidence.
    """
    trim = config["trim"]
    if not trim["enabled"]:
        return {}
    options = [
        f"-l {trim['min_length']}",
        "--disable_quality_filtering",
        "--dont_eval_duplication",
    ]
    if trim["poly_g"]:
        options.append("--trim_poly_g")
    return {"options": " ".join(options + [trim["extra"]]).strip(), "threads": trim["threads"]}


# fastp's reports, written by the alignment job when it trims
FASTP_REPORTS = (
    {
        "fastp_json": f"{OUTDIR}/{{sample}}/qc/fastp.json",
        "fastp_html": f"{OUTDIR}/{{sample}}/qc/fastp.html",
    }
    if config["trim"]["enabled"]
    else {}
)


def fastp_report(wildcards):
    """fastp's JSON report of a sample, when trimming is on."""
    if FASTP_REPORTS:
        return {"fastp": FASTP_REPORTS["fastp_json"].format(sample=wildcards.sample)}
    return {}


def qc_inputs(wildcards):
    """The per-sample files MultiQC reads: STAR's logs, and fastp's reports when trimming."""
    files = expand(f"{OUTDIR}/{{sample}}/star/Log.final.out", sample=RUN.samples)
    files.append(f"{OUTDIR}/qc/fusion_status_mqc.tsv")
    if RUN.panel_qc:
        files += expand(f"{OUTDIR}/{{sample}}/qc/panel_qc_mqc.tsv", sample=RUN.samples)
    if config["trim"]["enabled"]:
        files += expand(FASTP_REPORTS["fastp_json"], sample=RUN.samples)
    return files


def builtin_caller_lists(wildcards):
    """The blacklist and known-fusions files the built-in caller reads, when configured."""
    return {
        key: config["builtin"][key]
        for key in ("blacklist", "known_fusions")
        if config["builtin"].get(key)
    }


def caller_file(caller, kind="output"):
    """A caller's registry path for a rule ({sample} stays a wildcard)."""
    return caller_path(getattr(REGISTRY[caller], kind), OUTDIR)


def external_caller_output(wildcards):
    return caller_path(REGISTRY[wildcards.caller].output, OUTDIR, wildcards.sample)


def caller_version_input(wildcards):
    """version_<caller>: the version file each external caller's rule records."""
    return {
        f"version_{caller}": caller_path(REGISTRY[caller].version_file, OUTDIR, wildcards.sample)
        for caller in RUN.callers
        if REGISTRY[caller].version_file
    }


def samples_up_to(sample):
    """The patient's samples in timepoint order, up to and including `sample`."""
    samples = RUN.patient_samples[RUN.samples[sample]["patient"]]
    return samples[: samples.index(sample) + 1]


def timepoints(samples):
    return [RUN.samples[s]["timepoint"] for s in samples]


def trend_inputs(samples):
    """What a trend measures in each sample: its calls, and the reads at the breakpoints."""
    star = f"{OUTDIR}/{{sample}}/star"
    return {
        "calls": expand(f"{OUTDIR}/{{sample}}/fusions.tsv", sample=samples),
        "bams": expand(f"{star}/Aligned.sortedByCoord.out.bam", sample=samples),
        "bais": expand(f"{star}/Aligned.sortedByCoord.out.bam.bai", sample=samples),
        "junctions": expand(f"{star}/Chimeric.out.junction", sample=samples),
    }


def sample_trend_input(wildcards):
    """The trend up to this sample, when the patient has earlier samples."""
    if len(samples_up_to(wildcards.sample)) > 1:
        return {"trend": f"{OUTDIR}/{wildcards.sample}/abundance_trend.tsv"}
    return {}


def previous_sample(wildcards):
    """The patient's sample at the timepoint before this one, or None."""
    samples = RUN.patient_samples[RUN.samples[wildcards.sample]["patient"]]
    index = samples.index(wildcards.sample)
    return samples[index - 1] if index else None


def previous_resistance_input(wildcards):
    earlier = previous_sample(wildcards)
    return {"previous": f"{OUTDIR}/{earlier}/resistance.tsv"} if earlier else {}


def rule_resources(rule_name, key, default=None):
    """threads / mem_mb / runtime of a rule: config `resources.<rule>`, else the rule's own default.

    Snakemake's --set-resources / --set-threads override both; --default-resources fills
    only resources a rule does not declare.
    """
    value = config.get("resources", {}).get(rule_name, {}).get(key)
    return default if value is None else value


def check_resource_sections():
    """A `resources:` section must name a rule: a typo would silently change nothing."""
    rules = {rule.name for rule in workflow.rules}
    unknown = sorted(set(config.get("resources", {})) - rules)
    if "trim_reads" in unknown:  # trimming moved into the alignment job (issue 26)
        fail(
            "configuration: resources.trim_reads: trimming now runs inside star_align (fastp streams "
            "into STAR); set resources.star_align, and trim.threads for fastp's threads"
        )
    if unknown:
        fail(
            f"configuration: resources.{unknown[0]} is not a rule of this workflow "
            f"(rules: {', '.join(sorted(rules - {'all'}))})"
        )


def star_memory(rule_name):
    """Configured mem_mb of a STAR rule, else the prebuilt index's size or one derived from the genome."""
    configured = config.get("resources", {}).get(rule_name, {}).get("mem_mb")
    if configured:
        return configured
    if RUN.prebuilt_index:
        return prebuilt_index_mb(RUN.prebuilt_index)
    return star_mem_mb(os.path.getsize(config["reference"]["fasta"]), config["star"]["sa_sparse"])


def star_sort_mb(wildcards):
    """--limitBAMsortRAM in MB: star.sort_ram_mb, else sized from the sample's reads (fusion_pipeline/align/star_align.py)."""
    reads = get_fastqs(wildcards)
    return config["star"].get("sort_ram_mb") or sort_ram_mb(
        [reads["bam"]] if "bam" in reads else [reads[m] for m in ("fq1", "fq2") if m in reads]
    )


def given_alignment(wildcards):
    """Whether the sample is a STAR alignment given as it is (bam + chimeric_junction): nothing is aligned."""
    return bool(RUN.samples[wildcards.sample]["chimeric_junction"])


def star_align_memory(wildcards):
    """The alignment job's mem_mb: the index loaded plus the BAM sort, so a cluster reserves both (a given
    alignment is only linked and indexed)."""
    configured = config.get("resources", {}).get("star_align", {}).get("mem_mb")
    if given_alignment(wildcards):
        return configured or GIVEN_ALIGNMENT_MB
    return configured or star_memory("star_align") + star_sort_mb(wildcards)


GIVEN_ALIGNMENT_MB = 1000


def given_alignment_check(wildcards):
    """For a given STAR run: the annotation its gene counts must match, and the FASTA index its contigs
    are checked against (rule check_fastq) and a failed one's empty BAM is written from (star_align).
    """
    if given_alignment(wildcards):
        return {
            "gtf": f"{OUTDIR}/reference/annotation.gtf",
            "fai": f"{OUTDIR}/reference/genome.fa.fai",
        }
    return {}


def star_index_input(wildcards):
    """The index STAR aligns to: the lab's own (once checked), else the one this workflow builds; none
    for a STAR alignment given as it is."""
    if given_alignment(wildcards):
        return {}
    if RUN.prebuilt_index:
        return {
            "index": RUN.prebuilt_index,
            "index_check": f"{OUTDIR}/reference/star_index_check.tsv",
        }
    return {"index": f"{OUTDIR}/reference/star_index"}


def final_outputs():
    outputs = []
    for sample in RUN.samples:
        outputs += [
            f"{OUTDIR}/{sample}/star/Aligned.sortedByCoord.out.bam.bai",
            f"{OUTDIR}/{sample}/star/Chimeric.out.junction",
            f"{OUTDIR}/{sample}/fusions.tsv",
            f"{OUTDIR}/{sample}/kinase_fusions.tsv",
            f"{OUTDIR}/{sample}/resistance.tsv",
            f"{OUTDIR}/{sample}/report.json",
            f"{OUTDIR}/{sample}/report.html",
            f"{OUTDIR}/{sample}/fusions.vcf.gz",
            f"{OUTDIR}/{sample}/qc/metrics.tsv",
            f"{OUTDIR}/{sample}/qc/kinase_evaluability.tsv",
        ]
        if RUN.panel_qc:
            outputs.append(f"{OUTDIR}/{sample}/qc/panel_qc_mqc.tsv")
    for patient in RUN.followed_patients:
        outputs += [
            f"{OUTDIR}/patients/{patient}/abundance_trend.tsv",
            f"{OUTDIR}/patients/{patient}/abundance_trend.svg",
        ]
    if RUN.validation:
        outputs += [f"{RUN.validation_dir}/summary.json", f"{RUN.validation_dir}/report.html"]
    outputs += [
        f"{OUTDIR}/reference/kb_check.tsv",
        f"{OUTDIR}/summary.tsv",
        f"{OUTDIR}/qc_metrics.tsv",
        f"{OUTDIR}/summary.html",
        f"{OUTDIR}/multiqc/multiqc_report.html",
    ]
    return outputs


# --- the run as a whole: one run per outdir, and a short account at its end -------------------


def lock_outdir():
    """onstart: take {outdir}'s lock (fusion_pipeline/common/outdir_lock.py); kept until this snakemake process ends."""
    global OUTDIR_LOCK
    try:
        OUTDIR_LOCK = outdir_lock.lock_outdir(OUTDIR)
    except InputError as err:
        fail(err)


def end_of_run():
    """onsuccess: samples by status on stderr (failed and not-evaluable ones with their reason); the exit policy."""
    path = f"{OUTDIR}/run_status.tsv"
    if not os.path.exists(path):  # a run for other targets than the summary
        return
    rows = run_status.read_run_status(path)
    print("\n".join(run_status.account(rows, path)), file=sys.stderr)
    policy = config["run"]["exit_nonzero_on"]
    failing = run_status.exit_failures(rows, policy)
    if failing:
        fail(
            f"run.exit_nonzero_on [{', '.join(policy)}]: samples {', '.join(failing)} (see {path})"
        )
