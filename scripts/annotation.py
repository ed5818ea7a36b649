"""Gene models from a GTF and breakpoint annotation against them.

Coordinates are 1-based inclusive, as in the GTF. Exons and CDS segments of a
transcript are kept in transcript order (5' to 3'), so "exon n" is the n-th
exon a reader of the transcript meets, on either strand.
"""

from dataclasses import dataclass, field

from intervaltree import IntervalTree

from samplesheet import InputError

CANONICAL_TAGS = ("MANE_Select", "Ensembl_canonical", "canonical", "basic")


@dataclass
class Transcript:
    transcript_id: str
    gene_id: str
    gene_name: str
    chrom: str
    strand: str
    exons: list = field(default_factory=list)  # (start, end) in transcript order
    cds: list = field(default_factory=list)  # (start, end, phase) in transcript order
    tags: set = field(default_factory=set)

    @property
    def canonical_rank(self) -> int:
        """0 for the most canonical tag, larger for weaker ones."""
        for rank, tag in enumerate(CANONICAL_TAGS):
            if tag in self.tags:
                return rank
        return len(CANONICAL_TAGS)

    @property
    def cds_length(self) -> int:
        return sum(e - s + 1 for s, e, _ in self.cds)

    @property
    def length(self) -> int:
        return sum(e - s + 1 for s, e in self.exons)

    def first_base(self, exon_index: int) -> int:
        start, end = self.exons[exon_index]
        return start if self.strand == "+" else end

    def last_base(self, exon_index: int) -> int:
        start, end = self.exons[exon_index]
        return end if self.strand == "+" else start


@dataclass
class Gene:
    gene_id: str
    name: str
    chrom: str
    strand: str
    start: int
    end: int
    biotype: str = ""
    transcripts: list = field(default_factory=list)


def parse_attributes(text: str) -> dict:
    attrs: dict = {}
    for item in text.strip().split(";"):
        item = item.strip()
        if not item:
            continue
        key, _, value = item.partition(" ")
        value = value.strip().strip('"')
        if key == "tag":
            attrs.setdefault("tags", set()).add(value)
        else:
            attrs.setdefault(key, value)
    return attrs


class Annotation:
    """Genes and transcripts of a GTF with an interval index per contig."""

    def __init__(self, genes: dict):
        self.genes = genes
        self._trees: dict = {}
        for gene in genes.values():
            self._trees.setdefault(gene.chrom, IntervalTree()).addi(gene.start, gene.end + 1, gene)
        self.by_name = {}
        self._transcripts = {}
        for gene in genes.values():
            self.by_name.setdefault(gene.name, gene)
            for tx in gene.transcripts:
                self._transcripts[tx.transcript_id.split(".")[0]] = tx

    def genes_at(self, chrom: str, pos: int) -> list:
        tree = self._trees.get(chrom)
        return [iv.data for iv in tree.at(pos)] if tree else []

    def genes_between(self, chrom: str, start: int, end: int) -> list:
        tree = self._trees.get(chrom)
        return [iv.data for iv in tree.overlap(start, end + 1)] if tree else []

    def transcript(self, transcript_id: str):
        """A transcript by ID, version ignored; None when absent."""
        return self._transcripts.get(str(transcript_id).split(".")[0])


