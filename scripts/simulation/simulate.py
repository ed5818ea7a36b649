"""Deterministic synthetic RNA-seq data for demos and tests.

Builds a small genome of named genes (exon/intron structure, GT..AG introns, a
stop-free CDS annotated in the GTF), then paired-end reads drawn from wild-type
and fusion transcripts at chosen coverages, and a truth table of every
simulated fusion with its exact breakpoints and read counts.

Exon boundaries named in `exon_start_aa` are put on codon boundaries at the
given protein position, so the usual fusion exons are in frame and sit before
the kinase domain, as in the real genes. Other boundaries fall where they fall.

    python scripts/simulate.py --outdir resources/demo
"""

import argparse
import csv
import gzip
import io
import os
import random
from dataclasses import dataclass, field
from pathlib import Path

from common.sequtil import CODON_TABLE, STOP_CODONS, revcomp

READ_LENGTH = 100
FRAGMENT_MEAN = 260
FRAGMENT_SD = 40
FRAGMENT_MIN = 150
ERROR_RATE = 0.002
UTR5 = 60
UTR3 = 150
FLANK = 1000
SPACER = 2000
TRUTH_ANCHOR = 12  # bases a read must have on each side to count as a junction read


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


# Real exon counts, strands, canonical transcript IDs, protein lengths and
# exon-start codons where known (NTRK1 P04629: exon 11 at codon 418, exon 12
# inside codon 452; NTRK3 Q16288: exon 15 inside codon 529; ROS1 P08922: exon
# 34 inside codon 1853, as in the Ensembl 110 translation), so the demo proves
# the knowledge base's numbering. Partners' anchors keep the usual fusions in
# frame. Other boundaries fall where they fall.
GENES = [
    GeneSpec(
        "NTRK1", "ENSG00000198400", "ENST00000524377", "+", 17, 796,
        {9: 330, 10: 399, 11: 418, 12: (452, 1)}, {595: "G", 667: "G"}, 10.0,
        # the 760-aa isoform: exon 9 ends 108 bases (36 codons, residues 363-398) earlier
        isoforms=(("ENST00000392302", 9, 108, ("basic",)),),
    ),
    GeneSpec("LMNA", "ENSG00000160789", "ENST00000368300", "+", 12, 664, {3: 120}),
    GeneSpec("KHDRBS1", "ENSG00000121774", "ENST00000327300", "+", 9, 443, {9: (390, 1)}),
    GeneSpec("CTBS", "ENSG00000117151", "ENSTSIM00000001", "+", 7, 385, {7: 330}),
    GeneSpec("GNG5", "ENSG00000174021", "ENSTSIM00000002", "+", 3, 68, {2: 20}),
    GeneSpec("ALK", "ENSG00000171094", "ENST00000389048", "-", 29, 1620, {20: 1058},
             {1196: "L", 1202: "G", 1269: "G"}, 10.0),
    GeneSpec("EML4", "ENSG00000143924", "ENST00000318522", "+", 23, 981, {7: 222, 14: 496}),
    GeneSpec("ROS1", "ENSG00000047936", "ENST00000368508", "-", 43, 2347, {34: (1853, 1)},
             {2032: "G", 2033: "D", 2086: "L"}, 10.0),
    GeneSpec("YWHAE", "ENSG00000108953", "ENSTSIM00000003", "-", 6, 255, {6: (200, 1)}),
    GeneSpec("HMBOX1", "ENSG00000147421", "ENSTSIM00000004", "+", 11, 420, {7: 260}),
    GeneSpec("RET", "ENSG00000165731", "ENST00000355710", "+", 20, 1114, {12: 713}, {810: "G"}, 10.0),
    GeneSpec("CCDC6", "ENSG00000108091", "ENSTSIM00000005", "-", 9, 474, {2: 101}),
    GeneSpec("ETV6", "ENSG00000139083", "ENST00000396373", "+", 8, 452, {6: (336, 1)}),
    GeneSpec("NTRK3", "ENSG00000140538", "ENST00000629765", "-", 20, 839, {15: (529, 1)}, {623: "G"}, 10.0),
    GeneSpec("FGFR3", "ENSG00000068078", "ENST00000440486", "+", 18, 806, {18: 759}, {}, 10.0),
    GeneSpec("TACC3", "ENSG00000013810", "ENSTSIM00000011", "+", 16, 838, {11: 549}),
    GeneSpec("EWSR1", "ENSG00000182944", "ENSTSIM00000006", "+", 17, 656, {8: 265}),
    GeneSpec("FLI1", "ENSG00000151702", "ENSTSIM00000007", "+", 9, 452, {6: 220}),
    GeneSpec("NF2", "ENSG00000186575", "ENSTSIM00000008", "+", 16, 595, {}, {161: "G"}),
    GeneSpec("GAPDH", "ENSG00000111640", "ENSTSIM00000009", "+", 9, 335, {}, {}, 150.0),
    GeneSpec("ACTB", "ENSG00000075624", "ENSTSIM00000010", "-", 6, 375, {}, {}, 150.0),
]  # fmt: skip

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


