"""Command line of the synthetic data generator (code: scripts/simulation/simulate.py).

python scripts/simulate.py --outdir resources/demo
"""

from simulation.simulate import main

main()
