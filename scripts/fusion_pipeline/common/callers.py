"""The fusion caller registry: the one table the config check, the rules and the merge read.

Adding a caller means one entry here, its rule in workflow/rules/call.smk and
its reader in call/adapt_calls.py (named by `adapter`). Only the standard library
is imported: workflow/rules/common.smk reads this module while the DAG is built.
"""

from dataclasses import dataclass

from fusion_pipeline.common.errors import InputError

CALLS = "{outdir}/{sample}/callers/{caller}.tsv"  # every caller's calls in the common table columns


@dataclass(frozen=True)
class Caller:
    name: str
    output: str  # the raw output its rule writes ({outdir}, {sample})
    adapter: str | None  # reader in call/adapt_calls.py; None: the caller writes the common table itself
    priority: int  # merge: for a breakpoint found by several callers the lowest number's row is kept
    # How its version is found: its rule runs version_command and writes the version (or the command's
    # output, which version_pattern's first group parses) to version_file. No command: part of this pipeline.
    version_command: tuple = ()
    version_pattern: str | None = None
    version_file: str | None = None


REGISTRY = {
    caller.name: caller
    for caller in (
        Caller("builtin", output=CALLS.replace("{caller}", "builtin"), adapter=None, priority=0),
        Caller(
            "arriba",
            output="{outdir}/{sample}/arriba/fusions.tsv",
            adapter="read_arriba",
            priority=1,
            version_command=("arriba", "-h"),
            version_pattern=r"^Version:\s*(\S+)",
            version_file="{outdir}/{sample}/arriba/version.txt",
        ),
        Caller(
            "starfusion",
            output="{outdir}/{sample}/star-fusion/star-fusion.fusion_predictions.abridged.tsv",
            adapter="read_starfusion",
            priority=2,
            version_command=("STAR-Fusion", "--version"),
            version_pattern=r"STAR-Fusion version:\s*(\S+)",
            version_file="{outdir}/{sample}/star-fusion/version.txt",
        ),
    )
}


def merge_order() -> tuple:
    return tuple(sorted(REGISTRY, key=lambda name: REGISTRY[name].priority))


def check_callers(names: list) -> list:
    """The configured callers in merge order; an unknown name is an InputError."""
    for name in names:
        if name not in REGISTRY:
            raise InputError(f"unknown caller '{name}' (known: {', '.join(merge_order())})")
    return [name for name in merge_order() if name in names]


def adapted(names) -> list:
    """Callers whose own output is turned into the common table by an adapter."""
    return [name for name in names if REGISTRY[name].adapter]


def caller_path(pattern: str, outdir: str, sample: str = "{sample}") -> str:
    """A registry path; `sample` left as '{sample}' keeps it a Snakemake wildcard."""
    return pattern.format(outdir=outdir, sample=sample)