@dataclass(frozen=True)
class FusionSpec:
    gene5: str
    exon5: int  # last exon of the 5' partner kept
    gene3: str
    exon3: int  # first exon of the 3' partner kept
    fraction: float = 0.3  # share of the 5' partner's transcripts that are fused
    coverage: float | None = None  # absolute fusion coverage; overrides fraction
    mutations: dict = field(default_factory=dict)  # 3' protein position -> (aa, share)

    @property
    def name(self) -> str:
        return f"{self.gene5}::{self.gene3}"


@dataclass
class SampleSpec:
    sample: str
    patient: str
    timepoint: int
    fusions: list = field(default_factory=list)
    coverage: dict = field(default_factory=dict)  # gene -> wild-type coverage
    mutations: dict = field(
        default_factory=dict
    )  # gene -> {protein position: (aa, share of its transcripts)}
    tumour_type: str = ""  # OncoTree code written to the sample sheet


# Tumour types follow the case reports: an unclassified sarcoma (S1), a spindle-cell neoplasm
# (S2), lung adenocarcinoma (S3), IMT (S4/S5), a urothelial carcinoma with the 5' kinase
# FGFR3::TACC3 (S7). S1's fusion carries reference residues at NTRK1 G595/G667 at depth.
DEMO_DESIGN = [
    SampleSpec(
        "S1", "P1", 1, [FusionSpec("KHDRBS1", 8, "NTRK1", 12, 0.4), FusionSpec("EWSR1", 7, "FLI1", 6, 0.3)],
        {"KHDRBS1": 150.0}, tumour_type="SARCNOS",
    ),
    SampleSpec(
        "S2", "P2", 1,
        [FusionSpec("LMNA", 2, "NTRK1", 11, 0.35), FusionSpec("ETV6", 5, "NTRK3", 15, 0.4),
         FusionSpec("CTBS", 6, "GNG5", 2, 0.3)],
        tumour_type="SARCNOS",
    ),
    SampleSpec(
        "S3", "P3", 1,
        [FusionSpec("EML4", 13, "ALK", 20, 0.4), FusionSpec("ALK", 19, "EML4", 14, coverage=20.0),
         FusionSpec("YWHAE", 5, "ROS1", 34, 0.4), FusionSpec("CCDC6", 1, "RET", 12, coverage=9.0)],
        tumour_type="LUAD",
    ),
    SampleSpec("S4", "P4", 1, [FusionSpec("HMBOX1", 6, "ALK", 20, 0.20)], {"HMBOX1": 500.0}, tumour_type="IMT"),
    SampleSpec(
        "S5", "P4", 2,
        [FusionSpec("HMBOX1", 6, "ALK", 20, 0.31, mutations={1202: ("R", 0.5)})],
        {"HMBOX1": 500.0},
        {"NF2": {161: ("*", 0.5)}},  # progression: ALK G1202R in half the fusion, NF2 G161* bypass
        tumour_type="IMT",
    ),
    SampleSpec("S6", "P6", 1, [], tumour_type="NSCLC"),
    SampleSpec("S7", "P7", 1, [FusionSpec("FGFR3", 17, "TACC3", 11, 0.4)], tumour_type="BLCA"),
]  # fmt: skip


