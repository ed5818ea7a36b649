"""The demo's other forms of a sample (simulation/read_files.py): an unaligned BAM or CRAM holds every
read of the FASTQ pair, in pairs, and the demo sheet (config/samples.tsv) is the demo profile's."""

import csv
import gzip

import pysam

from fusion_pipeline.simulation.read_files import write_unaligned
from fusion_pipeline.simulation.simulate import write_profile


def _fastq(path, records):
    with gzip.open(path, "wt") as fh:
        for name, seq in records:
            fh.write(f"@{name}\n{seq}\n+\n{'I' * len(seq)}\n")


def test_an_unaligned_bam_or_cram_holds_each_pair_with_its_names_sequences_and_qualities(tmp_path):
    first, second = [("a/1", "ACGTACGTAA"), ("b/1", "TTGCA")], [("a/2", "GGGCCCAAAT"), ("b/2", "CATGC")]
    _fastq(tmp_path / "r1.fq.gz", first)
    _fastq(tmp_path / "r2.fq.gz", second)
    (tmp_path / "ref.fa").write_text(">c\nACGT\n")
    for name in ("x.bam", "x.cram"):
        assert (
            write_unaligned(
                tmp_path / "r1.fq.gz", tmp_path / "r2.fq.gz", tmp_path / name, tmp_path / "ref.fa"
            )
            == 2
        )
        with pysam.AlignmentFile(str(tmp_path / name), check_sq=False) as bam:
            reads = list(bam.fetch(until_eof=True))
        assert [(r.query_name, r.flag, r.query_sequence) for r in reads] == [
            ("a", 77, "ACGTACGTAA"), ("a", 141, "GGGCCCAAAT"), ("b", 77, "TTGCA"), ("b", 141, "CATGC")
        ]  # fmt: skip
        assert all(list(r.query_qualities) == [40] * r.query_length for r in reads)


def test_the_demo_sheet_is_the_demo_profiles_with_a_bam_a_cram_and_a_single_end_sample(tmp_path):
    from helpers import ROOT

    write_profile(tmp_path / "demo", "demo")
    with open(tmp_path / "demo/samples.tsv", newline="") as fh:
        written = [{k: v.replace(str(tmp_path / "demo"), "resources/demo") for k, v in row.items()}
                   for row in csv.DictReader(fh, delimiter="\t")]  # fmt: skip
    with open(ROOT / "config/samples.tsv", newline="") as fh:
        shipped = list(csv.DictReader(fh, delimiter="\t"))
    assert written == shipped
    extra = {row["sample"]: row for row in shipped[-3:]}
    assert extra["S2bam"]["bam"].endswith("S2.unaligned.bam") and not extra["S2bam"]["fq1"]
    assert extra["S3cram"]["bam"].endswith("S3.unaligned.cram")
    assert extra["S2single"]["fq1"].endswith("S2_R1.fastq.gz") and not extra["S2single"]["fq2"]
    with pysam.AlignmentFile(str(tmp_path / "demo/reads/S3.unaligned.cram"), check_sq=False) as cram:
        records = sum(1 for _ in cram.fetch(until_eof=True))
    with gzip.open(tmp_path / "demo/reads/S3_R1.fastq.gz", "rt") as fh:
        assert records == 2 * sum(1 for _ in fh) // 4
