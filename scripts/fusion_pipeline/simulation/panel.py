"""The `targeted` profile: an anchored multiplex PCR RNA fusion panel (Archer FusionPlex-like).

Truth of the profile (what the reads are made of):

- Genome: the demo's (build_genome(seed)), written as genome.fa and genes.gtf.
- Panel: one gene-specific primer (GSP, 22 nt) per 3' kinase, in NTRK1 exon 11,
  NTRK3 exon 15, ALK exon 20 and ROS1 exon 34 (TARGETS), starting PRIMER_OFFSET
  bases into the exon and pointing towards the transcript's 5' end: its
  sequence is the reverse complement of mRNA[e - 22, e), where e is the
  primer's outer (5') end in transcript coordinates. panel.bed holds each
  primer's target region (BED6, strand of the gene, name GENE_exonN).
- Molecules: each primed molecule is the cDNA segment [s, e) of a transcript,
  from a random adapter-ligation start s to the primer's outer end e; its
  length e - s is uniform in 120..350 (clipped at the transcript start).
  Sample T1 holds 40 LMNA exon 2 :: NTRK1 exon 11 fusion molecules (the
  transcript of the demo's S2), 60 wild-type NTRK1 molecules and 40-80
  wild-type molecules of each other target; no other fusion.
- PCR chimeras: 3 ALK-primed products whose upstream part (30-80 bases of ALK
  before the primer's outer end are kept) is joined to a random internal
  position of another target's mRNA, at no exon boundary of either gene.
- UMI: 8 random bases per molecule. Each molecule is copied k times, k
  geometric on 1, 2, ... with mean 20 (chimeras: mean 3); each copy is one
  read pair with its own sequencing errors (0.2 % per base) and, with
  probability 0.03, one substitution in its UMI (a UMI sequencing error).
- Reads: 2 x 100. R1 starts at e and reads towards the 5' end (it begins
  with the primer), R2 starts at s and reads forward. Read names are
  `T1.<molecule>.<copy>:<UMI>` in both mates: the UMI is the text after the
  last ':' (as bcl-convert and umi_tools write it). Read pairs are shuffled.
- Junction reads: a molecule crosses a junction when one of its reads has at
  least 20 bases on each side of it. The junction of a fusion is its
  breakpoint, of a chimera its join, of a wild-type molecule the start of its
  target's junction exon (TARGETS: the exon the usual fusions keep first,
  NTRK1 exon 11 as in LMNA::NTRK1).

truth.tsv has one row per fusion and per chimera: `molecules` crossing the
junction, their read pairs (`reads`), the kinase's wild-type molecules
crossing its own exon junction at the breakpoint (`wt_molecules_kinase`, for a
chimera the same position of the wild-type mRNA) and their read pairs, and
`abundance` = molecules / (molecules + wt_molecules_kinase). molecules.tsv has
one row per molecule.
"""

import csv
import gzip
import random
from dataclasses import dataclass
from pathlib import Path

from fusion_pipeline.common.sequtil import revcomp
from fusion_pipeline.simulation.design import FusionSpec
from fusion_pipeline.simulation.genome import (
    Gene,
    build_genome,
    exon_boundary,
    genomic_position,
    gtf_rows,
    write_fasta,
)
from fusion_pipeline.simulation.library import classify_fragment, family_size, sequencing_errors
from fusion_pipeline.simulation.simulate import fusion_transcript

PRIMER_LENGTH = 22
PRIMER_OFFSET = 10  # bases between the primer's exon start and its 3' (inner) end
FRAGMENT_MIN, FRAGMENT_MAX = 120, 350
READ_LENGTH = 100
ERROR_RATE = 0.002
UMI_LENGTH = 8
UMI_ERROR = 0.03
FAMILY_MEAN = 20.0
CHIMERA_FAMILY_MEAN = 3.0
JUNCTION_ANCHOR = 20  # bases on each side for a read to cross a junction

SAMPLE, PATIENT, TIMEPOINT, TUMOUR_TYPE = "T1", "P9", 1, "SARCNOS"
FUSION = FusionSpec("LMNA", 2, "NTRK1", 11)
FUSION_MOLECULES = 40
WILD_TYPE_MOLECULES = {"NTRK1": 60}  # other targets: uniform 40..80
CHIMERAS = 3
CHIMERA_PRIMER = "ALK"

