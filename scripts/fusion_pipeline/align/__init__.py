"""Rules of workflow/rules/align.smk: FASTQ checks and STAR alignment."""
