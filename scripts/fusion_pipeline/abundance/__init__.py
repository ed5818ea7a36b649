"""Rules of workflow/rules/abundance.smk: fusion abundance at the breakpoints and patient trends."""
