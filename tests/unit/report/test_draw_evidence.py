"""Issue 28: the reads behind a call, laid on its junction sequence and drawn (report/draw_evidence.py)."""

import pysam
import pytest
from helpers import true_fusion

from fusion_pipeline.common.junction_sequence import TranscriptSequences, junction_sequence
from fusion_pipeline.report.draw_evidence import call_view, counts, render_svg
from fusion_pipeline.report.write_report import evidence_views


@pytest.fixture()
def genome(extended):
    return extended


def _call(genome):
    """ETV6 exon 5 :: NTRK3 exon 15, on the transcripts the annotation has for them."""
    (c5, p5, _), (c3, p3, _) = true_fusion(genome, "ETV6", 5, "NTRK3", 15)
    tx5 = genome["annotation"].by_name["ETV6"].transcripts[0]
    tx3 = genome["annotation"].by_name["NTRK3"].transcripts[0]
    return {"fusion": "ETV6::NTRK3", "gene5": "ETV6", "gene3": "NTRK3", "breakpoint5": f"{c5}:{p5}:+",
            "breakpoint3": f"{c3}:{p3}:-", "transcript5": tx5.transcript_id, "transcript3": tx3.transcript_id}  # fmt: skip


def _bam(genome, call, path):
    """Reads across the junction aligned on ETV6 and soft-clipped where NTRK3 starts: two fragments, one
    of them twice (a PCR copy), one read with a base changed, and a read of ETV6 alone."""
    annotation = genome["annotation"]
    with pysam.FastaFile(str(genome["folder"] / "genome.fa")) as fasta:
        tx5, tx3 = annotation.transcript(call["transcript5"]), annotation.transcript(call["transcript3"])
        chrom, pos5 = call["breakpoint5"].split(":")[0], int(call["breakpoint5"].split(":")[1])
        junction = junction_sequence(
            TranscriptSequences(fasta), tx5, pos5, tx3, int(call["breakpoint3"].split(":")[1]), 60
        )
        lengths = dict(zip(fasta.references, fasta.lengths))
    exon = next(e for e in tx5.exons if e[0] <= pos5 <= e[1])
    overhang = min(40, pos5 - exon[0] + 1)
    header = {
        "HD": {"VN": "1.6", "SO": "coordinate"},
        "SQ": [{"SN": n, "LN": n_len} for n, n_len in lengths.items()],
    }
    reads = []
    with pysam.AlignmentFile(str(path), "wb", header=header) as out:
        for name, start_shift, change in (("a", 0, False), ("a2", 0, False), ("b", 3, True)):
            sequence = junction.left[-(overhang - start_shift) :] + junction.right[:25]
            if change:  # one base of the 5' part read wrong
                sequence = sequence[:5] + ("A" if sequence[5] != "A" else "C") + sequence[6:]
            read = pysam.AlignedSegment(out.header)
            read.query_name, read.flag, read.reference_name = name, 0, chrom
            read.reference_start = pos5 - (overhang - start_shift)
            read.cigarstring = f"{overhang - start_shift}M25S"
            read.query_sequence, read.mapping_quality = sequence, 60
            read.query_qualities = pysam.qualitystring_to_array("I" * len(sequence))
            read.next_reference_id, read.next_reference_start = -1, -1
            reads.append(read)
        for read in sorted(reads, key=lambda r: r.reference_start):
            out.write(read)
    pysam.index(str(path))


def test_reads_across_the_junction_are_laid_on_it_with_copies_and_mismatches(genome, tmp_path):
    call = _call(genome)
    _bam(genome, call, tmp_path / "reads.bam")
    with pysam.AlignmentFile(str(tmp_path / "reads.bam")) as bam, pysam.FastaFile(
        str(genome["folder"] / "genome.fa")) as fasta:  # fmt: skip
        view = call_view(call, bam, genome["annotation"], TranscriptSequences(fasta), umis=False)
    assert counts(view) == {"reads": 3, "fragments": 2, "copies": 1, "molecules": None, "not_examined": 0}
    changed = [r for r in view["reads"] if r["mismatches"]]
    assert len(changed) == 1 and changed[0]["mismatches"] == [5]
    svg = render_svg(view, "ETV6::NTRK3", "ETV6<b>", "NTRK3")
    assert svg.startswith("<svg") and "ETV6&lt;b&gt;" in svg and "<b>" not in svg
    assert svg.count('fill="#cfd8dc"') == 1 and svg.count("mismatch:") == 1


def test_a_call_that_cannot_be_drawn_says_why_and_a_broken_file_gives_no_view(genome, tmp_path):
    call = {**_call(genome), "transcript5": "."}
    _bam(genome, _call(genome), tmp_path / "reads.bam")
    with pysam.AlignmentFile(str(tmp_path / "reads.bam")) as bam, pysam.FastaFile(
        str(genome["folder"] / "genome.fa")) as fasta:  # fmt: skip
        view = call_view(call, bam, genome["annotation"], TranscriptSequences(fasta), umis=False)
        elsewhere = call_view({**call, "breakpoint5": "nowhere:10:+"}, bam, genome["annotation"],
                              TranscriptSequences(fasta), umis=False)  # fmt: skip
    assert "no junction sequence" in view["error"] and "not in the BAM" in elsewhere["error"]
    (tmp_path / "evidence.json").write_text("{not json")
    assert evidence_views(str(tmp_path / "evidence.json")) == ({}, {})
    assert evidence_views(None) == ({}, {})
