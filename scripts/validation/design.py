"""The simulated validation set: known kinase fusions at fractions x depths x replicates, and negatives.

Truth of the set (written to truth.tsv in the scoring format, validation/score.py):

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
every fusion (all keep their kinase domain in frame).
"""

from dataclasses import dataclass

from simulation.design import GAUNTLET_ARTEFACTS, FusionSpec, SampleSpec

GROUPS = (
    (("EML4", 13, "ALK", 20), ("ETV6", 5, "NTRK3", 15), ("LMNA", 2, "NTRK1", 11), ("FGFR3", 17, "TACC3", 11)),
    (
        ("HMBOX1", 6, "ALK", 20),
        ("KHDRBS1", 8, "NTRK1", 12),
        ("YWHAE", 5, "ROS1", 34),
        ("CCDC6", 1, "RET", 12),
    ),
)
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


def validation_design(profile: SetProfile) -> tuple:
    """(sample specs, truth rows in the scoring format)."""
    specs, truth = [], []
    for group in profile.groups:
        for depth in profile.depths:
            for fraction in profile.fractions:
                for replicate in range(1, profile.replicates + 1):
                    name = sample_name(group, depth, fraction, replicate)
                    fusions = [FusionSpec(g5, e5, g3, e3, fraction) for g5, e5, g3, e3 in GROUPS[group]]
                    coverage = {f.gene5: depth / FRAGMENTS_PER_COVERAGE for f in fusions}
                    specs.append(SampleSpec(name, name, 1, fusions, coverage, tumour_type="NSCLC"))
                    truth += [
                        {"sample": name, "fusion": f.name, "expected_fraction": fraction, "depth": depth,
                         "replicate": replicate, "expected_actionable": "yes"}
                        for f in fusions
                    ]  # fmt: skip
    for n in range(1, profile.negatives + 1):
        name = f"VN{n}"
        specs.append(SampleSpec(name, name, 1, [], tumour_type="NSCLC", artefacts=GAUNTLET_ARTEFACTS))
        truth.append({"sample": name, "fusion": "none"})
    return specs, truth


def write_validation_set(outdir: str, profile: SetProfile, seed: int = 1) -> dict:
    """The set's genome, GTF, reads and sample sheet (simulation/simulate.py) and its truth.tsv for scoring."""
    import csv
    from pathlib import Path

    from simulation.simulate import write_dataset

    specs, truth = validation_design(profile)
    write_dataset(outdir, specs, seed=seed, extended=True)
    path = Path(outdir) / "validation_truth.tsv"
    columns = ["sample", "fusion", "expected_fraction", "depth", "replicate", "expected_actionable"]
    with open(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, columns, delimiter="\t", lineterminator="\n", restval="")
        writer.writeheader()
        writer.writerows(truth)
    return {"samples": len(specs), "truth": str(path), "fusions": sum(r["fusion"] != "none" for r in truth)}
