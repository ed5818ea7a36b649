from collections import Counter

import pandas as pd
import pytest
from helpers import ROOT

from fusion_pipeline.common.annotation import Transcript
from fusion_pipeline.common.errors import InputError
from fusion_pipeline.common.knowledge_base import load_hotspots
from fusion_pipeline.interpret.genotype_resistance import (
    GenotypeSettings,
    assess,
    compare_with_previous,
    genes_to_assess,
    genotype_hotspot,
    read_codon,
)


def test_codon_positions_plus_strand_and_split_by_an_intron():
    # CDS 101-110 then 201-220: codon 4 = bases 10, 11, 12 = 110 | 201, 202 (split by the intron)
    tx = Transcript(
        "T", "G", "P", "c1", "+", exons=[(91, 110), (201, 230)], cds=[(101, 110, 0), (201, 220, 0)]
    )
    assert tx.codon_positions(1) == [101, 102, 103]
    assert tx.codon_positions(4) == [110, 201, 202]
    assert tx.codon_positions(10) == [218, 219, 220]
    assert tx.codon_positions(11) is None


def test_codon_positions_minus_strand():
    # '-': CDS read from 500 down to 491, then 400 down to 381; codon 4 = 491 | 400, 399
    tx = Transcript(
        "T", "G", "M", "c1", "-", exons=[(481, 510), (371, 400)], cds=[(491, 500, 0), (381, 400, 0)]
    )
    assert tx.codon_positions(1) == [500, 499, 498]
    assert tx.codon_positions(4) == [491, 400, 399]


def test_codon_positions_respect_the_first_cds_phase():
    tx = Transcript("T", "G", "P", "c1", "+", exons=[(1, 50)], cds=[(11, 40, 2)])  # 5'-incomplete CDS
    assert tx.codon_positions(1) == [13, 14, 15]


class FakeRead:
    def __init__(self, start, sequence, quality=30):
        self.query_sequence = sequence
        self.query_qualities = [quality] * len(sequence)
        self.start = start

    def get_aligned_pairs(self, matches_only=True):
        return [(i, self.start + i) for i in range(len(self.query_sequence))]


def test_read_codon_on_both_strands_and_quality():
    read = FakeRead(99, "ATGGCC")  # bases at 100..105 (1-based)
    assert read_codon(read, [100, 101, 102], "+", 20) == "ATG"
    assert read_codon(read, [105, 104, 103], "-", 20) == "GGC"  # reverse complement, codon order
    assert read_codon(read, [104, 105, 106], "+", 20) is None  # 106 not covered
    assert read_codon(FakeRead(99, "ATGGCC", quality=5), [100, 101, 102], "+", 20) is None


def test_assess_statuses():
    settings = GenotypeSettings(min_depth=20, min_alt_reads=5, min_fraction=0.05)
    found = assess(Counter({"GGC": 60, "CGC": 40, "GGA": 10}), "G", settings)  # GGA is synonymous
    assert (found["status"], found["alt_aa"], found["alt_reads"], found["depth"]) == ("found", "R", 40, 110)
    assert found["alt_ci_low"] < 40 / 110 < found["alt_ci_high"]
    assert assess(Counter({"GGC": 100, "CGC": 2}), "G", settings)["status"] == "covered, not found"
    low = assess(Counter({"CGC": 10}), "G", settings)
    assert (low["status"], low["depth"]) == ("not assessable", 10)


def test_new_mutations_are_marked_against_the_previous_timepoint():
    now = [{"gene": "ALK", "hotspot": "G1202", "status": "found", "mutation": "G1202R"},
           {"gene": "ALK", "hotspot": "L1196", "status": "found", "mutation": "L1196M"},
           {"gene": "NF2", "hotspot": "G161", "status": "found", "mutation": "G161*"},
           {"gene": "ALK", "hotspot": "G1269", "status": "covered, not found", "mutation": "."}]  # fmt: skip
    before = pd.DataFrame([
        {"gene": "ALK", "hotspot": "G1202", "status": "covered, not found", "mutation": "."},
        {"gene": "ALK", "hotspot": "L1196", "status": "found", "mutation": "L1196M"},
        {"gene": "NF2", "hotspot": "G161", "status": "not assessable", "mutation": "."},
    ])  # fmt: skip
    rows = compare_with_previous(now, before, "T1")
    assert [r["new"] for r in rows] == ["yes", "no", "unknown (not assessed before)", "."]
    assert rows[0]["previous_status"] == "covered, not found"
    first = compare_with_previous([dict(now[0])], None, None)
    assert (first[0]["new"], first[0]["previous_sample"]) == (".", ".")


def test_hotspot_file_and_gene_choice(tmp_path):
    hotspots = load_hotspots(str(ROOT / "config/resistance_hotspots.yaml"))
    assert {s["position"] for s in hotspots["genes"]["ALK"]["hotspots"]} >= {1202, 1196}
    assert {s["position"] for s in hotspots["genes"]["ROS1"]["hotspots"]} == {2032, 2033, 2086}
    calls = pd.DataFrame({"kinase": ["ALK", "RET"], "actionable": ["yes", "no"]})
    assert genes_to_assess(calls, hotspots) == ["ALK", "NF2"]
    assert genes_to_assess(calls.assign(actionable="review"), hotspots) == ["ALK", "RET", "NF2"]
    assert genes_to_assess(calls.assign(actionable="no"), hotspots) == []
    lone = tmp_path / "lone.yaml"  # a gene outside the whitelist must state its own protein
    lone.write_text("version: 1\ngenes:\n  NF2: {role: bypass, hotspots: []}\n")
    with pytest.raises(
        InputError, match="NF2 is not in the kinase whitelist, so it needs transcript and protein"
    ):
        load_hotspots(str(lone), kinase_genes={"ALK": {}})
    bad = tmp_path / "h.yaml"
    bad.write_text("version: 1\ngenes:\n  ALK: {role: somewhere, hotspots: []}\n")
    with pytest.raises(InputError, match="h.yaml: ALK: role must be on_target or bypass"):
        load_hotspots(str(bad))


class FakeFasta:
    def __init__(self, sequence):
        self.sequence = sequence

    def fetch(self, chrom, start, end):
        return self.sequence[start:end]


def test_a_hotspot_is_never_found_on_an_unverified_or_mismatched_codon():
    # reads carry CGC (R) at codon 1; the reference codon is GCC (A), the hotspot says G
    tx = Transcript("T", "G", "ALK", "c1", "+", exons=[(1, 30)], cds=[(1, 30, 0)])
    spot = {"position": 1, "ref": "G", "changes": ["R"]}
    entry = {"role": "on_target"}
    settings = GenotypeSettings()

    class Bam:  # never reached: the checks come first
        def fetch(self, *args):
            raise AssertionError("the BAM must not be read for a withheld hotspot")

    withheld = genotype_hotspot("S", "ALK", entry, spot, None, Bam(), FakeFasta("GCC" * 10), settings,
                                withheld="ENST1 encodes 760 aa, whitelist expects 796 (P04629)")  # fmt: skip
    assert withheld["status"] == "not assessable" and "760 aa, whitelist expects 796" in withheld["reason"]
    mismatch = genotype_hotspot("S", "ALK", entry, spot, tx, Bam(), FakeFasta("GCC" * 10), settings)
    assert mismatch["status"] == "not assessable"
    assert mismatch["reason"] == "reference codon GCC encodes A, not G" and mismatch["mutation"] == "."
