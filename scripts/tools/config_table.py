"""The configuration reference of docs/usage.md, generated from workflow/schemas/config.schema.yaml.

    config_table.py                        print the Markdown table
    config_table.py --check docs/usage.md  exit 1 (one line) when the table in the file is not the generated one
    config_table.py --write docs/usage.md  replace the table in the file with the generated one

The table sits between the lines START and END below. The schema is the only source: a key documented
by hand drifts from the defaults the workflow applies, a generated one cannot.
"""

import argparse
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = Path(__file__).resolve().parent / "../../workflow/schemas/config.schema.yaml"
START = "<!-- config-table:start -->"
END = "<!-- config-table:end -->"
HEADER = ["| key | type | default | description |", "|---|---|---|---|"]


def flow(value) -> str:
    """A default as it would be written in config.yaml (YAML flow style)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value if value else '""'
    if isinstance(value, list):
        return "[" + ", ".join(flow(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {flow(item)}" for key, item in value.items()) + "}"
    return str(value)


def bounds(node: dict) -> str:
    """Range and choices of a value, e.g. '>= 1', '> 0, <= 1', '`quick`, `full`'."""
    parts = []
    for key, sign in (
        ("minimum", ">="),
        ("exclusiveMinimum", ">"),
        ("maximum", "<="),
        ("exclusiveMaximum", "<"),
    ):
        if key in node:
            parts.append(f"{sign} {node[key]}")
    if "enum" in node:
        parts.append(", ".join(f"`{flow(choice)}`" for choice in node["enum"]))
    return ", ".join(parts)


def type_cell(node: dict) -> str:
    kind = node.get("type", "")
    if kind == "array" and isinstance(node.get("items"), dict):
        item = node["items"]
        inner = " ".join(
            part for part in (item.get("type", ""), f"({bounds(item)})" if bounds(item) else "") if part
        )
        kind = f"array of {inner}" if inner else "array"
    limits = bounds(node)
    if not kind:  # an enum alone (validation.set.fusions[].expected_actionable) has no type keyword
        return limits
    return f"{kind} ({limits})" if limits else kind


def cell(text: str) -> str:
    """One table cell: the schema's folded lines joined, pipes escaped so they do not end the cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def rows(node: dict, prefix: str = "", required=()) -> list:
    """One row per key, depth first in schema order, with nested objects, array items and per-name maps."""
    out = []
    for name, child in node.get("properties", {}).items():
        path = f"{prefix}{name}"
        description = child.get("description", "")
        if "propertyNames" in child and "enum" in child["propertyNames"]:
            names = ", ".join(f"`{n}`" for n in child["propertyNames"]["enum"])
            description = f"{description} Keys: {names}.".strip()
        if "default" in child:
            default = f"`{flow(child['default'])}`"
        else:
            default = "required" if name in required else "unset"
        out.append(f"| `{path}` | {cell(type_cell(child))} | {cell(default)} | {cell(description)} |")
        out += rows(child, f"{path}.", child.get("required", ()))
        items = child.get("items")
        if isinstance(items, dict) and "properties" in items:
            out += rows(items, f"{path}[].", items.get("required", ()))
        extra = child.get("additionalProperties")
        if isinstance(extra, dict) and "properties" in extra:  # resources: one entry per rule name
            out += rows(extra, f"{path}.<rule>.", extra.get("required", ()))
    return out


def table(schema_path: Path = SCHEMA) -> str:
    schema = yaml.safe_load(schema_path.read_text(encoding="utf-8"))
    return "\n".join(HEADER + rows(schema, "", schema.get("required", ()))) + "\n"


def split(text: str, path: str) -> tuple:
    """(before, table, after) around the marker lines; ValueError names what is missing."""
    lines = text.splitlines(keepends=True)
    marks = [i for i, line in enumerate(lines) if line.strip() in (START, END)]
    if len(marks) != 2 or lines[marks[0]].strip() != START:
        raise ValueError(f"{path}: needs one line {START} followed by one line {END}")
    start, end = marks
    return "".join(lines[: start + 1]), "".join(lines[start + 1 : end]), "".join(lines[end:])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--check", metavar="MARKDOWN", help="exit 1 when the table in this file is out of date"
    )
    group.add_argument("--write", metavar="MARKDOWN", help="rewrite the table in this file")
    args = parser.parse_args(argv)
    generated = table()
    if not (args.check or args.write):
        sys.stdout.write(generated)
        return 0
    path = args.check or args.write
    try:
        before, current, after = split(Path(path).read_text(encoding="utf-8"), path)
    except (OSError, ValueError) as err:
        print(f"ERROR: {err}", file=sys.stderr)
        return 1
    if args.check:
        if current != generated:
            print(
                f"{path}: the config table differs from {SCHEMA.resolve().relative_to(ROOT)}; "
                f"run scripts/tools/config_table.py --write {path}",
                file=sys.stderr,
            )
            return 1
        return 0
    Path(path).write_text(before + generated + after, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
