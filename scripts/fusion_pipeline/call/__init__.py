"""Rules of workflow/rules/call.smk: the built-in caller and the adapters of Arriba and STAR-Fusion."""
