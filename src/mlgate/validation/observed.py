"""The statistics of new data that the baseline checks compare, each computed once.

Every count is taken against the baseline's own cut points (its quartiles, IQR fences and decile
edges), so one vectorised pass per cut point gives everything the tests need.

Missing values are always counted on every row. The distribution, out-of-distribution and
correlation statistics of a table longer than :data:`SAMPLE_ROWS` are computed on a fixed-seed
uniform sample of that many rows: at that size the estimates are far tighter than any tolerance,
and the time stays a fraction of reading the file. (The pandera schema always sees every row.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mlgate.profiling import category_counts, finite_values, numeric_values

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

SAMPLE_ROWS = 100_000
QUANTILE_VALUES = 50_000
"""Observed quartiles (used for the effect size only) come from at most this many values, taken
at an even stride; their tests count every used value."""


def sample_rows(rows: int) -> np.ndarray | None:
    """Sorted positions of the rows the statistics use, or None for all of them."""
    import numpy as np

    if rows <= SAMPLE_ROWS:
        return None
    picks = np.random.default_rng(0).choice(rows, SAMPLE_ROWS, replace=False)
    picks.sort()
    return picks


@dataclass
class NumericObservation:
    """A numeric column of the new data, summarised against its baseline entry.

    ``rows`` and ``nulls`` cover every row; ``n`` and the statistics cover the non-missing
    values of the rows used (all, or the sample of a long table).
    """

    rows: int
    n: int
    nulls: int
    infinities: int
    """Values of +-inf: counted on every row, left out of every statistic (like missing ones)."""
    mean: float
    std: float
    quartiles: tuple[float, float, float]
    quartile_counts: tuple[int, int, int]
    bin_counts: list[int]
    below_fence: int
    above_fence: int
    below_min: int
    above_max: int
    values: np.ndarray
    """All values as float64 with NaN for missing ones, aligned with the frame's rows."""
    used: np.ndarray
    """The values of the rows used (``values`` itself, or the sample's), NaN included."""


@dataclass
class CategoricalObservation:
    """A categorical column of the new data: value counts (missing values left out)."""

    rows: int
    n: int
    nulls: int
    counts: dict[str, int]


def observe_numeric(
    series: pd.Series, base: dict[str, Any], rows: np.ndarray | None = None
) -> NumericObservation:
    """Summarise a column; ``rows`` (from :func:`sample_rows`) restricts all but the null count."""
    return observe_values(numeric_values(series), base, rows)


def observe_values(
    column: np.ndarray, base: dict[str, Any], rows: np.ndarray | None = None
) -> NumericObservation:
    """:func:`observe_numeric` of a column already made float64 (``numeric_values``).

    NumPy only, and NumPy releases the GIL in these passes over the rows, so columns may be
    observed on threads of their own; pandas is kept out (it changes the process's warning
    filters as it works, which is not safe from two threads before Python 3.14).
    """
    import numpy as np

    values, infinities = finite_values(column)
    missing = np.isnan(values)
    nulls = int(np.count_nonzero(missing)) - infinities
    used = values if rows is None else values[rows]
    x = used[~np.isnan(used)] if nulls or infinities else used
    n = int(x.size)
    if n == 0:
        nan = float("nan")
        return NumericObservation(
            len(values),
            0,
            nulls,
            infinities,
            nan,
            nan,
            (nan, nan, nan),
            (0, 0, 0),
            [],
            0,
            0,
            0,
            0,
            values,
            used,
        )
    mean = float(x.mean())
    std = float(x.std(ddof=1)) if n > 1 else 0.0
    stride = -(-n // QUANTILE_VALUES)
    quartiles = np.quantile(x[::stride] if stride > 1 else x, [0.25, 0.5, 0.75])
    quartile_counts = tuple(
        int(np.count_nonzero(x <= base[name])) for name in ("q1", "median", "q3")
    )
    edges = base.get("bins", {}).get("edges", [])
    at_or_below = [int(np.count_nonzero(x <= edge)) for edge in edges]
    cumulative = [*at_or_below, n]
    bin_counts = [cumulative[0]] + [
        cumulative[i] - cumulative[i - 1] for i in range(1, len(cumulative))
    ]
    below = int(np.count_nonzero(x < base["lower_fence"]))
    above = int(np.count_nonzero(x > base["upper_fence"]))
    return NumericObservation(
        rows=len(values),
        n=n,
        nulls=nulls,
        infinities=infinities,
        mean=mean,
        std=std,
        quartiles=(float(quartiles[0]), float(quartiles[1]), float(quartiles[2])),
        quartile_counts=quartile_counts,  # type: ignore[arg-type]
        bin_counts=bin_counts,
        below_fence=below,
        above_fence=above,
        below_min=int(np.count_nonzero(x < base["min"])),
        above_max=int(np.count_nonzero(x > base["max"])),
        values=values,
        used=used,
    )


def observe_categorical(series: pd.Series) -> CategoricalObservation:
    counts = category_counts(series)
    n = sum(counts.values())
    return CategoricalObservation(rows=len(series), n=n, nulls=len(series) - n, counts=counts)


def excess_kurtosis(values: np.ndarray) -> float:
    """Excess kurtosis of the non-missing values (0 for normal data), as the profile computes it."""
    import numpy as np

    x = values[~np.isnan(values)]
    if x.size < 4:
        return 0.0
    deviations = x - x.mean()
    m2 = float(np.mean(deviations**2))
    return float(np.mean(deviations**4) / m2**2 - 3) if m2 > 0 else 0.0
