"""fusions.vcf.gz: every call of fusions.tsv as a pair of VCF 4.4 breakends, for a lab's variant systems.

Each call is two BND records (5' and 3' side) sharing `EVENT` and naming each
other in `MATEID`, with `SVCLAIM=J` (the call claims a junction). ALT is built
from the strands: the 5' side keeps the bases up to its breakpoint on its gene's
strand, the 3' side those from its breakpoint on (common/fusion_table.side_direction),
so for a 5' gene on + joined to a 3' gene on +, ALT of the 5' record is
`t[chr3:pos3[` and of the 3' record `]chr5:pos5]t`. A junction inferred from
discordant pairs alone is `IMPRECISE` with no CIPOS (its exact position is not
known). Gene, transcript, exon, site and the VICC name come from the project's
own annotation of the merged calls, whichever caller found them; reading frame,
kinase and domain from kinase_fusions.tsv (`.` for calls without a whitelisted
kinase). FORMAT holds the sample's support and abundance; FILTER is PASS or the
filters that removed the call (not the notes that only flag or rescue it), the full
filter notes in INFO `FILTERS`.

A sample whose input failed its check has no record: nothing read from a broken
input is a call. The header's `##sample_status` (report.json) says whether an
empty VCF is a negative (`no fusion detected`) or no answer (`not evaluable`,
`failed`).
"""

import math
import os
import re
import tempfile

from fusion_pipeline.common.cells import cell_float, cell_int
from fusion_pipeline.common.fusion_table import (
    INFERRED_FROM_PAIRS,
    UNCONFIRMED_FLAG,
    breakpoint_source,
    fusion_type,
    parse_breakpoint,
    side_direction,
)

INFO_LINES = [
    ("SVTYPE", "1", "String", "Type of structural variant (BND; deprecated in VCF 4.4, kept for older readers)"),
    ("MATEID", "A", "String", "ID of mate breakend"),
    ("EVENT", "A", "String", "ID of associated event (one fusion call)"),
    ("EVENTTYPE", "A", "String", "Type of associated event: TRA, DEL, DUP or INV, from the breakpoints' strands"),
    ("SVCLAIM", "A", "String", "Claim made by the structural variant call: J (adjacency, a fusion junction)"),
    ("IMPRECISE", "0", "Flag", "Junction inferred from discordant pairs alone, its exact position unknown"),
    ("FUSION", "1", "String", "Fusion name, 5' gene first (HGNC GENE5::GENE3)"),
    ("VICC", "1", "String", "VICC Gene Fusion Specification name with transcripts and exons; (::) when inferred"),
    ("PARTNER", "1", "String", "Side of the fusion this breakend is: 5prime or 3prime"),
    ("GENE", "1", "String", "Gene at this breakend"),
    ("GENE_ID", "1", "String", "Gene ID at this breakend (the GTF's)"),
    ("TRANSCRIPT", "1", "String", "Transcript used for the exon number (the clinical transcript of a whitelisted gene)"),
    ("EXON", "1", "String", "Exon number: the last exon kept on the 5' side, the first on the 3' side"),
    ("SITE", "1", "String", "Where the breakpoint lies: exon_boundary, exon, intron or intergenic"),
    ("BREAKPOINT_SOURCE", "1", "String", "split_reads, junction_sequence or inferred_from_pairs"),
    ("CALLERS", ".", "String", "Callers that found the call"),
    ("FILTERS", ".", "String", "Every filter note of the call, as in fusions.tsv"),
    ("KINASE", "1", "String", "Whitelisted kinase of the fusion, . when none"),
    ("KINASE_DOMAIN_RETAINED", "1", "String", "Whether the kinase domain is kept: yes, no or unknown"),
    ("FRAME", "1", "String", "Reading frame across the junction: in-frame, out-of-frame or unknown"),
]  # fmt: skip
FORMAT_LINES = [
    ("JR", "1", "Integer", "Split reads across the junction (junction_reads)"),
    ("SP", "1", "Integer", "Discordant pairs spanning the junction (spanning_pairs)"),
    ("JSR", "1", "Integer", "Reads found only on the fusion transcript's sequence (junction_sequence_reads)"),
    ("UM", "1", "Integer", "Junction molecules, UMI families (targeted panels)"),
    ("FR", "1", "Integer", "Fusion fragments or molecules counted for the abundance"),
    ("WT", "1", "Integer", "Wild-type fragments or molecules at the breakpoint of the abundance side"),
    ("AB", "1", "Float", "Abundance: fusion / (fusion + wild type) at the abundance side"),
    ("ABCI", "2", "Float", "95% confidence interval of the abundance (Wilson)"),
]  # fmt: skip
EVENT_TYPES = {"translocation": "TRA", "deletion": "DEL", "duplication": "DUP", "inversion": "INV"}
# Percent-encoding of the characters VCF gives a meaning inside INFO (VCF 4.4, section 1.2).
_ENCODED = {"%": "%25", ",": "%2C", ";": "%3B", "=": "%3D", " ": "%20", "\t": "%09", "\n": "%0A", "\r": "%0D"}


