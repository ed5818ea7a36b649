"""The reads behind every reported call, drawn for the report (issue 28): `{sample}/evidence.json`.

For each passing call of fusions.tsv, whichever caller made it, an SVG shows

- the fusion transcript's sequence around the junction (the 5' partner's last bases, the 3'
  partner's first, spliced from the reference on the call's transcripts);
- the reads that cross it, stacked over it: every read of the BAM aligned up to a breakend and
  clipped there towards the junction (STAR's chimeric reads and the soft-clipped ones alike),
  laid on the sequence without gaps as the built-in caller's junction evidence lays them
  (common/junction_sequence.py); mismatches are marked with the read's base, PCR copies (the
  same placement of both mates) are drawn grey, and in targeted runs reads are grouped by
  molecule (UMI);
- the coverage of both partners over WINDOW bases on each side of their breakpoints, the part
  kept in the fusion shaded.

A call that cannot be drawn (a breakpoint outside its transcript's exons, a contig the BAM
lacks) gets its reason instead, and a failure of the whole step an empty view with the error:
the report is never held up by a plot. Nothing is drawn from an input that failed its check.
"""

import json
import logging

from fusion_pipeline.common.fusion_table import parse_breakpoint, side_direction
from fusion_pipeline.common.junction_sequence import (
    TranscriptSequences,
    clipped_at_breakend,
    junction_sequence,
    place_either_way,
)

FLANK = 150  # bases of each partner a read may be laid on
SHOWN = 60  # bases of each partner drawn
WINDOW = 100  # coverage bases on each side of a breakpoint
MAX_ROWS = 40  # reads drawn; the rest are counted
MAX_EXAMINED = 2000  # reads at the breakends laid on the junction at most (about 2 ms each); the rest counted
MIN_OVERHANG, MAX_MISMATCHES, SLACK, MIN_CLIP = 8, 4, 3, 5
BASE_WIDTH = 7


def laid_reads(bam, junction, sites: list, umis: bool) -> tuple[list, int]:
    """Reads across the junction, each {start on left + right, sequence, mismatch offsets, name, pcr_copy,
    molecule}, and the reads at the breakends not examined (beyond MAX_EXAMINED).

    Both mates of a fragment are one fragment; a PCR copy is another fragment with the same placement
    of both mates (and, in targeted runs, the same molecule)."""
    kmers = junction.kmers()
    seen, placements, laid, examined, skipped = set(), {}, [], 0, 0
    for chrom, pos, direction in sites:
        for read in clipped_at_breakend(bam, chrom, pos, direction, SLACK, MIN_CLIP):
            key = (read.query_name, read.is_read1)
            if key in seen or not read.query_sequence:
                continue
            seen.add(key)
            if examined >= MAX_EXAMINED:
                skipped += 1
                continue
            examined += 1
            found = place_either_way(read.query_sequence, junction, kmers, MIN_OVERHANG, MAX_MISMATCHES)
            if found is None:
                continue
            sequence, placed = found
            start = len(junction.left) - placed[0]
            reference = (junction.left + junction.right)[start : start + len(sequence)]
            wrong = [i for i, (a, b) in enumerate(zip(sequence, reference)) if a != b]
            molecule = _umi(read.query_name) if umis else None
            ends = tuple(sorted([(read.reference_id, read.reference_start),
                                 (read.next_reference_id, read.next_reference_start)]))  # fmt: skip
            first = placements.setdefault((ends, molecule), read.query_name)
            laid.append({"start": start, "sequence": sequence, "mismatches": wrong, "name": read.query_name,
                         "pcr_copy": first != read.query_name, "molecule": molecule})  # fmt: skip
    return sorted(laid, key=lambda r: (r["molecule"] or "", r["pcr_copy"], r["start"])), skipped


def _umi(name: str) -> str | None:
    from fusion_pipeline.common.errors import InputError
    from fusion_pipeline.common.molecules import umi_from_name

    try:
        return umi_from_name(name)
    except InputError:
        return None


