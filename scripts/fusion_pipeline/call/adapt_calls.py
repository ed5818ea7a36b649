"""Adapters: Arriba and STAR-Fusion outputs into the common fusion table.

Both tools report the 5' partner first and breakpoints at the last base of the
5' exon / first base of the 3' exon, the convention of the table. Exon numbers
and transcripts are then taken from the pipeline's own GTF so that every
caller is numbered the same way.
"""

import re

import pandas as pd

from fusion_pipeline.common.callers import REGISTRY
from fusion_pipeline.common.errors import InputError
from fusion_pipeline.common.fusion_table import annotate_breakpoints, empty_table, fusion_name, sort_calls

ARRIBA_REQUIRED = ["#gene1", "gene2", "strand1(gene/fusion)", "strand2(gene/fusion)", "breakpoint1",
                   "breakpoint2", "split_reads1", "split_reads2", "discordant_mates"]  # fmt: skip
STARFUSION_REQUIRED = ["#FusionName", "JunctionReadCount", "SpanningFragCount", "LeftGene", "LeftBreakpoint",
                       "RightGene", "RightBreakpoint"]  # fmt: skip
_INTERGENIC = re.compile(r"\(\d+\)")


def _read(path: str, required: list, tool: str) -> pd.DataFrame:
    try:
        table = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, quoting=3)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: not {tool} file ({err})") from None
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise InputError(f"{path}: not {tool} file (missing column(s) {', '.join(missing)})")
    return table


def _arriba_gene(name: str) -> str:
    """Arriba names intergenic breakpoints by their neighbours, e.g. 'A(123),B(456)'."""
    return "." if _INTERGENIC.search(name) or name in ("", ".") else name


def _arriba_strand(field: str) -> str:
    gene_strand, _, fusion_strand = field.partition("/")
    return gene_strand if gene_strand in "+-" and gene_strand else fusion_strand


def read_arriba(path: str) -> pd.DataFrame:
    """Arriba fusions.tsv (gene1 is the 5' partner) -> common table rows."""
    table = _read(path, ARRIBA_REQUIRED, "an Arriba fusions.tsv")
    rows = []
    for rec in table.to_dict("records"):
        gene5, gene3 = _arriba_gene(rec["#gene1"]), _arriba_gene(rec["gene2"])
        bp5 = f"{rec['breakpoint1']}:{_arriba_strand(rec['strand1(gene/fusion)'])}"
        bp3 = f"{rec['breakpoint2']}:{_arriba_strand(rec['strand2(gene/fusion)'])}"
        junction = int(rec["split_reads1"]) + int(rec["split_reads2"])
        spanning = int(rec["discordant_mates"])
        rows.append({
            "fusion": fusion_name(gene5, gene3, bp5, bp3), "gene5": gene5, "gene3": gene3,
            "breakpoint5": bp5, "breakpoint3": bp3, "exon5": ".", "exon3": ".",
            "junction_reads": junction, "spanning_pairs": spanning, "callers": "arriba",
            "filters": rec.get("filters", ".") or ".", "pass": "yes",
            "gene_id5": rec.get("gene_id1", "."), "gene_id3": rec.get("gene_id2", "."),
            "transcript5": rec.get("transcript_id1", "."), "transcript3": rec.get("transcript_id2", "."),
            "type": rec.get("type", "."), "confidence": rec.get("confidence", "."),
            "support_by_caller": f"arriba:{junction}/{spanning}",
        })  # fmt: skip
    return pd.DataFrame(rows) if rows else empty_table()  # header only: a sample without chimeric reads


def _starfusion_gene(field: str) -> tuple[str, str]:
    name, _, gene_id = field.partition("^")
    return name or ".", gene_id or "."


def read_starfusion(path: str) -> pd.DataFrame:
    """STAR-Fusion (abridged) predictions; Left = 5' partner -> common table rows."""
    table = _read(path, STARFUSION_REQUIRED, "a STAR-Fusion predictions")
    rows = []
    for rec in table.to_dict("records"):
        gene5, id5 = _starfusion_gene(rec["LeftGene"])
        gene3, id3 = _starfusion_gene(rec["RightGene"])
        bp5, bp3 = rec["LeftBreakpoint"], rec["RightBreakpoint"]
        junction, spanning = int(rec["JunctionReadCount"]), int(rec["SpanningFragCount"])
        off_boundary = rec.get("SpliceType", "") == "INCL_NON_REF_SPLICE"
        rows.append({
            "fusion": fusion_name(gene5, gene3, bp5, bp3), "gene5": gene5, "gene3": gene3,
            "breakpoint5": bp5, "breakpoint3": bp3, "exon5": ".", "exon3": ".",
            "junction_reads": junction, "spanning_pairs": spanning, "callers": "starfusion",
            "filters": "non_exon_boundary" if off_boundary else ".", "pass": "yes",
            "gene_id5": id5, "gene_id3": id3, "large_anchor": {"YES_LDAS": "yes", "NO_LDAS": "no"}.get(
                rec.get("LargeAnchorSupport", ""), "."),
            "support_by_caller": f"starfusion:{junction}/{spanning}",
        })  # fmt: skip
    return pd.DataFrame(rows) if rows else empty_table()


# The registry names each caller's reader (common/callers.py); a missing one fails at import.
READERS = {name: globals()[caller.adapter] for name, caller in REGISTRY.items() if caller.adapter}


def adapt(path: str, caller: str, annotation=None) -> pd.DataFrame:
    table = READERS[caller](path)
    if annotation is not None and not table.empty:
        table = annotate_breakpoints(table, annotation)
    return sort_calls(table) if not table.empty else table


def main(snakemake) -> None:
    from fusion_pipeline.common.clinical_annotation import load_annotation
    from fusion_pipeline.common.fusion_table import write_table

    annotation = load_annotation(snakemake.input.gtf, snakemake.input.kb_check)
    table = adapt(snakemake.input.calls, snakemake.params.caller, annotation)
    write_table(table if not table.empty else empty_table(), snakemake.output[0])
