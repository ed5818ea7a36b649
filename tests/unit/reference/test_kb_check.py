"""Clinical transcripts proven by translation (issue 10): kb_check on generated and real sequence."""

import subprocess

import pysam
import pytest
from helpers import ROOT, SHARED_DATA

from fusion_pipeline.common.annotation import load_gtf
from fusion_pipeline.common.knowledge_base import load_hotspots, load_kinases
from fusion_pipeline.reference.kb_check import (
    ProteinFacts,
    check_knowledge_base,
    check_protein,
    choose_transcript,
    kb_check_table,
)

KINASES = load_kinases(str(ROOT / "config/kinases.yaml"))
HOTSPOTS = load_hotspots(str(ROOT / "config/resistance_hotspots.yaml"), KINASES["genes"])
EASYFUSE = SHARED_DATA / "easyfuse-grch38-minigenome"
needs_easyfuse = pytest.mark.skipif(not EASYFUSE.is_dir(), reason=f"public test data not found at {EASYFUSE}")


def test_check_protein_names_each_failed_check():
    facts = ProteinFacts("NTRK1", "", "P04629", 5, "T", residues={2: "G", 4: "W"})
    assert check_protein("MGAWK", facts) == []
    assert check_protein("MGAW", facts) == ["encodes 4 aa, whitelist expects 5 (P04629)"]
    assert check_protein("MAA*K", facts) == ["internal stop codon at residue 4", "residue 2 is A, not G",
                                              "residue 4 is *, not W"]  # fmt: skip


def test_demo_reference_verifies_the_whitelist_transcripts(demo_reference):
    folder, _ = demo_reference
    with pysam.FastaFile(str(folder / "genome.fa")) as fasta:
        choices = {c.gene: c for c in check_knowledge_base(load_gtf(str(folder / "genes.gtf")), fasta, KINASES,
                                                           HOTSPOTS)}  # fmt: skip
    ntrk1 = choices["NTRK1"]
    assert (ntrk1.transcript, ntrk1.chosen_by, ntrk1.protein_length) == (
        "ENST00000524377",
        "whitelist transcript",
        796,
    )
    assert ntrk1.residues == "G595=G;G667=G"
    # NF2's simulated transcript has another ID: MANE/canonical fallback, proven by length and G161
    assert (choices["NF2"].transcript, choices["NF2"].chosen_by) == (
        "ENSTSIM00000008",
        "Ensembl_canonical (same protein)",
    )
    assert choices["FGFR1"].status == "absent"
    table = kb_check_table(list(choices.values()))
    assert list(table.columns[:4]) == ["gene", "gene_id", "uniprot", "transcript"]


def test_the_760_aa_ntrk1_isoform_is_never_used_for_protein_positions(demo_reference, tmp_path):
    folder, rows = demo_reference
    wrong = [r.replace('tag "basic"', 'tag "MANE_Select"') for r in rows if "ENST00000524377" not in r]
    (tmp_path / "wrong.gtf").write_text("\n".join(wrong) + "\n")
    with pysam.FastaFile(str(folder / "genome.fa")) as fasta:
        facts = ProteinFacts("NTRK1", "ENSG00000198400", "P04629", 796, "ENST00000524377",
                             residues={595: "G", 667: "G"})  # fmt: skip
        choice = choose_transcript(load_gtf(str(tmp_path / "wrong.gtf")), facts, fasta)
        assert not choice.verified
        assert choice.reason.startswith("ENST00000524377 not in the annotation; ENST00000392302 encodes 760 aa, "
                                        "whitelist expects 796 (P04629)")  # fmt: skip
        # the same check on a whitelist that names the wrong isoform itself
        stated_wrong = ProteinFacts("NTRK1", "ENSG00000198400", "P04629", 796, "ENST00000392302",
                                    residues={595: "G", 667: "G"})  # fmt: skip
        full = load_gtf(str(folder / "genes.gtf"))
        choice = choose_transcript(full, stated_wrong, fasta)
        assert (choice.transcript, choice.chosen_by) == (
            "ENST00000524377",
            "Ensembl_canonical (same protein)",
        )
        assert "ENST00000392302 encodes 760 aa" in choice.reason
        # without residues to compare, a length alone never admits another transcript
        no_residues = ProteinFacts("NTRK1", "ENSG00000198400", "P04629", 796, "ENST00000999999")
        choice = choose_transcript(full, no_residues, fasta)
        assert not choice.verified and "no other transcript is accepted" in choice.reason


