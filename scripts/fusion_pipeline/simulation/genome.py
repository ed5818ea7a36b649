"""The synthetic genome: named genes with exons, GT..AG introns and a stop-free CDS.

The base genome (GENES on CONTIGS) carries the kinases and their partners of
the demo. `build_genome(extended=True)` appends contigs of artefact genes used
by the gauntlet, FFPE and validation profiles (highly expressed genes,
paralogues, a circRNA host, poly-A tracts, a read-through pair); they are built
from their own random stream, so the base genome is the same either way.

Exon boundaries named in `exon_start_aa` are put at the given codon (and base
within it), so the usual fusion exons sit where they do in the real genes.
Other boundaries fall where they fall.
"""

import random
from dataclasses import dataclass, field
from pathlib import Path

from fusion_pipeline.common.sequtil import CODON_TABLE, STOP_CODONS, revcomp

UTR5 = 60
UTR3 = 150
FLANK = 1000
SPACER = 2000


@dataclass(frozen=True)
class GeneSpec:
    name: str
    gene_id: str
    transcript_id: str
    strand: str
    n_exons: int
    protein_length: int
    exon_start_aa: dict = field(
        default_factory=dict
    )  # exon -> codon, or (codon, bases of it in the exon before)
    residues: dict = field(default_factory=dict)  # protein position -> amino acid
    coverage: float = 60.0  # fold coverage of the wild-type transcript
    # extra annotated transcripts (no reads): (transcript_id, exon whose last `trim` bases are spliced out, trim, tags)
    isoforms: tuple = ()
    paralog_of: tuple = ()  # (gene name, divergence): a copy of that gene with this share of bases substituted
    utr3_insert: str = ""  # sequence placed at the start of the 3' UTR (e.g. a poly-A tract)
    upstream_exon: int = (
        0  # length of an unannotated exon 1.5 kb before the gene (transcribed, not in the GTF)
    )


# Kinases are expressed at 25x, enough for every kinase to be evaluable down to about 25% in a demo
# sample (qc/kinase_evaluability.py). Real exon counts, strands, canonical transcript IDs, protein lengths and
# exon-start codons where known (NTRK1 P04629: exon 11 at codon 418, exon 12
# inside codon 452; NTRK3 Q16288: exon 15 inside codon 529; ROS1 P08922: exon
# 34 inside codon 1853, as in the Ensembl 110 translation), so the demo proves
# the knowledge base's numbering. Partners' anchors keep the usual fusions in
# frame. Other boundaries fall where they fall.
GENES = [
    GeneSpec(
        "NTRK1", "ENSG00000198400", "ENST00000524377", "+", 17, 796,
        {9: 330, 10: 399, 11: 418, 12: (452, 1)}, {595: "G", 667: "G"}, 25.0,
        # the 760-aa isoform: exon 9 ends 108 bases (36 codons, residues 363-398) earlier
        isoforms=(("ENST00000392302", 9, 108, ("basic",)),),
    ),
    GeneSpec("LMNA", "ENSG00000160789", "ENST00000368300", "+", 12, 664, {3: 120}),
    GeneSpec("KHDRBS1", "ENSG00000121774", "ENST00000327300", "+", 9, 443, {9: (390, 1)}),
    GeneSpec("CTBS", "ENSG00000117151", "ENSTSIM00000001", "+", 7, 385, {7: 330}),
    GeneSpec("GNG5", "ENSG00000174021", "ENSTSIM00000002", "+", 3, 68, {2: 20}),
    GeneSpec("ALK", "ENSG00000171094", "ENST00000389048", "-", 29, 1620, {20: 1058},
             {1196: "L", 1202: "G", 1269: "G"}, 25.0),
    GeneSpec("EML4", "ENSG00000143924", "ENST00000318522", "+", 23, 981, {7: 222, 14: 496}),
    GeneSpec("ROS1", "ENSG00000047936", "ENST00000368508", "-", 43, 2347, {34: (1853, 1)},
             {2032: "G", 2033: "D", 2086: "L"}, 25.0),
    GeneSpec("YWHAE", "ENSG00000108953", "ENSTSIM00000003", "-", 6, 255, {6: (200, 1)}),
    GeneSpec("HMBOX1", "ENSG00000147421", "ENSTSIM00000004", "+", 11, 420, {7: 260}),
    GeneSpec("RET", "ENSG00000165731", "ENST00000355710", "+", 20, 1114, {12: 713}, {810: "G"}, 25.0),
    GeneSpec("CCDC6", "ENSG00000108091", "ENSTSIM00000005", "-", 9, 474, {2: 101}),
    GeneSpec("ETV6", "ENSG00000139083", "ENST00000396373", "+", 8, 452, {6: (336, 1)}),
    GeneSpec("NTRK3", "ENSG00000140538", "ENST00000629765", "-", 20, 839, {15: (529, 1)}, {623: "G"}, 25.0),
    GeneSpec("FGFR3", "ENSG00000068078", "ENST00000440486", "+", 18, 806, {18: 759}, {}, 25.0),
    GeneSpec("TACC3", "ENSG00000013810", "ENSTSIM00000011", "+", 16, 838, {11: 549}),
    GeneSpec("EWSR1", "ENSG00000182944", "ENSTSIM00000006", "+", 17, 656, {8: 265}),
    GeneSpec("FLI1", "ENSG00000151702", "ENSTSIM00000007", "+", 9, 452, {6: 220}),
    GeneSpec("NF2", "ENSG00000186575", "ENSTSIM00000008", "+", 16, 595, {}, {161: "G"}),
    GeneSpec("GAPDH", "ENSG00000111640", "ENSTSIM00000009", "+", 9, 335, {}, {}, 150.0),
    GeneSpec("ACTB", "ENSG00000075624", "ENSTSIM00000010", "-", 6, 375, {}, {}, 150.0),
]  # fmt: skip

