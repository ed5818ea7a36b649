"""Clinical transcripts found in the user's annotation and proven by translation (rule kb_check).

For each gene of the kinase whitelist and of the resistance-hotspot file the
knowledge base states the protein the literature numbers residues on (UniProt
accession and length), the transcript its exon numbers follow, and residues
at fixed positions (the hotspots). In the user's GTF the clinical transcript is:

1. the stated transcript (Ensembl or RefSeq ID, version ignored);
2. else one tagged MANE_Select, then Ensembl_canonical;
3. else any coding transcript of the gene (GTFs without tags);

and a candidate is taken only when its CDS, translated from the FASTA, has the
stated length, no internal stop and the stated residue at every checked
position. Steps 2-3 need at least one stated residue: for a gene without
hotspots only the stated transcript is accepted, as a length alone does not
prove the same numbering. Otherwise the gene's protein coordinates are not used: domains are
"unknown" and hotspots "not assessable", with the reason. Results go to
{outdir}/reference/kb_check.tsv, which the caller, the kinase annotation and
the resistance genotyping read.
"""

import argparse
import logging
import os
import sys
import tempfile
from dataclasses import dataclass, field

import pandas as pd

from fusion_pipeline.common.clinical_annotation import KB_CHECK_COLUMNS, ClinicalChoice
from fusion_pipeline.common.errors import InputError

RULE_STATED = "whitelist transcript"
FALLBACK_TAGS = ("MANE_Select", "Ensembl_canonical")
UNTAGGED = "same protein (untagged transcript)"


@dataclass
class ProteinFacts:
    gene: str
    ensembl_gene: str
    uniprot: str
    length: int
    transcript: str
    refseq: str = ""
    residues: dict = field(default_factory=dict)  # protein position -> one-letter amino acid
    domain: str = "."


def protein_facts(kinases: dict, hotspots: dict) -> dict:
    """{gene: ProteinFacts} from the whitelist, plus hotspot-only genes (bypass genes)."""
    facts = {}
    for gene, entry in kinases["genes"].items():
        domain = entry["domain"]
        facts[gene] = ProteinFacts(gene, entry.get("ensembl_gene", ""), entry["protein"]["uniprot"],
                                   int(entry["protein"]["length"]), entry["transcript"], entry.get("refseq", ""),
                                   domain=f"{domain['start']}-{domain['end']}")  # fmt: skip
    for gene, entry in hotspots["genes"].items():
        if gene not in facts:
            protein = entry["protein"]
            facts[gene] = ProteinFacts(gene, entry.get("ensembl_gene", ""), protein["uniprot"],
                                       int(protein["length"]), entry["transcript"], entry.get("refseq", ""))  # fmt: skip
        for spot in entry.get("hotspots", []):
            facts[gene].residues[int(spot["position"])] = str(spot["ref"])
    return facts


def check_protein(protein: str, facts: ProteinFacts) -> list:
    """Failed checks of a translated protein against the stated facts (empty when it matches)."""
    problems = []
    if len(protein) != facts.length:
        problems.append(f"encodes {len(protein)} aa, whitelist expects {facts.length} ({facts.uniprot})")
    if "*" in protein:
        problems.append(f"internal stop codon at residue {protein.index('*') + 1}")
    for position, expected in sorted(facts.residues.items()):
        observed = protein[position - 1] if position <= len(protein) else "-"
        if observed != expected:
            problems.append(f"residue {position} is {observed}, not {expected}")
    return problems


def _residue_text(protein: str, facts: ProteinFacts) -> str:
    pairs = [
        f"{aa}{pos}={protein[pos - 1] if pos <= len(protein) else '-'}"
        for pos, aa in sorted(facts.residues.items())
    ]
    return ";".join(pairs) or "."


def gene_in_annotation(annotation, facts: ProteinFacts):
    """The GTF gene: by Ensembl gene ID (version ignored), else by gene name."""
    if facts.ensembl_gene:
        gene = annotation.gene_by_id(facts.ensembl_gene)
        if gene is not None:
            return gene
    return annotation.by_name.get(facts.gene)


def candidates(annotation, gene, facts: ProteinFacts) -> list:
    """(rule, transcript) in the order they are tried."""
    found, seen = [], set()

    def add(rule, tx):
        if tx is not None and tx.transcript_id not in seen and tx.cds:
            seen.add(tx.transcript_id)
            found.append((rule, tx))

    for stated in (facts.transcript, facts.refseq):
        if stated:
            add(RULE_STATED, annotation.transcript(stated))
    if gene is not None and facts.residues:  # a length alone does not prove the same numbering
        for tag in FALLBACK_TAGS:
            for tx in sorted(gene.transcripts, key=lambda t: t.transcript_id):
                if tag in tx.tags:
                    add(f"{tag} (same protein)", tx)
        for tx in sorted(gene.transcripts, key=lambda t: t.transcript_id):
            add(UNTAGGED, tx)
    return found


