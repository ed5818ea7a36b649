"""The validation set simulated from a lab's reference (simulation/reference.py, validation_set.py)."""

import csv
import re

import pysam
import pytest
import yaml
from helpers import ARTEFACT_LABELS, ROOT, SHARED_DATA, artefact_reads

from fusion_pipeline.common.annotation import Transcript, load_gtf
from fusion_pipeline.common.errors import InputError
from fusion_pipeline.common.sequtil import revcomp
from fusion_pipeline.simulation.design import FusionSpec, SampleSpec, reference_artefacts
from fusion_pipeline.simulation.genome import genomic_position
from fusion_pipeline.simulation.reference import (
    choose_transcript,
    clinical_transcripts,
    exon_sequences,
    junction_frame,
    reference_genes,
)
from fusion_pipeline.simulation.simulate import fusion_transcript, write_samples
from fusion_pipeline.simulation.validation_set import SetProfile, write_validation_set

EASYFUSE = SHARED_DATA / "easyfuse-grch38-minigenome"
MINI_FASTA = EASYFUSE / "Homo_sapiens.GRCh38.110_minigenome.fa"
MINI_GTF = EASYFUSE / "Homo_sapiens.GRCh38.110_miniannotation.gtf"
needs_minigenome = pytest.mark.skipif(not EASYFUSE.is_dir(), reason=f"minigenome not found at {EASYFUSE}")


# --- a hand-made reference: one minus-strand gene with three exons, plus-strand genes with two ---
# CDS offsets in the mRNA: MINUS from 5 (genomic 315), PLUS from 11 (genomic 22), SHIFT from 0 (genomic 151);
# the junction after MINUS exon 1 (mRNA offset 20) is at codon position 0, PLUS exon 2 (offset 20) starts at
# codon position 0 (in frame), SHIFT exon 2 (offset 22) at codon position 1 (out of frame).

