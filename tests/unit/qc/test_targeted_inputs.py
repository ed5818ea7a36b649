"""Targeted panels (issue 24, item 4): inputs and QC checked before heavy work.

The panel's genes resolved against the GTF when the workflow starts
(abundance/targeted.py), the UMIs checked on the first reads of every sample
(align/umi_check.py), the targeted QC gates (qc/gates.py, qc/metrics.py) and
molecules counted per ligation position (abundance/molecules.py).
"""

import gzip

import pytest
from helpers import ROOT

from fusion_pipeline.align.umi_check import umi_problem, umi_verdict
from fusion_pipeline.common.errors import InputError
from fusion_pipeline.common.panel import alias_table, check_panel_genes, gtf_genes
from fusion_pipeline.common.qc_gates import GATES, QcSettings, gate_failures, gates_for
from fusion_pipeline.common.yamlio import load_yaml
from fusion_pipeline.qc.qc_metrics import METRIC_COLUMNS, metric_columns, panel_metrics

KINASES = load_yaml(str(ROOT / "config/kinases.yaml"))


def _gene(chrom, start, end, name, extra=""):
    return (f'{chrom}\tsim\tgene\t{start}\t{end}\t.\t+\t.\tgene_id "ID{name}"; gene_name "{name}";{extra}\n'
            f'{chrom}\tsim\texon\t{start}\t{end}\t.\t+\t.\tgene_id "ID{name}"; gene_name "{name}"; '
            f'transcript_id "T{name}";\n')  # fmt: skip


@pytest.fixture
def gtf(tmp_path):
    path = tmp_path / "annotation.gtf"
    path.write_text("#!genome-build test\n" + _gene("chr1", 1001, 8905, "NTRK1") + _gene("chr1", 20001, 30000, "TPM3")
                    + _gene("chr2", 1001, 9000, "ALK", ' gene_synonym "CD246"; gene_synonym "NBLST3";'))  # fmt: skip
    return str(path)


def _panel(tmp_path, *names, chrom="chr1", start=5472, end=5495):
    path = tmp_path / "panel.bed"
    path.write_text("track name=panel\n" + "".join(f"{chrom}\t{start}\t{end}\t{n}\t0\t+\n" for n in names))
    return str(path)


def test_gene_rows_and_synonyms_are_read(gtf):
    genes, synonyms = gtf_genes(gtf)
    assert genes == {"NTRK1": [("chr1", 1001, 8905)], "TPM3": [("chr1", 20001, 30000)],
                     "ALK": [("chr2", 1001, 9000)]}  # fmt: skip
    assert synonyms == {"CD246": {"ALK"}, "NBLST3": {"ALK"}}


def test_a_gtf_without_gene_rows_names_genes_by_their_rows(tmp_path):
    path = tmp_path / "ucsc.gtf"
    path.write_text('chr1\tucsc\texon\t100\t200\t.\t+\t.\tgene_id "NTRK1"; transcript_id "NM_1";\n'
                    'chr1\tucsc\texon\t500\t900\t.\t+\t.\tgene_id "NTRK1"; transcript_id "NM_1";\n')  # fmt: skip
    assert gtf_genes(str(path))[0] == {"NTRK1": [("chr1", 100, 900)]}


def test_a_good_panel_passes(tmp_path, gtf):
    targets = check_panel_genes(_panel(tmp_path, "NTRK1_exon11", "NTRK1"), gtf, KINASES)
    assert [(t.gene, t.line) for t in targets] == [("NTRK1", 2), ("NTRK1", 3)]


def test_an_alias_is_an_error_naming_the_gene_meant(tmp_path, gtf):
    panel = _panel(tmp_path, "NTRK1_exon10", "TRKA_exon11")
    with pytest.raises(InputError) as err:
        check_panel_genes(panel, gtf, KINASES)
    assert str(err.value) == (
        f"panel {panel} line 3: TRKA is not a gene of {gtf} (did you mean NTRK1? TRKA is its alias)"
    )


def test_an_alias_of_two_genes_names_both_and_a_synonym_of_the_gtf_is_used(tmp_path, gtf):
    with pytest.raises(InputError, match=r"line 2: TRK is not a gene of .* \(did you mean NTRK1 or TPM3\? "
                       r"TRK is an alias of each\)"):  # fmt: skip
        check_panel_genes(_panel(tmp_path, "TRK"), gtf, KINASES)
    with pytest.raises(
        InputError, match=r"CD246 is not a gene of .*\(did you mean ALK\? CD246 is its synonym in"
    ):
        check_panel_genes(_panel(tmp_path, "CD246", chrom="chr2"), gtf, KINASES)