@needs_easyfuse
def test_kb_check_on_real_grch38_sequence(tmp_path):
    """`make kb-check` on the EasyFuse minigenome: ROS1, RET, NTRK3 translate to the stated residues."""
    out = tmp_path / "kb_check.tsv"
    result = subprocess.run(
        ["make", "-s", "kb-check", f"FASTA={EASYFUSE / 'Homo_sapiens.GRCh38.110_minigenome.fa'}",
         f"GTF={EASYFUSE / 'Homo_sapiens.GRCh38.110_miniannotation.gtf'}", f"OUT={out}"],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = {r.split("\t")[0]: r.split("\t") for r in out.read_text().splitlines()[1:]}
    header = out.read_text().splitlines()[0].split("\t")
    col = {name: i for i, name in enumerate(header)}
    assert rows["ROS1"][col["transcript"]] == "ENST00000368508" and rows["ROS1"][col["status"]] == "ok"
    assert rows["ROS1"][col["residues"]] == "G2032=G;D2033=D;L2086=L"
    assert rows["RET"][col["residues"]] == "G810=G" and rows["RET"][col["protein_length"]] == "1114"
    assert (
        rows["NTRK3"][col["transcript"]] == "ENST00000629765" and rows["NTRK3"][col["residues"]] == "G623=G"
    )
    assert rows["NTRK3"][col["protein_length"]] == "839"
    assert "3 genes verified" in result.stderr


@needs_easyfuse
def test_ros1_mane_select_is_refused_when_the_clinical_transcript_is_missing(tmp_path):
    gtf = tmp_path / "no_368508.gtf"
    with open(EASYFUSE / "Homo_sapiens.GRCh38.110_miniannotation.gtf") as src:
        gtf.write_text("".join(line for line in src if "ENST00000368508" not in line))
    fai = tmp_path / "genome.fa.fai"
    fasta_path = str(EASYFUSE / "Homo_sapiens.GRCh38.110_minigenome.fa")
    pysam.faidx(fasta_path, "--fai-idx", str(fai))
    from fusion_pipeline.reference.prepare_annotation import clip_gtf, fasta_lengths

    rows, _ = clip_gtf(open(gtf), fasta_lengths(fasta_path))
    (tmp_path / "clipped.gtf").write_text("".join(rows))
    with pysam.FastaFile(fasta_path, filepath_index=str(fai)) as fasta:
        choices = {c.gene: c for c in check_knowledge_base(load_gtf(str(tmp_path / "clipped.gtf")), fasta, KINASES,
                                                           HOTSPOTS)}  # fmt: skip
    ros1 = choices["ROS1"]
    assert not ros1.verified
    assert "ENST00000368507 encodes 2341 aa, whitelist expects 2347 (P08922)" in ros1.reason
    assert "residue 2032 is L, not G" in ros1.reason


@needs_easyfuse
def test_domain_ranges_sit_on_the_kinase_motifs_of_the_translated_protein(tmp_path):
    """The stated domains start at the glycine-rich loop and hold the HRD and DFG motifs (real sequence)."""
    import re

    from fusion_pipeline.reference.prepare_annotation import clip_gtf, fasta_lengths

    fasta_path = str(EASYFUSE / "Homo_sapiens.GRCh38.110_minigenome.fa")
    rows, _ = clip_gtf(
        open(EASYFUSE / "Homo_sapiens.GRCh38.110_miniannotation.gtf"), fasta_lengths(fasta_path)
    )
    (tmp_path / "clipped.gtf").write_text("".join(rows))
    annotation = load_gtf(str(tmp_path / "clipped.gtf"))
    pysam.faidx(fasta_path, "--fai-idx", str(tmp_path / "g.fai"))
    with pysam.FastaFile(fasta_path, filepath_index=str(tmp_path / "g.fai")) as fasta:
        for gene in ("ROS1", "RET", "NTRK3"):
            entry = KINASES["genes"][gene]
            start, end = entry["domain"]["start"], entry["domain"]["end"]
            protein = annotation.transcript(entry["transcript"]).protein(fasta)
            domain = protein[start - 1 : end]
            assert re.search("G.G..G", domain[:15]), gene  # glycine-rich loop near the domain start
            assert "HRD" in domain and "DFG" in domain, gene
