"""Interval statistics shared by abundance, resistance, QC and validation."""

import math

from scipy.stats import binomtest


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion; (nan, nan) without trials."""
    if trials <= 0:
        return math.nan, math.nan
    ci = binomtest(successes, trials).proportion_ci(confidence_level=confidence, method="wilson")
    return ci.low, ci.high


def clopper_pearson(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper-Pearson) interval of a proportion; (nan, nan) without trials."""
    if trials <= 0:
        return math.nan, math.nan
    ci = binomtest(successes, trials).proportion_ci(confidence_level=confidence, method="exact")
    return ci.low, ci.high