def choose_transcript(annotation, facts: ProteinFacts, fasta) -> ClinicalChoice:
    gene = gene_in_annotation(annotation, facts)
    choice = ClinicalChoice(facts.gene, gene.gene_id if gene else ".", facts.uniprot,
                            expected_length=facts.length, domain=facts.domain)  # fmt: skip
    if gene is None and annotation.transcript(facts.transcript) is None:
        choice.status, choice.reason = "absent", f"{facts.gene} is not in the annotation"
        return choice
    rejected, others = [], 0
    for rule, tx in candidates(annotation, gene, facts):
        try:
            protein = tx.protein(fasta)
        except (KeyError, ValueError) as err:  # contig missing from the FASTA
            rejected.append(f"{tx.transcript_id}: sequence not readable ({err})")
            continue
        problems = check_protein(protein, facts)
        if not problems:
            choice.transcript, choice.chosen_by, choice.status = tx.transcript_id, rule, "ok"
            choice.protein_length, choice.residues = len(protein), _residue_text(protein, facts)
            choice.reason = "; ".join(rejected) if rejected else "."
            return choice
        if rule == UNTAGGED:
            others += 1
        else:
            rejected.append(f"{tx.transcript_id} {', '.join(problems)}")
    if others:
        rejected.append(f"{others} other coding transcript(s) encode other proteins")
    if annotation.transcript(facts.transcript) is None:
        rejected.insert(0, f"{facts.transcript} not in the annotation")
        if not facts.residues:
            rejected.append("no hotspot residues to compare, so no other transcript is accepted")
    choice.reason = "; ".join(rejected) or f"no coding transcript of {facts.gene}"
    return choice


def check_knowledge_base(annotation, fasta, kinases: dict, hotspots: dict) -> list:
    return [
        choose_transcript(annotation, facts, fasta) for facts in protein_facts(kinases, hotspots).values()
    ]


def kb_check_table(choices: list) -> pd.DataFrame:
    rows = [{column: "." if getattr(c, column) in (None, "") else getattr(c, column) for column in KB_CHECK_COLUMNS}
            for c in choices]  # fmt: skip
    return pd.DataFrame(rows, columns=KB_CHECK_COLUMNS)


def run_check(fasta_path: str, fai_path: str, gtf_path: str, kinases_path: str, hotspots_path: str):
    import pysam

    from fusion_pipeline.common.annotation import load_gtf
    from fusion_pipeline.common.knowledge_base import load_hotspots, load_knowledge_base

    kb = load_knowledge_base(kinases_path, None)
    hotspots = load_hotspots(hotspots_path)
    annotation = load_gtf(gtf_path)
    with pysam.FastaFile(fasta_path, filepath_index=fai_path) as fasta:
        return check_knowledge_base(annotation, fasta, kb.kinases, hotspots)


def log_choices(choices: list) -> None:
    for c in choices:
        if c.verified:
            logging.info("%s: %s (%s), %s aa, residues %s", c.gene, c.transcript, c.chosen_by, c.protein_length,
                         c.residues)  # fmt: skip
        else:
            logging.warning("%s: protein coordinates withheld: %s", c.gene, c.reason)


def main(snakemake) -> None:
    from fusion_pipeline.common.rulelog import atomic_write

    choices = run_check(snakemake.input.fasta, snakemake.input.fai, snakemake.input.gtf,
                        snakemake.input.kinases, snakemake.input.hotspots)  # fmt: skip
    log_choices(choices)
    with atomic_write(snakemake.output[0]) as out:
        kb_check_table(choices).to_csv(out, sep="\t", index=False)


def cli(argv=None) -> int:
    """`make kb-check FASTA=... GTF=...`: the same check on any reference, table to stdout or --out."""
    parser = argparse.ArgumentParser(
        description="Check the knowledge base's transcripts and residues against a reference."
    )
    parser.add_argument("--fasta", required=True)
    parser.add_argument("--gtf", required=True)
    parser.add_argument("--kinases", default="config/kinases.yaml")
    parser.add_argument("--hotspots", default="config/resistance_hotspots.yaml")
    parser.add_argument("--out", default="-")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s", stream=sys.stderr)
    import pysam

    from fusion_pipeline.reference.prepare_annotation import clip_gtf, fasta_lengths

    try:
        lengths = fasta_lengths(args.fasta)
        with tempfile.TemporaryDirectory() as tmp:
            gtf = os.path.join(tmp, "annotation.gtf")
            with open(args.gtf) as fh:
                rows, _ = clip_gtf(fh, lengths, args.gtf)
            with open(gtf, "w") as out:
                out.writelines(rows)
            fai = os.path.join(tmp, "genome.fa.fai")
            pysam.faidx(args.fasta, "--fai-idx", fai)
            choices = run_check(args.fasta, fai, gtf, args.kinases, args.hotspots)
    except InputError as err:
        print(f"ERROR: {err}", file=sys.stderr)
        return 2
    log_choices(choices)
    table = kb_check_table(choices)
    table.to_csv(sys.stdout if args.out == "-" else args.out, sep="\t", index=False)
    counts = table["status"].value_counts()
    print(f"{counts.get('ok', 0)} genes verified, {counts.get('failed', 0)} failed, {counts.get('absent', 0)} absent "
          "from the annotation", file=sys.stderr)  # fmt: skip
    return 0
