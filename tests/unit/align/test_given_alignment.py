"""Issue 28: a lab's STAR alignment used as it is (align/given_alignment.py): what it must be, and what
is written when it is not."""

import os
import types

import pysam
import pytest

from fusion_pipeline.align.given_alignment import (
    check_gene_counts,
    check_given,
    check_header,
    check_junctions,
    first_out_of_order,
    input_reads,
    star_option,
    take_given_alignment,
)
from fusion_pipeline.common.errors import InputError

CONTIGS = {"c1": 2000, "c2": 1500}
STAR_CL = (
    "STAR --runThreadN 2 --chimSegmentMin   10 --chimOutType Junctions WithinBAM HardClip --outSAMtype BAM"
)


def header(order="coordinate", command=STAR_CL, contigs=None, program="STAR"):
    return {"HD": {"VN": "1.6", "SO": order},
            "SQ": [{"SN": n, "LN": n_len} for n, n_len in (contigs or CONTIGS).items()],
            "PG": [{"ID": program, "PN": program, "VN": "2.7.10b", "CL": command}]}  # fmt: skip


@pytest.fixture()
def fasta(tmp_path):
    path = tmp_path / "ref.fa"
    path.write_text("".join(f">{n}\n{'A' * n_len}\n" for n, n_len in CONTIGS.items()))
    pysam.faidx(str(path))
    return str(path)


def test_star_option_reads_the_values_up_to_the_next_option():
    assert star_option(STAR_CL, "chimOutType") == ["Junctions", "WithinBAM", "HardClip"]
    assert star_option(STAR_CL, "chimSegmentMin") == ["10"]
    assert star_option(STAR_CL, "quantMode") == []


def test_a_sorted_star_bam_with_chimeric_detection_on_the_runs_contigs_passes(fasta):
    assert check_header("x.bam", header(), fasta, fasta + ".fai", arriba=True) == "2.7.10b"


@pytest.mark.parametrize(
    "given, arriba, message",
    [
        (header(program="bwa"), False, "not written by STAR"),
        (header(order="queryname"), False, "not sorted by coordinate (@HD SO:queryname)"),
        (header(order="unknown"), False, "not sorted by coordinate (@HD SO:unknown)"),
        (header(command="STAR --chimSegmentMin 0"), False, "without chimeric detection (--chimSegmentMin 0)"),
        (header(command="STAR --outSAMtype BAM"), False, "--chimSegmentMin not set"),
        (header(command="STAR --chimSegmentMin 12 --chimOutType Junctions"), True, "--chimOutType WithinBAM"),
        (
            header(command="STAR --chimSegmentMin 12 --chimOutType WithinBAM"),
            False,
            "wrote no Chimeric.out.junction",
        ),
        (header(contigs={"c1": 2000, "c2": 1501}), False, "contig c2 is 1501 bp in the BAM but 1500 bp in"),
        (header(contigs={"c1": 2000, "chr2": 1500}), False, "its contig chr2 is not in"),
        (header(contigs={"c1": 2000}), False, "contig c2 is not in the BAM header"),
    ],
)
def test_a_bam_that_is_not_such_an_alignment_is_refused_in_one_line_naming_both_files(
    fasta, given, arriba, message
):
    with pytest.raises(InputError) as err:
        check_header("lab.bam", given, fasta, fasta + ".fai", arriba=arriba)
    assert message in str(err.value) and str(err.value).startswith("lab.bam: ") and "\n" not in str(err.value)
    if "bp in" in message or "not in" in message:
        assert fasta in str(err.value)


def test_junctions_need_stars_columns_on_the_bams_contigs(tmp_path):
    good = tmp_path / "Chimeric.out.junction"
    record = ["c1", "100", "+", "c2", "200", "-", "1", "0", "0", "r1", "50", "50M", "150", "50M"]
    good.write_text("chr_donorA\tbrkpt_donorA\n" + "\t".join(record) + "\n# Nreads 1\n")
    check_junctions(str(good), set(CONTIGS))
    with pytest.raises(InputError, match=r"line 2: contig chrX is not in the BAM's header"):
        good.write_text("chr_donorA\n" + "\t".join(["chrX"] + record[1:]) + "\n")
        check_junctions(str(good), set(CONTIGS))
    with pytest.raises(InputError, match="line 1: 3 columns"):
        good.write_text("c1\t1\t+\n")
        check_junctions(str(good), set(CONTIGS))


