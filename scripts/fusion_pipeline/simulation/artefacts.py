"""Chimeric molecules that are not fusions: the artefact classes real libraries carry.

Each generator writes molecules (one fragment each, PCR copies by the
library) and returns rows for artefacts.tsv: class, genes, the junction in
transcript (or pre-mRNA) coordinates, and molecules written. None of them is
a fusion: a caller that reports one has made a false call.

- template_switch: reverse-transcription template switching between highly
  expressed transcripts at a short shared sequence (microhomology), mostly
  single molecules, a few recurrent hotspots with several molecules;
- paralog: switching between paralogous transcripts at the same position
  (homology-mediated), so both flanks resemble the other gene;
- circular: back-splicing (exon k's end to exon j's start, j <= k), one from an
  unannotated exon upstream of the gene;
- intronic: switches between pre-mRNA (intronic) sequences of two genes;
- low_complexity: switches inside poly-A tracts of two 3' UTRs;
- hairpin: a molecule folding back on itself (an inversion a few dozen bases long);
- jackpot: one template-switch molecule copied 100-200 times by PCR;
- read_through: transcripts spliced from one gene into its downstream neighbour.
"""

import random

from fusion_pipeline.common.sequtil import revcomp
from fusion_pipeline.simulation.genome import genomic_position
from fusion_pipeline.simulation.library import FastqPairWriter, chimeric_fragment, emit_transcript

FLANK = 400  # bases of each side a chimeric molecule keeps before it is cut into a fragment


def _shared_kmer(a: str, b: str, k: int, rng: random.Random, tries: int = 200):
    """(i, j): a[i-k:i] == b[j:j+k] for a random i, or None."""
    for _ in range(tries):
        i = rng.randint(k + 50, len(a) - 50)
        word = a[i - k : i]
        hits, at = [], b.find(word, 50)
        while 0 <= at < len(b) - k - 50:
            hits.append(at)
            at = b.find(word, at + 1)
        if hits:
            return i, rng.choice(hits)
    return None


def _write_junction(writer: FastqPairWriter, left: str, right: str, label: str, molecules: int) -> None:
    for _ in range(molecules):
        fragment, _ = chimeric_fragment(left[-FLANK:], right[:FLANK], writer.rng, writer.library)
        writer.molecule(fragment, label)


def template_switches(writer: FastqPairWriter, genes: dict, names: tuple, singles: int, hotspots: int,
                      per_hotspot: tuple = (3, 6), klass: str = "template_switch") -> list:  # fmt: skip
    """Single switch molecules plus recurrent hotspots between random pairs of `names` (mRNAs)."""
    rng, rows = writer.rng, []
    for n, molecules in [(singles, 1)] + [(1, rng.randint(*per_hotspot)) for _ in range(hotspots)]:
        for _ in range(n):
            a, b = rng.sample(list(names), 2)
            k = rng.choice((2, 3, 4, 4, 5, 6, 8))
            site = _shared_kmer(genes[a].mrna, genes[b].mrna, k, rng)
            if site is None:
                continue
            i, j = site
            left, right = genes[a].mrna[:i], genes[b].mrna[j + k :]
            _write_junction(writer, left, right, f"A_{klass}_{a}--{b}", molecules)
            rows.append(_row(klass, (genes[a], i - 1), (genes[b], j + k), k, molecules))
    return rows


def paralog_switches(writer: FastqPairWriter, genes: dict, pairs: tuple, singles: int, hotspots: int) -> list:
    """Switches between paralogous transcripts at the same position (both flanks look like either gene)."""
    rng, rows = writer.rng, []
    for n, molecules in [(singles, 1)] + [(1, rng.randint(3, 5)) for _ in range(hotspots)]:
        for _ in range(n):
            a, b = rng.choice(pairs)
            if rng.random() < 0.5:
                a, b = b, a
            i = rng.randint(100, len(genes[a].mrna) - 100)
            _write_junction(writer, genes[a].mrna[:i], genes[b].mrna[i:], f"A_paralog_{a}--{b}", molecules)
            rows.append(_row("paralog", (genes[a], i - 1), (genes[b], i), 0, molecules))
    return rows


def circular_rnas(writer: FastqPairWriter, gene, circles: list) -> list:
    """Back-splice molecules: each (first exon, last exon, molecules); exon 0 is the unannotated upstream exon."""
    rows = []
    for first, last, molecules in circles:
        exons = _exon_sequences(gene)
        circle = (
            "".join(exons[first : last + 1]) if first > 0 else gene.upstream + "".join(exons[1 : last + 1])
        )
        _write_junction(writer, circle * 2, circle * 2, f"A_circular_{gene.spec.name}", molecules)
        end = sum(gene.exon_lengths[:last]) - 1
        start = sum(gene.exon_lengths[: first - 1]) if first else "upstream"
        rows.append(_row("circular", (gene, end), (gene, start), 0, molecules))
    return rows


def _exon_sequences(gene) -> list:
    """[upstream exon (or ''), exon 1, exon 2, ...] of the gene's mRNA."""
    seqs, offset = [gene.upstream], 0
    for length in gene.exon_lengths:
        seqs.append(gene.mrna[offset : offset + length])
        offset += length
    return seqs


