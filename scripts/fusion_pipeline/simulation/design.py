"""What each simulated sample holds: its fusions, expression, mutations and artefacts.

A profile is a list of samples on a genome (base or extended) read with one
library. Every profile states its truth: truth.tsv lists the true fusions
(what a caller should report), artefacts.tsv every chimeric molecule that is
not a fusion (what it must not report).

- demo: the case-report fusions on the base genome, clean reads.
- gauntlet: true kinase fusions at 3-10 supporting fragments among every
  artefact class of artefacts.py, on the extended genome, with PCR families.
- ffpe: degraded RNA as FFPE blocks give it: inserts of about 110 bases read
  2 x 150 (adapter read-through, poly-G on half of those reads), quality
  falling towards the read ends, PCR families (geometric, mean 3) with
  jackpots, template-switch chimeras at microhomologies; true fusions at 3-10
  molecules and known fractions, and a fusion-free sample whose jackpot
  molecule is a template switch copied 120 times.

On a lab's reference (the validation set's `genome: reference`, simulation/
reference.py) there are no artefact genes: `reference_artefacts` draws the
generic classes from the set's own genes (template switches at the
gauntlet's rate per molecule, intronic switches, hairpins, the PCR jackpot
and pre-mRNA reads among them, circular RNA of the one with most exons, none
from an unannotated upstream exon). The
classes that need specific gene relationships are left out there: paralog
switches (paralogous pairs), poly-A switches (3' UTRs with poly-A tracts)
and read-through (same-strand neighbours); a GTF and FASTA alone do not say
which of a lab's genes qualify.
"""

from dataclasses import dataclass, field

from fusion_pipeline.simulation.library import CLEAN, FFPE, Library


@dataclass(frozen=True)
class FusionSpec:
    gene5: str
    exon5: int  # last exon of the 5' partner kept
    gene3: str
    exon3: int  # first exon of the 3' partner kept
    fraction: float = 0.3  # share of the 5' partner's transcripts that are fused
    coverage: float | None = None  # absolute fusion coverage; overrides fraction
    mutations: dict = field(default_factory=dict)  # 3' protein position -> (aa, share)

    @property
    def name(self) -> str:
        return f"{self.gene5}::{self.gene3}"


@dataclass
class SampleSpec:
    sample: str
    patient: str
    timepoint: int
    fusions: list = field(default_factory=list)
    coverage: dict = field(default_factory=dict)  # gene -> wild-type coverage
    mutations: dict = field(
        default_factory=dict
    )  # gene -> {protein position: (aa, share of its transcripts)}
    tumour_type: str = ""  # OncoTree code written to the sample sheet
    coverage_scale: float = 1.0  # on the genes' default coverages: a low-depth library
    artefacts: dict = field(default_factory=dict)  # artefact class -> parameters (simulate.write_artefacts)


# Tumour types follow the case reports: an unclassified sarcoma (S1), a spindle-cell neoplasm
# (S2), lung adenocarcinoma (S3), IMT (S4/S5), a urothelial carcinoma with the 5' kinase
# FGFR3::TACC3 (S7). S1's fusion carries reference residues at NTRK1 G595/G667 at depth.
DEMO_DESIGN = [
    SampleSpec(
        "S1", "P1", 1, [FusionSpec("KHDRBS1", 8, "NTRK1", 12, 0.4), FusionSpec("EWSR1", 7, "FLI1", 6, 0.3)],
        {"KHDRBS1": 150.0}, tumour_type="SARCNOS",
    ),
    SampleSpec(
        "S2", "P2", 1,
        [FusionSpec("LMNA", 2, "NTRK1", 11, 0.35), FusionSpec("ETV6", 5, "NTRK3", 15, 0.4),
         FusionSpec("CTBS", 6, "GNG5", 2, 0.3)],
        tumour_type="SARCNOS",
    ),
    SampleSpec(
        "S3", "P3", 1,
        [FusionSpec("EML4", 13, "ALK", 20, 0.4), FusionSpec("ALK", 19, "EML4", 14, coverage=20.0),
         FusionSpec("YWHAE", 5, "ROS1", 34, 0.4), FusionSpec("CCDC6", 1, "RET", 12, coverage=14.0)],
        tumour_type="LUAD",
    ),
    SampleSpec("S4", "P4", 1, [FusionSpec("HMBOX1", 6, "ALK", 20, 0.20)], {"HMBOX1": 500.0}, tumour_type="IMT"),
    SampleSpec(
        "S5", "P4", 2,
        [FusionSpec("HMBOX1", 6, "ALK", 20, 0.31, mutations={1202: ("R", 0.5)})],
        {"HMBOX1": 500.0},
        {"NF2": {161: ("*", 0.5)}},  # progression: ALK G1202R in half the fusion, NF2 G161* bypass
        tumour_type="IMT",
    ),
    SampleSpec("S6", "P6", 1, [], tumour_type="NSCLC"),
    SampleSpec("S7", "P7", 1, [FusionSpec("FGFR3", 17, "TACC3", 11, 0.5)], {"FGFR3": 50.0}, tumour_type="BLCA"),
    # a failed library: 4% of the usual depth, no fusion; it must come out "not evaluable", never negative
    SampleSpec("S8", "P8", 1, [], tumour_type="NSCLC", coverage_scale=0.04),
]  # fmt: skip


