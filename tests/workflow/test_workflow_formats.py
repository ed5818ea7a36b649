"""Issue 28: the demo's calls in the formats a lab's systems read: VICC names in every output, a VCF per sample."""

import json
import shutil
import subprocess

import pysam
import pytest
from helpers import SEEDS

from fusion_pipeline.common.fusion_table import read_table


def test_every_output_names_each_seed_fusion_by_its_vicc_name(demo_run):
    out = demo_run["out"]
    for fusion, (sample, exon5, exon3, _) in SEEDS.items():
        call = read_table(out / sample / "fusions.tsv").set_index("fusion").loc[fusion]
        gene5, gene3 = fusion.split("::")
        expected = f"{call['transcript5']}({gene5}):e.{exon5}::{call['transcript3']}({gene3}):e.{exon3}"
        assert call["vicc_name"] == expected, fusion
        kinase = read_table(out / sample / "kinase_fusions.tsv").set_index("fusion").loc[fusion]
        assert kinase["vicc_name"] == expected, fusion
        report = json.loads((out / sample / "report.json").read_text())
        assert next(f for f in report["kinase_fusions"] if f["fusion"] == fusion)["vicc_name"] == expected
        assert expected in (out / sample / "report.html").read_text()


def test_every_sample_writes_a_vcf_whose_passing_breakends_are_its_passing_calls(demo_run):
    out = demo_run["out"]
    for sample in sorted({s for s, *_ in SEEDS.values()} | {"S6", "S8"}):
        path = out / sample / "fusions.vcf.gz"
        calls = read_table(out / sample / "fusions.tsv")
        with pysam.VariantFile(str(path)) as vcf:
            records = list(vcf)
            status = json.loads((out / sample / "report.json").read_text())["status"]["sample_status"]
            assert f"##sample_status={status}" in str(vcf.header)
        assert len(records) == 2 * len(calls), sample
        passing = {r.info["VICC"] for r in records if list(r.filter) == ["PASS"]}
        assert passing == set(calls.loc[calls["pass"] == "yes", "vicc_name"]), sample
        by_id = {r.id: r for r in records}
        for record in records:
            mate = by_id[record.info["MATEID"][0]]
            assert mate.info["EVENT"] == record.info["EVENT"] and mate.info["MATEID"][0] == record.id
    if shutil.which("bcftools") is None:
        pytest.skip("bcftools is not installed (Debian bcftools; `make test-deps` installs it)")
    for sample in ("S1", "S3", "S8"):
        subprocess.run(["bcftools", "view", "-H", str(out / sample / "fusions.vcf.gz")], check=True,
                       capture_output=True)  # fmt: skip


def test_each_seed_fusion_shows_the_reads_across_its_junction(demo_run):
    out = demo_run["out"]
    for fusion, (sample, *_) in SEEDS.items():
        report = json.loads((out / sample / "report.json").read_text())
        view = next(f for f in report["kinase_fusions"] if f["fusion"] == fusion)["evidence_view"]
        assert view.get("error") is None and view["fragments"] >= 1 and view["reads"] >= view["fragments"], (
            fusion
        )
        html = (out / sample / "report.html").read_text()
        assert f'aria-label="Reads across the junction of {fusion}"' in html, fusion
