"""Shared code of every stage: errors, YAML and table I/O, statistics, the transcript model, sample sheet and knowledge base."""
