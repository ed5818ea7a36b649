"""Issue 27 item 2: reads across a fusion junction that STAR left soft-clipped, counted once, not twice.

A two-gene reference (G5 on chrA, kinase K3 on chrB, both '+', two exons each)
and a BAM written here: reads of the fusion G5 exon 1 :: K3 exon 2 aligned on
K3 with the G5 bases soft-clipped, as STAR leaves a read whose G5 part is
shorter than --chimSegmentMin.
"""

import random

import pysam
import pytest

from fusion_pipeline.call.call_builtin import CallerParams
from fusion_pipeline.call.junction_evidence import JunctionReads, known_kinase_junctions
from fusion_pipeline.call.region_lists import read_region_list
from fusion_pipeline.common.annotation import load_gtf
from fusion_pipeline.common.fusion_table import (
    INFERRED_FROM_PAIRS,
    JUNCTION_SEQUENCE,
    SPLIT_READS,
    breakpoint_source,
)
from fusion_pipeline.common.junction_sequence import (
    JunctionSequence,
    TranscriptSequences,
    junction_sequence,
    place,
)
from fusion_pipeline.common.sequtil import revcomp

RNG = random.Random(7)
CHR_A = "".join(RNG.choice("ACGT") for _ in range(600))
CHR_B = "".join(RNG.choice("ACGT") for _ in range(600))
GTF = "".join(
    f'{chrom}\tt\texon\t{start}\t{end}\t.\t+\t.\tgene_id "{gene}"; gene_name "{gene}"; transcript_id "T{gene}";\n'
    for chrom, gene in (("chrA", "G5"), ("chrB", "K3"))
    for start, end in ((101, 200), (301, 400))
)
# the fusion transcript: G5 exon 1 (chrA 101-200) then K3 exon 2 (chrB 301-400)
FUSION = CHR_A[100:200] + CHR_B[300:400]
JUNCTION = 100  # index of K3's first base in FUSION


@pytest.fixture()
def reference(tmp_path):
    (tmp_path / "genome.fa").write_text(f">chrA\n{CHR_A}\n>chrB\n{CHR_B}\n")
    pysam.faidx(str(tmp_path / "genome.fa"))
    (tmp_path / "genes.gtf").write_text(GTF)
    fasta = pysam.FastaFile(str(tmp_path / "genome.fa"))
    yield tmp_path, fasta, load_gtf(str(tmp_path / "genes.gtf"))
    fasta.close()


def clipped_read(name, overhang, length=60, mate_start=250, reverse=False, read1=True):
    """A fusion read with `overhang` G5 bases, aligned on K3 from its exon 2 start (chrB:301)."""
    read = pysam.AlignedSegment()
    read.query_name = name
    read.query_sequence = FUSION[JUNCTION - overhang : JUNCTION - overhang + length]
    read.flag = 1 | 2 | (16 if reverse else 32) | (64 if read1 else 128)
    read.reference_id, read.reference_start, read.mapping_quality = 1, 300, 255
    read.cigarstring = f"{overhang}S{length - overhang}M"
    read.next_reference_id, read.next_reference_start = 1, mate_start
    read.query_qualities = pysam.qualitystring_to_array("I" * length)
    return read


def partner_read(name, overhang, length=60):
    """A fusion read with `overhang` K3 bases, aligned on G5 up to its exon 1 end (chrA:200)."""
    read = clipped_read(name, 0, length)
    read.query_sequence = FUSION[JUNCTION + overhang - length : JUNCTION + overhang]
    read.query_qualities = pysam.qualitystring_to_array("I" * length)
    read.reference_id, read.reference_start = 0, 200 - (length - overhang)
    read.cigarstring = f"{length - overhang}M{overhang}S"
    read.next_reference_id, read.next_reference_start = 0, 120
    return read


