"""Gene models for the simulator from a lab's reference (FASTA + GTF) instead of the synthetic genome.

For each gene a fusion names, one transcript of the GTF is taken and its
exons are cut from the FASTA (pysam.FastaFile), giving the simulator's `Gene`
(simulation/genome.py): exons in transcript order, the spliced mRNA and its
CDS offsets. The simulator then builds wild-type and fusion transcripts and
reads from them as on the synthetic genome (simulation/simulate.py), and its
truth carries the reference's own breakpoints.

Transcript per gene, in this order:

1. a kinase of the knowledge base (config/kinases.yaml): its clinical
   `transcript` when the GTF has it (exon numbers then follow the literature,
   e.g. ROS1 ENST00000368508, where CD74 e6::ROS1 e34 is written);
2. otherwise the transcript tagged MANE_Select, then Ensembl_canonical, then
   canonical, then basic (common/annotation.py CANONICAL_TAGS);
3. ties (or no tag): the longest CDS, then the longest transcript, then the ID.

Exons are numbered along that transcript from its 5' end (on a minus-strand
gene exon 1 is the one with the highest coordinates).

Each gene also gets its `locus` (the transcribed region from the first exon's
5' end to the last exon's 3' end, exons and introns, in transcript
orientation) and its `introns`, cut from the FASTA, so the simulator's
generic artefact classes (pre-mRNA reads, intronic switches,
simulation/artefacts.py) work on a lab's genes as on the synthetic ones.
`junction_frame` tells whether a fusion joins the two CDSs in frame, from the
exon lengths and CDS offsets of these gene models alone.
"""

from dataclasses import dataclass

from fusion_pipeline.common.annotation import CANONICAL_TAGS, Annotation, Transcript
from fusion_pipeline.common.errors import InputError
from fusion_pipeline.common.sequtil import revcomp
from fusion_pipeline.simulation.genome import Gene, GeneSpec

PARTNER_COVERAGE = 60.0  # wild-type coverage of a gene without its own (the synthetic genome's partners)
KINASE_COVERAGE = 25.0  # the synthetic genome's kinases (simulation/genome.py)


@dataclass(frozen=True)
class Chosen:
    transcript: Transcript
    rule: str  # why this transcript: "knowledge base", a tag, or "longest CDS"


def clinical_transcripts(kinases: dict) -> dict:
    """{gene name: clinical transcript ID} from the knowledge base's kinases.yaml content."""
    return {name: entry["transcript"] for name, entry in (kinases.get("genes") or {}).items()
            if entry.get("transcript")}  # fmt: skip


def choose_transcript(gene, clinical_id: str | None = None) -> Chosen:
    """The transcript of a GTF gene (common.annotation.Gene) the simulation numbers exons on."""
    by_id = {tx.transcript_id.split(".")[0]: tx for tx in gene.transcripts}
    if clinical_id and clinical_id.split(".")[0] in by_id:
        return Chosen(by_id[clinical_id.split(".")[0]], "knowledge base")
    if not gene.transcripts:
        raise ValueError(f"{gene.name} has no transcript with exons")
    best = min(gene.transcripts, key=lambda tx: tx.preference)
    rank = best.canonical_rank
    return Chosen(best, CANONICAL_TAGS[rank] if rank < len(CANONICAL_TAGS) else "longest CDS")


def exon_sequences(tx: Transcript, fasta) -> list:
    """The exons of `tx` in transcript order, sense strand, upper case, cut from a pysam.FastaFile."""
    parts = [fasta.fetch(tx.chrom, start - 1, end).upper() for start, end in tx.exons]
    if tx.strand == "-":
        parts = [revcomp(part) for part in parts]
    for (start, end), part in zip(tx.exons, parts):
        if len(part) != end - start + 1:
            raise ValueError(f"{tx.transcript_id} exon {tx.chrom}:{start}-{end} runs past its contig")
    return parts


def transcribed_locus(tx: Transcript, fasta) -> tuple:
    """(locus, introns) of `tx`: its genomic span from the first exon to the last and the sequences between
    consecutive exons, both in transcript orientation (reverse-complemented on the minus strand)."""
    first, last = tx.exons[0], tx.exons[-1]
    if tx.strand == "+":
        locus = fasta.fetch(tx.chrom, first[0] - 1, last[1]).upper()
        introns = [fasta.fetch(tx.chrom, a[1], b[0] - 1).upper() for a, b in zip(tx.exons, tx.exons[1:])]
    else:
        locus = revcomp(fasta.fetch(tx.chrom, last[0] - 1, first[1]).upper())
        introns = [
            revcomp(fasta.fetch(tx.chrom, b[1], a[0] - 1).upper()) for a, b in zip(tx.exons, tx.exons[1:])
        ]
    return locus, introns


