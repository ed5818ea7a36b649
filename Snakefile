from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/reference.smk"
include: "workflow/rules/align.smk"
include: "workflow/rules/call.smk"
include: "workflow/rules/abundance.smk"
include: "workflow/rules/qc.smk"
include: "workflow/rules/interpret.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/validate.smk"


check_resource_sections()


onstart:
    lock_outdir()


onsuccess:
    end_of_run()


rule all:
    default_target: True
    input:
        final_outputs(),