def far_clip_read(name, length=60):
    """A K3 read from its exon 2 start with a clip at its far end (a spliced read's): no junction here."""
    read = clipped_read(name, 0, length)
    read.cigarstring = f"{length - 12}M12S"
    return read


def write_bam(folder, reads):
    header = {"HD": {"VN": "1.6", "SO": "coordinate"},
              "SQ": [{"SN": "chrA", "LN": len(CHR_A)}, {"SN": "chrB", "LN": len(CHR_B)}]}  # fmt: skip
    path = str(folder / "reads.bam")
    with pysam.AlignmentFile(path, "wb", header=header) as out:
        for read in sorted(reads, key=lambda r: r.reference_start):
            out.write(read)
    pysam.index(path)
    return path


def test_a_read_crossing_the_junction_is_placed_with_its_overhangs():
    junction = JunctionSequence(FUSION[:JUNCTION], FUSION[JUNCTION:], CHR_A[200:300], CHR_B[200:300])
    assert place(FUSION[88:148], junction, 10, 2) == (12, 48)
    assert place(revcomp(FUSION[88:148]), junction, 10, 2) is None  # orientation is the caller's to try
    assert place(FUSION[95:155], junction, 10, 2) is None  # 5 bases of G5: below min_overhang
    mutated = list(FUSION[88:148])
    for i in (1, 5, 9):  # three mismatches in the G5 part
        mutated[i] = "A" if mutated[i] != "A" else "C"
    assert place("".join(mutated), junction, 10, 2) is None


def test_bases_that_read_as_well_on_the_partners_own_transcript_are_no_evidence():
    # G5 continuing exactly like K3's exon 2 for 30 bases: the read's K3 part is homologous to wild type
    homologous = JunctionSequence(FUSION[:JUNCTION], FUSION[JUNCTION:], FUSION[JUNCTION : JUNCTION + 30] + "A" * 70,
                                  CHR_B[200:300])  # fmt: skip
    assert place(FUSION[88:118], homologous, 10, 2) is None
    assert place(FUSION[88:148], homologous, 10, 2) == (12, 48)  # beyond the homology the fusion reads better


def test_junction_sequence_is_the_spliced_transcripts_around_the_breakpoints(reference):
    _, fasta, annotation = reference
    tx5, tx3 = annotation.transcript("TG5"), annotation.transcript("TK3")
    junction = junction_sequence(TranscriptSequences(fasta), tx5, 200, tx3, 301, 250)
    assert junction.left + junction.right == FUSION
    assert junction.continuation == CHR_A[300:400] and junction.preceding == CHR_B[100:200]
    assert junction_sequence(TranscriptSequences(fasta), tx5, 250, tx3, 301, 250) is None  # intronic


def test_fragments_count_once_and_never_beside_their_chimeric_record(reference):
    folder, fasta, annotation = reference
    reads = [
        clipped_read("a", 12),
        clipped_read("a", 12, reverse=True, read1=False),  # both mates: one fragment
        clipped_read("b", 15, mate_start=260),
        clipped_read("b_copy", 15, mate_start=260),  # a PCR copy
        clipped_read("c", 20, mate_start=270),  # in Chimeric.out.junction: the caller's own evidence
        clipped_read("d", 4, mate_start=280),  # too short an overhang
    ]
    bam = write_bam(folder, reads)
    counter = JunctionReads(bam, fasta, {"c"}, CallerParams())
    tx5, tx3 = annotation.transcript("TG5"), annotation.transcript("TK3")
    junction = junction_sequence(counter.sequences, tx5, 200, tx3, 301, 250)
    evidence = counter.evidence(junction, counter.reads_at([("chrA", 200, 1), ("chrB", 301, -1)]))
    assert (evidence.fragments, evidence.anchor) == (2, 15)
    # the partner's side: a read aligned on G5 up to the junction, its K3 bases soft-clipped
    bam = write_bam(folder, [partner_read("f", 12), far_clip_read("g")])
    counter = JunctionReads(bam, fasta, set(), CallerParams())
    assert counter.evidence(junction, counter.reads_at([("chrA", 200, 1)])).fragments == 1
    assert counter.reads_at([("chrA", 200, -1)]) == []  # clipped away from the junction: not this one's
    assert counter.reads_at([("chrB", 301, -1), ("chrZ", 5, 1)]) == []  # a far clip; a contig not in the BAM
    counter.close()


