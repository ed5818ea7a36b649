"""STAR alignment of one sample, then a BAM index: one run serves every caller.

Chimeric.out.junction (format 1) feeds the built-in caller and STAR-Fusion,
chimeric alignments inside the BAM feed Arriba; the chimeric parameters are
Arriba's recommended set. Free space is checked first, so a full disk is
reported up front and not as a truncated BAM.
"""

import glob
import logging
import os
import shlex
import shutil
import subprocess

from fusion_pipeline.common.errors import InputError
from fusion_pipeline.common.star_failure import SortMemoryShort, StarFailure, raise_star_failure

# Arriba's recommended STAR parameters plus Junctions output for STAR-Fusion.
CHIMERIC_PARAMETERS = [
    "--outFilterMultimapNmax", "50", "--peOverlapNbasesMin", "10", "--alignSplicedMateMapLminOverLmate", "0.5",
    "--alignSJstitchMismatchNmax", "5", "-1", "5", "5", "--chimSegmentMin", "10",
    "--chimOutType", "Junctions", "WithinBAM", "HardClip", "--chimJunctionOverhangMin", "10",
    "--chimScoreDropMax", "30", "--chimScoreJunctionNonGTAG", "0", "--chimScoreSeparation", "1",
    "--chimSegmentReadGapMax", "3", "--chimMultimapNmax", "50", "--chimOutJunctionFormat", "1",
]  # fmt: skip

# STAR sizes its sorting bins from the first reads: reads in locus order (samtools fastq of a
# sorted BAM, a simulator writing gene by gene) put every alignment into one bin, whose sort then
# needs about the whole BAM in memory. Measured: 4.75 M pairs of 2 x 100 reads, 2.07 GB of FASTQ,
# asked for --limitBAMsortRAM 2477928092 (1.2 bytes per FASTQ byte). gzip shrinks Illumina FASTQ
# about 4x, so the estimate is 4.8x the gzipped size; plain FASTQ counts at its own size.
SORT_BYTES_PER_FASTQ_BYTE = 1.2
GZIP_EXPANSION = 4.0
# A BAM's reads take about what gzipped FASTQ takes (BGZF is gzip), a CRAM about half; taken out by
# samtools collate they come in name order, never locus order, so the worst case above does not
# arise and a quarter of it is asked (a short estimate is retried with STAR's own figure).
EXPANSION = {".gz": GZIP_EXPANSION, ".bam": GZIP_EXPANSION / 4, ".cram": GZIP_EXPANSION / 2}
# samtools collate's temporary files (level-1 BAM of every read), per byte of its input.
COLLATE_BYTES = {".bam": 2.0, ".cram": 6.0}
MIN_SORT_MB = 1000


def sort_ram_mb(fastqs: list) -> int:
    """--limitBAMsortRAM in MB for these input FASTQs (or BAM/CRAM): enough for the worst (locus-ordered) case."""
    size = sum(
        os.path.getsize(p) * EXPANSION.get(os.path.splitext(p)[1].lower(), 1.0)
        for p in fastqs
        if os.path.exists(p)
    )
    return max(MIN_SORT_MB, int(size * SORT_BYTES_PER_FASTQ_BYTE / 1e6) + 1)


def space_needed(fastqs: list) -> int:
    """Bytes to expect: sorted BAM and temporary files, about 3x the gzipped input (and samtools collate's
    files for a BAM or CRAM), plus 50 MB."""
    return (
        sum(os.path.getsize(p) * (3 + COLLATE_BYTES.get(os.path.splitext(p)[1].lower(), 0)) for p in fastqs)
        + 50 * 2**20
    )


def check_free_space(directory: str, needed: int) -> None:
    os.makedirs(directory, exist_ok=True)
    free = shutil.disk_usage(directory).free
    if free < needed:
        raise InputError(
            f"{directory}: only {free / 2**20:.0f} MB free on the output device, "
            f"STAR needs about {needed / 2**20:.0f} MB; free space or set another outdir"
        )


def star_command(fq1, fq2, index, prefix, threads, sort_ram, extra, plain: bool = False) -> list:
    """STAR's alignment; `plain` reads uncompressed FASTQ (the trimmed stream) without a decompressor."""
    return [
        "STAR", "--runThreadN", str(threads), "--genomeDir", index, "--genomeLoad", "NoSharedMemory",
        "--readFilesIn", fq1, *([fq2] if fq2 else []), *([] if plain else ["--readFilesCommand", "gzip", "-cdf"]),
        "--outFileNamePrefix", prefix,
        "--outSAMtype", "BAM", "SortedByCoordinate", "--limitBAMsortRAM", str(sort_ram),
        "--outSAMunmapped", "Within", "--outSAMstrandField", "intronMotif",
        "--outSAMattributes", "NH", "HI", "AS", "nM", "NM", "MD", "MC", "--quantMode", "GeneCounts",
        *CHIMERIC_PARAMETERS, *shlex.split(extra or ""),
    ]  # fmt: skip


