"""Blacklists and known-fusion lists in Arriba's file format.

Both are tab-separated (optionally gzipped), '#' lines are comments, and each
line is a pair of regions: a coordinate `CONTIG:POS` (optionally prefixed
with a strand, `+9:56743754`), a range `CONTIG:START-END`, or a gene name. A
known-fusions line is (5' region, 3' region); further columns (Arriba's tags,
our sources) are kept as a note. A blacklist line's second column may instead
be one of Arriba's keywords, handled as follows (see README):

- any: every event with a breakpoint in the first region;
- discordant_mates: events there with spanning pairs only;
- split_read_any / split_read_donor / split_read_acceptor: events there with
  split reads only (we do not track which side holds the anchor, so the three
  act alike);
- not_both_spliced: events there unless both breakpoints are on exon boundaries;
- read_through: deletion-like events there within 400 kb;
- low_support / filter_spliced: events there that the relative_support filter hit
  (they can then not be rescued by the known-fusions list).
"""

import gzip
import re
from dataclasses import dataclass

from fusion_pipeline.common.errors import InputError

KEYWORDS = frozenset({"any", "discordant_mates", "split_read_any", "split_read_donor", "split_read_acceptor",
                      "not_both_spliced", "read_through", "low_support", "filter_spliced"})  # fmt: skip
_COORDINATE = re.compile(r"^([+-]?)(.+):(\d+)(?:-(\d+))?$")
POSITION_TOLERANCE = 5  # bases a split-read breakpoint may differ from a listed coordinate


@dataclass(frozen=True)
class Region:
    gene: str = ""
    chrom: str = ""
    start: int = 0
    end: int = 0
    strand: str = ""

    def matches(self, gene: str, chrom: str, pos: int, strand: str = "") -> bool:
        if self.gene:
            return gene == self.gene
        if self.strand and strand and strand != self.strand:
            return False
        tolerance = POSITION_TOLERANCE if self.start == self.end else 0
        return chrom == self.chrom and self.start - tolerance <= pos <= self.end + tolerance


@dataclass(frozen=True)
class Entry:
    first: Region
    second: Region | None  # None when the second column is a keyword
    keyword: str = ""
    note: str = ""


def parse_region(text: str) -> Region:
    match = _COORDINATE.match(text)
    if match and ":" in text:
        strand, chrom, start, end = match.groups()
        return Region("", chrom, int(start), int(end or start), strand)
    return Region(gene=text)


def read_region_list(path: str, allow_keywords: bool) -> list:
    """Entries of a blacklist (`allow_keywords`) or known-fusions file; InputError names a bad line."""
    opener = gzip.open if path.endswith(".gz") else open
    entries = []
    try:
        with opener(path, "rt") as fh:
            for number, line in enumerate(fh, start=1):
                if line.startswith("#") or not line.strip():
                    continue
                fields = line.rstrip("\n").split("\t")
                if len(fields) < 2 or not fields[0] or not fields[1]:
                    raise InputError(f"{path}: line {number} needs two tab-separated regions")
                second = fields[1].strip()
                keyword = second if allow_keywords and second in KEYWORDS else ""
                entries.append(Entry(parse_region(fields[0].strip()), None if keyword else parse_region(second),
                                     keyword, "\t".join(fields[2:])))  # fmt: skip
    except OSError as err:
        raise InputError(f"{path}: cannot be read ({err.strerror or err})") from None
    return entries


def pair_matches(entry: Entry, call: dict, ordered: bool) -> bool:
    """Whether a (first, second) region entry matches the call's 5' and 3' breakends."""
    five = (call["gene5"], call["chr5"], call["pos5"], call["strand5"])
    three = (call["gene3"], call["chr3"], call["pos3"], call["strand3"])
    if entry.first.matches(*five) and entry.second.matches(*three):
        return True
    return not ordered and entry.first.matches(*three) and entry.second.matches(*five)


def keyword_matches(entry: Entry, call: dict) -> bool:
    """Whether a keyword entry discards the call (see the module docstring)."""
    five = (call["gene5"], call["chr5"], call["pos5"], call["strand5"])
    three = (call["gene3"], call["chr3"], call["pos3"], call["strand3"])
    if not (entry.first.matches(*five) or entry.first.matches(*three)):
        return False
    junction, spanning = call["junction_reads"], call["spanning_pairs"]
    keyword = entry.keyword
    if keyword == "any":
        return True
    if keyword == "discordant_mates":
        return junction == 0
    if keyword.startswith("split_read"):
        return spanning == 0
    if keyword == "not_both_spliced":
        return not (call["site5"] == "exon_boundary" and call["site3"] == "exon_boundary")
    if keyword == "read_through":
        return call["type"] in ("deletion", "read-through") and abs(call["pos5"] - call["pos3"]) <= 400_000
    return keyword in ("low_support", "filter_spliced") and "relative_support" in call["_hits"]