def simulator_gene(tx: Transcript, fasta, coverage: float) -> Gene:
    """The simulator's gene model of one reference transcript (mRNA = its exons joined, locus and introns)."""
    mrna = "".join(exon_sequences(tx, fasta))
    locus, introns = transcribed_locus(tx, fasta)
    cds_start = cds_end = 0
    if tx.cds:
        first = tx.cds[0][0] if tx.strand == "+" else tx.cds[0][1]
        last = tx.cds[-1][1] if tx.strand == "+" else tx.cds[-1][0]
        # the first complete codon: a CDS whose 5' end is incomplete (GTF phase 1 or 2) starts that far in
        cds_start = tx.transcript_offset(first) + tx.first_phase
        # Ensembl CDS rows exclude the stop codon: the CDS ends 3 bases after the last CDS base
        cds_end = min(tx.transcript_offset(last) + 4, len(mrna))
    spec = GeneSpec(tx.gene_name, tx.gene_id, tx.transcript_id, tx.strand, len(tx.exons),
                    max(tx.cds_length // 3, 0), coverage=coverage)  # fmt: skip
    return Gene(spec, tx.chrom, list(tx.exons), mrna, cds_start, cds_end, locus, introns)


def junction_frame(gene5: Gene, exon5: int, gene3: Gene, exon3: int) -> str | None:
    """'in frame' or 'out of frame' for gene5 exon `exon5` joined to gene3 exon `exon3`; None when frame
    does not apply (a gene without CDS, the 5' junction outside gene5's CDS, the 3' one outside gene3's).

    From the gene models' exon lengths and CDS offsets only: the junction's position in each CDS, modulo 3,
    must be the same on both sides (the 3' gene's codons continue where the 5' gene's stop).
    """
    if gene5.cds_end <= gene5.cds_start or gene3.cds_end <= gene3.cds_start:
        return None
    end5 = sum(gene5.exon_lengths[:exon5])  # mRNA offset one past the last 5' base kept
    start3 = sum(gene3.exon_lengths[: exon3 - 1])  # mRNA offset of the first 3' base kept
    if not gene5.cds_start < end5 <= gene5.cds_end - 3 or not gene3.cds_start <= start3 < gene3.cds_end - 3:
        return None
    return "in frame" if (end5 - gene5.cds_start) % 3 == (start3 - gene3.cds_start) % 3 else "out of frame"


def reference_genes(annotation: Annotation, fasta, fusions: list, clinical: dict, gtf_path: str,
                    kinases: set = frozenset()) -> tuple:  # fmt: skip
    """({gene name: simulator Gene}, {gene name: (transcript ID, rule)}) for the genes of `fusions`.

    `fusions` are (gene5, exon5, gene3, exon3); a gene, or an exon past its transcript's last, that the
    GTF lacks is an InputError naming the gene and the GTF. Kinases (`kinases`) are expressed at the
    synthetic genome's kinase coverage, partners at its partner coverage.
    """
    genes, chosen = {}, {}
    for gene5, exon5, gene3, exon3 in fusions:
        for name, exon in ((gene5, exon5), (gene3, exon3)):
            if name not in genes:
                gene = annotation.by_name.get(name)
                if gene is None or not gene.transcripts:
                    raise InputError(f"{gtf_path}: gene {name} (validation fusion) is not in the GTF")
                pick = choose_transcript(gene, clinical.get(name))
                coverage = KINASE_COVERAGE if name in kinases else PARTNER_COVERAGE
                try:
                    genes[name] = simulator_gene(pick.transcript, fasta, coverage)
                except (KeyError, ValueError) as err:  # contig not in the FASTA, or exon past its end
                    raise InputError(
                        f"{gtf_path}: gene {name}: {str(err).strip(chr(34))} in the FASTA"
                    ) from None
                chosen[name] = (pick.transcript.transcript_id, pick.rule)
            n_exons = len(genes[name].exons)
            if not 1 <= exon <= n_exons:
                raise InputError(
                    f"{gtf_path}: gene {name} has no exon {exon} (its transcript {chosen[name][0]} has "
                    f"{n_exons} exons)"
                )
    return genes, chosen
