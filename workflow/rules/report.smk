# Rendering only: the report, the run summary and MultiQC from what the stages before decided.
# The reads behind every passing call, as SVGs the report embeds; a plot that fails never holds it up.
rule draw_evidence:
    input:
        check=f"{OUTDIR}/{{sample}}/qc/fastq_check.tsv",
        calls=f"{OUTDIR}/{{sample}}/fusions.tsv",
        bam=f"{OUTDIR}/{{sample}}/star/Aligned.sortedByCoord.out.bam",
        bai=f"{OUTDIR}/{{sample}}/star/Aligned.sortedByCoord.out.bam.bai",
        fasta=config["reference"]["fasta"],
        fai=f"{OUTDIR}/reference/genome.fa.fai",
        gtf=f"{OUTDIR}/reference/annotation.gtf",
        kb_check=f"{OUTDIR}/reference/kb_check.tsv",
    output:
        f"{OUTDIR}/{{sample}}/evidence.json",
    log:
        f"{OUTDIR}/logs/draw_evidence/{{sample}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/draw_evidence/{{sample}}.tsv"
    group:
        "interpret_{sample}"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=rule_resources("draw_evidence", "mem_mb", 2000),
        runtime=rule_resources("draw_evidence", "runtime", 30),
    params:
        umis=RUN.targeted,
    script:
        "../../scripts/draw_evidence.py"


rule write_report:
    input:
        unpack(sample_trend_input),
        unpack(panel_qc_input),
        unpack(caller_version_input),
        check=f"{OUTDIR}/{{sample}}/qc/fastq_check.tsv",
        calls=f"{OUTDIR}/{{sample}}/fusions.tsv",
        kinase_calls=f"{OUTDIR}/{{sample}}/kinase_fusions.tsv",
        evidence=f"{OUTDIR}/{{sample}}/evidence.json",
        resistance=f"{OUTDIR}/{{sample}}/resistance.tsv",
        star_final=f"{OUTDIR}/{{sample}}/star/Log.final.out",
        star_log=f"{OUTDIR}/{{sample}}/star/Log.out",
        samtools_version=f"{OUTDIR}/reference/samtools_version.txt",
        gtf=f"{OUTDIR}/reference/annotation.gtf",
        kb_check=f"{OUTDIR}/reference/kb_check.tsv",
        metrics=f"{OUTDIR}/{{sample}}/qc/metrics.tsv",
        evaluability=f"{OUTDIR}/{{sample}}/qc/kinase_evaluability.tsv",
        kinases=config["knowledge_base"]["kinases"],
        actionability=config["knowledge_base"]["actionability"],
        hotspots=config["knowledge_base"]["resistance_hotspots"],
        tumour_types=config["knowledge_base"]["tumour_types"],
    output:
        json=f"{OUTDIR}/{{sample}}/report.json",
        html=report(
            f"{OUTDIR}/{{sample}}/report.html",
            caption="../report/sample_report.rst",
            category="Sample reports",
            labels={"sample": "{sample}"},
        ),
    log:
        f"{OUTDIR}/logs/write_report/{{sample}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/write_report/{{sample}}.tsv"
    priority: 1
    group:
        "interpret_{sample}"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=rule_resources("write_report", "mem_mb", 2000),
        runtime=rule_resources("write_report", "runtime", 30),
    params:
        sample=lambda wildcards: RUN.samples[wildcards.sample],
        assay=config["assay"],
        qc=config["qc"],
        callers=RUN.callers,
        fasta_name=os.path.basename(config["reference"]["fasta"]),
        gtf_name=os.path.basename(config["reference"]["gtf"]),
    script:
        "../../scripts/write_report.py"


rule write_vcf:
    input:
        report=f"{OUTDIR}/{{sample}}/report.json",
        calls=f"{OUTDIR}/{{sample}}/fusions.tsv",
        kinase_calls=f"{OUTDIR}/{{sample}}/kinase_fusions.tsv",
        fasta=config["reference"]["fasta"],
        fai=f"{OUTDIR}/reference/genome.fa.fai",
    output:
        vcf=f"{OUTDIR}/{{sample}}/fusions.vcf.gz",
        tbi=f"{OUTDIR}/{{sample}}/fusions.vcf.gz.tbi",
    log:
        f"{OUTDIR}/logs/write_vcf/{{sample}}.log",
    group:
        "interpret_{sample}"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=rule_resources("write_vcf", "mem_mb", 1000),
        runtime=rule_resources("write_vcf", "runtime", 10),
    script:
        "../../scripts/write_vcf.py"


rule run_summary:
    input:
        reports=expand(f"{OUTDIR}/{{sample}}/report.json", sample=RUN.samples),
        metrics=expand(f"{OUTDIR}/{{sample}}/qc/metrics.tsv", sample=RUN.samples),
    output:
        qc=f"{OUTDIR}/qc_metrics.tsv",
        multiqc=f"{OUTDIR}/qc/fusion_status_mqc.tsv",
        tsv=f"{OUTDIR}/summary.tsv",
        status=f"{OUTDIR}/run_status.tsv",
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
    script:
        "../../scripts/multiqc.py"