# Artefact genes of the extended genome (real names, synthetic sequence). Coverages are the
# defaults; profiles raise them. TPM3's exon 9 starts at codon 222 so TPM3 e8::NTRK1 e10 is
# in frame (NTRK1 exon 10 starts at codon 399).
EXTRA_GENES = [
    GeneSpec("EEF1A1", "ENSG00000156508", "ENSTSIM00000101", "-", 8, 462, {}, {}, 600.0),
    GeneSpec("FTL", "ENSG00000087086", "ENSTSIM00000102", "+", 4, 175, {}, {}, 400.0),
    GeneSpec("TPT1", "ENSG00000133112", "ENSTSIM00000103", "-", 6, 172, {}, {}, 400.0),
    GeneSpec("COL1A1", "ENSG00000108821", "ENSTSIM00000104", "-", 51, 1464, {}, {}, 200.0),
    GeneSpec("TPM3", "ENSG00000143549", "ENSTSIM00000105", "-", 10, 285, {9: 222}, {}, 300.0),
    GeneSpec("TUBA1A", "ENSG00000167552", "ENSTSIM00000106", "-", 4, 451, {}, {}, 150.0),
    GeneSpec("TUBA1B", "ENSG00000123416", "ENSTSIM00000107", "-", 4, 451, {}, {}, 150.0, paralog_of=("TUBA1A", 0.02)),
    GeneSpec("GOLGA8A", "ENSG00000175265", "ENSTSIM00000108", "-", 19, 632, {}, {}, 60.0),
    GeneSpec("GOLGA8B", "ENSG00000215252", "ENSTSIM00000109", "-", 19, 632, {}, {}, 60.0, paralog_of=("GOLGA8A", 0.05)),
    GeneSpec("HIPK3", "ENSG00000110422", "ENSTSIM00000110", "+", 17, 1215, {}, {}, 60.0, upstream_exon=150),
    GeneSpec("PABPC1", "ENSG00000070756", "ENSTSIM00000111", "-", 15, 636, {}, {}, 150.0, utr3_insert="A" * 30),
    GeneSpec("RPLP0", "ENSG00000089157", "ENSTSIM00000112", "+", 8, 317, {}, {}, 300.0, utr3_insert="A" * 30),
    GeneSpec("SLC45A3", "ENSG00000158715", "ENSTSIM00000113", "-", 5, 553, {}, {}, 60.0),
    GeneSpec("ELK4", "ENSG00000158711", "ENSTSIM00000114", "-", 5, 431, {}, {}, 30.0),
]  # fmt: skip
EXTRA_CONTIGS = {
    "chr3": ["EEF1A1", "TUBA1A"],
    "chr5": ["FTL", "TUBA1B", "PABPC1"],
    "chr9": ["TPT1", "HIPK3"],
    "chr13": ["COL1A1", "GOLGA8A", "RPLP0"],
    "chr14": ["TPM3", "GOLGA8B"],
    "chr16": ["ELK4", "SLC45A3"],  # adjacent on the minus strand, SLC45A3 upstream: read-through transcripts
}
HIGHLY_EXPRESSED = ("GAPDH", "ACTB", "EEF1A1", "FTL", "TPT1", "COL1A1")
PARALOGS = (("TUBA1A", "TUBA1B"), ("GOLGA8A", "GOLGA8B"))
POLYA_GENES = ("PABPC1", "RPLP0")


