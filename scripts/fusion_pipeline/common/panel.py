"""Targeted panels: the panel file, the primed side of a call, and which calls pass on molecules.

Standard library only: the workflow reads the panel when it starts, to refuse
a bad file before any job runs, and resolves every target's gene against the
GTF's gene rows (`check_panel_genes`): a gene the GTF does not have, an alias
(TRKA for NTRK1) or a target outside its gene stops the run with the panel
file, the line and the gene named, before any alignment. Left to run, an alias
would move the primed side to the fusion's other gene (abundance 100 % at
LMNA instead of 40 % at NTRK1) without a word.

In an anchored multiplex PCR panel only the kinase side is primed; the other
end is a ligated adapter at a random position, so read-based evidence rules
(spanning pairs, anchors on both sides, support in deduplicated fragments)
do not fit: rule merge_calls judges a targeted run's calls on molecules
(call/merge_calls.py), and abundance is measured at the primed side.
"""

import logging
import mmap
import re
from dataclasses import dataclass

from fusion_pipeline.common.errors import InputError


@dataclass(frozen=True)
class PanelTarget:
    chrom: str
    start: int  # 0-based, half-open
    end: int
    gene: str
    name: str
    line: int = 0  # in the panel file


def _bed_target(fields: list, where: str, line: int = 0) -> PanelTarget:
    if len(fields) < 4:
        raise InputError(f"{where}: a panel BED row needs chrom, start, end and name (gene)")
    try:
        start, end = int(fields[1]), int(fields[2])
    except ValueError:
        raise InputError(f"{where}: start and end must be integers") from None
    name = fields[3]
    return PanelTarget(fields[0], start, end, name.split("_")[0], name, line)


def read_panel(path: str) -> list:
    """Targets of a panel BED (name = GENE or GENE_label) or TSV (header chrom, start, end, gene; 1-based)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            lines = [line.rstrip("\r\n") for line in fh]
    except OSError as err:
        raise InputError(f"panel {path}: {err.strerror}") from None
    rows = [
        (n, line)
        for n, line in enumerate(lines, 1)
        if line and not line.startswith(("#", "track", "browser"))
    ]
    if not rows:
        raise InputError(f"panel {path}: no target regions")
    header = rows[0][1].split("\t")
    targets = []
    if {"chrom", "start", "end", "gene"} <= set(header):
        for n, line in rows[1:]:
            record = dict(zip(header, line.split("\t")))
            where = f"panel {path} line {n}"
            target = _bed_target([record["chrom"], str(int(record["start"]) - 1) if record["start"].isdigit()
                                  else record["start"], record["end"], record["gene"]], where, n)  # fmt: skip
            targets.append(target)
    else:
        targets = [_bed_target(line.split("\t"), f"panel {path} line {n}", n) for n, line in rows]
    for target in targets:
        if target.end <= target.start or not target.gene:
            raise InputError(f"panel {path}: target {target.name} has no length or no gene")
    return targets


GENE_ROW = b"\tgene\t"
_NAME = re.compile(rb'(?:^|;)\s*gene_name "([^"]*)"')
_ID = re.compile(rb'(?:^|;)\s*gene_id "([^"]*)"')
_SYNONYM = re.compile(rb'(?:^|;)\s*gene_synonym "([^"]*)"')  # NCBI RefSeq GTFs


def gtf_genes(path: str) -> tuple[dict, dict]:
    """({gene name: [(chrom, start, end), ...]}, {synonym: {gene names}}) of a GTF (1-based, inclusive).

    Only gene rows are read, found by a search for the feature column at C speed, so the
    workflow can check a panel when it starts: the EasyFuse minigenome's GTF (2.2 MB) takes
    11 ms, a GRCh38-sized one (1.55 GB, 3.4 M rows) 1.3 s from the page cache and 4.6 s read
    cold from disk (a loop over every row in Python: 1.9 s warm).
    A GTF without gene rows (UCSC's) is read row by row. Names are gene_name, else gene_id,
    as common/annotation.py names genes; synonyms are NCBI's gene_synonym attributes.
    """
    genes: dict = {}
    synonyms: dict = {}

    def add(fields: list) -> None:
        attributes = fields[8]
        match = _NAME.search(attributes) or _ID.search(attributes)
        if match is None:
            return
        name = match.group(1).decode()
        genes.setdefault(name, []).append((fields[0].decode(), int(fields[3]), int(fields[4])))
        for synonym in _SYNONYM.findall(attributes):
            synonyms.setdefault(synonym.decode(), set()).add(name)

    try:
        with open(path, "rb") as fh:
            if fh.seek(0, 2) == 0:
                return genes, synonyms
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as text:
                at = text.find(GENE_ROW)
                while at >= 0:
                    start, end = text.rfind(b"\n", 0, at) + 1, text.find(b"\n", at)
                    end = len(text) if end < 0 else end
                    fields = text[start:end].rstrip(b"\r").split(b"\t", 8)
                    if len(fields) == 9 and fields[2] == b"gene" and not fields[0].startswith(b"#"):
                        add(fields)
                    at = text.find(GENE_ROW, end)
            if not genes:  # no gene rows: every row names its gene, whose span is that of its rows
                fh.seek(0)
                for line in fh:
                    fields = line.rstrip(b"\r\n").split(b"\t", 8)
                    if len(fields) == 9 and not fields[0].startswith(b"#"):
                        add(fields)
                for name, spans in genes.items():
                    by_chrom: dict = {}
                    for chrom, start, end in spans:
                        low, high = by_chrom.get(chrom, (start, end))
                        by_chrom[chrom] = (min(low, start), max(high, end))
                    genes[name] = [(chrom, *span) for chrom, span in by_chrom.items()]
    except OSError as err:
        raise InputError(f"{path}: {err.strerror}") from None
    except ValueError:
        raise InputError(f"{path}: start and end of a gene row must be integers") from None
    return genes, synonyms


def alias_table(kinases: dict) -> dict:
    """{alias in upper case: [genes]} from the knowledge base's `aliases` (config/kinases.yaml)."""
    table: dict = {}
    for gene, aliases in (kinases.get("aliases") or {}).items():
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a for a in aliases):
            raise InputError(f"knowledge base aliases: {gene} needs a list of symbols")
        for alias in aliases:
            table.setdefault(alias.upper(), []).append(str(gene))
    return table


