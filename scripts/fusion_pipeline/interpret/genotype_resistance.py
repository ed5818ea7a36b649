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

from fusion_pipeline.common.fragments import SKIP_FLAGS, FragmentIndex
from fusion_pipeline.common.sequtil import revcomp, translate_codon
from fusion_pipeline.common.settings import FromConfig
from fusion_pipeline.common.stats import wilson_interval

RESISTANCE_COLUMNS = [
    "sample", "gene", "role", "hotspot", "mutation", "status", "depth", "alt_reads", "alt_fraction",
    "alt_ci_low", "alt_ci_high", "known_change", "resistant_to", "overcome_by", "ref_codon", "codons",
    "transcript", "codon_position", "previous_sample", "previous_status", "new", "sources", "reason",
]  # fmt: skip


@dataclass
class GenotypeSettings(FromConfig):
    min_depth: int = 20
    min_alt_reads: int = 5
    min_fraction: float = 0.05
    min_base_quality: int = 20
    min_mapq: int = 10


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
    """Codons per fragment at a hotspot: mates that disagree are dropped, PCR copies count once."""
    codons = []
    for read in bam.fetch(chrom, min(positions) - 1, max(positions)):
        if read.flag & SKIP_FLAGS or read.mapping_quality < settings.min_mapq:
            continue
        codon = read_codon(read, positions, strand, settings.min_base_quality)
        if codon is not None:
            codons.append((read, codon))
    index = FragmentIndex(bam, chrom, min(positions) - 1, max(positions),
                          names={read.query_name for read, _ in codons})  # fmt: skip
    seen: dict = {}
    for read, codon in codons:
        key = (read.query_name, index.key(read))
        previous = seen.get(key[0])
        seen[key[0]] = (codon if previous in (None, codon) else "", key[1])
    by_fragment = {fragment: codon for codon, fragment in seen.values() if codon}
    return Counter(by_fragment.values())


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


def genes_to_assess(kinase_calls: pd.DataFrame, hotspots: dict) -> list:
    """Fused kinases of actionable (or to-review) calls with hotspots, then the bypass genes; none without such a call."""
    if kinase_calls.empty:
        return []
    candidates = kinase_calls[kinase_calls["actionable"].isin(["yes", "review"])]
    if candidates.empty:
        return []
    fused = list(dict.fromkeys(candidates["kinase"]))
    genes = hotspots["genes"]
    on_target = [g for g in fused if genes.get(g, {}).get("role") == "on_target"]
    return on_target + [g for g, entry in genes.items() if entry["role"] == "bypass"]


def genotype_sample(sample: str, kinase_calls, bam_path: str, fasta, annotation, hotspots: dict, clinical: dict,
                    settings: GenotypeSettings) -> list:  # fmt: skip
    """One row per hotspot of the genes to assess; `clinical` is kb_check's {gene: ClinicalChoice}."""
    rows = []
    with pysam.AlignmentFile(bam_path) as bam:
        for gene in genes_to_assess(kinase_calls, hotspots):
            entry = hotspots["genes"][gene]
            choice = clinical.get(gene)
            tx = annotation.transcript(choice.transcript) if choice is not None and choice.verified else None
            withheld = None
            if tx is None:
                withheld = choice.reason if choice is not None else "not checked against the reference"
            for spot in entry.get("hotspots", []):
                rows.append(genotype_hotspot(sample, gene, entry, spot, tx, bam, fasta, settings, withheld))
    return rows


def genotype_hotspot(sample, gene, entry, spot, tx, bam, fasta, settings, withheld=None) -> dict:
    """Read one hotspot codon; `withheld` (the failed reference check) makes it not assessable."""
    label = f"{spot['ref']}{spot['position']}"
    row = {"sample": sample, "gene": gene, "role": entry["role"], "hotspot": label, "mutation": ".",
           "transcript": tx.transcript_id if tx else ".", "known_change": ".",
           "resistant_to": "; ".join(spot.get("resistant_to", [])) or ".",
           "overcome_by": "; ".join(spot.get("overcome_by", [])) or ".",
           "sources": ", ".join(spot.get("sources", [])) or ".", "reason": "."}  # fmt: skip
    not_assessable = {"status": "not assessable", "depth": 0, "alt_reads": 0, "codons": ".", "ref_codon": ".",
                      "codon_position": "."}  # fmt: skip
    if withheld:
        return {**row, **not_assessable, "reason": f"protein numbering not verified: {withheld}"}
    positions = tx.codon_positions(spot["position"]) if tx is not None and tx.cds else None
    if positions is None:
        return {
            **row,
            **not_assessable,
            "reason": f"codon {spot['position']} is not in the CDS of the transcript",
        }
    ref_codon = "".join(fasta.fetch(tx.chrom, p - 1, p).upper() for p in positions)
    ref_codon = ref_codon if tx.strand == "+" else "".join(revcomp(b) for b in ref_codon)
    row.update(ref_codon=ref_codon, codon_position=f"{tx.chrom}:{','.join(map(str, positions))}:{tx.strand}")
    if translate_codon(ref_codon) != str(spot["ref"]):  # never call a change against the wrong residue
        reason = f"reference codon {ref_codon} encodes {translate_codon(ref_codon)}, not {spot['ref']}"
        logging.warning("%s %s: %s", gene, label, reason)
        return {**row, **not_assessable, "ref_codon": ref_codon, "codon_position": row["codon_position"],
                "reason": reason}  # fmt: skip
    counts = codon_counts(bam, tx.chrom, positions, tx.strand, settings)
    result = assess(counts, str(spot["ref"]), settings)
    row.update(
        {k: result[k] for k in ("status", "depth", "alt_reads", "alt_fraction", "alt_ci_low", "alt_ci_high")}
    )
    row["codons"] = ",".join(f"{c}:{n}" for c, n in counts.most_common()) or "."
    if result["status"] == "found":
        row["mutation"] = f"{label}{result['alt_aa']}"
        row["known_change"] = "yes" if result["alt_aa"] in [str(c) for c in spot.get("changes", [])] else "no"
    elif result["status"] == "not assessable":
        row["reason"] = f"{result['depth']} fragments read the codon, fewer than {settings.min_depth}"
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


def main(snakemake) -> None:
    """Rule genotype_resistance: the hotspots of the sample's actionable kinases -> resistance.tsv."""
    from fusion_pipeline.common.clinical_annotation import load_annotation, read_kb_check
    from fusion_pipeline.common.fusion_table import read_table
    from fusion_pipeline.common.knowledge_base import load_hotspots, load_kinases
    from fusion_pipeline.common.rulelog import atomic_write

    annotation = load_annotation(snakemake.input.gtf, snakemake.input.kb_check)
    hotspots = load_hotspots(snakemake.input.hotspots, load_kinases(snakemake.input.kinases)["genes"])
    settings = GenotypeSettings.from_config(snakemake.params.resistance)
    with pysam.FastaFile(snakemake.input.fasta, filepath_index=snakemake.input.fai) as fasta:
        rows = genotype_sample(snakemake.wildcards.sample, read_table(snakemake.input.kinase_calls),
                               snakemake.input.bam, fasta, annotation, hotspots,
                               read_kb_check(snakemake.input.kb_check), settings)  # fmt: skip
    previous = read_table(snakemake.input.previous) if snakemake.input.get("previous") else None
    table = resistance_table(compare_with_previous(rows, previous, snakemake.params.previous_sample))
    logging.info(
        "%d hotspots genotyped, %d mutations found", len(rows), int((table["status"] == "found").sum())
    )
    with atomic_write(snakemake.output[0]) as out:
        table.to_csv(out, sep="\t", index=False)
