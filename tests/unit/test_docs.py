"""The documentation stays true to the code and navigable: the configuration table is the one generated
from the schema, README links every docs page and stays a front page, and no relative link is dead."""

import importlib.util
import re
from pathlib import Path

# the repository root, wherever under tests/ this file sits (the test tiers move files between folders)
ROOT = next(folder for folder in Path(__file__).resolve().parents if (folder / "Snakefile").is_file())
README = ROOT / "README.md"
DOCS = ROOT / "docs"
USAGE = DOCS / "usage.md"
TOOL = ROOT / "scripts" / "tools" / "config_table.py"
MAX_README_LINES = 170

FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`[^`]*`")
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
EXTERNAL = ("http://", "https://", "mailto:")


def config_table():
    """scripts/tools/config_table.py as a module (scripts/tools is not a package)."""
    spec = importlib.util.spec_from_file_location("config_table", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def prose(text: str) -> str:
    """The text without code blocks and code spans: a `[x](y)` or `# x` in code is no link or heading."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def anchor(heading: str) -> str:
    """GitHub's anchor of a heading: code marks and link targets dropped, lower case, punctuation
    removed, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "")
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


def anchors(path: Path) -> set:
    seen: dict = {}
    found = set()
    for heading in HEADING.findall(FENCE.sub("", path.read_text(encoding="utf-8"))):
        slug = anchor(heading)
        found.add(f"{slug}-{seen[slug]}" if slug in seen else slug)  # GitHub numbers repeated headings
        seen[slug] = seen.get(slug, 0) + 1
    return found


def relative_links(path: Path) -> list:
    return [t for t in LINK.findall(prose(path.read_text(encoding="utf-8"))) if not t.startswith(EXTERNAL)]


def broken_links(path: Path) -> list:
    """Relative links of a Markdown file whose file, or anchor in a Markdown file, does not exist."""
    broken = []
    for target in relative_links(path):
        file_part, _, fragment = target.partition("#")
        resolved = (path.parent / file_part).resolve() if file_part else path
        if not resolved.exists():
            broken.append(target)
        elif fragment and resolved.suffix == ".md" and fragment not in anchors(resolved):
            broken.append(target)
    return broken


def pages() -> list:
    found = sorted(DOCS.glob("*.md"))
    assert found, f"no documentation pages in {DOCS}"
    return found


def test_usage_config_table_is_the_generated_one():
    tool = config_table()
    _, current, _ = tool.split(USAGE.read_text(encoding="utf-8"), str(USAGE))
    assert current == tool.table(), "run scripts/tools/config_table.py --write docs/usage.md"


def test_config_table_check_fails_on_a_stale_table(tmp_path):
    tool = config_table()
    stale = tmp_path / "usage.md"
    text = USAGE.read_text(encoding="utf-8")
    stale.write_text(text.replace("| `outdir` |", "| `output` |", 1), encoding="utf-8")
    assert tool.main(["--check", str(stale)]) == 1
    assert tool.main(["--write", str(stale)]) == 0
    assert tool.main(["--check", str(stale)]) == 0


def test_readme_links_every_docs_page():
    linked = {(README.parent / t.partition("#")[0]).resolve() for t in relative_links(README)}
    missing = [page.name for page in pages() if page.resolve() not in linked]
    assert not missing, f"README.md links no docs/{', docs/'.join(missing)}"


def test_readme_is_a_front_page():
    lines = len(README.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_README_LINES, (
        f"README.md has {lines} lines (max {MAX_README_LINES}): move text to docs/"
    )


def test_relative_links_resolve():
    checked = [README, *pages()]
    assert sum(len(relative_links(path)) for path in checked) > 0
    broken = {path.name: links for path in checked if (links := broken_links(path))}
    assert not broken, f"dead links: {broken}"


def test_dead_links_are_found(tmp_path):
    (tmp_path / "other.md").write_text("# A heading\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "[ok](other.md#a-heading) [file](missing.md) [anchor](other.md#no-such) [here](#nowhere)\n"
        "`[code](missing.md)`\n```\n[fenced](missing.md)\n```\n[web](https://example.org/x)\n",
        encoding="utf-8",
    )
    assert broken_links(page) == ["missing.md", "other.md#no-such", "#nowhere"]
