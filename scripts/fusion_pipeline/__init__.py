"""The kinase-fusion pipeline library: one package per stage, in pipeline order, over common."""
