"""The validation set simulated from a lab's reference (simulation/reference.py, validation_set.py)."""

import csv
import json
import re
import time

import pysam
import pytest
import yaml
from conftest import ROOT, SHARED_DATA, run_workflow
from validation.design import SetProfile, write_validation_set

from common.annotation import Transcript, load_gtf
from common.errors import InputError
from common.sequtil import revcomp
from simulation.design import FusionSpec
from simulation.reference import choose_transcript, clinical_transcripts, exon_sequences, reference_genes
from simulation.simulate import fusion_transcript

EASYFUSE = SHARED_DATA / "easyfuse-grch38-minigenome"
MINI_FASTA = EASYFUSE / "Homo_sapiens.GRCh38.110_minigenome.fa"
MINI_GTF = EASYFUSE / "Homo_sapiens.GRCh38.110_miniannotation.gtf"
needs_minigenome = pytest.mark.skipif(not EASYFUSE.is_dir(), reason=f"minigenome not found at {EASYFUSE}")


# --- a hand-made reference: one minus-strand gene with three exons, one plus-strand gene with two ---

CONTIG = "".join("ACGT"[(i * 7 + i // 5) % 4] for i in range(400))
GTF = """\
c1\tt\texon\t301\t320\t.\t-\t.\tgene_id "G1"; gene_name "MINUS"; transcript_id "T1"; tag "MANE_Select";
c1\tt\texon\t201\t230\t.\t-\t.\tgene_id "G1"; gene_name "MINUS"; transcript_id "T1"; tag "MANE_Select";
c1\tt\texon\t101\t140\t.\t-\t.\tgene_id "G1"; gene_name "MINUS"; transcript_id "T1"; tag "MANE_Select";
c1\tt\texon\t11\t30\t.\t+\t.\tgene_id "G2"; gene_name "PLUS"; transcript_id "T2";
c1\tt\texon\t51\t80\t.\t+\t.\tgene_id "G2"; gene_name "PLUS"; transcript_id "T2";
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


@pytest.mark.workflow
@pytest.mark.realdata
@needs_minigenome
def test_validation_set_on_the_minigenome_is_found_with_its_true_breakpoints(tmp_path):
    """validation_set.py on the lab's reference, then the workflow and its scoring (about a minute)."""
    import validation_set

    config = {
        "samples": str(tmp_path / "data/samples.tsv"), "outdir": "out",
        "reference": {"fasta": str(MINI_FASTA), "gtf": str(MINI_GTF)},
        "knowledge_base": {"kinases": str(ROOT / "config/kinases.yaml")},
        "validation": {"truth": str(tmp_path / "data/validation_truth.tsv"), "outdir": "validation", "set": {
            "genome": "reference", "data": str(tmp_path / "data"), "fractions": [0.25], "depths": [100],
            "replicates": 1, "negatives": 0, "fusions": [{"gene5": "CD74", "exon5": 6, "gene3": "ROS1", "exon3": 34}],
        }},
    }  # fmt: skip
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    start = time.perf_counter()
    validation_set.main(["--configfile", str(tmp_path / "config.yaml")])
    assert not (tmp_path / "data/genome.fa").exists()  # the lab's genome is used, not copied
    with open(tmp_path / "data/validation_truth.tsv") as fh:
        (truth,) = list(csv.DictReader(fh, delimiter="\t"))
    assert (truth["breakpoint5"], truth["breakpoint3"], truth["expected_tier"]) == (
        "5:3144:-",
        "6:37163:-",
        "I",
    )
    result = run_workflow(tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    elapsed = time.perf_counter() - start
    with open(tmp_path / "validation/concordance.tsv") as fh:
        (row,) = list(csv.DictReader(fh, delimiter="\t"))
    assert (row["fusion"], row["status"], row["note"]) == (
        "CD74::ROS1",
        "TP",
        "",
    )  # breakpoints within 10 bases
    with open(tmp_path / "out" / truth["sample"] / "fusions.tsv") as fh:
        call = next(r for r in csv.DictReader(fh, delimiter="\t") if r["fusion"] == "CD74::ROS1")
    assert (call["breakpoint5"], call["breakpoint3"]) == (truth["breakpoint5"], truth["breakpoint3"])
    assert float(row["abundance"]) == pytest.approx(0.25, abs=0.12)
    summary = json.loads((tmp_path / "validation/summary.json").read_text())
    assert (summary["tier_concordance"]["k"], summary["tier_concordance"]["n"]) == (1, 1)
    print(f"minigenome set: {row['junction_reads']} junction reads, {row['spanning_pairs']} spanning pairs, "
          f"abundance {row['abundance']} (true 0.25), {elapsed:.0f} s")  # fmt: skip