def info_text(value) -> str | None:
    """A cell as an INFO string, percent-encoded; None for a missing cell."""
    text = str(value)
    if text in ("", ".", "nan", "None"):
        return None
    return "".join(_ENCODED.get(c, c) for c in text)


# Notes that flag or rescue a call and never remove it (the built-in caller's `known_fusions` rescue,
# call/filters.py; the merged table's `builtin_unconfirmed`).
NOT_REMOVING = frozenset({"known_fusions", UNCONFIRMED_FLAG})
# `name(3)`: reads a filter set aside, not the call (Arriba's notes, the built-in `duplicates(2)` flag).
READ_COUNT_NOTE = re.compile(r".+\(\d+\)")


def filter_names(record: dict) -> list:
    """PASS for a passing call, else the names of the filters that removed it, as VCF FILTER codes
    (letters, digits, '_' and '.'); every note stays in INFO FILTERS."""
    if str(record.get("pass")) == "yes":
        return ["PASS"]
    notes = [note.strip() for note in str(record.get("filters", "")).split(",")]
    names = [re.sub(r"[^A-Za-z0-9_.]", "_", note.split("(", 1)[0])
             for note in notes if note not in ("", ".") and not READ_COUNT_NOTE.fullmatch(note)]  # fmt: skip
    return list(dict.fromkeys(n for n in names if n not in NOT_REMOVING)) or ["not_passed"]


def call_ends(record: dict) -> tuple:
    """(chrom, pos, direction) of a call's 5' and 3' ends (common/fusion_table.side_direction)."""
    (c5, p5, s5), (c3, p3, s3) = (
        parse_breakpoint(record["breakpoint5"]),
        parse_breakpoint(record["breakpoint3"]),
    )
    return (c5, p5, side_direction("5", s5)), (c3, p3, side_direction("3", s3))


def breakend_alts(record: dict, ref5: str, ref3: str) -> tuple[str, str]:
    """ALT of the 5' and the 3' record, in breakend notation, from the breakpoints' strands."""
    return _alts(call_ends(record), (ref5, ref3))


def _alts(ends: tuple, refs: tuple) -> tuple[str, str]:
    (c5, p5, d5), (c3, p3, d3) = ends
    return _alt(refs[0], d5, c3, p3, d3), _alt(refs[1], d3, c5, p5, d5)


def _alt(base: str, direction: int, mate_chrom: str, mate_pos: int, mate_direction: int) -> str:
    """`direction` +1: this side keeps the bases at and below POS, so the join follows `base`; the mate's
    kept bases extend right of its position ([p[) when it keeps those at and above it, else left (]p])."""
    mate = f"[{mate_chrom}:{mate_pos}[" if mate_direction == -1 else f"]{mate_chrom}:{mate_pos}]"
    return f"{base}{mate}" if direction == 1 else f"{mate}{base}"