def coverage(bam, chrom: str, pos: int) -> tuple[list, int]:
    """Reads over each base of pos - WINDOW .. pos + WINDOW (1-based, both ends included, cut at the contig's
    ends), and the breakpoint's index among them."""
    start = max(0, pos - 1 - WINDOW)
    counts = bam.count_coverage(chrom, start, pos + WINDOW, quality_threshold=0)
    return [sum(column) for column in zip(*counts)], pos - 1 - start


def call_view(record: dict, bam, annotation, sequences, umis: bool) -> dict:
    """What the SVG of one call shows, or why it cannot be drawn."""
    (c5, p5, s5), (c3, p3, s3) = (
        parse_breakpoint(record["breakpoint5"]),
        parse_breakpoint(record["breakpoint3"]),
    )
    missing = [c for c in (c5, c3) if c not in bam.references]
    if missing:
        return {"error": f"contig {missing[0]} is not in the BAM"}
    tx5, tx3 = (
        annotation.transcript(record.get("transcript5", ".")),
        annotation.transcript(record.get("transcript3", ".")),
    )
    junction = junction_sequence(sequences, tx5, p5, tx3, p3, FLANK) if tx5 and tx3 else None
    if junction is None:
        return {
            "error": "a breakpoint lies outside its transcript's exons: no junction sequence to lay reads on"
        }
    sites = [(c5, p5, side_direction("5", s5)), (c3, p3, side_direction("3", s3))]
    reads, skipped = laid_reads(bam, junction, sites, umis)
    return {
        "left": junction.left, "right": junction.right, "reads": reads, "not_examined": skipped,
        "coverage5": coverage(bam, c5, p5), "coverage3": coverage(bam, c3, p3),
        "keeps_below5": sites[0][2] == 1, "keeps_below3": sites[1][2] == 1,
    }  # fmt: skip


def counts(view: dict) -> dict:
    """Reads, fragments (PCR copies once), copies and molecules of a view."""
    reads = view.get("reads", [])
    molecules = {r["molecule"] for r in reads if r["molecule"]}
    return {"reads": len(reads), "fragments": len({r["name"] for r in reads if not r["pcr_copy"]}),
            "copies": len({r["name"] for r in reads if r["pcr_copy"]}), "molecules": len(molecules) if molecules else None,
            "not_examined": view.get("not_examined", 0)}  # fmt: skip


def layout(view: dict, gene5: str, gene3: str) -> dict:
    """Positions of everything the SVG template draws, in pixels."""
    shown_left, shown_right = view["left"][-SHOWN:], view["right"][:SHOWN]
    offset = len(view["left"]) - len(shown_left)  # where the drawn sequence starts on left + right
    end_shown, rows = offset + len(shown_left) + len(shown_right), []
    for index, read in enumerate(view["reads"][:MAX_ROWS]):
        first, last = max(read["start"], offset), min(read["start"] + len(read["sequence"]), end_shown)
        if first >= last:
            continue
        marks = [{"x": (read["start"] + i - offset) * BASE_WIDTH, "base": read["sequence"][i]}
                 for i in read["mismatches"] if first <= read["start"] + i < last]  # fmt: skip
        rows.append({"y": 60 + 9 * len(rows), "x": (first - offset) * BASE_WIDTH, "w": (last - first) * BASE_WIDTH,
                     "pcr_copy": read["pcr_copy"], "molecule": read["molecule"], "marks": marks, "index": index})  # fmt: skip
    bases = [{"x": i * BASE_WIDTH, "base": b, "side": "5" if i < len(shown_left) else "3"}
             for i, b in enumerate(shown_left + shown_right)]  # fmt: skip
    top = 60 + 9 * len(rows) + 30
    panels = [_coverage_panel(view["coverage5"], view["keeps_below5"], gene5, 0, top),
              _coverage_panel(view["coverage3"], view["keeps_below3"], gene3, SHOWN * BASE_WIDTH + 20, top)]  # fmt: skip
    return {"width": 2 * SHOWN * BASE_WIDTH + 20, "height": top + 90, "junction_x": len(shown_left) * BASE_WIDTH,
            "bases": bases, "rows": rows, "panels": panels, "hidden": max(0, len(view["reads"]) - MAX_ROWS),
            **counts(view)}  # fmt: skip


