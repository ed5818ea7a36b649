"""Gene models from a GTF and breakpoint annotation against them.

Coordinates are 1-based inclusive, as in the GTF. Exons and CDS segments of a
transcript are kept in transcript order (5' to 3'), so "exon n" is the n-th
exon a reader of the transcript meets, on either strand.
"""

from dataclasses import dataclass, field

from intervaltree import IntervalTree

from fusion_pipeline.common.errors import InputError
from fusion_pipeline.common.sequtil import revcomp, translate_codon

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
    def preference(self) -> tuple:
        """Sort key, smallest first: the most canonical tag, then the longest CDS, the longest transcript, the ID."""
        return self.canonical_rank, -self.cds_length, -self.length, self.transcript_id

    @property
    def cds_length(self) -> int:
        return sum(e - s + 1 for s, e, _ in self.cds)

    @property
    def length(self) -> int:
        return sum(e - s + 1 for s, e in self.exons)

    @property
    def first_phase(self) -> int:
        """Bases before the first complete codon (the GTF phase of the first CDS row)."""
        return self.cds[0][2] if self.cds else 0

    # --- coding coordinates (1-based genomic positions, 0-based CDS offsets) ---

    def cds_offset(self, pos: int):
        """0-based offset of genomic `pos` in the CDS; 'utr5'/'utr3' in an exon outside it; None otherwise."""
        if not self.cds:
            return None
        offset = 0
        for start, end, _ in self.cds:
            if start <= pos <= end:
                return offset + (pos - start if self.strand == "+" else end - pos)
            offset += end - start + 1
        located = locate_in_transcript(self, pos, "5")
        if located is None or located[1] == "intron":
            return None
        forward = self.strand == "+"
        cds_start = self.cds[0][0] if forward else self.cds[0][1]
        if (pos < cds_start) if forward else (pos > cds_start):
            return "utr5"
        cds_end = self.cds[-1][1] if forward else self.cds[-1][0]
        return "utr3" if ((pos > cds_end) if forward else (pos < cds_end)) else None

    def codon_of(self, offset: int) -> int:
        """1-based codon (amino acid) number holding CDS offset `offset`."""
        return (offset - self.first_phase) // 3 + 1

    def cds_genomic(self, offset: int):
        """Genomic position of a 0-based CDS offset, or None past the CDS."""
        for start, end, _ in self.cds:
            length = end - start + 1
            if offset < length:
                return start + offset if self.strand == "+" else end - offset
            offset -= length
        return None

    def codon_positions(self, protein_position: int):
        """The three genomic positions of a codon in reading order (descending on '-'), or None.

        A codon split by an intron has positions in two exons.
        """
        first = self.first_phase + 3 * (protein_position - 1)
        positions = [self.cds_genomic(first + k) for k in range(3)]
        return None if None in positions else positions

    def transcript_offset(self, pos: int):
        """0-based position of genomic `pos` in the spliced transcript, None outside its exons."""
        offset = 0
        for start, end in self.exons:
            if start <= pos <= end:
                return offset + (pos - start if self.strand == "+" else end - pos)
            offset += end - start + 1
        return None

    def cds_to_transcript(self, offset: int):
        """Spliced-transcript position of a 0-based CDS offset."""
        genomic = self.cds_genomic(offset)
        return None if genomic is None else self.transcript_offset(genomic)

    def coding_sequence(self, fasta) -> str:
        """The CDS read from an indexed FASTA (pysam.FastaFile), sense strand, upper case."""
        parts = [fasta.fetch(self.chrom, start - 1, end).upper() for start, end, _ in self.cds]
        if self.strand == "-":
            parts = [revcomp(part) for part in parts]
        return "".join(parts)

    def protein(self, fasta) -> str:
        """The CDS translated from its first complete codon; a final stop codon is dropped."""
        cds = self.coding_sequence(fasta)[self.first_phase :]
        protein = "".join(translate_codon(cds[i : i + 3]) for i in range(0, len(cds) - 2, 3))
        return protein[:-1] if protein.endswith("*") else protein

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
        self.numbering: dict = {}  # {gene_id: clinical transcript_id}, see annotate_side
        self.by_name = {}
        self._by_id = {}
        self._transcripts = {}
        for gene in genes.values():
            self.by_name.setdefault(gene.name, gene)
            self._by_id.setdefault(gene.gene_id.split(".")[0], gene)
            for tx in gene.transcripts:
                self._transcripts[tx.transcript_id.split(".")[0]] = tx

    def genes_at(self, chrom: str, pos: int) -> list:
        tree = self._trees.get(chrom)
        return [iv.data for iv in tree.at(pos)] if tree else []

    def genes_between(self, chrom: str, start: int, end: int) -> list:
        tree = self._trees.get(chrom)
        return [iv.data for iv in tree.overlap(start, end + 1)] if tree else []

    def gene_by_id(self, gene_id: str):
        """A gene by ID, version ignored; None when absent."""
        return self._by_id.get(str(gene_id).split(".")[0])

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


