"""MultiQC over the run's QC files, through MultiQC's Python API.

Called as a script so that `--sdm conda` runs envs/multiqc.yaml's MultiQC and the
default path runs the one installed beside the pipeline's Python; nothing is
looked up on PATH while the workflow is parsed.
"""

import contextlib
import logging
import os
import sys

from fusion_pipeline.common.errors import ToolError

MODULES = ["star", "fastp", "custom_content"]


def input_dirs(paths) -> list:
    """The folders holding the QC files, each once (MultiQC searches folders)."""
    return sorted({os.path.dirname(path) for path in paths})


def main(snakemake) -> None:
    import multiqc
    from multiqc.core.update_config import ClConfig

    outdir = os.path.dirname(snakemake.output[0])
    config = ClConfig(
        output_dir=outdir, force=True, make_data_dir=False, prepend_dirs=True, dirs_depth=2,
        run_modules=MODULES, no_ansi=True, no_version_check=True, no_ai=True,
    )  # fmt: skip
    dirs = input_dirs(snakemake.input)
    logging.info("MultiQC %s on %d folders", multiqc.__version__, len(dirs))
    with contextlib.redirect_stdout(sys.stderr):  # MultiQC's progress goes to the rule's log
        result = multiqc.run(*dirs, cfg=config, interactive=False)
    if result.sys_exit_code:
        raise ToolError(f"MultiQC failed: {result.message or 'see ' + snakemake.log[0]}")
    if not os.path.isfile(snakemake.output[0]):
        raise ToolError(f"MultiQC wrote no report at {snakemake.output[0]}")
