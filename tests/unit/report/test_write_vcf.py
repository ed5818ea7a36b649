"""Issue 28: fusions.vcf.gz, two VCF 4.4 breakends per call, read back with pysam and bcftools."""

import json
import shutil
import subprocess
import types

import pysam
import pytest

from fusion_pipeline.report.write_vcf import breakend_alts, filter_names, info_text, main


def _call(bp5, bp3, **extra):
    return {"fusion": "AAA::BBB", "gene5": "AAA", "gene3": "BBB", "breakpoint5": bp5, "breakpoint3": bp3,
            "gene_id5": "G1", "gene_id3": "G2", "transcript5": "T1", "transcript3": "T2", "exon5": "3", "exon3": "4",
            "site5": "exon_boundary", "site3": "exon_boundary", "type": "translocation", "junction_reads": "5",
            "spanning_pairs": "2", "junction_sequence_reads": "0", "callers": "builtin,arriba", "filters": ".",
            "pass": "yes", "vicc_name": "T1(AAA):e.3::T2(BBB):e.4", "fusion_reads": "5", "wt_reads5": "45",
            "wt_reads3": "30", "abundance": "0.1", "abundance_ci_low": "0.04", "abundance_ci_high": "0.2",
            "abundance_unit": "fragments", "abundance_side": "5", "junction_molecules": ".", **extra}  # fmt: skip


@pytest.mark.parametrize(
    "strand5, strand3, alt5, alt3",
    [
        ("+", "+", "A[c2:40[", "]c1:20]C"),  # both genes forward: 5' keeps <= 20, 3' keeps >= 40
        ("+", "-", "A]c2:40]", "C]c1:20]"),  # 3' gene reverse: it keeps <= 40, read backwards
        ("-", "+", "[c2:40[A", "[c1:20[C"),  # 5' gene reverse: it keeps >= 20
        ("-", "-", "]c2:40]A", "C[c1:20["),  # both reverse
    ],
)
def test_alt_follows_the_strands_of_the_two_genes(strand5, strand3, alt5, alt3):
    assert breakend_alts(_call(f"c1:20:{strand5}", f"c2:40:{strand3}"), "A", "C") == (alt5, alt3)


def test_filter_keeps_only_removing_filters_as_valid_codes():
    notes = "duplicates(2),min_support,known_fusions,read through;x,builtin_unconfirmed(no_candidate)"
    assert filter_names({"pass": "no", "filters": notes}) == ["min_support", "read_through_x"]
    assert filter_names({"pass": "no", "filters": "duplicates(3)"}) == ["not_passed"]
    # Arriba: a count in parentheses is reads a filter set aside; a bare name removed the event
    arriba = "duplicates(3),read_through(1),mismatches(2),merge_adjacent,builtin_artefact(homologs)"
    assert filter_names({"pass": "no", "filters": arriba}) == ["merge_adjacent", "builtin_artefact"]


def test_filter_is_pass_or_the_filter_names_and_info_is_percent_encoded():
    assert filter_names({"pass": "yes", "filters": "duplicates(2),known_fusions"}) == ["PASS"]
    assert filter_names({"pass": "no", "filters": "min_support,builtin_artefact(pairs_only)"}) == [
        "min_support", "builtin_artefact"]  # fmt: skip
    assert info_text("a;b=c,d e%") == "a%3Bb%3Dc%2Cd%20e%25" and info_text(".") is None


@pytest.fixture()
def reference(tmp_path):
    fasta = tmp_path / "genome.fa"
    fasta.write_text(">c1\n" + "ACGT" * 25 + "\n>c2\n" + "TTGCA" * 20 + "\n")
    pysam.faidx(str(fasta))
    return fasta


def _run(tmp_path, reference, calls, kinases, status=None):
    folder = tmp_path / "S1"
    folder.mkdir(exist_ok=True)
    header = list(calls[0]) if calls else ["fusion", "breakpoint5", "breakpoint3", "pass"]
    (folder / "fusions.tsv").write_text(
        "\t".join(header) + "\n" + "".join("\t".join(str(c[k]) for k in header) + "\n" for c in calls)
    )
    kinase_header = ["breakpoint5", "breakpoint3", "kinase", "kinase_domain_retained", "reading_frame"]
    (folder / "kinase_fusions.tsv").write_text(
        "\t".join(kinase_header)
        + "\n"
        + "".join("\t".join(k[h] for h in kinase_header) + "\n" for k in kinases)
    )
    status = status or {"sample_status": "fusion detected", "input": "ok"}
    (folder / "report.json").write_text(json.dumps(
        {"status": status, "assay": "whole_transcriptome", "versions": {"pipeline": "9.9", "reference_fasta": "genome.fa"}}))  # fmt: skip
    snakemake = types.SimpleNamespace(
        input=types.SimpleNamespace(report=str(folder / "report.json"), calls=str(folder / "fusions.tsv"),
                                    kinase_calls=str(folder / "kinase_fusions.tsv"), fasta=str(reference),
                                    fai=str(reference) + ".fai"),
        output=types.SimpleNamespace(vcf=str(folder / "fusions.vcf.gz")), wildcards=types.SimpleNamespace(sample="S1"))  # fmt: skip
    main(snakemake)
    return folder / "fusions.vcf.gz"