TRUTH_FIELDS = ["sample", "class", "gene5", "gene3", "exon5", "exon3", "breakpoint5", "breakpoint3", "molecules",
                "reads", "wt_molecules_kinase", "wt_reads_kinase", "abundance"]  # fmt: skip
MOLECULE_FIELDS = ["molecule", "umi", "target", "kind", "family_size", "crosses_junction"]


@dataclass(frozen=True)
class Target:
    gene: str
    primer_exon: int  # exon holding the gene-specific primer
    junction_exon: int  # wild-type junction of interest: the start of this exon


TARGETS = (Target("NTRK1", 11, 11), Target("NTRK3", 15, 15), Target("ALK", 20, 20), Target("ROS1", 34, 34))


@dataclass
class Molecule:
    name: str
    umi: str
    target: str
    kind: str  # fusion, wild_type or pcr_chimera
    seq: str  # the insert [s, e) in transcript orientation; ends at the primer's outer end
    junction: int  # offset of the junction of interest in `seq` (may lie outside it)
    family: int = 1

    @property
    def crosses_junction(self) -> bool:
        return crosses(0, len(self.seq), self.junction)


def crosses(start: int, end: int, junction: int) -> bool:
    """A read of the insert [start, end) has JUNCTION_ANCHOR bases on each side of `junction`."""
    return classify_fragment(start, end, junction, READ_LENGTH, JUNCTION_ANCHOR) == "junction"


def exon_start(gene: Gene, exon: int) -> int:
    """0-based mRNA offset of an exon's first base."""
    return sum(gene.exon_lengths[: exon - 1])


def primer_end(gene: Gene, exon: int) -> int:
    """The primer's outer end e in the mRNA: the primer is revcomp(mrna[e - 22 : e])."""
    length = gene.exon_lengths[exon - 1]
    offset = min(PRIMER_OFFSET, max(0, length - PRIMER_LENGTH))
    return exon_start(gene, exon) + offset + PRIMER_LENGTH


def primer_sequence(gene: Gene, exon: int) -> str:
    e = primer_end(gene, exon)
    return revcomp(gene.mrna[e - PRIMER_LENGTH : e])


def bed_rows(genes: dict, targets=TARGETS) -> list:
    """BED6 rows (chrom, start, end, GENE_exonN, 0, strand) of the primers' target regions."""
    rows = []
    for t in targets:
        gene = genes[t.gene]
        e = primer_end(gene, t.primer_exon)
        ends = (genomic_position(gene, e - PRIMER_LENGTH), genomic_position(gene, e - 1))
        rows.append(
            (gene.chrom, min(ends) - 1, max(ends), f"{t.gene}_exon{t.primer_exon}", 0, gene.spec.strand)
        )
    return rows


def ligation_start(e: int, rng: random.Random) -> int:
    """Random ligation start s of a molecule primed at e (e - s uniform in 120..350, clipped at 0)."""
    return max(0, e - rng.randint(FRAGMENT_MIN, FRAGMENT_MAX))


def random_umi(rng: random.Random) -> str:
    return "".join(rng.choices("ACGT", k=UMI_LENGTH))


def read_pair(insert: str) -> tuple[str, str]:
    """R1 from the primer end towards the 5' end, R2 from the ligation start forward (error-free)."""
    return revcomp(insert)[:READ_LENGTH], insert[:READ_LENGTH]


def umi_with_error(umi: str, rng: random.Random) -> str:
    """The UMI as read in one copy: with probability UMI_ERROR one base substituted."""
    if rng.random() >= UMI_ERROR:
        return umi
    at = rng.randrange(len(umi))
    return umi[:at] + rng.choice([b for b in "ACGT" if b != umi[at]]) + umi[at + 1 :]


def primed_molecules(seq: str, e: int, junction: int, count: int, target: str, kind: str,
                     rng: random.Random) -> list:  # fmt: skip
    """`count` molecules of a transcript primed at e; `junction` is an offset in the transcript."""
    out = []
    for _ in range(count):
        s = ligation_start(e, rng)
        out.append(Molecule("", random_umi(rng), target, kind, seq[s:e], junction - s))
    return out


def _boundaries(gene: Gene) -> set:
    offsets, total = set(), 0
    for length in gene.exon_lengths:
        total += length
        offsets.add(total)
    return offsets


