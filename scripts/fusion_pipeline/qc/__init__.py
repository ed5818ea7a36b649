"""Rules of workflow/rules/qc.smk: QC metrics, per-kinase evaluability and the sample's status."""