@dataclass
class Gene:
    spec: GeneSpec
    chrom: str
    exons: list  # (start, end) 1-based inclusive genomic, in transcript order
    mrna: str
    cds_start: int  # 0-based offset of the A of ATG in the mRNA
    cds_end: int  # 0-based offset one past the stop codon

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
    mrna = _random_seq(rng, UTR5) + cds + _random_seq(rng, UTR3)
    return mrna, UTR5, UTR5 + len(cds)


def build_genome(seed: int = 1) -> tuple[dict, dict]:
    """Return ({contig: sequence}, {gene name: Gene})."""
    rng = random.Random(seed)
    specs = {g.name: g for g in GENES}
    contigs, genes = {}, {}
    for chrom, names in CONTIGS.items():
        parts = [_random_seq(rng, FLANK)]
        pos = FLANK
        for idx, name in enumerate(names):
            spec = specs[name]
            mrna, cds_start, cds_end = build_mrna(spec, rng)
            anchors = {ex: _anchor_offset(at) for ex, at in spec.exon_start_aa.items()}
            lengths = _partition(len(mrna), spec.n_exons, anchors, rng)
            locus, exon_offsets, offset = [], [], 0
            for i, length in enumerate(lengths):
                exon_offsets.append((len("".join(locus)), length))
                locus.append(mrna[offset : offset + length])
                offset += length
                if i < len(lengths) - 1:
                    locus.append("GT" + _random_seq(rng, rng.randint(150, 500)) + "AG")
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
            genes[name] = Gene(spec, chrom, exons, mrna, cds_start, cds_end)
            gap = SPACER if idx < len(names) - 1 else FLANK
            parts.append(_random_seq(rng, gap))
            pos += gap
        contigs[chrom] = "".join(parts)
    return contigs, genes


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


def fusion_transcript(genes: dict, spec: FusionSpec, rng: random.Random) -> tuple[str, int]:
    g5, g3 = genes[spec.gene5], genes[spec.gene3]
    n5 = sum(g5.exon_lengths[: spec.exon5])
    n3 = sum(g3.exon_lengths[: spec.exon3 - 1])
    return g5.mrna[:n5] + g3.mrna[n3:], n5


def _mutated(
    mrna: str, gene: Gene, offset3: int, junction: int, pos: int, aa: str, rng: random.Random
) -> str:
    """Change codon `pos` of `gene` to encode `aa`, in a transcript holding its mRNA from `offset3` at `junction`."""
    at = gene.cds_start + 3 * (pos - 1) - offset3 + junction
    return mrna[:at] + _codon_for(aa, rng) + mrna[at + 3 :]


def _with_errors(read: str, rng: random.Random) -> str:
    """Substitutions at ERROR_RATE per base; positions drawn by geometric skips."""
    out = None
    pos = int(rng.expovariate(ERROR_RATE))
    while pos < len(read):
        out = out or list(read)
        out[pos] = rng.choice([b for b in "ACGT" if b != out[pos]])
        pos += 1 + int(rng.expovariate(ERROR_RATE))
    return "".join(out) if out else read


def draw_fragments(seq: str, coverage: float, rng: random.Random):
    """Yield (start, end) fragment intervals covering `seq` to about `coverage`x.

    Starts are uniform over the positions a fragment can start at, so the
    count is scaled to (length - fragment length): away from the ends every
    transcript then has the same per-base coverage for the same `coverage`,
    whatever its length, and read shares at a junction follow transcript shares.
    """
    n = int(round(coverage * max(len(seq) - FRAGMENT_MEAN, 0) / FRAGMENT_MEAN))
    for _ in range(n):
        length = max(FRAGMENT_MIN, int(rng.gauss(FRAGMENT_MEAN, FRAGMENT_SD)))
        length = min(length, len(seq))
        if length < READ_LENGTH:
            continue
        start = rng.randint(0, len(seq) - length)
        yield start, start + length


