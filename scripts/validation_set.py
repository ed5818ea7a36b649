"""Write the simulated validation set a validation config asks for (`make validate`).

    python scripts/validation_set.py --configfile config/validation.yaml

Reads `validation.set` (profile quick|full, optional fractions, depths,
replicates, negatives, seed, data folder) and writes the genome, GTF, reads,
samples.tsv and validation_truth.tsv there (scripts/validation/design.py).
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import yaml  # noqa: E402
from validation.design import profile_from_config, write_validation_set  # noqa: E402


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
    written = write_validation_set(data, profile, seed=settings.get("seed", 1))
    print(
        f"validation set ({settings.get('profile', 'full')}): {written['samples']} samples, "
        f"{written['fusions']} true fusions, truth in {written['truth']} ({time.perf_counter() - start:.0f} s)"
    )


if __name__ == "__main__":
    main()