def test_an_unknown_gene_a_wrong_case_and_a_target_outside_its_gene_are_errors(tmp_path, gtf):
    with pytest.raises(InputError) as err:
        check_panel_genes(_panel(tmp_path, "FOO_exon1", "ntrk1"), gtf, KINASES)
    assert str(err.value).endswith(f"line 2: FOO is not a gene of {gtf}; 1 more: line 3 (ntrk1)")
    with pytest.raises(
        InputError, match=r"ntrk1 is not a gene of .* \(did you mean NTRK1\? gene names are case"
    ):
        check_panel_genes(_panel(tmp_path, "ntrk1"), gtf, KINASES)
    with pytest.raises(InputError, match=r"line 2: target NTRK1_exon11 \(chr2:5473-5495\) lies outside NTRK1 in "
                       r".* \(chr1:1001-8905\): another genome build"):  # fmt: skip
        check_panel_genes(_panel(tmp_path, "NTRK1_exon11", chrom="chr2"), gtf, KINASES)


def test_the_knowledge_base_aliases_resolve_to_its_genes():
    table = alias_table(KINASES)
    assert table["TRKA"] == ["NTRK1"] and table["TRKC"] == ["NTRK3"] and table["ROS"] == ["ROS1"]
    assert sorted(table["TRK"]) == ["NTRK1", "TPM3"]
    genes = set(KINASES["aliases"])
    assert set(KINASES["genes"]) <= genes  # every whitelisted kinase has its entry
    assert not genes & set(table), "an alias must not be a gene of the table itself"
    with pytest.raises(InputError, match="aliases: NTRK1 needs a list"):
        alias_table({"aliases": {"NTRK1": "TRKA"}})


def _fastq(path, names, length=20):
    with gzip.open(path, "wt") as fh:
        fh.write("".join(f"@{n}\n{'A' * length}\n+\n{'I' * length}\n" for n in names))
    return str(path)


def test_reads_without_umis_fail_the_check_with_the_file_and_read_named(tmp_path):
    good = _fastq(
        tmp_path / "g.fq.gz", [f"A00123:8:H:1:1101:{i}:2000:ACGT+GGCC 1:N:0:TTAG" for i in range(5)]
    )
    bare = _fastq(tmp_path / "b.fq.gz", ["r1_ACGTACGT", "A00123:8:H:1:1101:1000:2000 1:N:0:ACGTACGT"])
    umi = {"location": "read_name"}
    assert umi_problem(good, good, umi) is None
    assert umi_problem(bare, bare, umi).startswith(
        f"{bare}: read 'A00123:8:H:1:1101:1000:2000' (record 2) has no UMI after the last ':' or '_' of its name"
    )
    ok = {"read_pairs": 2, "status": "ok", "reason": "."}
    failed = umi_verdict(ok, bare, bare, umi)
    assert (failed["status"], failed["read_pairs"]) == ("failed", 2) and bare in failed["reason"]
    broken = {"read_pairs": 0, "status": "failed", "reason": "truncated"}
    assert umi_verdict(broken, bare, bare, umi) is broken  # the first problem found stands


def test_a_umi_at_the_start_of_a_read_needs_a_longer_read(tmp_path):
    short = _fastq(tmp_path / "s.fq.gz", ["r1", "r2"], length=8)
    long = _fastq(tmp_path / "l.fq.gz", ["r1", "r2"], length=30)
    assert umi_problem(long, short, {"location": "read1_prefix", "length": 8}) is None
    assert "record 1) has 8 bases, not more than its 8-base UMI (umi.location read2_prefix" in umi_problem(
        long, short, {"location": "read2_prefix", "length": 8}
    )


GOOD_PANEL = {"aligned_read_pairs": 5447, "uniquely_mapped_pct": 83.3, "too_short_pct": 0.1,
              "duplication_pct": 95.4, "control_reads_median": 0.0, "on_target_pct": 99.7,
              "mean_family_size": 19.8, "molecules_per_target": 69.0, "control_primer_molecules_min": None}  # fmt: skip