def sample_values(record: dict) -> dict:
    """FORMAT values of a call; missing where not measured."""
    unit = str(record.get("abundance_unit", "fragments"))
    side = (
        str(record.get("abundance_side", "5"))
        if str(record.get("abundance_side", ".")) in ("5", "3")
        else "5"
    )
    wild_type = record.get(f"wt_molecules{side}" if unit == "molecules" else f"wt_reads{side}")
    fusion = record.get("junction_molecules") if unit == "molecules" else record.get("fusion_reads")
    values = {
        "JR": _count(record.get("junction_reads")), "SP": _count(record.get("spanning_pairs")),
        "JSR": _count(record.get("junction_sequence_reads")), "UM": _count(record.get("junction_molecules")),
        "FR": _count(fusion), "WT": _count(wild_type), "AB": _fraction(record.get("abundance")),
    }  # fmt: skip
    low, high = _fraction(record.get("abundance_ci_low")), _fraction(record.get("abundance_ci_high"))
    if low is not None and high is not None:
        values["ABCI"] = (low, high)
    return {key: value for key, value in values.items() if value is not None}


def _count(cell):
    text = str(cell)
    return cell_int(text) if text.lstrip("-").isdigit() else None


def _fraction(cell):
    value = cell_float(cell)
    return None if value is None or math.isnan(value) else value


def call_info(record: dict, ends: tuple, event: str, kinase: dict | None) -> dict:
    """INFO both breakends of a call share."""
    kinase = kinase or {}
    source = breakpoint_source(record)
    values = {
        "SVTYPE": "BND", "EVENT": event, "SVCLAIM": "J",
        # from the breakpoints: callers name types their own way
        "EVENTTYPE": EVENT_TYPES.get(fusion_type(*ends[0], *ends[1])),
        "FUSION": info_text(record.get("fusion")), "VICC": info_text(record.get("vicc_name")),
        "BREAKPOINT_SOURCE": source,
        "CALLERS": [info_text(c) for c in str(record.get("callers", "")).split(",") if info_text(c)] or None,
        "FILTERS": [info_text(f) for f in str(record.get("filters", "")).split(",") if info_text(f)] or None,
        "KINASE": info_text(kinase.get("kinase")),
        "KINASE_DOMAIN_RETAINED": info_text(kinase.get("kinase_domain_retained")),
        "FRAME": info_text(kinase.get("reading_frame")),
        "IMPRECISE": True if source == INFERRED_FROM_PAIRS else None,
    }  # fmt: skip
    return {key: value for key, value in values.items() if value is not None}


def side_info(record: dict, role: str, mate: str) -> dict:
    """INFO of the breakend on the `role` side."""
    values = {
        "MATEID": mate, "PARTNER": f"{role}prime", "GENE": info_text(record.get(f"gene{role}")),
        "GENE_ID": info_text(record.get(f"gene_id{role}")), "TRANSCRIPT": info_text(record.get(f"transcript{role}")),
        "EXON": info_text(record.get(f"exon{role}")), "SITE": info_text(record.get(f"site{role}")),
    }  # fmt: skip
    return {key: value for key, value in values.items() if value is not None}


def header_text(sample: str, contigs: list, filters: list, meta: dict) -> str:
    """The VCF 4.4 header: contigs of the reference, INFO, FORMAT and FILTER lines, `meta` as ##key=value."""
    lines = ["##fileformat=VCFv4.4"] + [f"##{key}={value}" for key, value in meta.items()]
    lines += [f"##contig=<ID={name},length={length}>" for name, length in contigs]
    lines += [f'##INFO=<ID={i},Number={n},Type={t},Description="{d}">' for i, n, t, d in INFO_LINES]
    lines += [f'##FORMAT=<ID={i},Number={n},Type={t},Description="{d}">' for i, n, t, d in FORMAT_LINES]
    lines += [f'##FILTER=<ID={name},Description="Removed by the {name} filter (docs/method.md)">'
              for name in filters if name != "PASS"]  # fmt: skip
    lines.append("\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", sample]))
    return "\n".join(lines) + "\n"


