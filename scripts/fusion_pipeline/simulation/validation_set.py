"""The simulated validation set: known kinase fusions at fractions x depths x replicates, and negatives.

Truth of the set (written to truth.tsv in the scoring format, validate/score.py):

- eight whitelisted kinase fusions with their known partners, in two groups
  that share no gene so one sample can hold a group: EML4::ALK, ETV6::NTRK3,
  LMNA::NTRK1 and the 5' kinase FGFR3::TACC3; HMBOX1::ALK, KHDRBS1::NTRK1,
  YWHAE::ROS1 and CCDC6::RET (exons as in the demo);
- each fusion at `fractions` of its 5' partner's transcripts, with the 5'
  partner expressed so that about `depth` fragments cross its breakpoint
  (fusion and wild type together; the simulated counts are in the dataset's
  own truth);
- `replicates` independent libraries (own random seeds) per cell;
- `negatives` fusion-free samples carrying the simulator's artefact classes
  (template switches, paralogs, circular RNA, intronic and poly-A switches,
  hairpins, a PCR jackpot, a read-through, pre-mRNA).

Every sample's tumour type is NSCLC; `expected_actionable` is `yes` for
every fusion (all keep their kinase domain in frame) and `expected_tier`
comes from EXPECTED_TIER_NSCLC below, stated from the approvals, not from the
pipeline's code.

On a lab's reference (`validation.set.genome: reference`) the fusions are
`validation.set.fusions` (default: the eight above), simulated from the
reference's transcripts (simulation/reference.py); its negatives carry the
artefact classes that can be drawn from the set's own genes
(simulation/design.py reference_artefacts): template switches, intronic
switches, hairpins, a PCR jackpot and pre-mRNA reads among them, and circular
RNA of the gene with most exons. Paralog switches, poly-A switches and
read-through are left out there: they need gene relationships (paralogous
pairs, poly-A tracts in 3' UTRs, same-strand neighbours) that the synthetic
genome builds in and a lab's FASTA and GTF do not state. A listed fusion
that joins the two CDSs out of frame on the chosen transcripts
(simulation/reference.py junction_frame) gets `expected_actionable: no`
unless the config gives one, with a warning.
"""

import argparse
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from fusion_pipeline.common.errors import InputError
from fusion_pipeline.simulation.design import GAUNTLET_ARTEFACTS, FusionSpec, SampleSpec, reference_artefacts

GROUPS = (
    (("EML4", 13, "ALK", 20), ("ETV6", 5, "NTRK3", 15), ("LMNA", 2, "NTRK1", 11), ("FGFR3", 17, "TACC3", 11)),
    (
        ("HMBOX1", 6, "ALK", 20),
        ("KHDRBS1", 8, "NTRK1", 12),
        ("YWHAE", 5, "ROS1", 34),
        ("CCDC6", 1, "RET", 12),
    ),
)
TUMOUR_TYPE = "NSCLC"

# Expected AMP/ASCO/CAP tier of a fusion of each kinase in NSCLC (Li et al., J Mol Diagn
# 2017;19:4-23, tables 1-2): tier I = level A, an FDA-approved therapy for this tumour type
# (a tumour-agnostic approval covers NSCLC); tier II = level C, FDA-approved for another tumour
# type only. Approvals as listed in ../shared/facts/actionability-facts.md section 2a (MOAlmanac
# 2026-05 snapshot of the FDA labels):
EXPECTED_TIER_NSCLC = {
    "ALK": "I",  # crizotinib, alectinib, brigatinib, ceritinib, lorlatinib, ensartinib: ALK-positive NSCLC
    "ROS1": "I",  # crizotinib (2016), entrectinib, repotrectinib, taletrectinib: ROS1-positive NSCLC
    "RET": "I",  # selpercatinib (NSCLC 2020, tumour-agnostic 2022), pralsetinib: RET fusion NSCLC
    "NTRK1": "I",  # larotrectinib, entrectinib, repotrectinib: NTRK fusion solid tumours (tumour-agnostic)
    "NTRK2": "I",
    "NTRK3": "I",
    "FGFR3": "II",  # erdafitinib: urothelial carcinoma only (2024-01-19); no NSCLC approval
}


