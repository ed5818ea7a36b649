"""Rule sample_trend: the patient's fusions up to this sample's timepoint, the trend its report reads.

Only the samples up to its own timepoint are measured, so a later biopsy never changes an earlier
sample's report; the measurement is abundance_trend's, without the plot.
"""

from fusion_pipeline.abundance.abundance_trend import main as measure_trend


def main(snakemake) -> None:
    measure_trend(snakemake)
