rule star_index:
    input:
        fasta=config["reference"]["fasta"],
        gtf=config["reference"]["gtf"],
    output:
        index=directory(f"{OUTDIR}/reference/star_index"),
        gtf=f"{OUTDIR}/reference/annotation.gtf",
    log:
        f"{OUTDIR}/logs/star_index/star_index.log",
    benchmark:
        f"{OUTDIR}/benchmarks/star_index/star_index.tsv"
    conda:
        "../../envs/star.yaml"
    threads: rule_resources("star_index", "threads", 2)
    resources:
        mem_mb=star_memory("star_index"),
        runtime=rule_resources("star_index", "runtime", 120),
    params:
        sjdb_overhang=config["star"]["sjdb_overhang"],
        sa_nbases=config["star"].get("sa_index_nbases"),
    script:
        "../../scripts/star_index.py"


rule faidx:
    input:
        config["reference"]["fasta"],
    output:
        f"{OUTDIR}/reference/genome.fa.fai",
    log:
        f"{OUTDIR}/logs/faidx/faidx.log",
    benchmark:
        f"{OUTDIR}/benchmarks/faidx/faidx.tsv"
    conda:
        "../../envs/star.yaml"
    threads: 1
    resources:
        mem_mb=rule_resources("faidx", "mem_mb", 1000),
        runtime=rule_resources("faidx", "runtime", 30),
    shell:
        "samtools faidx {input} --fai-idx {output} > {log} 2>&1"


# The samtools of the STAR environment (star_align indexes the BAMs with it), for the reports; a
# version that cannot be read is recorded as unknown rather than stopping the run.
rule samtools_version:
    output:
        f"{OUTDIR}/reference/samtools_version.txt",
    log:
        f"{OUTDIR}/logs/samtools_version/samtools_version.log",
    conda:
        "../../envs/star.yaml"
    threads: 1
    resources:
        mem_mb=rule_resources("samtools_version", "mem_mb", 100),
        runtime=rule_resources("samtools_version", "runtime", 5),
    shell:
        "samtools --version > {output} 2> {log} || echo unknown > {output}"


# Clinical transcripts proven by translation; protein coordinates of a gene that fails are withheld.
rule kb_check:
    input:
        fasta=config["reference"]["fasta"],
        fai=f"{OUTDIR}/reference/genome.fa.fai",
        gtf=f"{OUTDIR}/reference/annotation.gtf",
        kinases=config["knowledge_base"]["kinases"],
        hotspots=config["knowledge_base"]["resistance_hotspots"],
    output:
        f"{OUTDIR}/reference/kb_check.tsv",
    log:
        f"{OUTDIR}/logs/kb_check/kb_check.log",
    benchmark:
        f"{OUTDIR}/benchmarks/kb_check/kb_check.tsv"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=rule_resources("kb_check", "mem_mb", 2000),
        runtime=rule_resources("kb_check", "runtime", 30),
    script:
        "../../scripts/kb_check.py"
