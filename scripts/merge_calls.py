"""Snakemake entry point: merge the callers' tables into {sample}/fusions.tsv."""

import logging

from fusion_table import empty_table, merge_callers, read_table, write_table


def main(snakemake) -> None:
    tables = {caller: read_table(path) for caller, path in zip(snakemake.params.callers, snakemake.input)}
    for caller, table in tables.items():
        logging.info("%s: %d calls", caller, len(table))
    merged = merge_callers(tables)
    logging.info("merged: %d fusion breakpoints", len(merged))
    write_table(merged if not merged.empty else empty_table(), snakemake.output[0])


if __name__ == "__main__" and "snakemake" in globals():
    from rulelog import run_rule

    run_rule(main, snakemake)  # noqa: F821
