# Analytical validation: the run's calls scored against a truth file (scripts/validation/).
rule score_validation:
    input:
        truth=config.get("validation", {}).get("truth", "validation-truth-not-configured"),
        fusions=expand(f"{OUTDIR}/{{sample}}/fusions.tsv", sample=VALIDATION_SAMPLES),
        kinase_calls=expand(f"{OUTDIR}/{{sample}}/kinase_fusions.tsv", sample=VALIDATION_SAMPLES),
        reports=expand(f"{OUTDIR}/{{sample}}/report.json", sample=VALIDATION_SAMPLES),
        # per sample, each caller's own table, in CALLERS order
        caller_tables=[
            f"{OUTDIR}/{sample}/callers/{caller}.tsv"
            for sample in VALIDATION_SAMPLES
            for caller in CALLERS
        ],
    output:
        summary=f"{VALIDATION_DIR}/summary.json",
        html=f"{VALIDATION_DIR}/report.html",
        concordance=f"{VALIDATION_DIR}/concordance.tsv",
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
        samples=VALIDATION_SAMPLES,
        callers=CALLERS,
    script:
        "../../scripts/score_validation.py"
