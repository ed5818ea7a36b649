rule check_fastq:
    input:
        unpack(get_fastqs),
    output:
        f"{OUTDIR}/{{sample}}/qc/fastq_check.tsv",
    log:
        f"{OUTDIR}/logs/check_fastq/{{sample}}.log",
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=rule_resources("check_fastq", "mem_mb", 500),
        runtime=rule_resources("check_fastq", "runtime", 60),
    script:
        "../../scripts/fastq_check.py"


# One STAR run serves every caller: Chimeric.out.junction (format 1) for the
# built-in caller and STAR-Fusion, chimeric alignments inside the BAM for
# Arriba. Chimeric parameters follow Arriba's recommendation.
rule star_align:
    input:
        unpack(get_fastqs),
        check=f"{OUTDIR}/{{sample}}/qc/fastq_check.tsv",
        index=f"{OUTDIR}/reference/star_index",
    output:
        bam=f"{OUTDIR}/{{sample}}/star/Aligned.sortedByCoord.out.bam",
        junctions=f"{OUTDIR}/{{sample}}/star/Chimeric.out.junction",
        log_final=f"{OUTDIR}/{{sample}}/star/Log.final.out",
        log_main=f"{OUTDIR}/{{sample}}/star/Log.out",
        splice_junctions=f"{OUTDIR}/{{sample}}/star/SJ.out.tab",
        gene_counts=f"{OUTDIR}/{{sample}}/star/ReadsPerGene.out.tab",
    log:
        f"{OUTDIR}/logs/star_align/{{sample}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/star_align/{{sample}}.tsv"
    conda:
        "../../envs/star.yaml"
    threads: rule_resources("star_align", "threads", 2)
    resources:
        mem_mb=star_memory("star_align"),
        runtime=rule_resources("star_align", "runtime", 240),
    params:
        prefix=lambda wildcards, output: os.path.dirname(output.bam) + "/",
        sort_ram=lambda wildcards, resources: max(1000, resources.mem_mb // 4) * 1024 * 1024,
        extra=config["star"]["extra"],
    shell:
        "rm -rf {params.prefix}_STARtmp && "
        "STAR --runThreadN {threads} --genomeDir {input.index} --genomeLoad NoSharedMemory"
        " --readFilesIn {input.fq1} {input.fq2} --readFilesCommand 'gzip -cdf'"
        " --outFileNamePrefix {params.prefix}"
        " --outSAMtype BAM SortedByCoordinate --limitBAMsortRAM {params.sort_ram}"
        " --outSAMunmapped Within --outSAMstrandField intronMotif"
        " --outSAMattributes NH HI AS nM NM MD --quantMode GeneCounts"
        " --outFilterMultimapNmax 50 --peOverlapNbasesMin 10"
        " --alignSplicedMateMapLminOverLmate 0.5 --alignSJstitchMismatchNmax 5 -1 5 5"
        " --chimSegmentMin 10 --chimOutType Junctions WithinBAM HardClip"
        " --chimJunctionOverhangMin 10 --chimScoreDropMax 30"
        " --chimScoreJunctionNonGTAG 0 --chimScoreSeparation 1"
        " --chimSegmentReadGapMax 3 --chimMultimapNmax 50 --chimOutJunctionFormat 1"
        " {params.extra} > {log} 2>&1 && rm -rf {params.prefix}_STARtmp"


rule index_bam:
    input:
        f"{OUTDIR}/{{sample}}/star/Aligned.sortedByCoord.out.bam",
    output:
        f"{OUTDIR}/{{sample}}/star/Aligned.sortedByCoord.out.bam.bai",
    log:
        f"{OUTDIR}/logs/index_bam/{{sample}}.log",
    conda:
        "../../envs/star.yaml"
    threads: 1
    resources:
        mem_mb=rule_resources("index_bam", "mem_mb", 500),
        runtime=rule_resources("index_bam", "runtime", 30),
    shell:
        "samtools index {input} {output} > {log} 2>&1"
