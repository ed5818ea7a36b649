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
        "../../scripts/reference.py"


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