def classify_fragment(start: int, end: int, junction: int, anchor: int = TRUTH_ANCHOR) -> str:
    """'junction', 'spanning' or 'other' for a fragment relative to a junction offset."""
    r1 = (start, start + READ_LENGTH)
    r2 = (end - READ_LENGTH, end)
    for a, b in (r1, r2):
        if a + anchor <= junction <= b - anchor:
            return "junction"
    if r1[1] <= junction <= r2[0]:
        return "spanning"
    return "other"


def _emit_pairs(seq, coverage, label, rng, out1, out2, counter, junctions=()) -> dict:
    """Write read pairs; return {junction offset: fragments per class} for the offsets given."""
    counts = {offset: {"junction": 0, "spanning": 0, "other": 0} for offset in junctions}
    for start, end in _write_pairs(seq, coverage, label, rng, out1, out2, counter):
        for offset in junctions:
            counts[offset][classify_fragment(start, end, offset)] += 1
    return counts


def _write_pairs(seq, coverage, label, rng, out1, out2, counter):
    """Write read pairs of fragments of `seq`; yield each fragment's (start, end)."""
    for start, end in draw_fragments(seq, coverage, rng):
        frag = seq[start:end]
        r1, r2 = frag[:READ_LENGTH], revcomp(frag[-READ_LENGTH:])
        if rng.random() < 0.5:  # unstranded library: either mate may come first
            r1, r2 = r2, r1
        counter[0] += 1
        name = f"{label}_{counter[0]}"
        qual = "I" * READ_LENGTH
        out1.write(f"@{name}\n{_with_errors(r1, rng)}\n+\n{qual}\n")
        out2.write(f"@{name}\n{_with_errors(r2, rng)}\n+\n{qual}\n")
        yield start, end


def simulate_sample(sample: SampleSpec, genes: dict, reads_dir: Path, seed: int) -> list:
    """Write one sample's gzipped FASTQ pair; return its truth rows."""
    rng = random.Random(f"{seed}:{sample.sample}")
    fused5: dict = {}
    junctions5: dict = {}  # 5' partner -> mRNA offsets of its fusion junctions
    for f in sample.fusions:
        fused5[f.gene5] = fused5.get(f.gene5, 0.0) + (f.fraction if f.coverage is None else 0.0)
        junctions5.setdefault(f.gene5, []).append(sum(genes[f.gene5].exon_lengths[: f.exon5]))
    truth = []
    fq1, fq2 = (reads_dir / f"{sample.sample}_R{i}.fastq.gz" for i in (1, 2))
    counter = [0]
    with gzip.GzipFile(fq1, "wb", mtime=0) as raw1, gzip.GzipFile(fq2, "wb", mtime=0) as raw2:
        out1, out2 = io.TextIOWrapper(raw1), io.TextIOWrapper(raw2)
        wild_type = {}
        for name, gene in genes.items():
            cov = sample.coverage.get(name, gene.spec.coverage) * (1 - fused5.get(name, 0.0))
            offsets = junctions5.get(name, ())
            parts, share_left = [], 1.0
            for pos, (aa, share) in sample.mutations.get(name, {}).items():
                mutant = _mutated(gene.mrna, gene, 0, 0, pos, aa, rng)
                parts.append(
                    _emit_pairs(
                        mutant,
                        cov * share,
                        f"W_{name}_{aa.replace('*', 'stop')}{pos}",
                        rng,
                        out1,
                        out2,
                        counter,
                        offsets,
                    )
                )
                share_left -= share
            parts.append(
                _emit_pairs(gene.mrna, cov * share_left, f"W_{name}", rng, out1, out2, counter, offsets)
            )
            wild_type[name] = {o: {k: sum(p[o][k] for p in parts) for k in parts[-1][o]} for o in offsets}
        for f in sample.fusions:
            g5, g3 = genes[f.gene5], genes[f.gene3]
            cov5 = sample.coverage.get(f.gene5, g5.spec.coverage)
            cov = f.coverage if f.coverage is not None else f.fraction * cov5
            seq, junction = fusion_transcript(genes, f, rng)
            offset3 = sum(g3.exon_lengths[: f.exon3 - 1])
            label = f"F_{f.gene5}--{f.gene3}"
            parts, share_left = [], 1.0
            for pos, (aa, share) in f.mutations.items():
                mutant = _mutated(seq, g3, offset3, junction, pos, aa, rng)
                parts.append(_emit_pairs(mutant, cov * share, f"{label}_{aa}{pos}", rng, out1, out2, counter,
                                         (junction,)))  # fmt: skip
                share_left -= share
            parts.append(_emit_pairs(seq, cov * share_left, label, rng, out1, out2, counter, (junction,)))
            counts = {k: sum(p[junction][k] for p in parts) for k in ("junction", "spanning")}
            wt5 = wild_type[f.gene5][sum(g5.exon_lengths[: f.exon5])]["junction"]
            truth.append({
                "sample": sample.sample, "patient": sample.patient, "timepoint": sample.timepoint,
                "fusion": f.name, "gene5": f.gene5, "gene3": f.gene3,
                "transcript5": g5.spec.transcript_id, "transcript3": g3.spec.transcript_id,
                "exon5": f.exon5, "exon3": f.exon3,
                "breakpoint5": f"{g5.chrom}:{exon_boundary(g5, f.exon5, 'end')}:{g5.spec.strand}",
                "breakpoint3": f"{g3.chrom}:{exon_boundary(g3, f.exon3, 'start')}:{g3.spec.strand}",
                "fraction5": round(cov / cov5, 4),
                "sim_junction_fragments": counts["junction"],
                "sim_spanning_fragments": counts["spanning"],
                "sim_wt5_junction_fragments": wt5,
                "mutations": ",".join(f"{g3.spec.name}:{pos}{aa}:{share}"
                                      for pos, (aa, share) in f.mutations.items()) or ".",
            })  # fmt: skip
        out1.flush()
        out2.flush()
        out1.detach()
        out2.detach()
    return truth


