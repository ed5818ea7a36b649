rule measure_abundance:
    input:
        calls=[f"{OUTDIR}/{{sample}}/callers/{caller}.tsv" for caller in CALLERS],
        junctions=f"{OUTDIR}/{{sample}}/star/Chimeric.out.junction",
        bam=f"{OUTDIR}/{{sample}}/star/Aligned.sortedByCoord.out.bam",
        bai=f"{OUTDIR}/{{sample}}/star/Aligned.sortedByCoord.out.bam.bai",
    output:
        f"{OUTDIR}/{{sample}}/fusions.tsv",
    log:
        f"{OUTDIR}/logs/measure_abundance/{{sample}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/measure_abundance/{{sample}}.tsv"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=rule_resources("measure_abundance", "mem_mb", 1000),
        runtime=rule_resources("measure_abundance", "runtime", 30),
    params:
        callers=CALLERS,
        settings=config["abundance"],
    script:
        "../../scripts/measure_abundance.py"


rule abundance_trend:
    input:
        calls=lambda wildcards: expand(
            f"{OUTDIR}/{{sample}}/fusions.tsv", sample=PATIENT_SAMPLES[wildcards.patient]
        ),
        bams=lambda wildcards: expand(
            f"{OUTDIR}/{{sample}}/star/Aligned.sortedByCoord.out.bam",
            sample=PATIENT_SAMPLES[wildcards.patient],
        ),
        bais=lambda wildcards: expand(
            f"{OUTDIR}/{{sample}}/star/Aligned.sortedByCoord.out.bam.bai",
            sample=PATIENT_SAMPLES[wildcards.patient],
        ),
        junctions=lambda wildcards: expand(
            f"{OUTDIR}/{{sample}}/star/Chimeric.out.junction",
            sample=PATIENT_SAMPLES[wildcards.patient],
        ),
    output:
        tsv=f"{OUTDIR}/patients/{{patient}}/abundance_trend.tsv",
        svg=report(
            f"{OUTDIR}/patients/{{patient}}/abundance_trend.svg",
            caption="../report/abundance_trend.rst",
            category="Abundance trends",
        ),
    log:
        f"{OUTDIR}/logs/abundance_trend/{{patient}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/abundance_trend/{{patient}}.tsv"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=rule_resources("abundance_trend", "mem_mb", 2000),
        runtime=rule_resources("abundance_trend", "runtime", 30),
    params:
        samples=lambda wildcards: PATIENT_SAMPLES[wildcards.patient],
        timepoints=lambda wildcards: [
            SAMPLES[s]["timepoint"] for s in PATIENT_SAMPLES[wildcards.patient]
        ],
        settings=config["abundance"],
    script:
        "../../scripts/abundance_trend.py"
