"""Rules of workflow/rules/reference.smk: STAR index, FASTA index and the knowledge-base check."""
