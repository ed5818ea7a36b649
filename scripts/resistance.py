"""Resistance hotspots genotyped from the RNA-seq BAM.

For a sample with an actionable kinase fusion, each hotspot codon of the
fused kinase (and of the bypass genes) is mapped to the genome through the
CDS of its transcript (either strand; a codon may be split by an intron),
and the reads covering all three bases are read with one region query per
codon. Each fragment counts once. The result is one of:

- found: an amino-acid change in at least `min_alt_reads` fragments and
  `min_fraction` of them;
- covered, not found: at least `min_depth` fragments and no such change;
- not assessable: fewer than `min_depth` fragments, so absence of evidence is
  not shown as evidence of absence.
"""

import logging
from collections import Counter
from dataclasses import dataclass

import pandas as pd
import pysam

from abundance import SKIP_FLAGS, wilson_interval
from kinase import load_yaml
from samplesheet import InputError
from sequtil import revcomp, translate_codon
from settings import FromConfig

RESISTANCE_COLUMNS = [
    "sample", "gene", "role", "hotspot", "mutation", "status", "depth", "alt_reads", "alt_fraction",
    "alt_ci_low", "alt_ci_high", "known_change", "resistant_to", "overcome_by", "ref_codon", "codons",
    "transcript", "codon_position", "previous_sample", "previous_status", "new", "sources",
]  # fmt: skip


@dataclass
class GenotypeSettings(FromConfig):
    min_depth: int = 20
    min_alt_reads: int = 5
    min_fraction: float = 0.05
    min_base_quality: int = 20
    min_mapq: int = 10


def load_hotspots(path: str) -> dict:
    data = load_yaml(path)
    if not isinstance(data.get("genes"), dict) or "version" not in data:
        raise InputError(f"{path}: needs 'version' and a 'genes' mapping")
    for gene, entry in data["genes"].items():
        if entry.get("role") not in ("on_target", "bypass"):
            raise InputError(f"{path}: {gene}: role must be on_target or bypass")
        for spot in entry.get("hotspots", []):
            if (
                not isinstance(spot.get("position"), int)
                or spot["position"] < 1
                or len(str(spot.get("ref"))) != 1
            ):
                raise InputError(
                    f"{path}: {gene}: each hotspot needs a protein position and a one-letter ref"
                )
    return data


def cds_genomic(tx, offset: int):
    """Genomic position of a 0-based CDS offset (transcript order, either strand)."""
    for start, end, _ in tx.cds:
        length = end - start + 1
        if offset < length:
            return start + offset if tx.strand == "+" else end - offset
        offset -= length
    return None


def codon_positions(tx, protein_position: int):
    """The three genomic positions of a codon in reading order, or None past the CDS.

    On '-' they descend; a codon split by an intron has positions in two exons.
    """
    phase = tx.cds[0][2] if tx.cds else 0
    first = phase + 3 * (protein_position - 1)
    positions = [cds_genomic(tx, first + k) for k in range(3)]
    return None if None in positions else positions


def read_codon(read, positions: list, strand: str, min_quality: int):
    """The codon a read shows at `positions` (sense strand), or None when not fully and clearly read."""
    wanted = {pos - 1: i for i, pos in enumerate(positions)}
    bases = [None, None, None]
    sequence, qualities = read.query_sequence, read.query_qualities
    for query_pos, ref_pos in read.get_aligned_pairs(matches_only=True):
        slot = wanted.get(ref_pos)
        if slot is not None:
            if qualities is not None and qualities[query_pos] < min_quality:
                return None
            bases[slot] = sequence[query_pos]
    if None in bases:
        return None
    codon = "".join(bases).upper()
    return codon if strand == "+" else "".join(revcomp(base) for base in codon)


def codon_counts(bam, chrom: str, positions: list, strand: str, settings: GenotypeSettings) -> Counter:
    """Codons per fragment at a hotspot (one region query; mates that disagree are dropped)."""
    seen: dict = {}
    for read in bam.fetch(chrom, min(positions) - 1, max(positions)):
        if read.flag & SKIP_FLAGS or read.mapping_quality < settings.min_mapq:
            continue
        codon = read_codon(read, positions, strand, settings.min_base_quality)
        if codon is None:
            continue
        previous = seen.get(read.query_name)
        seen[read.query_name] = codon if previous in (None, codon) else ""
    return Counter(codon for codon in seen.values() if codon)


def assess(counts: Counter, ref: str, settings: GenotypeSettings) -> dict:
    """Status, depth and the leading amino-acid change of one hotspot."""
    depth = sum(counts.values())
    by_aa = Counter()
    for codon, n in counts.items():
        by_aa[translate_codon(codon)] += n
    alts = [(aa, n) for aa, n in by_aa.most_common() if aa != ref]
    alt_aa, alt_reads = alts[0] if alts else (".", 0)
    fraction = alt_reads / depth if depth else float("nan")
    low, high = wilson_interval(alt_reads, depth)
    if depth < settings.min_depth:
        status = "not assessable"
    elif alt_reads >= settings.min_alt_reads and fraction >= settings.min_fraction:
        status = "found"
    else:
        status = "covered, not found"
    return {"status": status, "depth": depth, "alt_aa": alt_aa, "alt_reads": alt_reads, "alt_fraction": fraction,
            "alt_ci_low": low, "alt_ci_high": high}  # fmt: skip


