# The GTF clipped to the FASTA's contigs: every step reads this one (minigenome GTFs overhang).
rule prepare_annotation:
    input:
        fasta=config["reference"]["fasta"],
        gtf=config["reference"]["gtf"],
    output:
        f"{OUTDIR}/reference/annotation.gtf",
    log:
        f"{OUTDIR}/logs/prepare_annotation/prepare_annotation.log",
    benchmark:
        f"{OUTDIR}/benchmarks/prepare_annotation/prepare_annotation.tsv"
    conda:
        "../../envs/star.yaml"
    threads: 1
    resources:
        mem_mb=rule_resources("prepare_annotation", "mem_mb", 1000),
        runtime=rule_resources("prepare_annotation", "runtime", 30),
    script:
        "../../scripts/prepare_annotation.py"


# Used when reference.star_index names a lab's own index: it must have been built from this
# FASTA (else the run stops) and with this GTF (else a warning); star_index is then never run.
rule check_star_index:
    input:
        fasta=config["reference"]["fasta"],
        gtf=f"{OUTDIR}/reference/annotation.gtf",
    output:
        f"{OUTDIR}/reference/star_index_check.tsv",
    log:
        f"{OUTDIR}/logs/check_star_index/check_star_index.log",
    conda:
        "../../envs/star.yaml"
    threads: 1
    resources:
        mem_mb=rule_resources("check_star_index", "mem_mb", 1000),
        runtime=rule_resources("check_star_index", "runtime", 30),
    params:
        index=RUN.prebuilt_index,
        sjdb_overhang=config["star"]["sjdb_overhang"],
    script:
        "../../scripts/check_star_index.py"


rule star_index:
    input:
        fasta=config["reference"]["fasta"],
        gtf=f"{OUTDIR}/reference/annotation.gtf",
    output:
        directory(f"{OUTDIR}/reference/star_index"),
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
        sa_sparse=config["star"]["sa_sparse"],
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
