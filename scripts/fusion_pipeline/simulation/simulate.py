"""Deterministic synthetic RNA-seq data for demos, tests, benchmarks and validation.

Builds the genome (simulation/genome.py), then for each sample of a profile
(simulation/design.py) paired-end reads from wild-type, mutant and fusion
transcripts and from artefact molecules (simulation/artefacts.py), through
the profile's library (simulation/library.py). Writes genome.fa, genes.gtf,
reads/, samples.tsv, truth.tsv (true fusions with exact breakpoints and
simulated fragment counts) and artefacts.tsv (every non-fusion chimera).

    python scripts/tools/simulate.py --outdir resources/demo [--profile demo|gauntlet|ffpe|targeted]

The `targeted` profile (simulation/panel.py) is an anchored multiplex PCR fusion panel with UMIs.
"""

import argparse
import csv
import gzip
import io
import os
import random
from pathlib import Path

from fusion_pipeline.simulation import artefacts
from fusion_pipeline.simulation.design import DEMO_DESIGN, PROFILES, FusionSpec, SampleSpec
from fusion_pipeline.simulation.genome import (
    HIGHLY_EXPRESSED,
    PARALOGS,
    POLYA_GENES,
    Gene,
    _codon_for,
    build_genome,
    exon_boundary,
    gtf_rows,
    write_fasta,
)
from fusion_pipeline.simulation.library import CLEAN, FastqPairWriter, FlowCellOrder, Library, emit_transcript

TRUTH_FIELDS = [
    "sample", "patient", "timepoint", "fusion", "gene5", "gene3", "transcript5", "transcript3", "exon5", "exon3",
    "breakpoint5", "breakpoint3", "fraction5", "sim_junction_fragments", "sim_spanning_fragments",
    "sim_wt5_junction_fragments", "mutations",
]  # fmt: skip
ARTEFACT_FIELDS = ["sample", "class", "gene5", "gene3", "chrom5", "end5", "chrom3", "start3", "microhomology",
                   "molecules", "copies"]  # fmt: skip


def fusion_transcript(genes: dict, spec: FusionSpec, rng: random.Random) -> tuple[str, int]:
    g5, g3 = genes[spec.gene5], genes[spec.gene3]
    n5 = sum(g5.exon_lengths[: spec.exon5])
    n3 = sum(g3.exon_lengths[: spec.exon3 - 1])
    return g5.mrna[:n5] + g3.mrna[n3:], n5


def _mutated(
    mrna: str, gene: Gene, offset3: int, junction: int, pos: int, aa: str, rng: random.Random
) -> str:
    """Change codon `pos` of `gene` to encode `aa`, in a transcript holding its mRNA from `offset3` at `junction`."""
    at = gene.cds_start + 3 * (pos - 1) - offset3 + junction
    return mrna[:at] + _codon_for(aa, rng) + mrna[at + 3 :]


