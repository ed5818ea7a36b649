# The head of each FASTQ (compression, first records, quality encoding, mate names; UMIs in a targeted
# run) before any alignment: an input failing it is never aligned. The rest of the files is checked in
# the alignment's own pass over the reads, which writes the whole verdict (qc/fastq_check.tsv).
rule check_fastq:
    input:
        unpack(get_fastqs),
        unpack(given_alignment_check),
    output:
        f"{OUTDIR}/{{sample}}/qc/fastq_head_check.tsv",
    log:
        f"{OUTDIR}/logs/check_fastq/{{sample}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/check_fastq/{{sample}}.tsv"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=rule_resources("check_fastq", "mem_mb", 500),
        runtime=rule_resources("check_fastq", "runtime", 60),
    params:
        umi=config["umi"] if RUN.targeted else {},
        arriba="arriba" in RUN.callers,
    script:
        "../../scripts/check_fastq.py"


# Targeted panels with the UMI at the start of a read: umi_tools moves it into the read name.
rule extract_umis:
    input:
        unpack(get_fastqs),
    output:
        fq1=temp(f"{OUTDIR}/{{sample}}/umi/R1.fastq.gz"),
        fq2=temp(f"{OUTDIR}/{{sample}}/umi/R2.fastq.gz"),
    log:
        f"{OUTDIR}/logs/extract_umis/{{sample}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/extract_umis/{{sample}}.tsv"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=rule_resources("extract_umis", "mem_mb", 1000),
        runtime=rule_resources("extract_umis", "runtime", 120),
    params:
        umi=config["umi"],
    script:
        "../../scripts/extract_umis.py"


# One STAR run serves every caller (parameters in scripts/fusion_pipeline/align/star_align.py). The
# reads are decompressed once, in this job, and checked in the same pass (align/checked_reads.py): the
# whole input check's verdict, which gates every interpreting step, is written here. With trim.enabled,
# fastp streams its trimmed reads into STAR (align/trim_stream.py): adapter read-through of short FFPE
# inserts, poly-G tails and reads left too short are removed, and no trimmed copy is written. A lab's
# own STAR alignment (sheet bam + chimeric_junction) is taken as it is (align/given_alignment.py).
rule star_align:
    input:
        unpack(raw_fastqs),
        unpack(star_index_input),
        unpack(given_alignment_check),
        head_check=f"{OUTDIR}/{{sample}}/qc/fastq_head_check.tsv",
    output:
        **FASTP_REPORTS,
        check=f"{OUTDIR}/{{sample}}/qc/fastq_check.tsv",
        bam=f"{OUTDIR}/{{sample}}/star/Aligned.sortedByCoord.out.bam",
        bai=f"{OUTDIR}/{{sample}}/star/Aligned.sortedByCoord.out.bam.bai",
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
        mem_mb=star_align_memory,
        runtime=rule_resources("star_align", "runtime", 240),
    params:
        extra=config["star"]["extra"],
        sort_ram_mb=star_sort_mb,
        trim=fastp_settings,
        fastqs=get_fastqs,
    script:
        "../../scripts/star_align.py"