CONTIG = "".join("ACGT"[(i * 7 + i // 5) % 4] for i in range(400))
GTF = """\
c1\tt\texon\t301\t320\t.\t-\t.\tgene_id "G1"; gene_name "MINUS"; transcript_id "T1"; tag "MANE_Select";
c1\tt\tCDS\t301\t315\t.\t-\t0\tgene_id "G1"; gene_name "MINUS"; transcript_id "T1"; tag "MANE_Select";
c1\tt\texon\t201\t230\t.\t-\t.\tgene_id "G1"; gene_name "MINUS"; transcript_id "T1"; tag "MANE_Select";
c1\tt\tCDS\t201\t230\t.\t-\t0\tgene_id "G1"; gene_name "MINUS"; transcript_id "T1"; tag "MANE_Select";
c1\tt\texon\t101\t140\t.\t-\t.\tgene_id "G1"; gene_name "MINUS"; transcript_id "T1"; tag "MANE_Select";
c1\tt\tCDS\t120\t140\t.\t-\t0\tgene_id "G1"; gene_name "MINUS"; transcript_id "T1"; tag "MANE_Select";
c1\tt\texon\t11\t30\t.\t+\t.\tgene_id "G2"; gene_name "PLUS"; transcript_id "T2";
c1\tt\tCDS\t22\t30\t.\t+\t0\tgene_id "G2"; gene_name "PLUS"; transcript_id "T2";
c1\tt\texon\t51\t80\t.\t+\t.\tgene_id "G2"; gene_name "PLUS"; transcript_id "T2";
c1\tt\tCDS\t51\t71\t.\t+\t0\tgene_id "G2"; gene_name "PLUS"; transcript_id "T2";
c1\tt\texon\t151\t172\t.\t+\t.\tgene_id "G5"; gene_name "SHIFT"; transcript_id "T5";
c1\tt\tCDS\t151\t172\t.\t+\t0\tgene_id "G5"; gene_name "SHIFT"; transcript_id "T5";
c1\tt\texon\t181\t199\t.\t+\t.\tgene_id "G5"; gene_name "SHIFT"; transcript_id "T5";
c1\tt\tCDS\t181\t194\t.\t+\t2\tgene_id "G5"; gene_name "SHIFT"; transcript_id "T5";
c9\tt\texon\t1\t50\t.\t+\t.\tgene_id "G3"; gene_name "ELSEWHERE"; transcript_id "T3";
c1\tt\texon\t390\t420\t.\t+\t.\tgene_id "G4"; gene_name "PASTEND"; transcript_id "T4";
"""


@pytest.fixture
def tiny_reference(tmp_path):
    fasta = tmp_path / "tiny.fa"
    fasta.write_text(f">c1\n{CONTIG}\n")
    gtf = tmp_path / "tiny.gtf"
    gtf.write_text(GTF)
    pysam.faidx(str(fasta))
    with pysam.FastaFile(str(fasta)) as fa:
        yield load_gtf(str(gtf)), fa, str(gtf)


def test_exons_of_a_minus_strand_gene_are_numbered_from_its_5_prime_end(tiny_reference):
    annotation, fasta, _ = tiny_reference
    tx = choose_transcript(annotation.by_name["MINUS"]).transcript
    exons = exon_sequences(tx, fasta)
    # exon 1 is the one with the highest coordinates, read on the minus strand
    assert exons[0] == revcomp(CONTIG[300:320])
    assert exons[2] == revcomp(CONTIG[100:140])
    assert [len(e) for e in exons] == [20, 30, 40]


def test_fusion_transcript_joins_exon5_to_exon3_as_cut_from_the_fasta(tiny_reference):
    annotation, fasta, gtf = tiny_reference
    genes, _ = reference_genes(annotation, fasta, [("MINUS", 2, "PLUS", 2)], {}, gtf)
    seq, junction = fusion_transcript(genes, FusionSpec("MINUS", 2, "PLUS", 2), None)
    # 5': exons 1-2 of MINUS (minus strand, exon 2 = 201-230); 3': exon 2 of PLUS (51-80) onwards
    assert seq[:junction] == revcomp(CONTIG[300:320]) + revcomp(CONTIG[200:230])
    assert seq[junction:] == CONTIG[50:80]
    assert genes["MINUS"].exons[1] == (201, 230)


def test_reference_genes_carry_their_locus_and_introns_in_transcript_orientation(tiny_reference):
    annotation, fasta, gtf = tiny_reference
    genes, _ = reference_genes(annotation, fasta, [("MINUS", 2, "PLUS", 2)], {}, gtf)
    minus, plus = genes["MINUS"], genes["PLUS"]
    # minus strand: the reverse complement of the genomic span 101-320, exon 1 (301-320) first
    assert minus.locus == revcomp(CONTIG[100:320])
    assert minus.introns == [revcomp(CONTIG[230:300]), revcomp(CONTIG[140:200])]
    assert plus.locus == CONTIG[10:80] and plus.introns == [CONTIG[30:50]]
    for gene in (minus, plus):
        exons = exon_sequences(choose_transcript(annotation.by_name[gene.spec.name]).transcript, fasta)
        joined = "".join(exon + intron for exon, intron in zip(exons, gene.introns + [""]))
        assert joined == gene.locus
        assert "".join(exons) == gene.mrna
    # an offset in the pre-mRNA maps back to its genomic base (artefacts.tsv positions)
    assert genomic_position(minus, 25, unspliced=True) == 320 - 25
    assert minus.locus[25] == revcomp(CONTIG[320 - 25 - 1])


def test_frame_of_a_junction_from_exon_lengths_and_cds_offsets(tiny_reference):
    annotation, fasta, gtf = tiny_reference
    genes, _ = reference_genes(
        annotation, fasta, [("MINUS", 1, "PLUS", 2), ("MINUS", 1, "SHIFT", 2)], {}, gtf
    )
    assert (genes["MINUS"].cds_start, genes["PLUS"].cds_start, genes["SHIFT"].cds_start) == (5, 11, 0)
    # MINUS e1 ends 15 bases into its CDS (codon position 0); PLUS e2 starts 9 bases into its CDS (0)
    assert junction_frame(genes["MINUS"], 1, genes["PLUS"], 2) == "in frame"
    assert junction_frame(genes["MINUS"], 2, genes["PLUS"], 2) == "in frame"  # MINUS e2 is 30 bases
    # SHIFT e2 starts 22 bases into its CDS (codon position 1)
    assert junction_frame(genes["MINUS"], 1, genes["SHIFT"], 2) == "out of frame"
    # PLUS e1 ends 9 bases into its CDS (codon position 0), SHIFT e2 starts at codon position 1
    assert junction_frame(genes["PLUS"], 1, genes["SHIFT"], 2) == "out of frame"
    # a 3' partner kept from its 5' UTR (PLUS e1): frame does not apply
    assert junction_frame(genes["MINUS"], 1, genes["PLUS"], 1) is None


def test_an_out_of_frame_fusion_is_warned_and_not_expected_actionable(tiny_reference, tmp_path, capsys):
    from fusion_pipeline.simulation import validation_set

    _, _, gtf = tiny_reference
    data = tmp_path / "set"
    config = {
        "reference": {"fasta": str(tmp_path / "tiny.fa"), "gtf": gtf},
        "knowledge_base": {"kinases": str(ROOT / "config/kinases.yaml")},
        "validation": {"set": {
            "genome": "reference", "data": str(data), "fractions": [0.5], "depths": [20], "replicates": 1,
            "negatives": 0, "fusions": [  # three groups (shared genes): all simulated, whatever the profile
                {"gene5": "MINUS", "exon5": 1, "gene3": "SHIFT", "exon3": 2},
                {"gene5": "PLUS", "exon5": 1, "gene3": "SHIFT", "exon3": 2, "expected_actionable": "yes"},
                {"gene5": "MINUS", "exon5": 2, "gene3": "PLUS", "exon3": 2},
            ],
        }},
    }  # fmt: skip
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    validation_set.cli(["--configfile", str(tmp_path / "config.yaml")])
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.startswith("WARNING")]
    assert warnings == [
        "WARNING: MINUS::SHIFT (MINUS e1::SHIFT e2) is out of frame on T1 and T5: expected_actionable becomes no "
        "(give expected_actionable to override)",
        "WARNING: PLUS::SHIFT (PLUS e1::SHIFT e2) is out of frame on T2 and T5: expected_actionable stays yes "
        "(given in the config)",
    ]
    with open(data / "validation_truth.tsv") as fh:
        actionable = {r["fusion"]: r["expected_actionable"] for r in csv.DictReader(fh, delimiter="\t")}
    assert actionable == {"MINUS::SHIFT": "no", "PLUS::SHIFT": "yes", "MINUS::PLUS": "yes"}


def test_transcript_choice_knowledge_base_then_tags_then_longest_cds():
    def tx(tid, tags=(), cds=0):
        return Transcript(tid, "G", "K", "1", "+", exons=[(1, 500)], cds=[(1, cds, 0)] if cds else [],
                          tags=set(tags))  # fmt: skip

    gene = type("Gene", (), {"name": "K", "transcripts": [tx("ENST1", cds=300), tx("ENST2", ("Ensembl_canonical",),
                                                           cds=90), tx("ENST3", cds=450)]})()  # fmt: skip
    assert choose_transcript(gene, "ENST3.2").rule == "knowledge base"
    assert choose_transcript(gene, "ENST3.2").transcript.transcript_id == "ENST3"
    assert choose_transcript(gene, "ENST9").transcript.transcript_id == "ENST2"  # absent: the tagged one
    gene.transcripts = [t for t in gene.transcripts if t.transcript_id != "ENST2"]
    pick = choose_transcript(gene)
    assert (pick.transcript.transcript_id, pick.rule) == ("ENST3", "longest CDS")


def test_a_gene_or_exon_missing_from_the_gtf_is_a_one_line_error(tiny_reference):
    annotation, fasta, gtf = tiny_reference
    with pytest.raises(InputError, match=rf"^{re.escape(gtf)}: gene ALK .*not in the GTF$"):
        reference_genes(annotation, fasta, [("MINUS", 1, "ALK", 20)], {}, gtf)
    with pytest.raises(InputError, match=r"gene PLUS has no exon 3 \(its transcript T2 has 2 exons\)"):
        reference_genes(annotation, fasta, [("MINUS", 1, "PLUS", 3)], {}, gtf)
    with pytest.raises(InputError, match=r"gene ELSEWHERE: sequence 'c9' not present in the FASTA$"):
        reference_genes(annotation, fasta, [("ELSEWHERE", 1, "PLUS", 2)], {}, gtf)
    with pytest.raises(
        InputError, match=r"gene PASTEND: T4 exon c1:390-420 runs past its contig in the FASTA$"
    ):
        reference_genes(annotation, fasta, [("PASTEND", 1, "PLUS", 2)], {}, gtf)


# --- the real GRCh38 minigenome ---


def _gtf_exon(transcript_id: str, number: int) -> tuple:
    """(chrom, start, end, strand) of the GTF row with this transcript and exon_number, read as text."""
    with open(MINI_GTF) as fh:
        for line in fh:
            fields = line.split("\t")
            if len(fields) == 9 and fields[2] == "exon" and f'transcript_id "{transcript_id}"' in fields[8]:
                if f'exon_number "{number}"' in fields[8]:
                    return fields[0], int(fields[3]), int(fields[4]), fields[6]
    raise AssertionError(f"{transcript_id} exon {number} not in {MINI_GTF}")


@needs_minigenome
@pytest.mark.realdata
def test_cd74_ros1_on_the_minigenome_joins_the_gtf_exons_in_frame(tmp_path):
    kinases = yaml.safe_load((ROOT / "config/kinases.yaml").read_text())
    fai = tmp_path / "mini.fa.fai"
    pysam.faidx(str(MINI_FASTA), "--fai-idx", str(fai))
    with pysam.FastaFile(str(MINI_FASTA), filepath_index=str(fai)) as fasta:
        annotation = load_gtf(str(MINI_GTF))
        genes, chosen = reference_genes(annotation, fasta, [("CD74", 6, "ROS1", 34)],
                                        clinical_transcripts(kinases), str(MINI_GTF))  # fmt: skip
        # ROS1 on the knowledge base's ENST00000368508 (not the MANE transcript, where exon 34 is 35)
        assert chosen == {
            "CD74": ("ENST00000009530", "MANE_Select"),
            "ROS1": ("ENST00000368508", "knowledge base"),
        }
        seq, junction = fusion_transcript(genes, FusionSpec("CD74", 6, "ROS1", 34), None)
        # the GTF's own exon_number rows, cut from the FASTA by hand (both genes on the minus strand)
        c5, s5, e5, strand5 = _gtf_exon("ENST00000009530", 6)
        c3, s3, e3, strand3 = _gtf_exon("ENST00000368508", 34)
        assert (strand5, strand3) == ("-", "-")
        exon6 = revcomp(fasta.fetch(c5, s5 - 1, e5).upper())
        exon34 = revcomp(fasta.fetch(c3, s3 - 1, e3).upper())
        assert seq[junction - 30 : junction + 30] == exon6[-30:] + exon34[:30]
        # in frame: the 3' exon starts at the codon position the 5' exon ends before
        tx5, tx3 = annotation.transcript("ENST00000009530"), annotation.transcript("ENST00000368508")
        assert (tx5.cds_offset(s5) + 1) % 3 == tx3.cds_offset(e3) % 3
    assert (genes["CD74"].exons[5], genes["ROS1"].exons[33]) == ((s5, e5), (s3, e3))


@needs_minigenome
@pytest.mark.realdata
def test_a_fusion_gene_absent_from_the_minigenome_names_gene_and_gtf(tmp_path):
    profile = SetProfile(fractions=(0.5,), depths=(20,), replicates=1, negatives=0)
    with pytest.raises(InputError, match=rf"{re.escape(str(MINI_GTF))}: gene EML4 .*not in the GTF"):
        write_validation_set(str(tmp_path / "set"), profile, reference={"fasta": str(MINI_FASTA),
                             "gtf": str(MINI_GTF)}, kinases_path=str(ROOT / "config/kinases.yaml"))  # fmt: skip


def _minigenome_genes(tmp_path, fusions: list) -> dict:
    kinases = yaml.safe_load((ROOT / "config/kinases.yaml").read_text())
    fai = tmp_path / "mini.fa.fai"
    pysam.faidx(str(MINI_FASTA), "--fai-idx", str(fai))
    with pysam.FastaFile(str(MINI_FASTA), filepath_index=str(fai)) as fasta:
        genes, _ = reference_genes(load_gtf(str(MINI_GTF)), fasta, fusions, clinical_transcripts(kinases),
                                   str(MINI_GTF), set(kinases["genes"]))  # fmt: skip
    return genes


@needs_minigenome
@pytest.mark.realdata
def test_a_negative_on_the_minigenome_carries_the_generic_artefact_classes(tmp_path):
    genes = _minigenome_genes(tmp_path, [("CD74", 6, "ROS1", 34)])
    spec = reference_artefacts(genes)
    # no paralog, poly-A or read-through class on a reference; circles on ROS1 (43 exons), none upstream
    assert set(spec) == {"template_switch", "circular", "intronic", "hairpin", "jackpot", "pre_mrna", "hosts"}
    assert spec["hosts"] == {"expressed": ("CD74", "ROS1"), "circular": "ROS1"}
    assert spec["circular"] == [(2, 2, 30), (3, 5, 12)]
    written = write_samples(tmp_path / "set", [SampleSpec("VN1", "VN1", 1, [], artefacts=spec)], genes)
    rows = written["artefacts"]
    assert {r["class"] for r in rows} == {"template_switch", "circular", "intronic", "hairpin", "jackpot",
                                          "intronic_reads"}  # fmt: skip
    assert {r["gene5"] for r in rows} | {r["gene3"] for r in rows} - {"."} == {"CD74", "ROS1"}
    for row in (r for r in rows if r["class"] == "intronic"):  # both ends inside an intron of their gene
        for side, pos in (("5", row["end5"]), ("3", row["start3"])):
            exons = genes[row[f"gene{side}"]].exons
            assert min(map(min, exons)) < pos < max(map(max, exons))
            assert not any(start <= pos <= end for start, end in exons), row
    # the back-splice of ROS1 exon 2 onto itself: exon 2's 3' end (lowest coordinate) to its 5' end
    circle = next(r for r in rows if r["class"] == "circular")
    assert (circle["end5"], circle["start3"]) == (genes["ROS1"].exons[1][0], genes["ROS1"].exons[1][1])
    assert set(artefact_reads(tmp_path / "set/reads/VN1_R1.fastq.gz")) == set(ARTEFACT_LABELS)
