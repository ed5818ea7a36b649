"""STAR short of BAM-sorting memory in the real workflow: one retry with STAR's own figure (issue 26)."""

import gzip

import pysam
from helpers import run_workflow, write_config


def locus_ordered_reads(bam: str, out1, out2, copies: int = 30) -> None:
    """The reads of a sorted BAM in its order, as `samtools fastq` of a coordinate-sorted BAM gives them.

    Each pair is written `copies` times in a row, so the first 100,000 reads, from which STAR sizes
    its sorting bins, cover a small part of the genome and the rest fall into one bin.
    """
    mates = {}
    with pysam.AlignmentFile(bam) as reads, gzip.open(out1, "wt") as fq1, gzip.open(out2, "wt") as fq2:
        for read in reads.fetch(until_eof=True):
            if read.is_secondary or read.is_supplementary:
                continue
            seq, qual = (
                read.get_forward_sequence(),
                "".join(chr(q + 33) for q in read.get_forward_qualities()),
            )
            other = mates.pop(read.query_name, None)
            if other is None:
                mates[read.query_name] = (read.is_read1, seq, qual)
                continue
            first, second = (
                ((read.is_read1, seq, qual), other) if read.is_read1 else (other, (False, seq, qual))
            )
            for copy in range(copies):
                fq1.write(f"@{read.query_name}_{copy}\n{first[1]}\n+\n{first[2]}\n")
                fq2.write(f"@{read.query_name}_{copy}\n{second[1]}\n+\n{second[2]}\n")


def test_locus_ordered_reads_short_of_sort_memory_are_aligned_after_one_retry(tmp_path, demo_run):
    data = demo_run["workdir"] / "data"
    locus_ordered_reads(str(demo_run["out"] / "S6/star/Aligned.sortedByCoord.out.bam"),
                        tmp_path / "L_R1.fastq.gz", tmp_path / "L_R2.fastq.gz")  # fmt: skip
    (tmp_path / "samples.tsv").write_text(
        f"sample\tpatient\ttimepoint\tfq1\tfq2\nL\tP\t1\t{tmp_path}/L_R1.fastq.gz\t{tmp_path}/L_R2.fastq.gz\n"
    )
    write_config(tmp_path, str(data / "genome.fa"), str(data / "genes.gtf"), star={"sort_ram_mb": 1},
                 star_index=demo_run["star_index"])  # fmt: skip
    result = run_workflow(tmp_path, "--until", "star_align")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "WARNING: sample L: STAR needs" in result.stderr and "aligning again with" in result.stderr
    with pysam.AlignmentFile(str(tmp_path / "out/L/star/Aligned.sortedByCoord.out.bam")) as bam:
        assert bam.mapped > 1000
