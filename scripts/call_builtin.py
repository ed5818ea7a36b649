"""Snakemake entry point of rule call_builtin: the built-in caller on STAR's chimeric output (code: scripts/call/builtin_caller.py)."""

from call.builtin_caller import main
from common.rulelog import run_rule

run_rule(main, snakemake)  # noqa: F821