def _exon_of(gene: Gene, offset: int) -> int:
    total = 0
    for number, length in enumerate(gene.exon_lengths, 1):
        total += length
        if offset < total:
            return number
    raise ValueError(f"offset past the end of {gene.spec.name}'s mRNA")


def pcr_chimera(genes: dict, primed: Target, partners: list, rng: random.Random) -> tuple[Molecule, dict]:
    """An ALK-primed product joined upstream to another target's mRNA; returns (molecule, its site)."""
    kinase = genes[primed.gene]
    e = primer_end(kinase, primed.primer_exon)
    kinase_bounds = _boundaries(kinase)
    while True:
        keep = rng.randint(30, 80)  # kinase bases kept before the primer's outer end
        j = e - keep  # first kinase base of the product
        length = rng.randint(FRAGMENT_MIN, FRAGMENT_MAX)
        other = genes[rng.choice(partners)]
        upstream = length - keep
        p = rng.randint(upstream, len(other.mrna) - 1)  # the other gene's part is mrna[p - upstream : p]
        if j not in kinase_bounds and p not in _boundaries(other):
            break
    seq = other.mrna[p - upstream : p] + kinase.mrna[j:e]
    molecule = Molecule("", random_umi(rng), primed.gene, "pcr_chimera", seq, upstream)
    site = {"gene5": other.spec.name, "gene3": kinase.spec.name, "offset5": p - 1, "offset3": j}
    return molecule, site


def simulate_panel(genes: dict, seed: int = 1) -> dict:
    """The molecules of sample T1 (families drawn) and the truth rows; no I/O."""
    rng = random.Random(f"{seed}:targeted:{SAMPLE}")
    by_gene = {t.gene: t for t in TARGETS}
    molecules = []
    # wild type of every target
    for t in TARGETS:
        gene = genes[t.gene]
        count = WILD_TYPE_MOLECULES.get(t.gene) or rng.randint(40, 80)
        e = primer_end(gene, t.primer_exon)
        molecules += primed_molecules(gene.mrna, e, exon_start(gene, t.junction_exon), count, t.gene,
                                      "wild_type", rng)  # fmt: skip
    # the fusion, primed in its 3' kinase
    kinase = genes[FUSION.gene3]
    seq, junction = fusion_transcript(genes, FUSION, rng)
    e = primer_end(kinase, by_gene[FUSION.gene3].primer_exon) - exon_start(kinase, FUSION.exon3) + junction
    fusion_molecules = primed_molecules(seq, e, junction, FUSION_MOLECULES, FUSION.gene3, "fusion", rng)
    molecules += fusion_molecules
    # PCR chimeras between targets
    partners = [t.gene for t in TARGETS if t.gene != CHIMERA_PRIMER]
    chimeras = [pcr_chimera(genes, by_gene[CHIMERA_PRIMER], partners, rng) for _ in range(CHIMERAS)]
    molecules += [m for m, _ in chimeras]
    for number, m in enumerate(molecules, 1):
        m.name = f"{SAMPLE}.m{number}"
        m.family = family_size(rng, CHIMERA_FAMILY_MEAN if m.kind == "pcr_chimera" else FAMILY_MEAN)

    truth = []
    wt_fusion = wild_type_support(genes, molecules, FUSION.gene3, exon_start(kinase, FUSION.exon3))
    truth.append(_truth_row("fusion", genes, FUSION.gene5, FUSION.gene3, FUSION.exon5, FUSION.exon3,
                            exon_boundary(genes[FUSION.gene5], FUSION.exon5, "end"),
                            exon_boundary(kinase, FUSION.exon3, "start"), fusion_molecules, wt_fusion))  # fmt: skip
    for m, site in chimeras:
        g5, g3 = genes[site["gene5"]], genes[site["gene3"]]
        wt = wild_type_support(genes, molecules, site["gene3"], site["offset3"])
        truth.append(_truth_row("pcr_chimera", genes, site["gene5"], site["gene3"], _exon_of(g5, site["offset5"]),
                                _exon_of(g3, site["offset3"]), genomic_position(g5, site["offset5"]),
                                genomic_position(g3, site["offset3"]), [m], wt))  # fmt: skip
    return {"molecules": molecules, "truth": truth}