# Artefacts of one gauntlet sample: counts are molecules (fragments) before PCR copies.
GAUNTLET_ARTEFACTS = {
    "template_switch": {"singles": 400, "hotspots": 5},
    "paralog": {"singles": 60, "hotspots": 3},
    "circular": [
        (2, 2, 30),
        (3, 5, 12),
        (0, 2, 8),
    ],  # HIPK3: (first exon, last exon, molecules); 0 = upstream
    "intronic": {"hotspots": 2},
    "low_complexity": {"hotspots": 2},
    "hairpin": {"hotspots": 3},
    "jackpot": {"copies": 150},
    "read_through": {"coverage": 12.0},
    "pre_mrna": {"share": 0.05},  # intronic reads of highly expressed genes, as a share of their coverage
}

# The classes a set on a lab's reference carries (reference_artefacts): GAUNTLET_ARTEFACTS without the
# paralog, poly-A (low_complexity) and read-through classes and without the upstream-exon circle.
REFERENCE_ARTEFACTS = {
    "template_switch": GAUNTLET_ARTEFACTS["template_switch"],
    "circular": [(2, 2, 30), (3, 5, 12)],  # (first exon, last exon, molecules) of the host
    "intronic": GAUNTLET_ARTEFACTS["intronic"],
    "hairpin": GAUNTLET_ARTEFACTS["hairpin"],
    "jackpot": GAUNTLET_ARTEFACTS["jackpot"],
    "pre_mrna": GAUNTLET_ARTEFACTS["pre_mrna"],
}
MIN_HOST_MRNA = 400  # bases: a hairpin folds back 300 bases or more into the mRNA
# Template switching is a per-molecule event of reverse transcription: the gauntlet's 400 single switches and
# 5 hotspots fall on the 9,064 wild-type molecules of its six highly expressed genes (coverage x (mRNA - 260)
# / 260 each, simulation/library.py draw_fragments), 4.4 % of them. A reference set keeps that rate on its
# own genes' molecules (at least one hotspot).
GAUNTLET_HOST_MOLECULES = 9064


def reference_artefacts(genes: dict, classes: dict | None = None) -> dict:
    """The artefact spec of a negative on a lab's reference: `classes` (default REFERENCE_ARTEFACTS) with
    `hosts` drawn from `genes` (the set's simulator genes, simulation/reference.py).

    Template switches (singles and hotspots) are scaled to the wild-type molecules of the genes they are
    drawn from, at the gauntlet's rate (GAUNTLET_HOST_MOLECULES); the other classes keep their counts.
    `expressed`: the genes with an mRNA of MIN_HOST_MRNA bases or more, in the order given; `circular`: of
    those, the one with most exons (the first on ties), when it has as many as the circles need (circles
    from an unannotated upstream exon, first exon 0, are dropped). A class without enough genes (switches
    need two) is left out.
    """
    classes = dict(REFERENCE_ARTEFACTS if classes is None else classes)
    expressed = tuple(name for name, gene in genes.items() if len(gene.mrna) >= MIN_HOST_MRNA)
    hosts: dict = {"expressed": expressed}
    if "template_switch" in classes:
        mean = CLEAN.fragment_mean
        molecules = sum(genes[n].spec.coverage * (len(genes[n].mrna) - mean) / mean for n in expressed)
        switches, scale = classes["template_switch"], molecules / GAUNTLET_HOST_MOLECULES
        classes["template_switch"] = {**switches, "singles": round(switches["singles"] * scale),
                                      "hotspots": max(1, round(switches["hotspots"] * scale))}  # fmt: skip
    if len(expressed) < 2:
        for klass in ("template_switch", "intronic", "jackpot"):
            classes.pop(klass, None)
    if not expressed:
        classes.pop("hairpin", None)
        classes.pop("pre_mrna", None)
    circles = [c for c in classes.pop("circular", ()) if c[0] >= 1]  # no upstream exon on a reference
    host = max(expressed, key=lambda name: len(genes[name].exons), default=None)
    if circles and host is not None and len(genes[host].exons) >= max(last for _, last, _ in circles):
        classes["circular"], hosts["circular"] = circles, host
    return {**classes, "hosts": hosts}


