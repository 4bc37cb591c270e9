"""The statistical tests behind the baseline checks, on summary statistics of the baseline.

A profile keeps summaries, not the baseline sample, so each test compares the new sample with
what the profile holds. Every function returns ``(effect, p_value)``: the effect size the
tolerance applies to and the p-value of the test (see :mod:`mlgate.validation.tolerances`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

# The p-values of the normal and chi-square tests come from scipy.special's ndtr and chdtrc,
# the functions scipy.stats.norm.sf and chi2.sf evaluate, without their per-call overhead
# (~20 us each, and the checks call them by the hundred on every validation).

_FLOOR = 1e-4
"""Smallest share a bin or category is given, so that an empty one does not divide by zero."""


def mean_shift(
    base_mean: float, base_std: float, base_n: int, mean: float, std: float, n: int
) -> tuple[float, float]:
    """Standardised mean difference (in baseline std) and Welch's t-test p-value."""
    from scipy import stats

    if base_std == 0:
        return (0.0, 1.0) if mean == base_mean else (math.inf, 0.0)
    effect = abs(mean - base_mean) / base_std
    if n < 2 or base_n < 2:
        return effect, 1.0
    if std == 0 and base_std == 0:
        return effect, 1.0
    result = stats.ttest_ind_from_stats(base_mean, base_std, base_n, mean, std, n, equal_var=False)
    return effect, _p(result.pvalue)


def std_ratio(
    base_std: float, base_n: int, std: float, n: int, kurtosis: float = 0.0
) -> tuple[float, float]:
    """max(ratio, 1/ratio) of the standard deviations and a kurtosis-adjusted two-sided p.

    The F-test assumes normal data and cries wolf on heavy tails. This is the large-sample
    test of ``log(s^2 / s0^2)``, whose variance per sample is ``2/(n-1) + kurtosis/n`` with the
    baseline's excess kurtosis (Box; Layard), so heavy-tailed columns need more evidence.
    """
    from scipy import special

    if base_std == 0 or std == 0:
        return (1.0, 1.0) if base_std == std else (math.inf, 0.0)
    ratio = std / base_std
    effect = max(ratio, 1 / ratio)
    if n < 3 or base_n < 3:
        return effect, 1.0
    excess = max(float(kurtosis), -1.0)
    variance = max(2 / (n - 1) + excess / n, 1 / n) + max(
        2 / (base_n - 1) + excess / base_n, 1 / base_n
    )
    z = math.log(ratio**2) / math.sqrt(variance)
    return effect, _p(2 * special.ndtr(-abs(z)))


def quantile_shift(
    base_value: float,
    base_std: float,
    base_share: float,
    base_n: int,
    value: float,
    at_or_below: int,
    n: int,
) -> tuple[float, float]:
    """Move of a quantile in baseline std, and a two-sample test of the share at or below it.

    ``base_share`` is the baseline's share of values at or below ``base_value``; ``at_or_below``
    counts the new values at or below it. The test compares the two shares (chi-square on the
    2x2 table), since the baseline's share is itself estimated from ``base_n`` rows.
    """
    if base_std == 0:
        effect = 0.0 if value == base_value else math.inf
    else:
        effect = abs(value - base_value) / base_std
    base_count = round(base_share * base_n)
    return effect, _two_samples([base_count, base_n - base_count], [at_or_below, n - at_or_below])


def psi(base_fractions: Sequence[float], base_n: int, counts: Sequence[int]) -> tuple[float, float]:
    """Population stability index over the baseline's bins, and a chi-square homogeneity p."""
    import numpy as np

    expected = np.maximum(np.asarray(base_fractions, dtype=float), _FLOOR)
    expected /= expected.sum()
    observed = np.asarray(counts, dtype=float)
    n = observed.sum()
    if n == 0:
        return 0.0, 1.0
    shares = np.maximum(observed / n, _FLOOR)
    index = float(np.sum((shares - expected) * np.log(shares / expected)))
    base_counts = np.rint(np.asarray(base_fractions, dtype=float) * base_n)
    return index, _two_samples(base_counts, observed)


def category_shift(
    base_frequencies: Sequence[float], base_n: int, counts: Sequence[int]
) -> tuple[float, float]:
    """Largest change in any category's share, and a chi-square homogeneity p-value.

    Both are over the baseline's categories (unseen ones are the out-of-distribution check's).
    """
    import numpy as np

    expected = np.asarray(base_frequencies, dtype=float)
    expected = expected / expected.sum()
    observed = np.asarray(counts, dtype=float)
    n = observed.sum()
    if n == 0 or len(observed) < 2:
        return 0.0, 1.0
    effect = float(np.max(np.abs(observed / n - expected)))
    return effect, _two_samples(np.rint(expected * base_n), observed)


def rate_rise(base_rate: float, base_n: int, count: int, n: int) -> tuple[float, float]:
    """Rise of a rate (missing values, outliers, duplicates) over the baseline's, and its p.

    The p-value compares the two rates (chi-square on the 2x2 table).
    """
    if n == 0:
        return 0.0, 1.0
    effect = count / n - base_rate
    base_count = round(base_rate * base_n)
    return effect, _two_samples([base_count, base_n - base_count], [count, n - count])


def beyond_range(base_n: int, count: int, n: int) -> tuple[float, float]:
    """Share of new values beyond the baseline's [min, max], and a one-sided binomial p.

    If new values come from the baseline's distribution, each lands beyond the range of
    ``base_n`` baseline values with chance ``2 / (base_n + 1)``.
    """
    from scipy import stats

    if n == 0:
        return 0.0, 1.0
    chance = min(2 / (base_n + 1), 1.0)
    return count / n, _p(stats.binomtest(int(count), int(n), chance, alternative="greater").pvalue)


def _two_samples(first: Sequence[float], second: Sequence[float]) -> float:
    """p-value of the chi-square test that two count vectors share one distribution."""
    import numpy as np
    from scipy import special

    table = np.asarray([first, second], dtype=float)
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2 or (table.sum(axis=1) == 0).any():
        return 1.0
    # scipy.stats.chi2_contingency's statistic (with Yates' correction on 2x2 tables),
    # computed here because the tests run by the hundred and its per-call overhead adds up
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    deviation = np.abs(table - expected)
    if table.shape[1] == 2:
        deviation = np.maximum(deviation - 0.5, 0.0)
    statistic = float(np.sum(deviation**2 / expected))
    return _p(special.chdtrc(table.shape[1] - 1, statistic))


def correlation_change(base_r: float, base_n: int, r: float, n: int) -> tuple[float, float]:
    """|r - baseline r| and the two-sided p-value of Fisher's z-test for two correlations."""
    from scipy import special

    effect = abs(r - base_r)
    if n <= 3 or base_n <= 3:
        return effect, 1.0
    clip = 1 - 1e-12
    z = (
        math.atanh(max(-clip, min(clip, r))) - math.atanh(max(-clip, min(clip, base_r)))
    ) / math.sqrt(1 / (n - 3) + 1 / (base_n - 3))
    return effect, _p(2 * special.ndtr(-abs(z)))


def _p(value: float) -> float:
    value = float(value)
    return 1.0 if math.isnan(value) else value
