"""Analytical validation of the assay: the simulated set, its scoring and its report (workflow/rules/validate.smk)."""
