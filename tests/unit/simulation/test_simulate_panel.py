"""The targeted (anchored multiplex PCR) profile of the simulator: scripts/fusion_pipeline/simulation/panel.py."""

import csv
import gzip

import pytest

from fusion_pipeline.common.sequtil import revcomp
from fusion_pipeline.simulation.panel import READ_LENGTH, UMI_ERROR, write_panel
from fusion_pipeline.simulation.simulate import main

OUTPUTS = ["genome.fa", "genes.gtf", "panel.bed", "reads/T1_R1.fastq.gz", "reads/T1_R2.fastq.gz",
           "samples.tsv", "truth.tsv", "molecules.tsv"]  # fmt: skip


@pytest.fixture(scope="module")
def panel(tmp_path_factory):
    out = tmp_path_factory.mktemp("panel")
    write_panel(out, seed=1)
    return out


def _tsv(path):
    with open(path) as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def _fastq(path):
    with gzip.open(path, "rt") as fh:
        lines = fh.read().splitlines()
    return [(lines[i][1:], lines[i + 1]) for i in range(0, len(lines), 4)]


def _genome(path):
    contigs, name = {}, None
    for line in path.read_text().splitlines():
        if line.startswith(">"):
            name = line[1:]
            contigs[name] = []
        else:
            contigs[name].append(line)
    return {k: "".join(v) for k, v in contigs.items()}


def _mismatches(a, b):
    return sum(x != y for x, y in zip(a, b))


