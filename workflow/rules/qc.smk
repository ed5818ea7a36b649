# QC metrics and gates per sample (scripts/fusion_pipeline/qc/qc_metrics.py, common/qc_gates.py); a targeted run's gates read panel QC.
rule qc_metrics:
    input:
        unpack(fastp_report),
        unpack(panel_qc_input),
        check=f"{OUTDIR}/{{sample}}/qc/fastq_check.tsv",
        star_log=f"{OUTDIR}/{{sample}}/star/Log.final.out",
        bam=f"{OUTDIR}/{{sample}}/star/Aligned.sortedByCoord.out.bam",
        bai=f"{OUTDIR}/{{sample}}/star/Aligned.sortedByCoord.out.bam.bai",
        gene_counts=f"{OUTDIR}/{{sample}}/star/ReadsPerGene.out.tab",
        gtf=f"{OUTDIR}/reference/annotation.gtf",
    output:
        f"{OUTDIR}/{{sample}}/qc/metrics.tsv",
    log:
        f"{OUTDIR}/logs/qc_metrics/{{sample}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/qc_metrics/{{sample}}.tsv"
    group:
        "interpret_{sample}"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=rule_resources("qc_metrics", "mem_mb", 2000),
        runtime=rule_resources("qc_metrics", "runtime", 60),
    params:
        qc=config["qc"],
        assay=config["assay"],
    script:
        "../../scripts/qc_metrics.py"


# Could this sample show a fusion of each kinase, and down to what fraction (scripts/fusion_pipeline/qc/kinase_evaluability.py)?
rule kinase_evaluability:
    input:
        bam=f"{OUTDIR}/{{sample}}/star/Aligned.sortedByCoord.out.bam",
        bai=f"{OUTDIR}/{{sample}}/star/Aligned.sortedByCoord.out.bam.bai",
        gtf=f"{OUTDIR}/reference/annotation.gtf",
        kb_check=f"{OUTDIR}/reference/kb_check.tsv",
        kinases=config["knowledge_base"]["kinases"],
    output:
        f"{OUTDIR}/{{sample}}/qc/kinase_evaluability.tsv",
    log:
        f"{OUTDIR}/logs/kinase_evaluability/{{sample}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/kinase_evaluability/{{sample}}.tsv"
    group:
        "interpret_{sample}"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=rule_resources("kinase_evaluability", "mem_mb", 1000),
        runtime=rule_resources("kinase_evaluability", "runtime", 30),
    params:
        qc=config["qc"],
        abundance=config["abundance"],
        min_support=config["builtin"]["min_support"],
    script:
        "../../scripts/kinase_evaluability.py"


# Targeted panels: reads, molecules, family size and on-target share per target (scripts/fusion_pipeline/qc/panel_qc.py);
# nothing is counted from an input that failed its check (no UMIs, say).
rule panel_qc:
    input:
        bam=f"{OUTDIR}/{{sample}}/star/Aligned.sortedByCoord.out.bam",
        bai=f"{OUTDIR}/{{sample}}/star/Aligned.sortedByCoord.out.bam.bai",
        star_log=f"{OUTDIR}/{{sample}}/star/Log.final.out",
        panel=config.get("panel", "panel-file-not-configured"),
        check=f"{OUTDIR}/{{sample}}/qc/fastq_check.tsv",
    output:
        summary=f"{OUTDIR}/{{sample}}/qc/panel_qc_mqc.tsv",
        targets=f"{OUTDIR}/{{sample}}/qc/panel_targets.tsv",
    log:
        f"{OUTDIR}/logs/panel_qc/{{sample}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/panel_qc/{{sample}}.tsv"
    group:
        "interpret_{sample}"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=rule_resources("panel_qc", "mem_mb", 1000),
        runtime=rule_resources("panel_qc", "runtime", 30),
    params:
        umi=config["umi"],
    script:
        "../../scripts/panel_qc.py"