def write_fasta(contigs: dict, path: Path, width: int = 60) -> None:
    with open(path, "w") as fh:
        for name, seq in contigs.items():
            fh.write(f">{name}\n")
            for i in range(0, len(seq), width):
                fh.write(seq[i : i + width] + "\n")


def write_dataset(outdir: str | os.PathLike, design: list | None = None, seed: int = 1) -> dict:
    """Write genome.fa, genes.gtf, reads/, truth.tsv and samples.tsv under `outdir`.

    Paths in samples.tsv are `outdir`-prefixed as given, so a relative `outdir`
    gives paths relative to the directory the workflow runs in.
    """
    design = DEMO_DESIGN if design is None else design
    out = Path(outdir)
    reads = out / "reads"
    reads.mkdir(parents=True, exist_ok=True)
    contigs, genes = build_genome(seed)
    write_fasta(contigs, out / "genome.fa")
    (out / "genes.gtf").write_text("\n".join(gtf_rows(genes)) + "\n")
    truth = []
    for sample in design:
        truth += simulate_sample(sample, genes, reads, seed)
    fields = [
        "sample",
        "patient",
        "timepoint",
        "fusion",
        "gene5",
        "gene3",
        "transcript5",
        "transcript3",
        "exon5",
        "exon3",
        "breakpoint5",
        "breakpoint3",
        "fraction5",
        "sim_junction_fragments",
        "sim_spanning_fragments",
        "sim_wt5_junction_fragments",
        "mutations",
    ]
    with open(out / "truth.tsv", "w", newline="") as fh:
        writer = csv.DictWriter(fh, fields, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(truth)
    with open(out / "samples.tsv", "w") as fh:
        fh.write("sample\tpatient\ttimepoint\ttumour_type\tfq1\tfq2\n")
        for s in design:
            fh.write(
                f"{s.sample}\t{s.patient}\t{s.timepoint}\t{s.tumour_type}\t"
                f"{reads / (s.sample + '_R1.fastq.gz')}\t{reads / (s.sample + '_R2.fastq.gz')}\n"
            )
    return {"genes": genes, "truth": truth}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outdir", default="resources/demo")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    result = write_dataset(args.outdir, seed=args.seed)
    print(f"wrote {len(DEMO_DESIGN)} samples, {len(result['truth'])} fusions to {args.outdir}")