def test_a_panel_library_is_not_held_to_whole_transcriptome_duplication_and_control_genes():
    settings = QcSettings()
    # the simulated panel: 95 % copies and no control gene in the panel, as amplicon panels are
    assert gate_failures(GOOD_PANEL, settings, "targeted") == []
    assert gate_failures(GOOD_PANEL, settings) == [
        "duplication_pct 95.4 (needs <= 90.0)",
        "control_reads_median 0.0 (needs >= 100)",
    ]
    metrics = {g[0] for g in gates_for("targeted")}
    assert {"duplication_pct", "control_reads_median"}.isdisjoint(metrics)
    assert {"aligned_read_pairs", "too_short_pct", "control_primer_molecules_min", "on_target_pct"} <= metrics
    assert gates_for("whole_transcriptome") == GATES and all(g[3] for g in gates_for("targeted"))


@pytest.mark.parametrize(
    "change, reason",
    [({"molecules_per_target": 4.2}, "molecules_per_target 4.2 (needs >= 10.0)"),
     ({"control_primer_molecules_min": 7}, "control_primer_molecules_min 7 (needs >= 10)"),
     ({"on_target_pct": 31.0}, "on_target_pct 31.0 (needs >= 50.0)"),
     ({"mean_family_size": 1.04}, "mean_family_size 1.04 (needs >= 1.5)")],
)  # fmt: skip
def test_a_failed_panel_library_fails_its_own_gates(change, reason):
    assert gate_failures({**GOOD_PANEL, **change}, QcSettings(), "targeted") == [reason]


def test_panel_metrics_from_the_panel_qc_tables(tmp_path):
    summary, targets = tmp_path / "panel_qc_mqc.tsv", tmp_path / "panel_targets.tsv"
    summary.write_text("sample\tread_pairs\ton_target_read_pairs\ton_target_pct\tmolecules\tmean_family_size\n"
                       "T1\t5447\t5431\t99.71\t281\t19.33\n")  # fmt: skip
    targets.write_text("sample\ttarget\tgene\tchrom\tstart\tend\tread_pairs\tmolecules\n"
                       "T1\tNTRK1_exon11\tNTRK1\tchr1\t1\t2\t2000\t101\nT1\tGAPDH_ctl\tGAPDH\tchr1\t1\t2\t90\t9\n"
                       "T1\tACTB_ctl\tACTB\tchr1\t1\t2\t900\t40\n")  # fmt: skip
    metrics = panel_metrics(str(summary), str(targets), list(QcSettings().control_genes))
    assert metrics == {"on_target_pct": 99.71, "mean_family_size": 19.33, "molecules_per_target": 50.0,
                       "control_primer_molecules_min": 9}  # fmt: skip
    assert set(metrics) <= set(metric_columns("targeted")) and not set(metrics) & set(METRIC_COLUMNS)
    assert metric_columns() == METRIC_COLUMNS  # whole-transcriptome tables keep their columns
    assert gate_failures({**GOOD_PANEL, **metrics}, QcSettings(), "targeted") == [
        "control_primer_molecules_min 9 (needs >= 10)"
    ]
    targets.write_text(
        "sample\ttarget\tgene\tchrom\tstart\tend\tread_pairs\tmolecules\nT1\tx\tNTRK1\tc\t1\t2\t.\t.\n"
    )
    summary.write_text(
        "sample\ton_target_pct\tmean_family_size\nT1\t.\t.\n"
    )  # an input that failed: nothing counted
    assert set(panel_metrics(str(summary), str(targets), ["ACTB"]).values()) == {None}


def test_umis_one_substitution_apart_at_two_ligation_sites_are_two_molecules():
    pytest.importorskip("umi_tools")
    from fusion_pipeline.common.molecules import count_molecules

    umis = ["AAAACCCC"] * 20 + ["AAAACCCT"] * 3  # directional: the smaller family would join the larger
    assert count_molecules(umis) == 1
    primer = (0, 5494, True)  # every molecule of the target starts at its primer
    here, there = ((0, 4188, False), primer), ((0, 4469, False), primer)  # (ligation end, primer end)
    assert count_molecules(umis, positions=[here] * 20 + [there] * 3) == 2
    assert count_molecules(umis, positions=[here] * 23) == 1  # one site: a UMI error, as before