def test_cli_is_deterministic_for_a_seed(panel, tmp_path):
    main(["--outdir", str(tmp_path / "again"), "--profile", "targeted", "--seed", "1"])
    for name in OUTPUTS:
        if name == "samples.tsv":  # paths carry the outdir
            continue
        assert (panel / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name
    other = write_panel(tmp_path / "seed2", seed=2)
    assert (tmp_path / "seed2/reads/T1_R1.fastq.gz").read_bytes() != (
        panel / "reads/T1_R1.fastq.gz"
    ).read_bytes()
    assert other["truth"][0]["class"] == "fusion"


def test_samples_sheet(panel):
    (row,) = _tsv(panel / "samples.tsv")
    assert (row["sample"], row["patient"], row["timepoint"], row["tumour_type"]) == (
        "T1",
        "P9",
        "1",
        "SARCNOS",
    )
    assert row["fq1"].endswith("reads/T1_R1.fastq.gz") and row["fq2"].endswith("reads/T1_R2.fastq.gz")


def test_umi_after_last_colon_equal_in_both_mates(panel):
    r1, r2 = _fastq(panel / "reads/T1_R1.fastq.gz"), _fastq(panel / "reads/T1_R2.fastq.gz")
    assert len(r1) == len(r2) > 1000
    for (n1, s1), (n2, s2) in zip(r1, r2):
        assert n1 == n2 and " " not in n1 and not n1.endswith(("/1", "/2"))
        umi = n1.rsplit(":", 1)[1]
        assert len(umi) == 8 and set(umi) <= set("ACGT")
        assert len(s1) == len(s2) == READ_LENGTH


def test_r1_starts_with_the_primer_of_its_target(panel):
    genome = _genome(panel / "genome.fa")
    primers = {}
    for chrom, start, end, name, _, strand in (
        r.split("\t") for r in (panel / "panel.bed").read_text().splitlines()
    ):
        region = genome[chrom][int(start) : int(end)]
        # the primer is the reverse complement of the mRNA: the - strand of a + gene, the + strand of a - gene
        primers[name.split("_exon")[0]] = revcomp(region) if strand == "+" else region
    assert all(len(p) == 22 for p in primers.values())
    target = {m["molecule"]: m["target"] for m in _tsv(panel / "molecules.tsv")}
    reads = _fastq(panel / "reads/T1_R1.fastq.gz")
    worse = 0
    for name, seq in reads:
        primer = primers[target[name.rsplit(".", 1)[0]]]
        assert _mismatches(seq[:22], primer) <= 3, name
        worse += seq[:22] != primer
    assert worse < 0.1 * len(reads)  # sequencing errors at 0.2 % per base: ~4 % of primers carry one


def test_family_sizes_and_umi_errors(panel):
    molecules = {m["molecule"]: m for m in _tsv(panel / "molecules.tsv")}
    sizes = [int(m["family_size"]) for m in molecules.values()]
    assert min(sizes) >= 1 and 12 <= sum(sizes) / len(sizes) <= 30
    reads = _fastq(panel / "reads/T1_R1.fastq.gz")
    assert len(reads) == sum(sizes)
    copies = {}
    wrong = 0
    for name, _ in reads:
        head, umi = name.rsplit(":", 1)
        molecule = head.rsplit(".", 1)[0]
        copies[molecule] = copies.get(molecule, 0) + 1
        true_umi = molecules[molecule]["umi"]
        assert _mismatches(umi, true_umi) <= 1
        wrong += umi != true_umi
    assert copies == {k: int(m["family_size"]) for k, m in molecules.items()}
    assert abs(wrong / len(reads) - UMI_ERROR) < 0.012


def test_truth_agrees_with_molecules(panel):
    truth = _tsv(panel / "truth.tsv")
    molecules = _tsv(panel / "molecules.tsv")
    fusions = [t for t in truth if t["class"] == "fusion"]
    assert [(t["gene5"], t["exon5"], t["gene3"], t["exon3"]) for t in fusions] == [
        ("LMNA", "2", "NTRK1", "11")
    ]
    assert len([t for t in truth if t["class"] == "pcr_chimera"]) == 3
    for t in truth:
        n, wt = int(t["molecules"]), int(t["wt_molecules_kinase"])
        assert float(t["abundance"]) == pytest.approx(n / (n + wt), abs=1e-4)
        assert t["breakpoint5"].count(":") == 2 and t["breakpoint3"].endswith((":+", ":-"))
    (fusion,) = fusions
    crossing = [m for m in molecules if m["kind"] == "fusion" and m["crosses_junction"] == "True"]
    assert int(fusion["molecules"]) == len(crossing) > 0
    assert int(fusion["reads"]) == sum(int(m["family_size"]) for m in crossing)
    wt = [
        m
        for m in molecules
        if m["kind"] == "wild_type" and m["target"] == "NTRK1" and m["crosses_junction"] == "True"
    ]
    assert int(fusion["wt_molecules_kinase"]) == len(wt) > 0
    assert int(fusion["wt_reads_kinase"]) == sum(int(m["family_size"]) for m in wt)
    kinds = {m["kind"] for m in molecules}
    assert kinds == {"fusion", "wild_type", "pcr_chimera"}
    assert {m["target"] for m in molecules if m["kind"] == "fusion"} == {"NTRK1"}


def test_panel_bed_inside_target_exons(panel):
    exons = {}
    for line in (panel / "genes.gtf").read_text().splitlines():
        f = line.split("\t")
        if f[2] == "exon" and 'tag "Ensembl_canonical"' in f[8]:
            gene = f[8].split('gene_name "')[1].split('"')[0]
            number = int(f[8].split('exon_number "')[1].split('"')[0])
            exons[(gene, number)] = (f[0], int(f[3]), int(f[4]), f[6])
    rows = [r.split("\t") for r in (panel / "panel.bed").read_text().splitlines()]
    assert [r[3] for r in rows] == ["NTRK1_exon11", "NTRK3_exon15", "ALK_exon20", "ROS1_exon34"]
    for chrom, start, end, name, score, strand in rows:
        gene, number = name.split("_exon")
        e_chrom, e_start, e_end, e_strand = exons[(gene, int(number))]
        assert (chrom, strand, score) == (e_chrom, e_strand, "0")
        assert int(end) - int(start) == 22
        assert e_start - 1 <= int(start) and int(end) <= e_end