def expected_tier(gene5: str, gene3: str) -> str:
    """The expected tier in NSCLC of a fusion of a kinase of EXPECTED_TIER_NSCLC ('' when neither is).

    The kinase is the 3' partner except FGFR3, which keeps its kinase as the 5' partner.
    """
    if gene5 == "FGFR3":
        return EXPECTED_TIER_NSCLC["FGFR3"]
    return EXPECTED_TIER_NSCLC.get(gene3, "") if gene3 != "FGFR3" else ""


# fragments across a 5' breakpoint per unit of the simulator's coverage (demo truth: KHDRBS1 at 150 -> 83,
# HMBOX1 at 500 -> 295)
FRAGMENTS_PER_COVERAGE = 0.57


@dataclass(frozen=True)
class SetProfile:
    fractions: tuple
    depths: tuple
    replicates: int
    negatives: int
    groups: tuple = (0, 1)


PROFILES = {
    "full": SetProfile(
        fractions=(0.01, 0.02, 0.05, 0.10, 0.25, 0.50), depths=(20, 100, 500), replicates=3, negatives=6
    ),
    # the test suite's: one group, three fractions at one depth, two replicates, one negative
    "quick": SetProfile(fractions=(0.02, 0.10, 0.50), depths=(100,), replicates=2, negatives=1, groups=(0,)),
}


def profile_from_config(config: dict) -> SetProfile:
    base = PROFILES[config.get("profile", "full")]
    overrides = {k: (tuple(v) if isinstance(v, list) else v) for k, v in config.items()
                 if k in SetProfile.__dataclass_fields__}  # fmt: skip
    return SetProfile(**{**base.__dict__, **overrides})


def sample_name(group: int, depth: int, fraction: float, replicate: int) -> str:
    return f"V{group + 1}_d{depth}_f{round(fraction * 1000):03d}_r{replicate}"


def fusion_groups(fusions: list) -> tuple:
    """Fusions (gene5, exon5, gene3, exon3) into groups that share no gene, first fit, in the order given."""
    groups: list = []
    for fusion in fusions:
        genes = {fusion[0], fusion[2]}
        for group in groups:
            if not genes & {g for f in group for g in (f[0], f[2])}:
                group.append(fusion)
                break
        else:
            groups.append([fusion])
    return tuple(tuple(group) for group in groups)


def validation_design(profile: SetProfile, groups: tuple = GROUPS, artefacts: dict | None = None,
                      expectations: dict | None = None) -> tuple:  # fmt: skip
    """(sample specs, truth rows in the scoring format).

    `artefacts` of the negatives (default: every class of the gauntlet); `expectations` maps a fusion
    name to its own expected_tier / expected_actionable (default: expected_tier() and `yes`).
    """
    artefacts = GAUNTLET_ARTEFACTS if artefacts is None else artefacts
    expectations = expectations or {}
    specs, truth = [], []
    for group in (g for g in profile.groups if g < len(groups)):
        for depth in profile.depths:
            for fraction in profile.fractions:
                for replicate in range(1, profile.replicates + 1):
                    name = sample_name(group, depth, fraction, replicate)
                    fusions = [FusionSpec(g5, e5, g3, e3, fraction) for g5, e5, g3, e3 in groups[group]]
                    coverage = {f.gene5: depth / FRAGMENTS_PER_COVERAGE for f in fusions}
                    specs.append(SampleSpec(name, name, 1, fusions, coverage, tumour_type=TUMOUR_TYPE))
                    truth += [
                        {"sample": name, "fusion": f.name, "expected_fraction": fraction, "depth": depth,
                         "replicate": replicate, "expected_actionable": "yes",
                         "expected_tier": expected_tier(f.gene5, f.gene3), **expectations.get(f.name, {})}
                        for f in fusions
                    ]  # fmt: skip
    for n in range(1, profile.negatives + 1):
        name = f"VN{n}"
        specs.append(SampleSpec(name, name, 1, [], tumour_type=TUMOUR_TYPE, artefacts=artefacts))
        truth.append({"sample": name, "fusion": "none"})
    return specs, truth