# Gene order on each contig. Fusion partners never sit next to each other on
# the same strand, so only CTBS-GNG5 looks like a read-through.
CONTIGS = {
    "chr1": ["NTRK1", "LMNA", "KHDRBS1", "CTBS", "GNG5"],
    "chr2": ["ALK", "EML4"],
    "chr4": ["TACC3", "FGFR3"],
    "chr6": ["ROS1"],
    "chr7": ["ACTB"],
    "chr8": ["HMBOX1"],
    "chr10": ["RET", "CCDC6"],
    "chr12": ["ETV6", "GAPDH"],
    "chr15": ["NTRK3"],
    "chr17": ["YWHAE"],
    "chr22": ["EWSR1", "NF2"],
    "chr11": ["FLI1"],
}


@dataclass
class Gene:
    spec: GeneSpec
    chrom: str
    exons: list  # (start, end) 1-based inclusive genomic, in transcript order
    mrna: str
    cds_start: int  # 0-based offset of the A of ATG in the mRNA
    cds_end: int  # 0-based offset one past the stop codon
    locus: str = ""  # the transcribed region in transcript orientation (exons and introns)
    introns: list = field(default_factory=list)  # intron sequences in transcript order
    upstream: str = ""  # the unannotated upstream exon's sequence, when the spec has one

    @property
    def exon_lengths(self) -> list:
        return [e - s + 1 for s, e in self.exons]


def _partition(total: int, n: int, anchors: dict, rng: random.Random, min_len: int = 40) -> list:
    """Exon lengths summing to `total`; `anchors` maps exon number -> mRNA start offset."""
    fixed = {1: 0, **anchors}
    points = sorted(fixed.items())
    starts = {}
    for (ex_a, off_a), (ex_b, off_b) in zip(points, points[1:] + [(n + 1, total)]):
        span = off_b - off_a
        count = ex_b - ex_a
        step = span / count
        if step < min_len:
            raise ValueError(f"exons {ex_a}-{ex_b - 1} cannot fit in {span} nt")
        for k in range(count):
            jitter = rng.uniform(-0.25, 0.25) * step if k else 0.0
            starts[ex_a + k] = int(round(off_a + k * step + jitter))
    ordered = [starts[i] for i in range(1, n + 1)] + [total]
    return [b - a for a, b in zip(ordered, ordered[1:])]


def _anchor_offset(at) -> int:
    """mRNA offset of an exon start given as a codon number or (codon, bases of it before the exon)."""
    codon, inside = at if isinstance(at, tuple) else (at, 0)
    return UTR5 + 3 * (codon - 1) + inside


def _random_seq(rng: random.Random, n: int) -> str:
    return "".join(rng.choices("ACGT", k=n))


def _codon_for(aa: str, rng: random.Random) -> str:
    return rng.choice(sorted(c for c, a in CODON_TABLE.items() if a == aa))


def build_mrna(spec: GeneSpec, rng: random.Random) -> tuple[str, int, int]:
    sense = sorted(c for c in CODON_TABLE if c not in STOP_CODONS)
    codons = ["ATG"] + [rng.choice(sense) for _ in range(spec.protein_length - 1)] + ["TGA"]
    for pos, aa in spec.residues.items():
        codons[pos - 1] = _codon_for(aa, rng)
    cds = "".join(codons)
    mrna = _random_seq(rng, UTR5) + cds + spec.utr3_insert + _random_seq(rng, UTR3)
    return mrna, UTR5, UTR5 + len(cds)