def wild_type_support(genes: dict, molecules: list, gene: str, offset: int) -> list:
    """Wild-type molecules of `gene` with a read crossing mRNA offset `offset`."""
    e = primer_end(genes[gene], next(t.primer_exon for t in TARGETS if t.gene == gene))
    out = []
    for m in molecules:
        if m.kind == "wild_type" and m.target == gene:
            start = e - len(m.seq)
            if crosses(start, e, offset):
                out.append(m)
    return out


def _truth_row(kind: str, genes: dict, gene5: str, gene3: str, exon5: int, exon3: int, pos5: int, pos3: int,
               supporting: list, wild_type: list) -> dict:  # fmt: skip
    g5, g3 = genes[gene5], genes[gene3]
    crossing = [m for m in supporting if m.crosses_junction]
    n, wt = len(crossing), len(wild_type)
    return {
        "sample": SAMPLE, "class": kind, "gene5": gene5, "gene3": gene3, "exon5": exon5, "exon3": exon3,
        "breakpoint5": f"{g5.chrom}:{pos5}:{g5.spec.strand}", "breakpoint3": f"{g3.chrom}:{pos3}:{g3.spec.strand}",
        "molecules": n, "reads": sum(m.family for m in crossing),
        "wt_molecules_kinase": wt, "wt_reads_kinase": sum(m.family for m in wild_type),
        "abundance": round(n / (n + wt), 4) if n + wt else 0.0,
    }  # fmt: skip


def read_pairs(molecules: list, rng: random.Random) -> list:
    """Every copy's (name, R1, R2), with sequencing and UMI errors, shuffled."""
    pairs = []
    for m in molecules:
        r1, r2 = read_pair(m.seq)
        for copy in range(m.family):
            umi = umi_with_error(m.umi, rng)
            pairs.append((f"{m.name}.{copy}:{umi}", sequencing_errors(r1, rng, ERROR_RATE),
                          sequencing_errors(r2, rng, ERROR_RATE)))  # fmt: skip
    rng.shuffle(pairs)
    return pairs


def write_panel(outdir, seed: int = 1) -> dict:
    """Write genome.fa, genes.gtf, panel.bed, reads/T1_R{1,2}.fastq.gz, samples.tsv, truth.tsv, molecules.tsv."""
    out = Path(outdir)
    reads = out / "reads"
    reads.mkdir(parents=True, exist_ok=True)
    contigs, genes = build_genome(seed)
    write_fasta(contigs, out / "genome.fa")
    (out / "genes.gtf").write_text("\n".join(gtf_rows(genes)) + "\n")
    (out / "panel.bed").write_text("".join("\t".join(map(str, row)) + "\n" for row in bed_rows(genes)))
    result = simulate_panel(genes, seed)
    pairs = read_pairs(result["molecules"], random.Random(f"{seed}:targeted:{SAMPLE}:reads"))
    fq1, fq2 = (reads / f"{SAMPLE}_R{i}.fastq.gz" for i in (1, 2))
    qual = "I" * READ_LENGTH
    for path, mate in ((fq1, 1), (fq2, 2)):
        text = "".join(f"@{p[0]}\n{p[mate]}\n+\n{qual}\n" for p in pairs)
        with gzip.GzipFile(path, "wb", mtime=0) as fh:
            fh.write(text.encode())
    with open(out / "samples.tsv", "w") as fh:
        fh.write("sample\tpatient\ttimepoint\ttumour_type\tfq1\tfq2\n")
        fh.write(f"{SAMPLE}\t{PATIENT}\t{TIMEPOINT}\t{TUMOUR_TYPE}\t{fq1}\t{fq2}\n")
    _write_tsv(out / "truth.tsv", TRUTH_FIELDS, result["truth"])
    rows = [{"molecule": m.name, "umi": m.umi, "target": m.target, "kind": m.kind, "family_size": m.family,
             "crosses_junction": m.crosses_junction} for m in result["molecules"]]  # fmt: skip
    _write_tsv(out / "molecules.tsv", MOLECULE_FIELDS, rows)
    return {"genes": genes, "truth": result["truth"], "molecules": result["molecules"], "pairs": len(pairs)}


def _write_tsv(path: Path, fields: list, rows: list) -> None:
    with open(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fields, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