def _suggestion(gene: str, genes: dict, synonyms: dict, aliases: dict, gtf: str) -> str:
    """' (did you mean NTRK1? TRKA is its alias)' for a name the GTF lacks, or ''."""
    candidates = [g for g in genes if g.upper() == gene.upper()]
    if candidates:
        return f" (did you mean {candidates[0]}? gene names are case-sensitive)"
    by_synonym = sorted(synonyms.get(gene, ()))
    if by_synonym:
        return (
            f" (did you mean {' or '.join(by_synonym)}? {gene} is {_whose(by_synonym, 'synonym')} in {gtf})"
        )
    named = aliases.get(gene.upper(), [])
    present = [g for g in named if g in genes]
    if present:
        return f" (did you mean {' or '.join(present)}? {gene} is {_whose(present, 'alias')})"
    if named:
        return f" ({gene} is an alias of {' and '.join(named)}, which {gtf} lacks too)"
    return ""


def _whose(genes: list, noun: str) -> str:
    """'its alias' of one gene, 'an alias of each' of several."""
    return f"its {noun}" if len(genes) == 1 else f"{'an' if noun[0] in 'aeiou' else 'a'} {noun} of each"


def panel_gene_problems(targets: list, genes: dict, synonyms: dict, aliases: dict, gtf: str) -> list:
    """(line, gene, problem) of every target whose gene the GTF lacks or whose region lies outside it."""
    problems = []
    for target in targets:
        spans = genes.get(target.gene)
        if spans is None:
            problem = f"{target.gene} is not a gene of {gtf}"
            problems.append(
                (target.line, target.gene, problem + _suggestion(target.gene, genes, synonyms, aliases, gtf))
            )
            continue
        if not any(chrom == target.chrom and start <= target.end and target.start < end
                   for chrom, start, end in spans):  # fmt: skip
            chrom, start, end = spans[0]
            region, gene_region = f"{target.chrom}:{target.start + 1}-{target.end}", f"{chrom}:{start}-{end}"
            problem = (f"target {target.name} ({region}) lies outside {target.gene} in {gtf} "
                       f"({gene_region}): another genome build or other chromosome names?")  # fmt: skip
            problems.append((target.line, target.gene, problem))
    return problems


def check_panel_genes(panel: str, gtf: str, kinases: dict | None = None) -> list:
    """The panel's targets when every one names a gene of the GTF and lies in it; else one InputError line."""
    targets = read_panel(panel)
    genes, synonyms = gtf_genes(gtf)
    problems = panel_gene_problems(targets, genes, synonyms, alias_table(kinases or {}), gtf)
    if problems:
        line, _, problem = problems[0]
        more = f"; {len(problems) - 1} more: " + ", ".join(
            f"line {n} ({gene})" for n, gene, _ in problems[1:]
        )
        raise InputError(f"panel {panel} line {line}: {problem}{more if len(problems) > 1 else ''}")
    return targets


def primed_genes(targets: list) -> set:
    return {target.gene for target in targets}


def primed_gene(gene5: str, gene3: str, genes: set) -> str | None:
    """The call's gene the panel primes: the 3' one when both are (the usual 3' kinase), else either."""
    if gene3 in genes:
        return gene3
    return gene5 if gene5 in genes else None


@dataclass
class Targeted:
    """A targeted panel run: UMIs in the read names, the genes whose side the panel primes."""

    primed_genes: set
    max_edit_distance: int = 1


def targeted_settings(assay: str, panel: str | None, kinases_yaml: str, umi: dict) -> Targeted | None:
    """The primed genes of a targeted run: the panel's, else every whitelisted kinase; None otherwise."""
    if assay != "targeted":
        return None
    if panel:
        genes = primed_genes(read_panel(panel))
        logging.info("targeted assay: panel %s primes %s", panel, ", ".join(sorted(genes)))
    else:
        from fusion_pipeline.common.yamlio import load_yaml  # here: the workflow parses this module

        genes = set(load_yaml(kinases_yaml)["genes"])
        logging.info("targeted assay without a panel file: every whitelisted kinase counts as primed")
    return Targeted(genes, umi.get("max_edit_distance", 1))