def test_a_known_kinase_fusion_is_found_at_the_kinases_usual_exon(reference):
    folder, fasta, annotation = reference
    known = folder / "known.tsv"
    known.write_text("G5\tK3\tsource\n")
    kinases = {"genes": {"K3": {"actionable_role": "3prime", "typical_exons": [2]}}}
    junctions = known_kinase_junctions(
        annotation, kinases, read_region_list(str(known), allow_keywords=False)
    )
    assert [(j[0].transcript_id, j[1], j[2].transcript_id, j[3]) for j in junctions] == [
        ("TG5", 200, "TK3", 301)
    ]
    bam = write_bam(folder, [clipped_read("a", 14), clipped_read("e", 18, mate_start=240)])
    counter = JunctionReads(bam, fasta, set(), CallerParams())
    [row] = counter.of_known(junctions)
    assert (row["chr1"], row["pos1"], row["dir1"], row["chr2"], row["pos2"], row["dir2"]) == (
        "chrA", 200, 1, "chrB", 301, -1)  # fmt: skip
    assert counter.of_known(junctions + junctions) == [row]  # a pair listed twice is one junction
    counter.close()
    assert known_kinase_junctions(annotation, {"genes": {}}, read_region_list(str(known), False)) == []


def test_how_a_junction_is_known():
    assert breakpoint_source({"junction_reads": "2", "junction_sequence_reads": "1"}) == SPLIT_READS
    assert breakpoint_source({"junction_reads": "0", "junction_sequence_reads": "2"}) == JUNCTION_SEQUENCE
    assert breakpoint_source({"junction_reads": "0", "junction_sequence_reads": "."}) == INFERRED_FROM_PAIRS


def test_a_known_fusion_seen_only_in_junction_sequence_reads_is_called_for_review(reference):
    """The dilution's missed 2 % replicate: one discordant pair in STAR's output, two soft-clipped reads."""
    from helpers import record, write_chimeric

    from fusion_pipeline.call.call_builtin import call_fusions
    from fusion_pipeline.call.filters import FilterContext

    folder, fasta, annotation = reference
    (folder / "known.tsv").write_text("G5\tK3\tsource\n")
    known = read_region_list(str(folder / "known.tsv"), allow_keywords=False)
    kinases = {"genes": {"K3": {"actionable_role": "3prime", "typical_exons": [2]}}}
    pair = record("chrA", 181, "+", "chrB", 319, "+", -1, "p1", start_a=131, cigar_a="50M", start_b=320,
                  cigar_b="50M")  # fmt: skip
    junctions = write_chimeric(folder, [pair])
    bam = write_bam(folder, [clipped_read("a", 14), clipped_read("b", 18, mate_start=240)])

    def calls(**settings):
        params = CallerParams(**settings)
        context = FilterContext(params, annotation, fasta, known_fusions=known)
        return call_fusions(junctions, annotation, params, context=context, bam_path=bam, kinases=kinases)[0]

    [row] = calls().to_dict("records")
    assert (row["fusion"], row["breakpoint5"], row["breakpoint3"]) == ("G5::K3", "chrA:200:+", "chrB:301:+")
    assert (row["junction_reads"], row["spanning_pairs"], row["junction_sequence_reads"], row["pass"]) == (
        0, 1, 2, "yes")  # fmt: skip
    assert breakpoint_source(row) == JUNCTION_SEQUENCE
    assert calls(junction_sequence=False).empty  # one pair alone makes no call