# True fusions at 3-10 supporting fragments (absolute coverage ~ 4-12) among the artefacts;
# TPM3::NTRK1 has a highly expressed partner with its own template-switch background.
GAUNTLET_DESIGN = [
    SampleSpec(
        "G1", "GP1", 1,
        [FusionSpec("LMNA", 2, "NTRK1", 11, coverage=6.0), FusionSpec("ETV6", 5, "NTRK3", 15, coverage=8.0),
         FusionSpec("TPM3", 8, "NTRK1", 10, coverage=10.0)],
        tumour_type="SARCNOS", artefacts=GAUNTLET_ARTEFACTS,
    ),
    SampleSpec(
        "G2", "GP2", 1,
        [FusionSpec("EML4", 13, "ALK", 20, coverage=7.0), FusionSpec("CCDC6", 1, "RET", 12, coverage=6.0),
         FusionSpec("FGFR3", 17, "TACC3", 11, coverage=9.0)],
        tumour_type="NSCLC", artefacts=GAUNTLET_ARTEFACTS,
    ),
    SampleSpec("G3", "GP3", 1, [], tumour_type="NSCLC", artefacts=GAUNTLET_ARTEFACTS),
]  # fmt: skip
GAUNTLET_LIBRARY = Library(pcr_family_mean=1.5, name="gauntlet")


# FFPE: fusions given as fractions of the 5' partner, so abundance has a truth; coverage is per-molecule.
FFPE_ARTEFACTS = {
    "template_switch": {"singles": 300, "hotspots": 3},
    "circular": [(2, 2, 12)],
    "read_through": {"coverage": 6.0},
    "jackpot": {"copies": 120},
}
FFPE_DESIGN = [
    SampleSpec(
        "F1", "FP1", 1,
        [FusionSpec("YWHAE", 5, "ROS1", 34, 0.25), FusionSpec("EML4", 13, "ALK", 20, 0.15)],
        {"YWHAE": 40.0, "EML4": 50.0}, tumour_type="NSCLC", artefacts=FFPE_ARTEFACTS,
    ),
    SampleSpec(
        "F2", "FP2", 1,
        [FusionSpec("ETV6", 5, "NTRK3", 15, 0.25), FusionSpec("KHDRBS1", 8, "NTRK1", 12, 0.12)],
        {"ETV6": 40.0, "KHDRBS1": 50.0}, tumour_type="SARCNOS", artefacts=FFPE_ARTEFACTS,
    ),
    SampleSpec("F3", "FP3", 1, [], tumour_type="NSCLC", artefacts=FFPE_ARTEFACTS),
]  # fmt: skip


@dataclass(frozen=True)
class Profile:
    design: list
    extended: bool = False
    library: Library = CLEAN
    coverage_scale: float = 1.0  # on the genes' default coverages (short inserts mean many more molecules)
    # (sample, "bam" | "cram" | "single"): the sample again, in that form, as its own sheet row
    other_forms: tuple = ()


PROFILES = {
    "demo": Profile(DEMO_DESIGN, other_forms=(("S2", "bam"), ("S3", "cram"), ("S2", "single"))),
    "gauntlet": Profile(GAUNTLET_DESIGN, extended=True, library=GAUNTLET_LIBRARY),
    "ffpe": Profile(FFPE_DESIGN, extended=True, library=FFPE, coverage_scale=0.35),
}