def build_genome(seed: int = 1, extended: bool = False) -> tuple[dict, dict]:
    """Return ({contig: sequence}, {gene name: Gene}); `extended` adds the artefact genes."""
    contigs, genes = _build_contigs(random.Random(seed), GENES, CONTIGS, {})
    if extended:
        more, more_genes = _build_contigs(
            random.Random(f"{seed}:extended"), EXTRA_GENES, EXTRA_CONTIGS, genes
        )
        contigs.update(more)
        genes.update(more_genes)
    return contigs, genes


def _build_contigs(rng: random.Random, specs_list: list, layout: dict, known: dict) -> tuple[dict, dict]:
    specs = {g.name: g for g in specs_list}
    contigs, genes = {}, {}
    for chrom, names in layout.items():
        parts = [_random_seq(rng, FLANK)]
        pos = FLANK
        for idx, name in enumerate(names):
            spec = specs[name]
            source = {**known, **genes}.get(spec.paralog_of[0]) if spec.paralog_of else None
            if source is not None:
                mrna, cds_start, cds_end = _diverged(source.mrna, spec.paralog_of[1], rng, source.cds_start,
                                                     source.cds_end), source.cds_start, source.cds_end  # fmt: skip
                lengths = [e - s + 1 for s, e in source.exons]
                introns = ["GT" + _diverged(i[2:-2], spec.paralog_of[1], rng) + "AG" for i in source.introns]
            else:
                mrna, cds_start, cds_end = build_mrna(spec, rng)
                anchors = {ex: _anchor_offset(at) for ex, at in spec.exon_start_aa.items()}
                lengths = _partition(len(mrna), spec.n_exons, anchors, rng)
                introns = ["GT" + _random_seq(rng, rng.randint(150, 500)) + "AG" for _ in lengths[1:]]
            upstream = ""
            if spec.upstream_exon:  # transcribed 1.5 kb before the annotated gene
                upstream = _random_seq(rng, spec.upstream_exon)
                prefix = upstream + "GT" + _random_seq(rng, 1500 - spec.upstream_exon - 4) + "AG"
                parts.append(prefix if spec.strand == "+" else revcomp(prefix))
                pos += len(prefix)
            locus, exon_offsets, offset = [], [], 0
            for i, length in enumerate(lengths):
                exon_offsets.append((sum(len(x) for x in locus), length))
                locus.append(mrna[offset : offset + length])
                offset += length
                if i < len(lengths) - 1:
                    locus.append(introns[i])
            locus_seq = "".join(locus)
            total = len(locus_seq)
            exons = []
            for start, length in exon_offsets:
                if spec.strand == "+":
                    exons.append((pos + start + 1, pos + start + length))
                else:
                    exons.append((pos + total - start - length + 1, pos + total - start))
            parts.append(locus_seq if spec.strand == "+" else revcomp(locus_seq))
            pos += total
            genes[name] = Gene(spec, chrom, exons, mrna, cds_start, cds_end, locus_seq, introns, upstream)
            gap = SPACER if idx < len(names) - 1 else FLANK
            parts.append(_random_seq(rng, gap))
            pos += gap
        contigs[chrom] = "".join(parts)
    return contigs, genes


