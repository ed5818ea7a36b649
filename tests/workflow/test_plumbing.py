"""Workflow plumbing a cluster sees (issue 12): resources, a light parse, pinned envs, what reruns."""

import re
import sys
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, run_workflow, workflow_env, write_config

HEAVY = ("pandas", "pysam", "numpy", "scipy", "pyarrow", "jinja2", "matplotlib", "multiqc", "intervaltree")


SHOW_JOBS = ("--quiet", "progress")  # the default profile's quiet: [rules] hides the job blocks parsed here


def dry_run_jobs(stdout: str) -> list:
    """[{rule, wildcards, threads, resources}] of every job a dry run prints."""
    jobs = []
    for block in re.split(r"\n(?=\s*\[[^\]]*\d{4}\]\n)", stdout):
        rule = re.search(r"^\s*(?:local)?rule (\w+):", block, re.M)
        if not rule:
            continue
        fields = dict(re.findall(r"^\s+(wildcards|threads|resources): (.*)$", block, re.M))
        resources = dict(
            item.split("=", 1) for item in fields.get("resources", "").split(", ") if "=" in item
        )
        jobs.append({"rule": rule.group(1), "wildcards": fields.get("wildcards", ""),
                     "threads": int(fields.get("threads", 1)), "resources": resources})  # fmt: skip
    return jobs


def job(jobs: list, rule: str, sample: str = "S1") -> dict:
    return next(j for j in jobs if j["rule"] == rule and f"sample={sample}" in j["wildcards"])


@pytest.fixture
def demo_config(tmp_path, demo_data):
    def write(**extra):
        data = demo_data["workdir"] / "data"
        write_config(tmp_path, str(data / "genome.fa"), str(data / "genes.gtf"), samples=str(data / "samples.tsv"),
                     callers=["builtin", "arriba"], **extra)  # fmt: skip
        return tmp_path

    return write


