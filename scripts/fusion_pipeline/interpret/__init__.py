"""What a sample's fusions mean: kinase annotation, frame, domain, therapies, tier and actionability (annotate_kinases), resistance hotspots (genotype_resistance)."""
