"""The layout is a contract for a newcomer: rule x of workflow/rules/<stage>.smk runs scripts/x.py, which runs
scripts/fusion_pipeline/<stage>/x.py:main; stages import only the common package (import-linter, make lint)."""

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RULE = re.compile(r"^rule (\w+):\n(.*?)(?=^rule |\Z)", re.MULTILINE | re.DOTALL)
SCRIPT = re.compile(r'^    script:\n        "\.\./\.\./scripts/(\w+)\.py"', re.MULTILINE)
STAGES = ["reference", "align", "call", "abundance", "qc", "interpret", "report", "validate"]


def rules() -> list:
    """(stage, rule, entry point name or None for a shell rule) of every rule."""
    found = []
    for smk in sorted((ROOT / "workflow/rules").glob("*.smk")):
        for name, body in RULE.findall(smk.read_text()):
            script = SCRIPT.search(body)
            found.append((smk.stem, name, script.group(1) if script else None))
    return found


def test_the_rule_files_are_the_stages_in_pipeline_order():
    snakefile = (ROOT / "Snakefile").read_text()
    included = re.findall(r'^include: "workflow/rules/(\w+)\.smk"', snakefile, re.MULTILINE)
    assert included == ["common", *STAGES]
    assert sorted(p.stem for p in (ROOT / "workflow/rules").glob("*.smk")) == sorted(included)


def test_every_rule_runs_the_entry_point_and_module_of_its_own_name():
    found = rules()
    assert len(found) >= 25 and {stage for stage, _, _ in found} == set(STAGES)
    for stage, rule, script in found:
        if script is None:
            continue  # a shell rule
        assert script == rule, f"rule {rule} runs scripts/{script}.py"
        entry = ast.parse((ROOT / f"scripts/{rule}.py").read_text())
        imports = {
            (n.module, a.name) for n in ast.walk(entry) if isinstance(n, ast.ImportFrom) for a in n.names
        }
        assert (f"fusion_pipeline.{stage}.{rule}", "main") in imports, f"scripts/{rule}.py"
        module = ast.parse((ROOT / f"scripts/fusion_pipeline/{stage}/{rule}.py").read_text())
        assert "main" in {n.name for n in module.body if isinstance(n, ast.FunctionDef)}, f"{stage}/{rule}.py"


def test_every_entry_point_is_a_rules_and_the_tools_stand_apart():
    entry_points = {p.stem for p in (ROOT / "scripts").glob("*.py")}
    assert entry_points == {script for _, _, script in rules() if script}
    assert {p.stem for p in (ROOT / "scripts/tools").glob("*.py")} >= {
        "simulate",
        "validation_set",
        "kb_check",
    }


def test_the_stages_import_only_common():
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT / "scripts", capture_output=True, text=True, env={"PYTHONPATH": ".", "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert result.returncode == 0 and "1 kept, 0 broken" in result.stdout, result.stdout[-2000:]


def test_the_code_map_and_the_stage_diagram_name_every_rule():
    code_map = (ROOT / "docs/developing.md").read_text()
    readme = (ROOT / "README.md").read_text()
    diagram = readme[readme.index("```mermaid") : readme.index("```", readme.index("```mermaid") + 3)]
    for stage, rule, script in rules():
        entry = f"`scripts/{rule}.py` | `{stage}/{rule}.py`" if script else "| shell |"
        row = next(
            (line for line in code_map.splitlines() if line.startswith(f"| {stage} | `{rule}` |")), None
        )
        assert row is not None and entry in row, f"docs/developing.md has no code-map row for {stage} {rule}"
        assert re.search(rf"\b{rule}\b", diagram), f"README's stage diagram lacks {rule}"


def test_the_method_page_describes_every_filter():
    from fusion_pipeline.call.filters import NAMES
    from fusion_pipeline.call.merge_calls import MERGED_FILTERS

    method = (ROOT / "docs/method.md").read_text()
    for name in [*NAMES, *(f.name for f in MERGED_FILTERS)]:
        assert f"`{name}`" in method, f"docs/method.md does not describe filter {name}"


def test_every_rule_logs_and_benchmarks_under_its_own_name():
    for smk in sorted((ROOT / "workflow/rules").glob("*.smk")):
        for rule, body in RULE.findall(smk.read_text()):
            if rule == "all":
                continue
            log = re.search(r"^    log:\n\s+(.+)$", body, re.MULTILINE)
            assert log and f"/logs/{rule}/" in log.group(1), f"rule {rule} logs to {log and log.group(1)}"
            benchmark = re.search(r"^    benchmark:\n\s+(.+)$", body, re.MULTILINE)
            assert benchmark is None or f"/benchmarks/{rule}/" in benchmark.group(1), f"rule {rule}"
