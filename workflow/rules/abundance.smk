rule measure_abundance:
    input:
        unpack(panel_input),
        check=f"{OUTDIR}/{{sample}}/qc/fastq_check.tsv",
        calls=f"{OUTDIR}/{{sample}}/callers/merged.tsv",
        kinases=config["knowledge_base"]["kinases"],
        junctions=f"{OUTDIR}/{{sample}}/star/Chimeric.out.junction",
        bam=f"{OUTDIR}/{{sample}}/star/Aligned.sortedByCoord.out.bam",
        bai=f"{OUTDIR}/{{sample}}/star/Aligned.sortedByCoord.out.bam.bai",
    output:
        f"{OUTDIR}/{{sample}}/fusions.tsv",
    log:
        f"{OUTDIR}/logs/measure_abundance/{{sample}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/measure_abundance/{{sample}}.tsv"
    priority: 1
    group:
        "interpret_{sample}"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=rule_resources("measure_abundance", "mem_mb", 1000),
        runtime=rule_resources("measure_abundance", "runtime", 30),
    params:
        settings=config["abundance"],
        assay=config["assay"],
        umi=config["umi"],
    script:
        "../../scripts/measure_abundance.py"


rule abundance_trend:
    input:
        unpack(lambda wildcards: trend_inputs(RUN.patient_samples[wildcards.patient])),
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
        patient=lambda wildcards: wildcards.patient,
        samples=lambda wildcards: RUN.patient_samples[wildcards.patient],
        timepoints=lambda wildcards: timepoints(RUN.patient_samples[wildcards.patient]),
        settings=config["abundance"],
    script:
        "../../scripts/abundance_trend.py"


# The patient's trend as far as one sample's timepoint, for its report: a later biopsy
# changes none of an earlier sample's inputs, so it reruns nothing of that sample.
rule sample_trend:
    input:
        unpack(lambda wildcards: trend_inputs(samples_up_to(wildcards.sample))),
    output:
        tsv=f"{OUTDIR}/{{sample}}/abundance_trend.tsv",
    log:
        f"{OUTDIR}/logs/sample_trend/{{sample}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/sample_trend/{{sample}}.tsv"
    group:
        "interpret_{sample}"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=rule_resources("sample_trend", "mem_mb", 2000),
        runtime=rule_resources("sample_trend", "runtime", 30),
    params:
        patient=lambda wildcards: RUN.samples[wildcards.sample]["patient"],
        samples=lambda wildcards: samples_up_to(wildcards.sample),
        timepoints=lambda wildcards: timepoints(samples_up_to(wildcards.sample)),
        settings=config["abundance"],
    script:
        "../../scripts/sample_trend.py"