def simulate_sample(sample: SampleSpec, genes: dict, reads_dir: Path, seed: int, library: Library = CLEAN,
                    coverage_scale: float = 1.0) -> tuple:  # fmt: skip
    """Write one sample's gzipped FASTQ pair; return (truth rows, artefact rows).

    Coverages are per molecule; `coverage_scale` applies to the genes' default coverages.
    """
    rng = random.Random(f"{seed}:{sample.sample}")
    fused5: dict = {}
    junctions5: dict = {}  # 5' partner -> mRNA offsets of its fusion junctions
    for f in sample.fusions:
        fused5[f.gene5] = fused5.get(f.gene5, 0.0) + (f.fraction if f.coverage is None else 0.0)
        junctions5.setdefault(f.gene5, []).append(sum(genes[f.gene5].exon_lengths[: f.exon5]))
    truth = []
    fq1, fq2 = (reads_dir / f"{sample.sample}_R{i}.fastq.gz" for i in (1, 2))
    # level 4, bcl2fastq's default: level 9 costs 2.5x the time on reads in flow-cell order
    with gzip.GzipFile(fq1, "wb", mtime=0, compresslevel=4) as raw1, \
            gzip.GzipFile(fq2, "wb", mtime=0, compresslevel=4) as raw2:  # fmt: skip
        out1, out2 = io.TextIOWrapper(raw1), io.TextIOWrapper(raw2)
        order = FlowCellOrder(out1, out2, f"{seed}:{sample.sample}", str(reads_dir))
        writer = FastqPairWriter(out1, out2, rng, library, order)
        wild_type = {}
        for name, gene in genes.items():
            default = gene.spec.coverage * coverage_scale * sample.coverage_scale
            cov = sample.coverage.get(name, default) * (1 - fused5.get(name, 0.0))
            offsets = junctions5.get(name, ())
            parts, share_left = [], 1.0
            for pos, (aa, share) in sample.mutations.get(name, {}).items():
                mutant = _mutated(gene.mrna, gene, 0, 0, pos, aa, rng)
                label = f"W_{name}_{aa.replace('*', 'stop')}{pos}"
                parts.append(emit_transcript(mutant, cov * share, label, writer, offsets))
                share_left -= share
            parts.append(emit_transcript(gene.mrna, cov * share_left, f"W_{name}", writer, offsets))
            wild_type[name] = {o: {k: sum(p[o][k] for p in parts) for k in parts[-1][o]} for o in offsets}
        for f in sample.fusions:
            g5, g3 = genes[f.gene5], genes[f.gene3]
            cov5 = sample.coverage.get(f.gene5, g5.spec.coverage)
            cov = f.coverage if f.coverage is not None else f.fraction * cov5
            seq, junction = fusion_transcript(genes, f, rng)
            offset3 = sum(g3.exon_lengths[: f.exon3 - 1])
            label = f"F_{f.gene5}--{f.gene3}"
            parts, share_left = [], 1.0
            for pos, (aa, share) in f.mutations.items():
                mutant = _mutated(seq, g3, offset3, junction, pos, aa, rng)
                parts.append(emit_transcript(mutant, cov * share, f"{label}_{aa}{pos}", writer, (junction,)))
                share_left -= share
            parts.append(emit_transcript(seq, cov * share_left, label, writer, (junction,)))
            counts = {k: sum(p[junction][k] for p in parts) for k in ("junction", "spanning")}
            wt5 = wild_type[f.gene5][sum(g5.exon_lengths[: f.exon5])]["junction"]
            truth.append({
                "sample": sample.sample, "patient": sample.patient, "timepoint": sample.timepoint,
                "fusion": f.name, "gene5": f.gene5, "gene3": f.gene3,
                "transcript5": g5.spec.transcript_id, "transcript3": g3.spec.transcript_id,
                "exon5": f.exon5, "exon3": f.exon3,
                "breakpoint5": f"{g5.chrom}:{exon_boundary(g5, f.exon5, 'end')}:{g5.spec.strand}",
                "breakpoint3": f"{g3.chrom}:{exon_boundary(g3, f.exon3, 'start')}:{g3.spec.strand}",
                "fraction5": round(cov / cov5, 4),
                "sim_junction_fragments": counts["junction"],
                "sim_spanning_fragments": counts["spanning"],
                "sim_wt5_junction_fragments": wt5,
                "mutations": ",".join(f"{g3.spec.name}:{pos}{aa}:{share}"
                                      for pos, (aa, share) in f.mutations.items()) or ".",
            })  # fmt: skip
        artefact_rows = [{"sample": sample.sample, **row} for row in write_artefacts(writer, genes, sample)]
        order.close()
        out1.flush()
        out2.flush()
        out1.detach()
        out2.detach()
    return truth, artefact_rows


def write_artefacts(writer: FastqPairWriter, genes: dict, sample: SampleSpec) -> list:
    """The sample's artefact molecules (simulation/artefacts.py); rows for artefacts.tsv.

    The genes they are drawn from are the extended genome's artefact genes (HIGHLY_EXPRESSED, PARALOGS,
    POLYA_GENES, HIPK3, SLC45A3/ELK4), or those the spec's `hosts` names (`expressed`: the genes of template
    switches, intronic switches, hairpins, the jackpot and pre-mRNA; `circular`: the circRNA host), as
    simulation/design.py reference_artefacts() gives for a set on a lab's reference.
    """
    spec, rows = sample.artefacts, []
    hosts = spec.get("hosts") or {}
    expressed = tuple(hosts.get("expressed") or (g for g in HIGHLY_EXPRESSED if g in genes))
    if "template_switch" in spec:
        rows += artefacts.template_switches(writer, genes, expressed, **spec["template_switch"])
    if "paralog" in spec:
        rows += artefacts.paralog_switches(writer, genes, PARALOGS, **spec["paralog"])
    if "circular" in spec:
        rows += artefacts.circular_rnas(writer, genes[hosts.get("circular", "HIPK3")], spec["circular"])
    if "intronic" in spec:
        rows += artefacts.intronic_switches(writer, genes, expressed, **spec["intronic"])
    if "low_complexity" in spec:
        rows += artefacts.polya_switches(writer, genes, POLYA_GENES, **spec["low_complexity"])
    if "hairpin" in spec:
        rows += artefacts.hairpins(writer, genes, expressed, **spec["hairpin"])
    if "jackpot" in spec:
        rows += artefacts.jackpot(writer, genes, expressed, **spec["jackpot"])
    if "read_through" in spec:
        rows += artefacts.read_through(writer, genes["SLC45A3"], genes["ELK4"], **spec["read_through"])
    if "pre_mrna" in spec:
        for name in expressed:
            coverage = sample.coverage.get(name, genes[name].spec.coverage) * spec["pre_mrna"]["share"]
            rows += artefacts.pre_mrna(writer, genes[name], coverage)
    return rows


