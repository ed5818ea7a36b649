"""Write the simulated validation set a validation config asks for (`make validate`).

    python scripts/tools/validation_set.py --configfile config/validation.yaml

Reads `validation.set` (profile quick|full, optional fractions, depths,
replicates, negatives, seed, data folder) and writes the genome, GTF, reads,
samples.tsv and validation_truth.tsv there (scripts/fusion_pipeline/simulation/validation_set.py).
With `validation.set.genome: reference` the set is simulated from the
config's own `reference` (the lab's FASTA and GTF, which the run then uses
as they are) with the fusions of `validation.set.fusions`; no genome is
written, and a fusion out of frame on the chosen transcripts is named in a
one-line warning (its expected_actionable becomes no unless given).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # scripts/, home of the library

from fusion_pipeline.simulation.validation_set import cli  # noqa: E402

cli()
