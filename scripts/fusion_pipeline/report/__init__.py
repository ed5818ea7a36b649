"""Rules of workflow/rules/report.smk: kinase annotation, resistance hotspots, reports and the run summary."""
