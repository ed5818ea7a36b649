"""The clinical annotation every stage numbers exons by: the GTF with whitelist genes numbered on their verified
clinical transcripts (kb_check.tsv, written by rule kb_check)."""

from dataclasses import dataclass

import pandas as pd

KB_CHECK_COLUMNS = [
    "gene", "gene_id", "uniprot", "transcript", "chosen_by", "protein_length", "expected_length", "domain",
    "residues", "status", "reason",
]  # fmt: skip


@dataclass
class ClinicalChoice:
    gene: str
    gene_id: str = "."
    uniprot: str = "."
    transcript: str = "."
    chosen_by: str = "none"
    protein_length: int | None = None
    expected_length: int | None = None
    domain: str = "."
    residues: str = "."
    status: str = "failed"  # ok | failed | absent
    reason: str = ""

    @property
    def verified(self) -> bool:
        return self.status == "ok"


def read_kb_check(path: str) -> dict:
    """{gene: ClinicalChoice} from kb_check.tsv."""
    table = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    choices = {}
    for row in table.to_dict("records"):
        values = {k: row[k] for k in KB_CHECK_COLUMNS}
        for key in ("protein_length", "expected_length"):
            values[key] = int(values[key]) if values[key] not in ("", ".") else None
        choices[row["gene"]] = ClinicalChoice(**values)
    return choices


def numbering_transcripts(choices: dict) -> dict:
    """{GTF gene_id: transcript ID} of verified clinical transcripts, for exon numbers everywhere."""
    return {c.gene_id: c.transcript for c in choices.values() if c.verified and c.gene_id != "."}


def load_annotation(gtf_path: str, kb_check_path: str | None = None):
    """The GTF's genes, numbering whitelist genes' exons on their verified clinical transcripts."""
    from fusion_pipeline.common.annotation import load_gtf

    annotation = load_gtf(gtf_path)
    if kb_check_path:
        annotation.numbering = numbering_transcripts(read_kb_check(kb_check_path))
    return annotation