def transcript_for(annotation, gene: str, transcript_id: str):
    tx = annotation.transcript(transcript_id)
    if tx is not None:
        return tx
    found = annotation.by_name.get(gene)
    if found is None or not found.transcripts:
        return None
    coding = [t for t in found.transcripts if t.cds] or found.transcripts
    return min(coding, key=lambda t: (t.canonical_rank, -t.cds_length))


def genes_to_assess(kinase_calls: pd.DataFrame, hotspots: dict) -> list:
    """Fused kinases of actionable calls with hotspots, then the bypass genes; none without such a call."""
    if kinase_calls.empty or not (kinase_calls["actionable"] == "yes").any():
        return []
    fused = list(dict.fromkeys(kinase_calls.loc[kinase_calls["actionable"] == "yes", "kinase"]))
    genes = hotspots["genes"]
    on_target = [g for g in fused if genes.get(g, {}).get("role") == "on_target"]
    return on_target + [g for g, entry in genes.items() if entry["role"] == "bypass"]


def genotype_sample(sample: str, kinase_calls, bam_path: str, fasta, annotation, hotspots: dict,
                    settings: GenotypeSettings) -> list:  # fmt: skip
    rows = []
    with pysam.AlignmentFile(bam_path) as bam:
        for gene in genes_to_assess(kinase_calls, hotspots):
            entry = hotspots["genes"][gene]
            tx = transcript_for(annotation, gene, entry["transcript"])
            for spot in entry.get("hotspots", []):
                rows.append(genotype_hotspot(sample, gene, entry, spot, tx, bam, fasta, settings))
    return rows


def genotype_hotspot(sample, gene, entry, spot, tx, bam, fasta, settings) -> dict:
    label = f"{spot['ref']}{spot['position']}"
    row = {"sample": sample, "gene": gene, "role": entry["role"], "hotspot": label, "mutation": ".",
           "transcript": tx.transcript_id if tx else ".", "known_change": ".",
           "resistant_to": "; ".join(spot.get("resistant_to", [])) or ".",
           "overcome_by": "; ".join(spot.get("overcome_by", [])) or ".",
           "sources": ", ".join(spot.get("sources", [])) or "."}  # fmt: skip
    positions = codon_positions(tx, spot["position"]) if tx and tx.cds else None
    if positions is None:
        return {**row, "status": "not assessable", "depth": 0, "codons": ".", "ref_codon": ".",
                "codon_position": ".", "reason": "transcript or codon not in the GTF"}  # fmt: skip
    ref_codon = "".join(fasta.fetch(tx.chrom, p - 1, p).upper() for p in positions)
    ref_codon = ref_codon if tx.strand == "+" else "".join(revcomp(b) for b in ref_codon)
    row.update(ref_codon=ref_codon, codon_position=f"{tx.chrom}:{','.join(map(str, positions))}:{tx.strand}")
    counts = codon_counts(bam, tx.chrom, positions, tx.strand, settings)
    result = assess(counts, str(spot["ref"]), settings)
    if translate_codon(ref_codon) != str(spot["ref"]):
        logging.warning(
            "%s %s: reference codon %s encodes %s", gene, label, ref_codon, translate_codon(ref_codon)
        )
    row.update(
        {k: result[k] for k in ("status", "depth", "alt_reads", "alt_fraction", "alt_ci_low", "alt_ci_high")}
    )
    row["codons"] = ",".join(f"{c}:{n}" for c, n in counts.most_common()) or "."
    if result["status"] == "found":
        row["mutation"] = f"{label}{result['alt_aa']}"
        row["known_change"] = "yes" if result["alt_aa"] in [str(c) for c in spot.get("changes", [])] else "no"
    return row


def compare_with_previous(rows: list, previous: pd.DataFrame | None, previous_sample: str | None) -> list:
    """Mark mutations found now that the previous timepoint covered without finding them as new."""
    earlier = {}
    if previous is not None and not previous.empty:
        earlier = {(r["gene"], r["hotspot"]): r for r in previous.to_dict("records")}
    for row in rows:
        before = earlier.get((row["gene"], row["hotspot"]))
        row["previous_sample"] = previous_sample or "."
        row["previous_status"] = before["status"] if before else ("not assessed" if previous_sample else ".")
        if row["status"] != "found" or not previous_sample:
            row["new"] = "."
        elif before is None or before["status"] == "not assessable":
            row["new"] = "unknown (not assessed before)"
        else:
            row["new"] = (
                "no" if before["status"] == "found" and before["mutation"] == row["mutation"] else "yes"
            )
    return rows


def resistance_table(rows: list) -> pd.DataFrame:
    """resistance.tsv as written: fractions with 4 decimals, '.' for none."""
    table = pd.DataFrame(rows, columns=RESISTANCE_COLUMNS)
    for column in ("alt_fraction", "alt_ci_low", "alt_ci_high"):
        table[column] = [f"{v:.4f}" if isinstance(v, float) and v == v else "." for v in table[column]]
    return table.fillna(".")
