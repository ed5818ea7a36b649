"""Validation statistics: exact binomial intervals, limits of detection, agreement of abundance.

Proportions (PPA, NPA, PPV, concordance) carry Clopper-Pearson ("exact")
intervals, as CLSI EP12 and the AMP/CAP validation recommendations use; the
probit LoD follows CLSI EP17 (detection rate against log10 fraction).
"""

import numpy as np
from scipy import optimize, stats

from fusion_pipeline.common.stats import clopper_pearson


def proportion(k: int, n: int, confidence: float = 0.95) -> dict:
    """{k, n, value, ci_low, ci_high}; value and interval None when n is 0."""
    if n == 0:
        return {"k": 0, "n": 0, "value": None, "ci_low": None, "ci_high": None}
    low, high = clopper_pearson(k, n, confidence)
    return {"k": k, "n": n, "value": k / n, "ci_low": low, "ci_high": high}


def lod_by_hit_rate(hits: dict, rate: float = 0.95) -> float | None:
    """Lowest fraction detected in >= `rate` of its replicates, at it and at every higher fraction.

    `hits` maps fraction -> (detected, tested). None when even the highest fails.
    """
    lod = None
    for fraction in sorted(hits, reverse=True):
        detected, tested = hits[fraction]
        if not tested or detected / tested < rate:
            break
        lod = fraction
    return lod


def probit_lod(points: list, rate: float = 0.95) -> dict:
    """Fraction detected with probability `rate` from a probit fit on log10 fraction.

    `points` are (fraction, detected) per replicate. The maximum-likelihood
    fit exists only when detection overlaps across fractions (some level
    partly detected, or a miss above a hit); otherwise the detection curve is
    a step the data cannot place, and the reason is returned instead.
    """
    x = np.log10([f for f, _ in points])
    y = np.array([bool(d) for _, d in points], dtype=float)
    if len(points) < 3 or y.all() or not y.any():
        return {"lod": None, "reason": "every replicate detected" if y.all() and len(y) else "nothing to fit"}
    lowest_hit, highest_miss = x[y == 1].min(), x[y == 0].max()
    if highest_miss < lowest_hit:
        return {
            "lod": None,
            "reason": "detection jumps from none to all between two fractions: no probit fit",
        }

    def negative_log_likelihood(params):
        p = stats.norm.cdf(params[0] + params[1] * x).clip(1e-12, 1 - 1e-12)
        return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))

    fit = optimize.minimize(negative_log_likelihood, x0=[0.0, 1.0], method="Nelder-Mead")
    intercept, slope = fit.x
    if not fit.success or slope <= 0:
        return {"lod": None, "reason": "the probit fit did not converge to a rising curve"}
    lod = 10 ** ((stats.norm.ppf(rate) - intercept) / slope)
    return {"lod": float(lod), "reason": "", "intercept": float(intercept), "slope": float(slope)}


def abundance_agreement(true: list, measured: list) -> dict:
    """Ordinary least squares of measured on true abundance: slope, intercept, R^2; bias = mean(measured - true)."""
    true, measured = np.asarray(true, dtype=float), np.asarray(measured, dtype=float)
    if len(true) < 3 or np.ptp(true) == 0:
        return {"n": int(len(true)), "regression": "ordinary least squares, measured on true", "slope": None,
                "intercept": None, "r_squared": None, "bias": float(np.mean(measured - true)) if len(true) else None}  # fmt: skip
    fit = stats.linregress(true, measured)
    return {
        "n": int(len(true)), "regression": "ordinary least squares, measured on true",
        "slope": float(fit.slope), "intercept": float(fit.intercept), "r_squared": float(fit.rvalue**2),
        "bias": float(np.mean(measured - true)),
    }  # fmt: skip


def coefficient_of_variation(values: list) -> float | None:
    """Sample standard deviation / mean (repeatability); None below two values or at a zero mean."""
    values = np.asarray(values, dtype=float)
    if len(values) < 2 or values.mean() == 0:
        return None
    return float(values.std(ddof=1) / values.mean())
