# Kinase annotation, resistance hotspots and the report in one job per sample (scripts/interpret.py).
rule interpret:
    input:
        unpack(previous_resistance_input),
        unpack(patient_trend_input),
        unpack(caller_version_input),
        calls=f"{OUTDIR}/{{sample}}/fusions.tsv",
        bam=f"{OUTDIR}/{{sample}}/star/Aligned.sortedByCoord.out.bam",
        bai=f"{OUTDIR}/{{sample}}/star/Aligned.sortedByCoord.out.bam.bai",
        star_final=f"{OUTDIR}/{{sample}}/star/Log.final.out",
        star_log=f"{OUTDIR}/{{sample}}/star/Log.out",
        samtools_version=f"{OUTDIR}/reference/samtools_version.txt",
        fasta=config["reference"]["fasta"],
        fai=f"{OUTDIR}/reference/genome.fa.fai",
        gtf=f"{OUTDIR}/reference/annotation.gtf",
        kb_check=f"{OUTDIR}/reference/kb_check.tsv",
        metrics=f"{OUTDIR}/{{sample}}/qc/metrics.tsv",
        evaluability=f"{OUTDIR}/{{sample}}/qc/kinase_evaluability.tsv",
        kinases=config["knowledge_base"]["kinases"],
        actionability=config["knowledge_base"]["actionability"],
        hotspots=config["knowledge_base"]["resistance_hotspots"],
        tumour_types=config["knowledge_base"]["tumour_types"],
    output:
        kinase_calls=f"{OUTDIR}/{{sample}}/kinase_fusions.tsv",
        resistance=f"{OUTDIR}/{{sample}}/resistance.tsv",
        json=f"{OUTDIR}/{{sample}}/report.json",
        html=report(
            f"{OUTDIR}/{{sample}}/report.html",
            caption="../report/sample_report.rst",
            category="Sample reports",
            labels={"sample": "{sample}"},
        ),
    log:
        f"{OUTDIR}/logs/interpret/{{sample}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/interpret/{{sample}}.tsv"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=rule_resources("interpret", "mem_mb", 2000),
        runtime=rule_resources("interpret", "runtime", 30),
    params:
        sample=lambda wildcards: SAMPLES[wildcards.sample],
        previous_sample=previous_sample,
        min_support=config["actionability"]["min_support_tier1"],
        resistance=config["resistance"],
        qc=config["qc"],
        callers=CALLERS,
        fasta_name=os.path.basename(config["reference"]["fasta"]),
        gtf_name=os.path.basename(config["reference"]["gtf"]),
    script:
        "../../scripts/interpret.py"


rule run_summary:
    input:
        reports=expand(f"{OUTDIR}/{{sample}}/report.json", sample=SAMPLES),
        metrics=expand(f"{OUTDIR}/{{sample}}/qc/metrics.tsv", sample=SAMPLES),
    output:
        qc=f"{OUTDIR}/qc_metrics.tsv",
        multiqc=f"{OUTDIR}/qc/fusion_status_mqc.tsv",
        tsv=f"{OUTDIR}/summary.tsv",
        html=report(
            f"{OUTDIR}/summary.html",
            caption="../report/summary.rst",
            category="Run summary",
        ),
    log:
        f"{OUTDIR}/logs/run_summary/run_summary.log",
    benchmark:
        f"{OUTDIR}/benchmarks/run_summary/run_summary.tsv"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=rule_resources("run_summary", "mem_mb", 1000),
        runtime=rule_resources("run_summary", "runtime", 10),
    params:
        outdir=lambda wildcards, output: os.path.dirname(output.tsv),
    script:
        "../../scripts/run_summary.py"


rule multiqc:
    input:
        qc_inputs,
    output:
        report(
            f"{OUTDIR}/multiqc/multiqc_report.html",
            caption="../report/multiqc.rst",
            category="Run summary",
        ),
    log:
        f"{OUTDIR}/logs/multiqc/multiqc.log",
    benchmark:
        f"{OUTDIR}/benchmarks/multiqc/multiqc.tsv"
    conda:
        "../../envs/multiqc.yaml"
    threads: 1
    resources:
        mem_mb=rule_resources("multiqc", "mem_mb", 2000),
        runtime=rule_resources("multiqc", "runtime", 20),
    params:
        outdir=lambda wildcards, output: os.path.dirname(output[0]),
        inputs=lambda wildcards, input: " ".join(sorted({os.path.dirname(path) for path in input})),
        multiqc=python_tool("multiqc"),
    shell:
        "{params.multiqc} --force --no-data-dir --dirs --dirs-depth 2 --module star --module fastp --module custom_content"
        " --outdir {params.outdir} {params.inputs} > {log} 2>&1"