def breakend_records(calls: list, kinases: dict, reference_base) -> list:
    """(chrom, pos, id, ref, alt, filters, info, sample values) of every breakend, two per call."""
    rows = []
    for number, record in enumerate(calls, start=1):
        ends, event = call_ends(record), f"FUS{number}"
        refs = tuple(reference_base(chrom, pos) for chrom, pos, _ in ends)
        shared = call_info(record, ends, event, kinases.get((record["breakpoint5"], record["breakpoint3"])))
        values, filters = sample_values(record), filter_names(record)
        for (chrom, pos, _), role, mate, ref, alt in zip(ends, "53", "35", refs, _alts(ends, refs)):
            info = {**shared, **side_info(record, role, f"{event}_{mate}")}
            rows.append((chrom, pos, f"{event}_{role}", ref, alt, filters, info, values))
    return rows


def write_vcf(path: str, sample: str, calls: list, kinases: dict, fasta, meta: dict) -> int:
    """Write the breakends of `calls` as a bgzipped, tabix-indexed VCF (path, path.tbi); the record count."""
    import pysam

    contigs = list(zip(fasta.references, fasta.lengths))
    order = {name: index for index, (name, _) in enumerate(contigs)}

    def reference_base(chrom, pos):
        base = fasta.fetch(chrom, pos - 1, pos).upper() if chrom in order else ""
        return base if base in ("A", "C", "G", "T") else "N"

    rows = sorted(
        breakend_records(calls, kinases, reference_base),
        key=lambda r: (order.get(r[0], len(order)), r[1], r[2]),
    )
    filters = sorted({name for row in rows for name in row[5]})
    directory = os.path.dirname(os.path.abspath(path))
    with tempfile.TemporaryDirectory(dir=directory, prefix=".tmp.vcf.") as work:
        # pysam's VariantHeader() is fixed at VCFv4.2: a header read from text keeps VCFv4.4.
        header_path = os.path.join(work, "header.vcf")
        with open(header_path, "w") as out:
            out.write(header_text(sample, contigs, filters, meta))
        with pysam.VariantFile(header_path) as template:
            header = template.header.copy()
        written = os.path.join(work, "fusions.vcf.gz")
        with pysam.VariantFile(written, "wz", header=header) as vcf:
            for chrom, pos, ident, ref, alt, names, info, values in rows:
                record = vcf.new_record(
                    contig=chrom, start=pos - 1, alleles=(ref, alt), id=ident, filter=names, info=info
                )
                for key, value in values.items():
                    record.samples[sample][key] = value
                vcf.write(record)
        pysam.tabix_index(written, preset="vcf", force=True)
        os.replace(written + ".tbi", path + ".tbi")
        os.replace(written, path)
    return len(rows)


def main(snakemake) -> None:
    """Rule write_vcf: fusions.tsv, kinase_fusions.tsv and report.json's status -> fusions.vcf.gz (+ .tbi)."""
    import json
    import logging

    import pysam

    from fusion_pipeline.common.fusion_table import read_table

    with open(snakemake.input.report) as handle:
        report = json.load(handle)
    status = report["status"]
    input_ok = status.get("input", "ok") == "ok"
    calls = read_table(snakemake.input.calls).to_dict("records") if input_ok else []
    kinase_rows = read_table(snakemake.input.kinase_calls).to_dict("records") if input_ok else []
    kinases = {(k["breakpoint5"], k["breakpoint3"]): k for k in kinase_rows}
    sample = snakemake.wildcards.sample
    meta = {"source": f"fusion_pipeline {report['versions'].get('pipeline', 'unknown')}",
            "reference": f"file:{report['versions'].get('reference_fasta', 'unknown')}",
            "sample_status": str(status.get("sample_status") or "unknown"),
            "abundance_unit": "molecules" if report.get("assay") == "targeted" else "fragments"}  # fmt: skip
    if not input_ok:
        logging.warning("input %s: no call is written", status.get("sample_status"))
    with pysam.FastaFile(snakemake.input.fasta, filepath_index=snakemake.input.fai) as fasta:
        count = write_vcf(snakemake.output.vcf, sample, calls, kinases, fasta, meta)
    logging.info(
        "%d breakends of %d calls written; sample status %s", count, len(calls), meta["sample_status"]
    )
