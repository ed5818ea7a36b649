"""Command line of the synthetic data generator (code: scripts/fusion_pipeline/simulation/simulate.py).

python scripts/tools/simulate.py --outdir resources/demo [--profile demo|ffpe|gauntlet|targeted]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # scripts/, home of the library

from fusion_pipeline.simulation.simulate import main  # noqa: E402

main()