def with_breakpoints(truth: list, simulated: list) -> list:
    """Truth rows with the exact breakpoints of the simulator's truth (same sample and fusion)."""
    exact = {(r["sample"], r["fusion"]): (r["breakpoint5"], r["breakpoint3"]) for r in simulated}
    out = []
    for row in truth:
        breakpoints = exact.get((row["sample"], row["fusion"]))
        out.append({**row, **dict(zip(("breakpoint5", "breakpoint3"), breakpoints))} if breakpoints else row)
    return out


def fusions_from_config(entries: list | None, source: str = "validation.set.fusions") -> tuple:
    """((gene5, exon5, gene3, exon3), ...) and {fusion name: expectations} of the config's list.

    An entry is {gene5, exon5, gene3, exon3} with optional expected_tier / expected_actionable;
    no list: the design's eight.
    """
    if not entries:
        return tuple(f for group in GROUPS for f in group), {}
    fusions, expectations = [], {}
    for n, entry in enumerate(entries, 1):
        try:
            fusion = (str(entry["gene5"]), int(entry["exon5"]), str(entry["gene3"]), int(entry["exon3"]))
        except (KeyError, TypeError, ValueError):
            raise InputError(
                f"{source} entry {n}: needs gene5, exon5, gene3 and exon3 (exons as numbers)"
            ) from None
        fusions.append(fusion)
        # YAML reads an unquoted yes/no as a boolean
        given = {
            k: {True: "yes", False: "no"}.get(entry[k], str(entry[k]))
            for k in ("expected_tier", "expected_actionable")
            if entry.get(k) is not None
        }
        if given:
            expectations[f"{fusion[0]}::{fusion[2]}"] = given
    return tuple(fusions), expectations


TRUTH_COLUMNS = ["sample", "fusion", "breakpoint5", "breakpoint3", "expected_fraction", "depth", "replicate",
                 "expected_actionable", "expected_tier"]  # fmt: skip


def write_validation_set(outdir: str, profile: SetProfile, seed: int = 1, reference: dict | None = None,
                         fusions: list | None = None, kinases_path: str = "config/kinases.yaml") -> dict:  # fmt: skip
    """The set's reads, sample sheet and validation_truth.tsv (and, on the demo genome, its genome and GTF).

    `reference` ({fasta, gtf}): simulate from that reference's transcripts (simulation/reference.py)
    instead of the synthetic genome, with `fusions` (config entries, default the design's eight);
    nothing of the reference is copied.
    """
    import csv
    from pathlib import Path

    from fusion_pipeline.simulation.simulate import write_dataset, write_samples

    warnings: list = []
    if reference is None:
        specs, truth = validation_design(profile)
        written = write_dataset(outdir, specs, seed=seed, extended=True)
        chosen = {}
    else:
        import pysam
        import yaml

        from fusion_pipeline.common.annotation import load_gtf
        from fusion_pipeline.simulation.reference import clinical_transcripts, reference_genes

        chosen_fusions, expectations = fusions_from_config(fusions)
        for key in ("fasta", "gtf"):
            if not Path(reference.get(key) or "").is_file():
                raise InputError(f"{reference.get(key)}: reference.{key} of the validation set not found")
        kinases = yaml.safe_load(Path(kinases_path).read_text()) or {}
        Path(outdir).mkdir(parents=True, exist_ok=True)
        fai = str(Path(outdir) / "reference.fa.fai")  # the set's own index: the lab's folder is left alone
        pysam.faidx(reference["fasta"], "--fai-idx", fai)
        with pysam.FastaFile(reference["fasta"], filepath_index=fai) as fasta:
            genes, chosen = reference_genes(load_gtf(reference["gtf"]), fasta, chosen_fusions,
                                            clinical_transcripts(kinases), reference["gtf"],
                                            set(kinases.get("genes") or {}))  # fmt: skip
        warnings = frame_warnings(genes, chosen_fusions, chosen, expectations)
        groups = fusion_groups(chosen_fusions) if fusions else GROUPS  # unlisted: the design's own two groups
        # every listed fusion is simulated: the profile's group choice is for the design's own two
        if fusions:
            profile = replace(profile, groups=tuple(range(len(groups))))
        specs, truth = validation_design(profile, groups, reference_artefacts(genes), expectations)
        written = write_samples(Path(outdir), specs, genes, seed=seed)
    path = Path(outdir) / "validation_truth.tsv"
    with open(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, TRUTH_COLUMNS, delimiter="\t", lineterminator="\n", restval="")
        writer.writeheader()
        writer.writerows(with_breakpoints(truth, written["truth"]))
    return {"samples": len(specs), "truth": str(path), "fusions": sum(r["fusion"] != "none" for r in truth),
            "transcripts": chosen, "warnings": warnings}  # fmt: skip


