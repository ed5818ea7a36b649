rule call_builtin:
    input:
        unpack(builtin_caller_lists),
        junctions=f"{OUTDIR}/{{sample}}/star/Chimeric.out.junction",
        splice_junctions=f"{OUTDIR}/{{sample}}/star/SJ.out.tab",
        gene_counts=f"{OUTDIR}/{{sample}}/star/ReadsPerGene.out.tab",
        bam=f"{OUTDIR}/{{sample}}/star/Aligned.sortedByCoord.out.bam",
        bai=f"{OUTDIR}/{{sample}}/star/Aligned.sortedByCoord.out.bam.bai",
        kinases=config["knowledge_base"]["kinases"],
        gtf=f"{OUTDIR}/reference/annotation.gtf",
        kb_check=f"{OUTDIR}/reference/kb_check.tsv",
        fasta=config["reference"]["fasta"],
        fai=f"{OUTDIR}/reference/genome.fa.fai",
    output:
        calls=caller_file("builtin"),
        filter_counts=f"{OUTDIR}/{{sample}}/callers/builtin.filter_counts.tsv",
    log:
        f"{OUTDIR}/logs/call_builtin/{{sample}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/call_builtin/{{sample}}.tsv"
    priority: 1
    group:
        "interpret_{sample}"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=rule_resources("call_builtin", "mem_mb", 2000),
        runtime=rule_resources("call_builtin", "runtime", 30),
    params:
        settings=config["builtin"],
    script:
        "../../scripts/call_builtin.py"


# Arriba by name from PATH (its conda env with --sdm conda); a sample without any chimeric read gets
# header-only tables (zero calls), any other Arriba failure stops the job (scripts/fusion_pipeline/call/arriba.py).
rule arriba:
    input:
        bam=f"{OUTDIR}/{{sample}}/star/Aligned.sortedByCoord.out.bam",
        fasta=config["reference"]["fasta"],
        gtf=f"{OUTDIR}/reference/annotation.gtf",
    output:
        fusions=caller_file("arriba"),
        discarded=f"{OUTDIR}/{{sample}}/arriba/fusions.discarded.tsv",
        version=caller_file("arriba", "version_file"),
    log:
        f"{OUTDIR}/logs/arriba/{{sample}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/arriba/{{sample}}.tsv"
    conda:
        "../../envs/arriba.yaml"
    threads: 1
    resources:
        mem_mb=rule_resources("arriba", "mem_mb", 8000),
        runtime=rule_resources("arriba", "runtime", 60),
    params:
        settings=config["arriba"],
    script:
        "../../scripts/arriba.py"


rule star_fusion:
    input:
        junctions=f"{OUTDIR}/{{sample}}/star/Chimeric.out.junction",
    output:
        predictions=caller_file("starfusion"),
        version=caller_file("starfusion", "version_file"),
    log:
        f"{OUTDIR}/logs/star_fusion/{{sample}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/star_fusion/{{sample}}.tsv"
    conda:
        "../../envs/star-fusion.yaml"
    threads: rule_resources("star_fusion", "threads", 2)
    resources:
        mem_mb=rule_resources("star_fusion", "mem_mb", 8000),
        runtime=rule_resources("star_fusion", "runtime", 120),
    params:
        lib=config["starfusion"].get("genome_lib_dir", ""),
        outdir=lambda wildcards, output: os.path.dirname(output.predictions),
        extra=config["starfusion"]["extra"],
        version_command=" ".join(REGISTRY["starfusion"].version_command),
    # the version query never fails the job: the report then says unknown
    shell:
        "STAR-Fusion --genome_lib_dir {params.lib} -J {input.junctions}"
        " --output_dir {params.outdir} --CPU {threads} {params.extra} > {log} 2>&1;"
        " {params.version_command} > {output.version} 2>> {log} || echo unknown > {output.version}"


rule adapt_calls:
    input:
        calls=external_caller_output,
        gtf=f"{OUTDIR}/reference/annotation.gtf",
        kb_check=f"{OUTDIR}/reference/kb_check.tsv",
    output:
        f"{OUTDIR}/{{sample}}/callers/{{caller}}.tsv",
    log:
        f"{OUTDIR}/logs/adapt_calls/{{sample}}.{{caller}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/adapt_calls/{{sample}}.{{caller}}.tsv"
    wildcard_constraints:
        caller="|".join(adapted(REGISTRY)),
    group:
        "interpret_{sample}"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=rule_resources("adapt_calls", "mem_mb", 2000),
        runtime=rule_resources("adapt_calls", "runtime", 30),
    params:
        caller=lambda wildcards: wildcards.caller,
    script:
        "../../scripts/adapt_calls.py"


# Every caller's calls merged into one row per breakpoint and judged as one table: an external caller's
# call is re-judged by the built-in artefact filters, and a targeted run's calls pass or fail on junction
# molecules here (scripts/fusion_pipeline/call/merge_calls.py).
rule merge_calls:
    input:
        unpack(panel_input),
        unpack(builtin_caller_lists),
        check=f"{OUTDIR}/{{sample}}/qc/fastq_check.tsv",
        calls=[f"{OUTDIR}/{{sample}}/callers/{caller}.tsv" for caller in RUN.callers],
        kinases=config["knowledge_base"]["kinases"],
        junctions=f"{OUTDIR}/{{sample}}/star/Chimeric.out.junction",
        gtf=f"{OUTDIR}/reference/annotation.gtf",
        kb_check=f"{OUTDIR}/reference/kb_check.tsv",
        fasta=config["reference"]["fasta"],
        fai=f"{OUTDIR}/reference/genome.fa.fai",
    output:
        calls=f"{OUTDIR}/{{sample}}/callers/merged.tsv",
        filter_counts=f"{OUTDIR}/{{sample}}/callers/merged_filter_counts.tsv",
    log:
        f"{OUTDIR}/logs/merge_calls/{{sample}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/merge_calls/{{sample}}.tsv"
    priority: 1
    group:
        "interpret_{sample}"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=rule_resources("merge_calls", "mem_mb", 1000),
        runtime=rule_resources("merge_calls", "runtime", 30),
    params:
        callers=RUN.callers,
        assay=config["assay"],
        umi=config["umi"],
        min_anchor=config["abundance"]["min_anchor"],
        min_molecules=config["targeted"]["min_molecules"],
        filters=config["targeted"]["filters"],
        builtin=config["builtin"],
    script:
        "../../scripts/merge_calls.py"