def test_gene_counts_must_be_stars_table_of_the_runs_genes(tmp_path):
    counts = tmp_path / "ReadsPerGene.out.tab"
    counts.write_text("N_unmapped\t5\t5\t5\nN_multimapping\t1\t1\t1\nG1.3\t10\t4\t6\nG2\t0\t0\t0\n")
    check_gene_counts(str(counts), {"G1", "G2"})
    with pytest.raises(InputError, match="0 of its 2 gene IDs are in the run's annotation"):
        check_gene_counts(str(counts), {"ENSG1", "ENSG2"})
    counts.write_text("G1\t10\n")
    with pytest.raises(InputError, match="line 1: not a STAR ReadsPerGene.out.tab line"):
        check_gene_counts(str(counts), {"G1"})


def test_input_reads_come_from_log_final_out(tmp_path):
    log = tmp_path / "Log.final.out"
    log.write_text("                          Number of input reads |\t8377\n")
    assert input_reads(str(log)) == 8377
    log.write_text("something else\n")
    with pytest.raises(InputError, match="not a STAR Log.final.out"):
        input_reads(str(log))


def _bam(path, positions):
    with pysam.AlignmentFile(str(path), "wb", header=header()) as out:
        for i, (contig, pos) in enumerate(positions):
            read = pysam.AlignedSegment(out.header)
            read.query_name, read.flag, read.reference_name, read.reference_start = f"r{i}", 0, contig, pos
            read.cigarstring, read.query_sequence, read.mapping_quality = "10M", "ACGTACGTAC", 60
            read.query_qualities = pysam.qualitystring_to_array("I" * 10)
            out.write(read)


def test_the_first_read_out_of_order_is_named(tmp_path):
    _bam(tmp_path / "sorted.bam", [("c1", 5), ("c1", 50), ("c2", 3)])
    assert first_out_of_order(str(tmp_path / "sorted.bam")) is None
    _bam(tmp_path / "liar.bam", [("c1", 5), ("c2", 3), ("c1", 50)])
    assert first_out_of_order(str(tmp_path / "liar.bam")) == "read r2 at c1:51 follows c2:4"


class Inputs(dict):
    """A rule's input as take_given_alignment reads it: by attribute, by key, and get()."""

    __getattr__ = dict.__getitem__


def _star_run(folder, positions) -> Inputs:
    folder.mkdir()
    _bam(folder / "Aligned.sortedByCoord.out.bam", positions)
    for name, text in (("Chimeric.out.junction", "junctions\n"), ("Log.final.out", "log\n"),
                       ("SJ.out.tab", "sj\n"), ("ReadsPerGene.out.tab", "counts\n")):  # fmt: skip
        (folder / name).write_text(text)
    return Inputs(
        bam=str(folder / "Aligned.sortedByCoord.out.bam"), chimeric_junction=str(folder / "Chimeric.out.junction"),
        given_log_final=str(folder / "Log.final.out"), given_splice_junctions=str(folder / "SJ.out.tab"),
        given_gene_counts=str(folder / "ReadsPerGene.out.tab"),
    )  # fmt: skip


def _outputs(folder):
    folder.mkdir()
    names = {"bam": "Aligned.sortedByCoord.out.bam", "bai": "Aligned.sortedByCoord.out.bam.bai",
             "junctions": "Chimeric.out.junction", "log_final": "Log.final.out", "log_main": "Log.out",
             "splice_junctions": "SJ.out.tab", "gene_counts": "ReadsPerGene.out.tab"}  # fmt: skip
    return types.SimpleNamespace(**{k: str(folder / v) for k, v in names.items()})