def _diverged(seq: str, share: float, rng: random.Random, keep_from: int = 0, keep_to: int = 0) -> str:
    """`seq` with `share` of its bases substituted; between keep_from and keep_to (a CDS) the start and
    stop codons are kept and no new stop codon appears."""
    out = list(seq)
    fixed = set(range(keep_from, keep_from + 3)) | set(range(keep_to - 3, keep_to)) if keep_to else set()
    for i in range(len(out)):
        if rng.random() < share and i not in fixed:
            out[i] = rng.choice([b for b in "ACGT" if b != out[i]])
            if keep_from <= i < keep_to - 3:
                codon_at = keep_from + 3 * ((i - keep_from) // 3)
                if "".join(out[codon_at : codon_at + 3]) in STOP_CODONS:
                    out[i] = seq[i]
    return "".join(out)


def gtf_rows(genes: dict) -> list:
    """GTF lines (Ensembl style: CDS without the stop codon, phase per CDS row)."""
    rows = []
    for gene in genes.values():
        spec = gene.spec
        attrs_gene = f'gene_id "{spec.gene_id}"; gene_name "{spec.name}"; gene_biotype "protein_coding";'
        lo = min(s for s, _ in gene.exons)
        hi = max(e for _, e in gene.exons)
        rows.append(_gtf_row(gene, "gene", lo, hi, attrs_gene))
        rows += _transcript_rows(gene, attrs_gene, spec.transcript_id, gene.exons, gene.cds_start, gene.cds_end,
                                 ("Ensembl_canonical",))  # fmt: skip
        for tx_id, exon, trim, tags in spec.isoforms:
            exons = list(gene.exons)
            start, end = exons[exon - 1]
            exons[exon - 1] = (start, end - trim) if spec.strand == "+" else (start + trim, end)
            rows += _transcript_rows(
                gene, attrs_gene, tx_id, exons, gene.cds_start, gene.cds_end - trim, tags
            )
    return rows


def _gtf_row(gene: Gene, feature: str, start: int, end: int, attrs: str, phase: str = ".") -> str:
    return "\t".join(
        map(str, [gene.chrom, "simulated", feature, start, end, ".", gene.spec.strand, phase, attrs])
    )


def _transcript_rows(gene: Gene, attrs_gene: str, tx_id: str, exons: list, cds_start: int, cds_end: int,
                     tags: tuple) -> list:  # fmt: skip
    """transcript, exon and CDS rows of one transcript (exons in transcript order, mRNA CDS offsets)."""
    tag_text = "".join(f' tag "{tag}";' for tag in tags)
    attrs_tx = (
        f'{attrs_gene} transcript_id "{tx_id}"; transcript_name "{gene.spec.name}-{tx_id[-3:]}";{tag_text}'
    )
    rows = [_gtf_row(gene, "transcript", min(s for s, _ in exons), max(e for _, e in exons), attrs_tx)]
    cds_lo, cds_hi = cds_start, cds_end - 3  # CDS excludes the stop codon
    offset = 0
    for number, (start, end) in enumerate(exons, 1):
        exon_attrs = f'{attrs_tx} exon_number "{number}";'
        rows.append(_gtf_row(gene, "exon", start, end, exon_attrs))
        length = end - start + 1
        a, b = max(offset, cds_lo), min(offset + length, cds_hi)
        if a < b:
            genomic = _mrna_span_to_genomic(gene.spec.strand, (start, end), a - offset, b - offset)
            rows.append(_gtf_row(gene, "CDS", *genomic, exon_attrs, str((3 - (a - cds_lo) % 3) % 3)))
        offset += length
    return rows


def _mrna_span_to_genomic(strand: str, exon: tuple, a: int, b: int) -> tuple[int, int]:
    start, end = exon
    if strand == "+":
        return start + a, start + b - 1
    return end - b + 1, end - a


def exon_boundary(gene: Gene, exon: int, side: str) -> int:
    """Genomic position of the last ('end') or first ('start') transcribed base of an exon."""
    start, end = gene.exons[exon - 1]
    if (side == "end") == (gene.spec.strand == "+"):
        return end
    return start


def genomic_position(gene: Gene, offset: int, unspliced: bool = False) -> int:
    """1-based genomic position of a 0-based offset in the gene's mRNA (or, `unspliced`, its pre-mRNA)."""
    if unspliced:
        return gene.exons[0][0] + offset if gene.spec.strand == "+" else gene.exons[0][1] - offset
    for start, end in gene.exons:
        length = end - start + 1
        if offset < length:
            return start + offset if gene.spec.strand == "+" else end - offset
        offset -= length
    raise ValueError(f"offset past the end of {gene.spec.name}'s mRNA")


def write_fasta(contigs: dict, path: Path, width: int = 60) -> None:
    with open(path, "w") as fh:
        for name, seq in contigs.items():
            fh.write(f">{name}\n")
            for i in range(0, len(seq), width):
                fh.write(seq[i : i + width] + "\n")
