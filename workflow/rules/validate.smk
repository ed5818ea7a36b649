# Analytical validation: the run's calls scored against a truth file (scripts/fusion_pipeline/validate/).
rule score_validation:
    input:
        truth=config.get("validation", {}).get("truth", "validation-truth-not-configured"),
        fusions=expand(f"{OUTDIR}/{{sample}}/fusions.tsv", sample=RUN.validation_samples),
        kinase_calls=expand(
            f"{OUTDIR}/{{sample}}/kinase_fusions.tsv", sample=RUN.validation_samples
        ),
        reports=expand(f"{OUTDIR}/{{sample}}/report.json", sample=RUN.validation_samples),
        # per sample, each caller's own table, in RUN.callers order
        caller_tables=[
            f"{OUTDIR}/{sample}/callers/{caller}.tsv"
            for sample in RUN.validation_samples
            for caller in RUN.callers
        ],
    output:
        summary=f"{RUN.validation_dir}/summary.json",
        html=f"{RUN.validation_dir}/report.html",
        concordance=f"{RUN.validation_dir}/concordance.tsv",
    log:
        f"{OUTDIR}/logs/score_validation/score_validation.log",
    benchmark:
        f"{OUTDIR}/benchmarks/score_validation/score_validation.tsv"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=rule_resources("score_validation", "mem_mb", 2000),
        runtime=rule_resources("score_validation", "runtime", 30),
    params:
        samples=RUN.validation_samples,
        callers=RUN.callers,
    script:
        "../../scripts/score_validation.py"
