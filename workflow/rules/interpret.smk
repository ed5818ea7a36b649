# Interpretation: what a sample's fusions mean (kinase annotation, frame, domain, therapies, tier,
# resistance). One job per step. `group` sends a sample's steps after STAR (calling,
# abundance, QC, annotation, resistance, report and its trend) to a cluster as one job: thousands
# of samples still mean one queue entry each, not ten. `priority: 1` on the chain from the call
# to the report (calling, abundance, annotation, resistance, report) runs it before the QC steps
# beside it, which only the report waits for.
rule annotate_kinases:
    input:
        check=f"{OUTDIR}/{{sample}}/qc/fastq_check.tsv",
        calls=f"{OUTDIR}/{{sample}}/fusions.tsv",
        gtf=f"{OUTDIR}/reference/annotation.gtf",
        kb_check=f"{OUTDIR}/reference/kb_check.tsv",
        kinases=config["knowledge_base"]["kinases"],
        actionability=config["knowledge_base"]["actionability"],
        tumour_types=config["knowledge_base"]["tumour_types"],
    output:
        f"{OUTDIR}/{{sample}}/kinase_fusions.tsv",
    log:
        f"{OUTDIR}/logs/annotate_kinases/{{sample}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/annotate_kinases/{{sample}}.tsv"
    priority: 1
    group:
        "interpret_{sample}"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=rule_resources("annotate_kinases", "mem_mb", 2000),
        runtime=rule_resources("annotate_kinases", "runtime", 30),
    params:
        sample=lambda wildcards: RUN.samples[wildcards.sample],
        min_support=config["actionability"]["min_support_tier1"],
    script:
        "../../scripts/annotate_kinases.py"


rule genotype_resistance:
    input:
        unpack(previous_resistance_input),
        kinase_calls=f"{OUTDIR}/{{sample}}/kinase_fusions.tsv",
        bam=f"{OUTDIR}/{{sample}}/star/Aligned.sortedByCoord.out.bam",
        bai=f"{OUTDIR}/{{sample}}/star/Aligned.sortedByCoord.out.bam.bai",
        fasta=config["reference"]["fasta"],
        fai=f"{OUTDIR}/reference/genome.fa.fai",
        gtf=f"{OUTDIR}/reference/annotation.gtf",
        kb_check=f"{OUTDIR}/reference/kb_check.tsv",
        kinases=config["knowledge_base"]["kinases"],
        hotspots=config["knowledge_base"]["resistance_hotspots"],
    output:
        f"{OUTDIR}/{{sample}}/resistance.tsv",
    log:
        f"{OUTDIR}/logs/genotype_resistance/{{sample}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/genotype_resistance/{{sample}}.tsv"
    priority: 1
    group:
        "interpret_{sample}"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=rule_resources("genotype_resistance", "mem_mb", 2000),
        runtime=rule_resources("genotype_resistance", "runtime", 30),
    params:
        previous_sample=previous_sample,
        resistance=config["resistance"],
    script:
        "../../scripts/genotype_resistance.py"
