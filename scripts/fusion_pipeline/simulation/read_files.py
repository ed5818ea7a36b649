"""A simulated sample's reads in the other forms a lab keeps them: an unaligned BAM or CRAM of both
mates, and read 1 alone as single-end FASTQ (the demo sheet's S2bam, S3cram and S2single rows).

The records are what `samtools import` writes (flags 77/141, names without /1 /2), so the workflow
reads them through the same path as a lab's unaligned archive.
"""

from pathlib import Path

UNALIGNED_HEADER = {"HD": {"VN": "1.6", "SO": "unsorted"}}


def write_unaligned(fq1: Path, fq2: Path, path: Path, reference: Path | None = None) -> int:
    """Both mates of a FASTQ pair as unaligned records in `path` (CRAM when it ends in .cram, which needs
    `reference` for its header); returns the pairs written."""
    import pysam

    mode = "wc" if str(path).endswith(".cram") else "wb"
    extra = {"reference_filename": str(reference)} if mode == "wc" else {}
    pairs = 0
    with (
        pysam.FastxFile(str(fq1)) as one,
        pysam.FastxFile(str(fq2)) as two,
        pysam.AlignmentFile(str(path), mode, header=UNALIGNED_HEADER, **extra) as out,
    ):
        for first, second in zip(one, two):
            for record, flag in ((first, 77), (second, 141)):
                read = pysam.AlignedSegment(out.header)
                read.query_name = record.name.split("/")[0]
                read.flag = flag
                read.query_sequence = record.sequence
                read.query_qualities = pysam.qualitystring_to_array(record.quality)
                out.write(read)
            pairs += 1
    return pairs


def write_other_forms(out: Path, forms: tuple) -> list:
    """(sample, form) pairs -> the demo sheet's extra rows (sample, origin, form, reads columns), their files
    written under out/reads. A form is "bam", "cram" (against out/genome.fa) or "single" (read 1 alone)."""
    reads, rows = out / "reads", []
    for sample, form in forms:
        fq1, fq2 = reads / f"{sample}_R1.fastq.gz", reads / f"{sample}_R2.fastq.gz"
        name = f"{sample}{form}"  # S2bam, S3cram, S2single
        if form == "single":
            rows.append(
                {"sample": name, "origin": sample, "form": form, "fq1": str(fq1), "fq2": "", "bam": ""}
            )
            continue
        path = reads / f"{sample}.unaligned.{form}"
        write_unaligned(fq1, fq2, path, out / "genome.fa" if form == "cram" else None)
        rows.append({"sample": name, "origin": sample, "form": form, "fq1": "", "fq2": "", "bam": str(path)})
    return rows