HEAD = {"read_pairs": 3, "mean_length1": 10.0, "mean_length2": 0.0, "status": "ok", "reason": "."}


def test_a_given_alignment_is_taken_with_its_files_and_indexed(tmp_path, fasta):
    inputs = _star_run(tmp_path / "lab", [("c1", 5), ("c1", 50), ("c2", 3)])
    outputs = _outputs(tmp_path / "star")
    assert take_given_alignment(inputs, outputs, fasta, fasta + ".fai", HEAD) == HEAD
    with pysam.AlignmentFile(outputs.bam) as bam:
        assert bam.count("c1") == 2
    assert open(outputs.gene_counts).read() == "counts\n" and open(outputs.junctions).read() == "junctions\n"
    assert "STAR version=2.7.10b" in open(outputs.log_main).read()
    assert os.path.islink(outputs.bam) and os.path.realpath(outputs.bam) == os.path.realpath(inputs.bam)


def test_a_bam_out_of_order_fails_and_the_labs_file_is_left_as_it_was(tmp_path, fasta):
    inputs = _star_run(tmp_path / "lab", [("c1", 5), ("c2", 3), ("c1", 50)])
    before = open(inputs.bam, "rb").read()
    outputs = _outputs(tmp_path / "star")
    verdict = take_given_alignment(inputs, outputs, fasta, fasta + ".fai", HEAD)
    assert verdict["status"] == "failed" and "read r2 at c1:51 follows c2:4" in verdict["reason"]
    assert open(inputs.bam, "rb").read() == before  # the output, a link at first, was not written through
    with pysam.AlignmentFile(outputs.bam) as bam:
        assert bam.mapped == 0 and list(bam.references) == list(CONTIGS)
    assert open(outputs.gene_counts).read() == "" and open(outputs.junctions).read() == ""


def test_a_given_bam_that_failed_its_head_check_is_not_opened(tmp_path, fasta):
    inputs = _star_run(tmp_path / "lab", [("c1", 5)])
    open(inputs.bam, "w").write("not a BAM")
    failed = {**HEAD, "status": "failed", "reason": "x: not a complete BAM"}
    assert take_given_alignment(inputs, _outputs(tmp_path / "star"), fasta, fasta + ".fai", failed) == failed
    assert open(inputs.bam).read() == "not a BAM"


def test_check_given_refuses_a_cram_under_any_name_and_names_an_unreadable_text_file(tmp_path, fasta):
    inputs = _star_run(tmp_path / "lab", [("c1", 5)])
    (tmp_path / "x.bam").write_bytes(b"CRAM\x03\x00")
    with pytest.raises(InputError, match="x.bam: a CRAM cannot be used as STAR's alignment"):
        check_given(
            str(tmp_path / "x.bam"),
            header(),
            fasta,
            inputs,
            str(tmp_path / "genes.gtf"),
            fasta + ".fai",
            arriba=False,
        )
    (tmp_path / "genes.gtf").write_text('c1\tx\tgene\t1\t9\t.\t+\t.\tgene_id "G1";\n')
    (tmp_path / "lab/Chimeric.out.junction").write_text("")
    (tmp_path / "lab/ReadsPerGene.out.tab").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(InputError) as err:
        check_given(
            inputs.bam, header(), fasta, inputs, str(tmp_path / "genes.gtf"), fasta + ".fai", arriba=False
        )
    assert str(err.value).startswith(inputs.given_gene_counts + ": cannot be read as text")


def test_contigs_are_read_from_the_workflows_fasta_index_and_nothing_is_written_beside_the_labs_fasta(
    tmp_path, fasta
):
    lab = tmp_path / "lab_reference"
    lab.mkdir()
    (lab / "genome.fa").write_text(open(fasta).read())
    ours = tmp_path / "genome.fa.fai"
    ours.write_text(open(fasta + ".fai").read())
    assert check_header("x.bam", header(), str(lab / "genome.fa"), str(ours), arriba=False) == "2.7.10b"
    assert sorted(p.name for p in lab.iterdir()) == ["genome.fa"]