def load_gtf(path: str) -> Annotation:
    """Read gene/transcript/exon/CDS rows; genes without gene_name take their gene_id."""
    genes: dict = {}
    transcripts: dict = {}
    with open(path) as fh:
        for number, line in enumerate(fh, start=1):
            if line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 9:
                if line.strip():
                    raise InputError(f"{path}: line {number} has {len(fields)} fields, not 9")
                continue
            feature = fields[2]
            if feature not in ("exon", "CDS", "gene", "transcript"):
                continue
            attrs = parse_attributes(fields[8])
            gene_id = attrs.get("gene_id")
            if not gene_id:
                continue
            chrom, start, end, strand = fields[0], int(fields[3]), int(fields[4]), fields[6]
            gene = genes.get(gene_id)
            if gene is None:
                gene = genes[gene_id] = Gene(
                    gene_id, attrs.get("gene_name", gene_id), chrom, strand, start, end,
                    attrs.get("gene_biotype", attrs.get("gene_type", "")),
                )  # fmt: skip
            gene.start, gene.end = min(gene.start, start), max(gene.end, end)
            tx_id = attrs.get("transcript_id")
            if feature == "gene" or not tx_id:
                continue
            tx = transcripts.get(tx_id)
            if tx is None:
                tx = transcripts[tx_id] = Transcript(tx_id, gene_id, gene.name, chrom, strand)
                gene.transcripts.append(tx)
            tx.tags |= attrs.get("tags", set())
            if feature == "exon":
                tx.exons.append((start, end))
            elif feature == "CDS":
                tx.cds.append((start, end, int(fields[7]) if fields[7].isdigit() else 0))
    for tx in transcripts.values():
        reverse = tx.strand == "-"
        tx.exons.sort(reverse=reverse)
        tx.cds.sort(reverse=reverse)
    for gene in genes.values():
        gene.transcripts = [t for t in gene.transcripts if t.exons]
    return Annotation(genes)


# --- breakpoint annotation -------------------------------------------------------


def strand_fits(gene_strand: str, role: str, direction: int) -> bool:
    """Whether a gene on `gene_strand` can be the `role` ('5' or '3') partner.

    `direction` +1: the retained part lies at and below the breakpoint and the
    partner is joined above it; -1: the reverse. A 5' partner on '+' keeps its
    bases up to the breakpoint (+1); a 3' partner on '+' keeps those after (-1).
    """
    forward = (role == "5") == (direction == 1)
    return gene_strand == ("+" if forward else "-")


def transcript_strand(role: str, direction: int) -> str:
    return "+" if (role == "5") == (direction == 1) else "-"


@dataclass
class SideAnnotation:
    gene: str = "."
    gene_id: str = "."
    strand: str = "."
    transcript: str = "."
    exon: str = "."
    site: str = "intergenic"  # exon_boundary | exon | intron | intergenic
    biotype: str = ""


def locate_in_transcript(tx: Transcript, pos: int, role: str):
    """(exon number, site) of a breakpoint in a transcript, or None outside it.

    A 5' breakpoint on the last base of exon n, or a 3' one on the first base of
    exon n, is 'exon_boundary'. Inside an intron the 5' exon is the last one
    before the junction and the 3' exon the first one after it.
    """
    lo = min(s for s, _ in tx.exons)
    hi = max(e for _, e in tx.exons)
    if not lo <= pos <= hi:
        return None
    for index, (start, end) in enumerate(tx.exons):
        if start <= pos <= end:
            boundary = tx.last_base(index) if role == "5" else tx.first_base(index)
            return index + 1, "exon_boundary" if pos == boundary else "exon"
    forward = tx.strand == "+"
    for index, (start, end) in enumerate(tx.exons):
        before = end < pos if forward else start > pos
        if not before:  # first exon after the breakpoint in transcript order
            return (index, "intron") if role == "5" else (index + 1, "intron")
    return None


def annotate_side(annotation: Annotation, chrom: str, pos: int, role: str, direction: int) -> SideAnnotation:
    """Pick the gene and transcript best explaining one side of a fusion."""
    best, best_key = None, None
    for gene in annotation.genes_at(chrom, pos):
        fits = strand_fits(gene.strand, role, direction)
        for tx in gene.transcripts:
            located = locate_in_transcript(tx, pos, role)
            if located is None:
                continue
            exon, site = located
            key = (
                not fits,
                site != "exon_boundary",
                site == "intron",
                gene.biotype not in ("protein_coding", ""),
                tx.canonical_rank,
                -tx.cds_length,
                -tx.length,
                tx.transcript_id,
            )
            if best_key is None or key < best_key:
                best_key = key
                best = SideAnnotation(gene.name, gene.gene_id, gene.strand, tx.transcript_id, str(exon), site,
                                      gene.biotype)  # fmt: skip
    return best or SideAnnotation()


def side_score(side: SideAnnotation, role: str, direction: int) -> int:
    if side.gene == ".":
        return 0
    return 2 * strand_fits(side.strand, role, direction) + (side.site == "exon_boundary")