def write_profile(outdir: str | os.PathLike, name: str, seed: int = 1) -> dict:
    """A profile of simulation/design.py (demo, gauntlet, ffpe, ...) written to `outdir`."""
    profile = PROFILES[name]
    result = write_dataset(
        outdir, profile.design, seed, profile.extended, profile.library, profile.coverage_scale
    )
    if profile.other_forms:
        from fusion_pipeline.simulation.read_files import write_other_forms

        rows = write_other_forms(Path(outdir), profile.other_forms)
        write_sheet(Path(outdir), profile.design, rows)
    return result


def write_dataset(outdir: str | os.PathLike, design: list | None = None, seed: int = 1, extended: bool = False,
                  library: Library = CLEAN, coverage_scale: float = 1.0) -> dict:  # fmt: skip
    """Write genome.fa, genes.gtf, reads/, truth.tsv, artefacts.tsv and samples.tsv under `outdir`.

    Paths in samples.tsv are `outdir`-prefixed as given, so a relative `outdir`
    gives paths relative to the directory the workflow runs in.
    """
    design = DEMO_DESIGN if design is None else design
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    contigs, genes = build_genome(seed, extended=extended)
    write_fasta(contigs, out / "genome.fa")
    (out / "genes.gtf").write_text("\n".join(gtf_rows(genes)) + "\n")
    return write_samples(out, design, genes, seed, library, coverage_scale)


def write_samples(out: Path, design: list, genes: dict, seed: int = 1, library: Library = CLEAN,
                  coverage_scale: float = 1.0) -> dict:  # fmt: skip
    """Reads of every sample of `design` from the gene models `genes` (the synthetic genome's or a lab's
    reference's, simulation/reference.py), with reads/, truth.tsv, artefacts.tsv and samples.tsv under `out`."""
    reads = out / "reads"
    reads.mkdir(parents=True, exist_ok=True)
    truth, artefact_rows = [], []
    for sample in design:
        sample_truth, sample_artefacts = simulate_sample(sample, genes, reads, seed, library, coverage_scale)
        truth += sample_truth
        artefact_rows += sample_artefacts
    _write_tsv(out / "truth.tsv", TRUTH_FIELDS, truth)
    _write_tsv(out / "artefacts.tsv", ARTEFACT_FIELDS, artefact_rows)
    write_sheet(out, design)
    return {"genes": genes, "truth": truth, "artefacts": artefact_rows}


def write_sheet(out: Path, design: list, other_forms: list = ()) -> None:
    """samples.tsv: each sample's FASTQ pair, then the rows of read_files.write_other_forms (a sample
    again as BAM, CRAM or single-end, under its own patient so no trend joins it to its origin)."""
    reads = out / "reads"
    specs = {s.sample: s for s in design}
    columns = ["sample", "patient", "timepoint", "tumour_type", "fq1", "fq2"] + (
        ["bam"] if other_forms else []
    )
    with open(out / "samples.tsv", "w") as fh:
        fh.write("\t".join(columns) + "\n")
        for s in design:
            row = [s.sample, s.patient, str(s.timepoint), s.tumour_type,
                   str(reads / (s.sample + "_R1.fastq.gz")), str(reads / (s.sample + "_R2.fastq.gz"))]  # fmt: skip
            fh.write("\t".join(row + ([""] if other_forms else [])) + "\n")
        for extra in other_forms:
            origin = specs[extra["origin"]]
            row = [extra["sample"], f"{origin.patient}{extra['form']}", "1",
                   origin.tumour_type, extra["fq1"], extra["fq2"], extra["bam"]]  # fmt: skip
            fh.write("\t".join(row) + "\n")


def _write_tsv(path: Path, fields: list, rows: list) -> None:
    with open(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fields, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outdir", default="resources/demo")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", choices=sorted([*PROFILES, "targeted"]), default="demo")
    args = parser.parse_args(argv)
    if args.profile == "targeted":
        from fusion_pipeline.simulation.panel import write_panel  # imports this module

        result = write_panel(args.outdir, args.seed)
        print(f"wrote 1 sample (targeted), {len(result['truth'])} truth rows, {len(result['molecules'])} "
              f"molecules and {result['pairs']} read pairs to {args.outdir}")  # fmt: skip
        return
    result = write_profile(args.outdir, args.profile, args.seed)
    print(f"wrote {len(PROFILES[args.profile].design)} samples ({args.profile}), {len(result['truth'])} fusions and "
          f"{len(result['artefacts'])} artefact sites to {args.outdir}")  # fmt: skip