def test_each_call_is_two_mate_breakends_with_its_annotation_and_support(tmp_path, reference):
    passing = _call("c1:20:+", "c2:40:-")
    failing = _call("c1:60:+", "c2:10:+", fusion="AAA::CCC", gene3="CCC", pass_="no", junction_reads="0",
                    spanning_pairs="3", filters="min_support,builtin_artefact(pairs_only)", abundance=".",
                    abundance_ci_low=".", abundance_ci_high=".", vicc_name="T1(AAA):e.3(::)CCC")  # fmt: skip
    failing["pass"] = failing.pop("pass_")
    kinase = {"breakpoint5": "c1:20:+", "breakpoint3": "c2:40:-", "kinase": "BBB",
              "kinase_domain_retained": "yes", "reading_frame": "in-frame"}  # fmt: skip
    path = _run(tmp_path, reference, [passing, failing], [kinase])
    assert (tmp_path / "S1/fusions.vcf.gz.tbi").exists()
    with pysam.VariantFile(str(path)) as vcf:
        assert vcf.header.version == "VCFv4.4"
        records = {r.id: r for r in vcf}
        assert list(vcf.fetch("c2", 30, 45))[0].id == "FUS1_3"  # the index serves region queries
    assert set(records) == {"FUS1_5", "FUS1_3", "FUS2_5", "FUS2_3"}
    five, three = records["FUS1_5"], records["FUS1_3"]
    assert (five.chrom, five.pos, five.ref, five.alts) == ("c1", 20, "T", ("T]c2:40]",))
    assert (three.chrom, three.pos, three.ref) == ("c2", 40, "A")  # c2[39] of TTGCA repeats
    assert five.info["MATEID"] == ("FUS1_3",) and three.info["MATEID"] == ("FUS1_5",)
    assert five.info["EVENT"] == three.info["EVENT"] == ("FUS1",) and five.info["SVCLAIM"] == ("J",)
    assert five.info["VICC"] == "T1(AAA):e.3::T2(BBB):e.4" and five.info["KINASE"] == "BBB"
    assert five.info["EVENTTYPE"] == ("TRA",) and records["FUS2_5"].info["EVENTTYPE"] == ("TRA",)
    assert (five.info["GENE"], three.info["GENE"], three.info["EXON"], three.info["PARTNER"]) == (
        "AAA", "BBB", "4", "3prime")  # fmt: skip
    assert list(five.filter) == ["PASS"] and "IMPRECISE" not in five.info
    sample = five.samples["S1"]
    assert (sample["JR"], sample["SP"], sample["WT"], sample["AB"]) == (5, 2, 45, pytest.approx(0.1))
    assert sample["ABCI"] == pytest.approx((0.04, 0.2))
    failed = records["FUS2_5"]
    assert list(failed.filter) == ["min_support", "builtin_artefact"] and failed.info["IMPRECISE"] is True
    assert failed.info["FILTERS"] == ("min_support", "builtin_artefact(pairs_only)")
    assert "AB" not in failed.format and "KINASE" not in failed.info
    if shutil.which("bcftools") is None:
        pytest.skip("bcftools is not installed (Debian bcftools; `make test-deps` installs it)")
    shown = subprocess.run(["bcftools", "view", "-H", str(path)], capture_output=True, text=True, check=True)
    assert len(shown.stdout.splitlines()) == 4
    query = subprocess.run(["bcftools", "query", "-i", 'FILTER="PASS"', "-f", "%ID %INFO/MATEID\\n", str(path)],
                           capture_output=True, text=True, check=True)  # fmt: skip
    assert query.stdout.split("\n")[:2] == ["FUS1_5 FUS1_3", "FUS1_3 FUS1_5"]


def test_a_failed_input_writes_no_record_and_says_so(tmp_path, reference):
    path = _run(tmp_path, reference, [_call("c1:20:+", "c2:40:-")], [],
                status={"sample_status": "failed", "input": "failed: truncated"})  # fmt: skip
    with pysam.VariantFile(str(path)) as vcf:
        assert list(vcf) == []
        assert "##sample_status=failed" in str(vcf.header)