def _coverage_panel(window: tuple, keeps_below: bool, gene: str, x: float, y: float) -> dict:
    depths, at = window
    width, height = SHOWN * BASE_WIDTH, 50
    peak = max(depths) if depths and max(depths) > 0 else 1
    step = width / max(1, len(depths) - 1)
    points = " ".join(
        f"{x + i * step:.1f},{y + height - height * d / peak:.1f}" for i, d in enumerate(depths)
    )
    middle = x + at * step
    kept = (x, middle) if keeps_below else (middle, x + width)
    return {"x": x, "y": y, "w": width, "h": height, "points": f"{x:.1f},{y + height} {points} {x + width:.1f},{y + height}",
            "middle": middle, "kept_x": kept[0], "kept_w": kept[1] - kept[0], "peak": max(depths) if depths else 0,
            "gene": gene}  # fmt: skip


def render_svg(view: dict, fusion: str, gene5: str, gene3: str) -> str:
    from fusion_pipeline.report.write_report import html_environment

    return (
        html_environment()
        .get_template("evidence.svg.j2")
        .render(fusion=fusion, gene5=gene5, gene3=gene3, d=layout(view, gene5, gene3))
    )


def draw_all(calls: list, bam_path: str, fasta, annotation, umis: bool) -> list:
    """One entry per passing call: its SVG and counts, or the reason it is not drawn."""
    import pysam

    entries = []
    with pysam.AlignmentFile(bam_path) as bam:
        sequences = TranscriptSequences(fasta)
        for record in calls:
            entry = {
                "fusion": record["fusion"],
                "breakpoint5": record["breakpoint5"],
                "breakpoint3": record["breakpoint3"],
            }
            try:
                view = call_view(record, bam, annotation, sequences, umis)
                if "error" in view:
                    entry["error"] = view["error"]
                else:
                    entry.update(
                        counts(view), svg=render_svg(view, record["fusion"], record["gene5"], record["gene3"])
                    )
            except Exception as err:  # noqa: BLE001  a plot that fails never holds up the report
                logging.exception("evidence view of %s", record["fusion"])
                entry["error"] = f"not drawn ({type(err).__name__}: {err})"
            entries.append(entry)
    return entries


def main(snakemake) -> None:
    """Rule draw_evidence: the passing calls of fusions.tsv and the BAM -> evidence.json."""
    import pysam

    from fusion_pipeline.common.clinical_annotation import load_annotation
    from fusion_pipeline.common.fusion_table import read_table
    from fusion_pipeline.common.input_verdict import input_failure, read_verdict
    from fusion_pipeline.common.rulelog import atomic_write

    result = {"fusions": []}
    try:
        failure = input_failure(read_verdict(snakemake.input.check))
        calls = read_table(snakemake.input.calls)
        passing = [] if failure else calls[calls["pass"] == "yes"].to_dict("records")
        if passing:
            annotation = load_annotation(snakemake.input.gtf, snakemake.input.kb_check)
            with pysam.FastaFile(snakemake.input.fasta, filepath_index=snakemake.input.fai) as fasta:
                result["fusions"] = draw_all(
                    passing, snakemake.input.bam, fasta, annotation, snakemake.params.umis
                )
    except Exception as err:  # noqa: BLE001  the report goes on without the views, saying why
        logging.exception("evidence views")
        result = {"fusions": [], "error": f"evidence views not drawn ({type(err).__name__}: {err})"}
    logging.info("%d evidence views", sum("svg" in f for f in result["fusions"]))
    with atomic_write(snakemake.output[0]) as out:
        json.dump(result, out)