def test_each_rule_gets_its_own_resources_and_overrides_win(demo_config):
    workdir = demo_config()
    result = run_workflow(workdir, "-n", *SHOW_JOBS)
    assert result.returncode == 0, result.stderr[-2000:]
    jobs = dry_run_jobs(result.stdout)
    arriba, star, report = job(jobs, "arriba"), job(jobs, "star_align"), job(jobs, "write_report")
    assert (arriba["resources"]["mem_mb"], arriba["resources"]["runtime"]) == ("8000", "60")
    assert star["threads"] == 2 and star["resources"]["runtime"] == "240"
    assert int(star["resources"]["mem_mb"]) >= 2000  # derived from the genome size
    assert (report["resources"]["mem_mb"], report["resources"]["runtime"]) == ("2000", "30")
    # a sample's steps after STAR go to a cluster as one job (Arriba, heavy, on its own)
    group = result.stdout.split("Group job interpret_S5 ", 1)[1].split("Group job", 1)[0]
    assert set(re.findall(r"^\s+rule (\w+):", group, re.M)) == {
        "call_builtin", "adapt_calls", "merge_calls", "measure_abundance", "qc_metrics", "kinase_evaluability",
        "annotate_kinases", "genotype_resistance", "sample_trend", "draw_evidence", "write_report", "write_vcf",
    }  # fmt: skip

    # config `resources:` over the rule's default, Snakemake's own flags over both
    workdir = demo_config(resources={"write_report": {"mem_mb": 3000}, "arriba": {"runtime": 90}})
    result = run_workflow(
        workdir, "-n", *SHOW_JOBS, "--set-resources", "arriba:mem_mb=12000", "--set-threads", "star_align=1"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    jobs = dry_run_jobs(result.stdout)
    arriba, star, report = job(jobs, "arriba"), job(jobs, "star_align"), job(jobs, "write_report")
    assert (arriba["resources"]["mem_mb"], arriba["resources"]["runtime"]) == ("12000", "90")
    assert star["threads"] == 1
    assert report["resources"]["mem_mb"] == "3000"


def test_resources_for_an_unknown_rule_stop_the_run(demo_config):
    workdir = demo_config(resources={"interpret": {"mem_mb": 3000}})  # a rule that no longer exists
    result = run_workflow(workdir, "-n")
    assert result.returncode != 0
    assert "ERROR: configuration: resources.interpret is not a rule of this workflow" in result.stderr
    # trimming moved into star_align (fastp streams into STAR): the old rule's settings get a pointer
    result = run_workflow(demo_config(resources={"trim_reads": {"threads": 4}}), "-n")
    assert result.returncode != 0
    assert "resources.trim_reads: trimming now runs inside star_align" in result.stderr


def test_the_workflow_parses_without_the_analysis_stack(demo_config, tmp_path_factory):
    """`--sdm conda` on a Snakemake install without pandas & co.: they are blocked on import, and a
    stand-in `conda` answers Snakemake's installation checks (a dry run creates no environment)."""
    tools = tmp_path_factory.mktemp("light_parse")
    (tools / "sitecustomize.py").write_text(
        "import sys\n"
        f"BLOCKED = {set(HEAVY)!r}\n"
        "class Blocker:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in BLOCKED:\n"
        "            raise ImportError(f'{name} imported while parsing the workflow')\n"
        "sys.meta_path.insert(0, Blocker())\n"
    )
    conda = tools / "conda"
    conda.write_text(
        '#!/bin/sh\ncase "$*" in\n'
        '  "--version") echo "conda 24.11.3";;\n'
        '  "info --json") echo \'{"conda_prefix": "/nonexistent", "envs_dirs": [], "platform": "linux-64"}\';;\n'
        '  "config --get channel_priority --json") echo \'{"get": {"channel_priority": "strict"}}\';;\n'
        '  *) echo "stand-in conda: $*" >&2; exit 1;;\nesac\n'
    )
    conda.chmod(0o755)
    env = workflow_env(PYTHONPATH=str(tools))
    env["PATH"] = f"{tools}:{env['PATH']}"
    blocked = __import__("subprocess").run(
        [sys.executable, "-c", "import pandas"], env=env, capture_output=True
    )
    assert blocked.returncode != 0  # the blocker works
    result = run_workflow(demo_config(), "-n", "--sdm", "conda", env=env)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "write_report" in result.stdout


def _pins(path: Path) -> dict:
    dependencies = yaml.safe_load(path.read_text())["dependencies"]
    pins = {}
    for item in dependencies:
        name, _, version = str(item).partition("=")
        pins[name.strip().removesuffix("-base")] = version.strip().lstrip("=")
    return pins


def test_conda_envs_pin_the_versions_the_venv_installs():
    wanted = dict(
        line.split("==")
        for requirements in ("requirements.txt", "requirements-umi.txt")
        for line in (ROOT / requirements).read_text().splitlines()
        if "==" in line and not line.startswith("#")
    )
    wanted = {name.lower(): version for name, version in wanted.items()}
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    checked = 0
    for env in sorted((ROOT / "envs").glob("*.yaml")):
        for name, version in _pins(env).items():
            if name in wanted:
                assert version == wanted[name], (
                    f"{env.name}: {name} ={version}, requirements.txt {wanted[name]}"
                )
                checked += 1
            elif name == "python":
                assert version == python, f"{env.name}: python ={version}, the venv runs {python}"
    assert (
        checked >= 10
    )  # pysam, pandas, pyyaml, pyarrow, intervaltree, jinja2, scipy, matplotlib, multiqc, umi_tools


def test_a_new_biopsy_reruns_nothing_of_the_earlier_ones(demo_run, tmp_path):
    """P4 has S4 (timepoint 1) and S5 (2); a third timepoint runs only itself, the trend and the summary."""
    workdir = demo_run["workdir"]
    sheet = (workdir / "data/samples.tsv").read_text().splitlines()
    s6 = next(line for line in sheet if line.startswith("S6\t")).split("\t")
    columns = sheet[0].split("\t")
    s9 = dict(zip(columns, s6)) | {"sample": "S9", "patient": "P4", "timepoint": "3"}
    (tmp_path / "samples.tsv").write_text("\n".join(sheet + ["\t".join(s9[c] for c in columns)]) + "\n")
    result = run_workflow(workdir, "-n", *SHOW_JOBS, "--config", f"samples={tmp_path / 'samples.tsv'}")
    assert result.returncode == 0, result.stderr[-2000:]
    jobs = dry_run_jobs(result.stdout)
    per_sample = {j["rule"] for j in jobs if "sample=S9" in j["wildcards"]}
    assert {
        "star_align",
        "annotate_kinases",
        "genotype_resistance",
        "sample_trend",
        "write_report",
    } <= per_sample
    others = sorted({(j["rule"], j["wildcards"]) for j in jobs if "sample=S9" not in j["wildcards"]})
    assert others == [("abundance_trend", "patient=P4"), ("all", ""), ("multiqc", ""), ("run_summary", "")]
