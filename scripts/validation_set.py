"""Write the simulated validation set a validation config asks for (`make validate`).

    python scripts/validation_set.py --configfile config/validation.yaml

Reads `validation.set` (profile quick|full, optional fractions, depths,
replicates, negatives, seed, data folder) and writes the genome, GTF, reads,
samples.tsv and validation_truth.tsv there (scripts/validation/design.py).
With `validation.set.genome: reference` the set is simulated from the
config's own `reference` (the lab's FASTA and GTF, which the run then uses
as they are) with the fusions of `validation.set.fusions`; no genome is
written, and a fusion out of frame on the chosen transcripts is named in a
one-line warning (its expected_actionable becomes no unless given).
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import yaml  # noqa: E402
from validation.design import profile_from_config, write_validation_set  # noqa: E402

from common.errors import InputError  # noqa: E402


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configfile", required=True)
    args = parser.parse_args(argv)
    config = yaml.safe_load(Path(args.configfile).read_text()) or {}
    settings = (config.get("validation") or {}).get("set")
    if not settings:
        sys.exit(f"ERROR: {args.configfile}: no validation.set section (profile, data folder)")
    profile = profile_from_config(settings)
    data = settings.get("data", "validation/data")
    start = time.perf_counter()
    reference = None
    if settings.get("genome", "demo") == "reference":
        reference = config.get("reference") or {}
        if not reference.get("fasta") or not reference.get("gtf"):
            sys.exit(
                f"ERROR: {args.configfile}: validation.set.genome is reference but reference.fasta/gtf are not set"
            )
    kinases = (config.get("knowledge_base") or {}).get("kinases", "config/kinases.yaml")
    try:
        written = write_validation_set(data, profile, seed=settings.get("seed", 1), reference=reference,
                                       fusions=settings.get("fusions"), kinases_path=kinases)  # fmt: skip
    except InputError as err:
        sys.exit(f"ERROR: {err}")
    for gene, (transcript, rule) in written["transcripts"].items():
        print(f"  {gene}: exons numbered on {transcript} ({rule})")
    for line in written["warnings"]:
        print(f"WARNING: {line}", file=sys.stderr)
    where = f"on {reference['fasta']}" if reference else "on the demo genome"
    print(
        f"validation set ({settings.get('profile', 'full')}, {where}): {written['samples']} samples, "
        f"{written['fusions']} true fusions, truth in {written['truth']} ({time.perf_counter() - start:.0f} s)"
    )


if __name__ == "__main__":
    main()