def run_star(command: list, prefix: str, log) -> None:
    shutil.rmtree(prefix + "_STARtmp", ignore_errors=True)  # left behind by a killed run
    logging.info("running: %s", shlex.join(command))
    log.flush()
    result = subprocess.run(command, stdout=log, stderr=log)
    shutil.rmtree(prefix + "_STARtmp", ignore_errors=True)
    if result.returncode != 0:
        raise_star_failure(result.returncode, os.path.dirname(prefix), [prefix + "Log.out", log.name])


def empty_pair(directory: str) -> tuple[str, str]:
    """Two empty gzipped FASTQ files: STAR aligns them into valid, empty outputs."""
    import gzip

    paths = tuple(os.path.join(directory, f".empty_R{i}.fastq.gz") for i in (1, 2))
    for path in paths:
        with gzip.open(path, "wb"):
            pass
    return paths


def align_sorting_once_more(align, sample: str, sort_mb: int) -> None:
    """align(fq1, fq2, sort_ram); when STAR aligned every read but ran short of memory to sort them,
    once more with the figure STAR asked for (5 % over), saying so in one line."""
    import sys

    try:
        align()
        return
    except SortMemoryShort as short:
        needed_mb = -(-short.needed * 21 // 20 // 2**20)
    message = (f"WARNING: sample {sample}: STAR needs {needed_mb} MB to sort its BAM, more than the {sort_mb} MB "
               f"given (reads in locus order?); aligning again with {needed_mb} MB. On a cluster, set "
               f"star.sort_ram_mb: {needed_mb}")  # fmt: skip
    logging.warning(message.removeprefix("WARNING: "))
    print(message, file=sys.__stderr__, flush=True)
    try:
        align(sort_ram=needed_mb * 2**20)
    except SortMemoryShort as again:
        raise InputError(
            f"sample {sample}: STAR still needs --limitBAMsortRAM {again.needed} after a retry with {needed_mb} MB; "
            f"set star.sort_ram_mb to at least {-(-again.needed // 2**20)}"
        ) from None


def main(snakemake) -> None:
    """The reads are decompressed once and checked in the pass that feeds STAR (through fastp when
    trimming); the whole check's verdict is written beside the alignment. A sample whose files' head
    failed rule check_fastq is not aligned at all; one found broken further on is aligned from the
    reads it had, and its verdict keeps every interpreting step from stating anything."""
    import sys

    from fusion_pipeline.align.check_fastq import announce, verdict, write_check
    from fusion_pipeline.align.checked_reads import checked_reads
    from fusion_pipeline.align.trim_stream import TrimFailure, trimmed_stream
    from fusion_pipeline.align.trimming import write_empty_report
    from fusion_pipeline.common.errors import ToolError
    from fusion_pipeline.common.input_verdict import read_verdict

    star_dir = os.path.dirname(snakemake.output.bam)
    os.makedirs(star_dir, exist_ok=True)
    if snakemake.input.get("chimeric_junction"):  # the lab's own STAR alignment, taken as it is
        take_given(snakemake)
        return
    bam = snakemake.input.get("bam")  # a BAM or CRAM whose reads are aligned again (align/bam_input.py)
    fq1, fq2 = (
        (None, None) if bam else (snakemake.input.fq1, snakemake.input.get("fq2"))
    )  # no fq2: single-end
    check_free_space(star_dir, space_needed([bam] if bam else [p for p in (fq1, fq2) if p]))
    prefix = star_dir + "/"
    for kind in (".trim_stream_", ".checked_reads_", ".bam_reads_"):  # pipes left behind by a killed run
        for stale in glob.glob(os.path.join(star_dir, f"{kind}*")):
            shutil.rmtree(stale, ignore_errors=True)
    sample, trim = snakemake.wildcards.sample, snakemake.params.trim
    head = {
        k: v for k, v in read_verdict(snakemake.input.head_check).items() if k not in ("sample", "fq1", "fq2")
    }
    checked = {}

    def star(reads1, reads2, sort_ram, plain=True):
        command = star_command(reads1, reads2, snakemake.input.index, prefix, snakemake.threads, sort_ram,
                               snakemake.params.extra, plain)  # fmt: skip
        run_star(command, prefix, sys.stderr)

    def trimmed_into_star(reads1, reads2, sort_ram, stdin=None, single=False):
        with trimmed_stream(reads1, reads2, snakemake.output.fastp_json, snakemake.output.fastp_html,
                            trim["options"], trim["threads"], sample, star_dir, sys.stderr,
                            stdin=stdin, single=single) as (trimmed1, trimmed2):  # fmt: skip
            star(trimmed1, trimmed2, sort_ram)

    def align_fastq(sort_ram):
        with checked_reads(fq1, fq2, star_dir) as (reads1, reads2, reads):
            if not trim:
                star(reads1, reads2, sort_ram)
            else:
                trimmed_into_star(reads1, reads2, sort_ram)
        if reads.complete:
            checked.update(reads.verdict(head))

    def align_bam(sort_ram):
        from fusion_pipeline.align.bam_input import bam_reads
        from fusion_pipeline.common.input_verdict import single_end

        reads, single = None, single_end(head)
        try:
            with bam_reads(bam, snakemake.input.cram_reference, star_dir, snakemake.threads, sys.stderr,
                           interleaved=bool(trim), single=single) as (reads1, reads2, reads):  # fmt: skip
                if not trim:
                    star(reads1, reads2, sort_ram)
                else:
                    trimmed_into_star(None, None, sort_ram, stdin=reads.stdout, single=single)
        finally:  # samtools has ended: its verdict covers the whole file, even when STAR failed
            if reads is not None:
                checked.clear()
                checked.update(reads.verdict(head))

    def align(sort_ram=snakemake.params.sort_ram_mb * 2**20):
        (align_bam if bam else align_fastq)(sort_ram)

    def align_nothing(reason):  # a valid, empty alignment: the sample goes on to a "failed" report
        logging.warning("input failed its check (%s): aligning no reads", reason)
        if trim:
            write_empty_report(snakemake.output.fastp_json, snakemake.output.fastp_html, reason)
        empty = empty_pair(star_dir)
        star(*empty, MIN_SORT_MB * 2**20, plain=False)
        for path in empty:
            os.remove(path)

    def whole_verdict():
        if not bam:
            return verdict(fq1, fq2)
        if checked.get("status") in (None, "stopped"):  # samtools was stopped with STAR: read the file alone
            from fusion_pipeline.align.bam_input import whole_verdict as whole_bam_verdict

            whole = whole_bam_verdict(bam, snakemake.input.cram_reference, star_dir, snakemake.threads, head,
                                      sys.stderr)  # fmt: skip
            if whole["status"] == "stopped":  # samtools itself was killed: no verdict on the file
                raise ToolError(f"sample {sample}: samtools stopped while reading {bam}; see its log")
            return whole
        return dict(checked)

    if head["status"] != "ok":  # the files' head failed: nothing from this input is aligned
        align_nothing(head["reason"])
        checked.update(head)
    else:
        try:
            align_sorting_once_more(align, sample, snakemake.params.sort_ram_mb)
        except (StarFailure, TrimFailure) as failure:
            whole = whole_verdict()  # the aligner stopped early: is the input to blame?
            if whole["status"] == "ok":
                if isinstance(failure, TrimFailure):
                    raise ToolError(f"fastp failed on sample {sample} ({failure}); see its log") from None
                raise
            align_nothing(whole["reason"])
            checked.clear()
            checked.update(whole)
        if not checked or checked.get("status") == "stopped":  # the aligner exited well before the end
            whole = whole_verdict()
            checked.clear()
            checked.update(whole)
        elif bam and checked["status"] != "ok":  # STAR aligned what samtools gave before it failed
            logging.warning("input failed its check after alignment (%s)", checked["reason"])
    announce(sample, checked)
    fastqs = snakemake.params.fastqs
    write_check(snakemake.output.check, sample, fastqs.get("fq1", bam), fastqs.get("fq2"), checked)
    subprocess.run(
        ["samtools", "index", snakemake.output.bam, snakemake.output.bai], check=True, stderr=sys.stderr
    )


def take_given(snakemake) -> None:
    """star_align for a STAR alignment given in the sheet (align/given_alignment.py): its files taken into
    {sample}/star/, the BAM indexed, the verdict written; nothing aligned or trimmed."""
    from fusion_pipeline.align.check_fastq import announce, write_check
    from fusion_pipeline.align.given_alignment import take_given_alignment
    from fusion_pipeline.align.trimming import write_empty_report
    from fusion_pipeline.common.input_verdict import read_verdict

    sample = snakemake.wildcards.sample
    head = {
        k: v for k, v in read_verdict(snakemake.input.head_check).items() if k not in ("sample", "fq1", "fq2")
    }
    checked = take_given_alignment(snakemake.input, snakemake.output, snakemake.input.cram_reference,
                                   snakemake.input.fai, head)  # fmt: skip
    if snakemake.params.trim:
        write_empty_report(snakemake.output.fastp_json, snakemake.output.fastp_html,
                           "the sample's STAR alignment was given as it is (bam, chimeric_junction)")  # fmt: skip
    announce(sample, checked)
    write_check(snakemake.output.check, sample, snakemake.input.bam, None, checked)