def intronic_switches(writer: FastqPairWriter, genes: dict, names: tuple, hotspots: int) -> list:
    """Switches between introns of two genes' pre-mRNA, a few molecules each."""
    rng, rows = writer.rng, []
    for _ in range(hotspots):
        a, b = rng.sample(list(names), 2)
        ia, ib = _intron_span(genes[a], rng), _intron_span(genes[b], rng)
        if ia is None or ib is None:
            continue
        molecules = rng.randint(3, 5)
        _write_junction(writer, genes[a].locus[:ia], genes[b].locus[ib:], f"A_intronic_{a}--{b}", molecules)
        rows.append(_row("intronic", (genes[a], ia - 1, True), (genes[b], ib, True), 0, molecules))
    return rows


def _intron_span(gene, rng: random.Random):
    """A position inside a long-enough intron of the gene's pre-mRNA (transcript orientation)."""
    offset, candidates = 0, []
    lengths = gene.exon_lengths
    for i, intron in enumerate(gene.introns):
        offset += lengths[i]
        if len(intron) > 300:
            candidates.append(offset + len(intron) // 2)
        offset += len(intron)
    return rng.choice(candidates) if candidates else None


def polya_switches(writer: FastqPairWriter, genes: dict, names: tuple, hotspots: int) -> list:
    """Switches inside poly-A tracts of two 3' UTRs (low-complexity flanks on both sides)."""
    rng, rows = writer.rng, []
    a, b = names
    run_a, run_b = genes[a].mrna.find("A" * 30), genes[b].mrna.find("A" * 30)
    for _ in range(hotspots):
        i, j = run_a + rng.randint(8, 22), run_b + rng.randint(8, 22)
        molecules = rng.randint(3, 5)
        _write_junction(writer, genes[a].mrna[:i], genes[b].mrna[j:], f"A_low_complexity_{a}--{b}", molecules)
        rows.append(_row("low_complexity", (genes[a], i - 1), (genes[b], j), 0, molecules))
    return rows


def hairpins(writer: FastqPairWriter, genes: dict, names: tuple, hotspots: int) -> list:
    """Molecules that fold back: the sequence continues as the reverse complement of a nearby upstream stretch."""
    rng, rows = writer.rng, []
    for _ in range(hotspots):
        name = rng.choice(list(names))
        mrna = genes[name].mrna
        i, back = rng.randint(300, len(mrna) - 100), rng.randint(20, 150)
        molecules = rng.randint(3, 5)
        _write_junction(writer, mrna[:i], revcomp(mrna[: i - back]), f"A_hairpin_{name}", molecules)
        rows.append(_row("hairpin", (genes[name], i - 1), (genes[name], i - back - 1), 0, molecules))
    return rows


def jackpot(writer: FastqPairWriter, genes: dict, names: tuple, copies: int) -> list:
    """One template-switch molecule copied `copies` times (a PCR jackpot), whatever the library's families."""
    rng = writer.rng
    a, b = rng.sample(list(names), 2)
    site = _shared_kmer(genes[a].mrna, genes[b].mrna, 4, rng)
    if site is None:
        return []
    i, j = site
    fragment, _ = chimeric_fragment(
        genes[a].mrna[:i][-FLANK:], genes[b].mrna[j + 4 :][:FLANK], rng, writer.library
    )
    writer.count += 1
    for copy in range(copies):
        writer.copies += 1
        writer._messy(fragment, f"A_jackpot_{a}--{b}_{writer.count}_{copy}")
    return [_row("jackpot", (genes[a], i - 1), (genes[b], j + 4), 4, 1, copies)]


def read_through(writer: FastqPairWriter, five, three, coverage: float) -> list:
    """Transcripts spliced from the 5' gene's second-last exon into the 3' gene's second exon."""
    left = "".join(_exon_sequences(five)[1:-1])
    right = "".join(_exon_sequences(three)[2:])
    emit_transcript(left + right, coverage, f"A_read_through_{five.spec.name}--{three.spec.name}", writer)
    end5, start3 = sum(five.exon_lengths[:-1]) - 1, three.exon_lengths[0]
    return [_row("read_through", (five, end5), (three, start3), 0, f"{coverage}x")]


def pre_mrna(writer: FastqPairWriter, gene, coverage: float) -> list:
    """Unspliced pre-mRNA fragments (intronic reads) of a gene."""
    emit_transcript(gene.locus, coverage, f"A_pre_mRNA_{gene.spec.name}", writer)
    return [_row("intronic_reads", (gene, None), None, 0, f"{coverage}x")]


def _row(klass, five: tuple, three: tuple | None, homology, molecules, copies=None) -> dict:
    """An artefacts.tsv row; each side is (gene, 0-based mRNA offset[, unspliced]) or None."""

    def where(side):
        if side is None or side[1] is None:
            return (side[0].spec.name if side else "."), ".", "."
        if side[1] == "upstream":  # the unannotated exon 1.5 kb before the gene (genome.py)
            gene = side[0]
            start = gene.exons[0][0] - 1500 if gene.spec.strand == "+" else gene.exons[0][1] + 1500
            return gene.spec.name, gene.chrom, start
        gene, offset, *unspliced = side
        return gene.spec.name, gene.chrom, genomic_position(gene, offset, bool(unspliced and unspliced[0]))

    gene5, chrom5, pos5 = where(five)
    gene3, chrom3, pos3 = where(three)
    return {"class": klass, "gene5": gene5, "gene3": gene3, "chrom5": chrom5, "end5": pos5, "chrom3": chrom3,
            "start3": pos3, "microhomology": homology, "molecules": molecules, "copies": copies or "."}  # fmt: skip