def exon_and_offset(tx: Transcript, pos: int, role: str) -> tuple[int, int] | None:
    """(exon number, offset) of a breakpoint in a transcript, None outside its span.

    The 5' side names the last exon kept, the 3' side the first; the offset counts genomic bases
    from that exon's boundary in the transcript's direction (as VICC and HGVS exon offsets do): 5',
    `-n` ends n bases before the exon's end, `+n` n bases into the intron after it; 3', `+n` starts n
    bases after the exon's first base, `-n` n bases into the intron before it.
    """
    lo, hi = min(s for s, _ in tx.exons), max(e for _, e in tx.exons)
    if not lo <= pos <= hi:
        return None
    step = 1 if tx.strand == "+" else -1  # genomic bases to transcript direction
    for index, (start, end) in enumerate(tx.exons):
        if start <= pos <= end:
            boundary = tx.last_base(index) if role == "5" else tx.first_base(index)
            return index + 1, (pos - boundary) * step
    for index in range(len(tx.exons)):  # in an intron: the exon before it (5') or after it (3')
        if (tx.first_base(index) - pos) * step > 0:
            if role == "5":
                return index, (pos - tx.last_base(index - 1)) * step
            return index + 1, (pos - tx.first_base(index)) * step
    return None


def locate_in_transcript(tx: Transcript, pos: int, role: str):
    """(exon number, site) of a breakpoint in a transcript, or None outside it.

    A 5' breakpoint on the last base of exon n, or a 3' one on the first base of
    exon n, is 'exon_boundary'. Inside an intron the 5' exon is the last one
    before the junction and the 3' exon the first one after it.
    """
    located = exon_and_offset(tx, pos, role)
    if located is None:
        return None
    exon, offset = located
    inside = offset <= 0 if role == "5" else offset >= 0  # the offset points into the intron otherwise
    return exon, "exon_boundary" if offset == 0 else ("exon" if inside else "intron")


def annotate_side(annotation: Annotation, chrom: str, pos: int, role: str, direction: int,
                  numbering: dict | None = None) -> SideAnnotation:  # fmt: skip
    """Pick the gene and transcript best explaining one side of a fusion.

    `numbering` ({gene_id: transcript_id}) names the clinical transcript of
    whitelist genes: their exon number and transcript come from it whenever
    the breakpoint lies within it, while `site` still says whether any
    transcript has an exon boundary there.
    """
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
                *tx.preference,
            )
            if best_key is None or key < best_key:
                best_key = key
                best = SideAnnotation(gene.name, gene.gene_id, gene.strand, tx.transcript_id, str(exon), site,
                                      gene.biotype)  # fmt: skip
    numbering = annotation.numbering if numbering is None else numbering
    if best is not None and best.gene_id in numbering:
        clinical = annotation.transcript(numbering[best.gene_id])
        located = locate_in_transcript(clinical, pos, role) if clinical is not None else None
        if located is not None:
            best.transcript, best.exon = clinical.transcript_id, str(located[0])
    return best or SideAnnotation()


def side_score(side: SideAnnotation, role: str, direction: int) -> int:
    if side.gene == ".":
        return 0
    return 2 * strand_fits(side.strand, role, direction) + (side.site == "exon_boundary")


def breakpoint_junctions(tx, exons: list, role: str) -> list:
    """(exon, 1-based breakend position, direction) of the junctions where a kinase's fusions break.

    A 3' kinase keeps exon n on: the breakend is exon n's first base, retained
    downstream. A 5' kinase keeps up to exon n: its last base, retained upstream.
    """
    junctions = []
    forward = tx.strand == "+"
    for n in exons:
        if role == "3prime" and 2 <= n <= len(tx.exons):
            pos = tx.first_base(n - 1)
            junctions.append((n, pos, -1 if forward else 1))
        elif role == "5prime" and 1 <= n < len(tx.exons):
            pos = tx.last_base(n - 1)
            junctions.append((n, pos, 1 if forward else -1))
    return junctions
