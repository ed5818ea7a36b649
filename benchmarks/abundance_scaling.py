"""Abundance step benchmark: wild-type counting cost vs number of fusions and BAM size.

    .venv/bin/python benchmarks/abundance_scaling.py

Writes coordinate-sorted, indexed BAMs of 100 bp reads at the same local
depth (the genome grows with the read count, as a deeper or longer run
would), then counts wild-type fragments at N breakpoints with region queries.
If the step scanned the BAM, time would follow the BAM size; with region
queries it follows the number of fusions.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pysam

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from fusion_pipeline.common.wild_type import CountSettings, wild_type_fragments  # noqa: E402

READ = 100
DEPTH = 200  # reads covering any base


def write_bam(path: str, reads: int, seed: int = 3) -> int:
    length = reads * READ // DEPTH + READ
    header = {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": "chrB", "LN": length}]}
    starts = np.sort(np.random.default_rng(seed).integers(0, length - READ, reads))
    with pysam.AlignmentFile(path, "wb", header=header) as out:
        for i, start in enumerate(starts):
            read = pysam.AlignedSegment(out.header)
            read.query_name = f"r{i}"
            read.query_sequence = "A" * READ
            read.flag = 0
            read.reference_id = 0
            read.reference_start = int(start)
            read.mapping_quality = 255
            read.cigartuples = [(0, READ)]
            read.next_reference_id = -1
            read.next_reference_start = -1
            out.write(read)
    pysam.index(path)
    return length


def time_counts(path: str, length: int, fusions: int) -> float:
    positions = np.linspace(1000, length - 1000, fusions).astype(int)
    settings = CountSettings()
    start = time.perf_counter()
    with pysam.AlignmentFile(path) as bam:
        for pos in positions:
            wild_type_fragments(bam, "chrB", int(pos), 1, settings)
    return time.perf_counter() - start


def main() -> None:
    print(f"{'BAM reads':>10} {'BAM MB':>7} {'fusions':>8} {'seconds':>8} {'ms/fusion':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for reads in (200_000, 2_000_000):
            path = os.path.join(tmp, f"{reads}.bam")
            length = write_bam(path, reads)
            size = os.path.getsize(path) / 1e6
            for fusions in (10, 100, 1000):
                seconds = time_counts(path, length, fusions)
                print(
                    f"{reads:>10,} {size:>7.1f} {fusions:>8} {seconds:>8.3f} {1000 * seconds / fusions:>10.2f}"
                )


if __name__ == "__main__":
    main()