def frame_warnings(genes: dict, fusions: list, chosen: dict, expectations: dict) -> list:
    """One line per fusion of `fusions` that is out of frame on the chosen transcripts; its
    `expected_actionable` in `expectations` (changed in place) becomes `no` unless the config gave one."""
    from fusion_pipeline.simulation.reference import junction_frame

    lines = []
    for gene5, exon5, gene3, exon3 in fusions:
        if junction_frame(genes[gene5], exon5, genes[gene3], exon3) != "out of frame":
            continue
        name = f"{gene5}::{gene3}"
        given = expectations.setdefault(name, {})
        if "expected_actionable" in given:
            outcome = f"expected_actionable stays {given['expected_actionable']} (given in the config)"
        else:
            given["expected_actionable"] = "no"
            outcome = "expected_actionable becomes no (give expected_actionable to override)"
        lines.append(f"{name} ({gene5} e{exon5}::{gene3} e{exon3}) is out of frame on {chosen[gene5][0]} and "
                     f"{chosen[gene3][0]}: {outcome}")  # fmt: skip
    return lines


def cli(argv=None) -> None:
    parser = argparse.ArgumentParser(
        description="Write the simulated validation set a validation config asks for (`make validate`)."
    )
    parser.add_argument("--configfile", required=True)
    args = parser.parse_args(argv)
    config = yaml.safe_load(Path(args.configfile).read_text()) or {}
    settings = (config.get("validation") or {}).get("set")
    if not settings:
        sys.exit(f"ERROR: {args.configfile}: no validation.set section (profile, data folder)")
    profile = profile_from_config(settings)
    data = settings.get("data", "validation/data")
    start = time.perf_counter()
    reference = None
    if settings.get("genome", "demo") == "reference":
        reference = config.get("reference") or {}
        if not reference.get("fasta") or not reference.get("gtf"):
            sys.exit(
                f"ERROR: {args.configfile}: validation.set.genome is reference but reference.fasta/gtf are not set"
            )
    kinases = (config.get("knowledge_base") or {}).get("kinases", "config/kinases.yaml")
    try:
        written = write_validation_set(data, profile, seed=settings.get("seed", 1), reference=reference,
                                       fusions=settings.get("fusions"), kinases_path=kinases)  # fmt: skip
    except InputError as err:
        sys.exit(f"ERROR: {err}")
    for gene, (transcript, rule) in written["transcripts"].items():
        print(f"  {gene}: exons numbered on {transcript} ({rule})")
    for line in written["warnings"]:
        print(f"WARNING: {line}", file=sys.stderr)
    where = f"on {reference['fasta']}" if reference else "on the demo genome"
    print(
        f"validation set ({settings.get('profile', 'full')}, {where}): {written['samples']} samples, "
        f"{written['fusions']} true fusions, truth in {written['truth']} ({time.perf_counter() - start:.0f} s)"
    )
