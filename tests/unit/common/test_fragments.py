"""Fragment identity from the mate CIGAR (MC) equals the identity a region query finds (issue 26)."""

import pysam

from fusion_pipeline.common.fragments import FragmentIndex

# (name, read1, start, cigar, reverse, mate start, mate cigar, mate reverse)
PAIRS = [
    ("near", True, 950, "50M1000N50M", False, 1800, "80M20S", True),  # mate reverse, clipped at its 5' end
    ("near_swapped", False, 950, "5S45M1000N50M", False, 1850, "100M", True),
    ("far", True, 960, "100M", False, 4500, "10S90M", True),  # mate beyond the 1000-base window
    ("upstream", True, 900, "100M", True, 100, "7S93M", False),  # mate before the window
]


def write_bam(path, with_mc: bool):
    header = {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": "c1", "LN": 6000}]}
    reads = []
    with pysam.AlignmentFile(path, "wb", header=header) as out:
        for name, read1, start, cigar, reverse, mate_start, mate_cigar, mate_reverse in PAIRS:
            for first, (s, c, r, ms, mc, mr) in ((read1, (start, cigar, reverse, mate_start, mate_cigar,
                                                           mate_reverse)),
                                                  (not read1, (mate_start, mate_cigar, mate_reverse, start, cigar,
                                                               reverse))):  # fmt: skip
                read = pysam.AlignedSegment(out.header)
                read.query_name, read.reference_id, read.next_reference_id = name, 0, 0
                read.flag = 0x1 | (0x40 if first else 0x80) | (0x10 if r else 0) | (0x20 if mr else 0)
                read.reference_start, read.cigarstring, read.mapping_quality = s, c, 255
                read.next_reference_start = ms
                read.query_sequence = "A" * read.infer_query_length()
                if with_mc:
                    read.set_tag("MC", mc)
                reads.append(read)
        for read in sorted(reads, key=lambda r: r.reference_start):
            out.write(read)
    pysam.index(path)


def keys(path):
    with pysam.AlignmentFile(path) as bam:
        index = FragmentIndex(bam, "c1", 999, 1000)
        reads = list(bam.fetch("c1", 998, 1001))  # as wild_type_counts: the reads first, then their mates
        return sorted(index.key(read) for read in reads)


def test_mate_cigar_gives_the_fragments_the_window_scan_gives(tmp_path):
    write_bam(str(tmp_path / "mc.bam"), with_mc=True)
    write_bam(str(tmp_path / "plain.bam"), with_mc=False)
    from_tags, scanned = keys(str(tmp_path / "mc.bam")), keys(str(tmp_path / "plain.bam"))
    assert len(from_tags) == 4
    assert from_tags == scanned
    # the reverse mate of 'near' ends at 1879 (0-based) with 20 clipped bases: its 5' end is 1899
    assert ((0, 950, False), (0, 1899, True)) in from_tags
    # beyond the window the mate is known by its aligned start, with or without the tag
    assert ((0, 960, False), (0, 4500, True)) in from_tags
