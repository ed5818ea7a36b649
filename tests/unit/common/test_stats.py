"""The shared intervals (common/stats.py) agree with scipy.stats.binomtest's, which they replace at run time."""

import math

import pytest
from scipy.stats import binomtest

from fusion_pipeline.common.stats import clopper_pearson, wilson_interval

CASES = [(k, n) for n in (1, 2, 5, 20, 100, 517) for k in sorted({0, 1, n // 3, n // 2, n - 1, n})]


@pytest.mark.parametrize("confidence", [0.95, 0.9])
@pytest.mark.parametrize("successes,trials", CASES)
def test_intervals_equal_scipy_binomtest(successes, trials, confidence):
    test = binomtest(successes, trials)
    for ours, method in ((wilson_interval, "wilson"), (clopper_pearson, "exact")):
        expected = test.proportion_ci(confidence_level=confidence, method=method)
        low, high = ours(successes, trials, confidence)
        assert low == pytest.approx(expected.low, abs=1e-9), (method, successes, trials)
        assert high == pytest.approx(expected.high, abs=1e-9), (method, successes, trials)


def test_no_trials_gives_no_interval():
    for interval in (wilson_interval, clopper_pearson):
        assert all(math.isnan(x) for x in interval(0, 0))
