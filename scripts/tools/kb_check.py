"""`make kb-check`: the knowledge base's clinical transcripts proven by translation on any FASTA and GTF.

python scripts/tools/kb_check.py --fasta genome.fa --gtf genes.gtf [--out kb_check.tsv]
(code: scripts/fusion_pipeline/reference/kb_check.py, the same check rule kb_check runs)
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # scripts/, home of the library

from fusion_pipeline.reference.kb_check import cli  # noqa: E402

sys.exit(cli())
