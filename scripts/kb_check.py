"""Snakemake entry point of rule kb_check: clinical transcripts proven by translation (code: scripts/reference/kb_check.py).

Run directly, it is `make kb-check`: the same check on any FASTA and GTF.
"""

import sys

from reference.kb_check import cli, main

if "snakemake" in globals():
    from common.rulelog import run_rule

    run_rule(main, snakemake)  # noqa: F821
elif __name__ == "__main__":
    sys.exit(cli())
