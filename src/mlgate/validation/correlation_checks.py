"""Layer 4: correlation with the target and between features, against the baseline's.

Pearson correlations of values clipped to the baseline's IQR fences (as the profile computes
them), on the rows where every compared column is present, one dot product per pair; Fisher's
z-test says whether a change is more than sampling noise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mlgate.profiling import clip_to_fences, complete_rows, correlation_matrix, numeric_values
from mlgate.validation import stats
from mlgate.validation.report import CheckResult

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from mlgate.validation.tolerances import Tolerances

LAYER = "correlation"


def correlation_checks(
    dataset: str,
    df: pd.DataFrame,
    profile: dict[str, Any],
    usable: set[str],
    tolerances: Tolerances,
    arrays: dict[str, np.ndarray] | None = None,
    rows: np.ndarray | None = None,
) -> list[CheckResult]:
    """Feature-target and feature-feature checks over the baseline's numeric features.

    ``usable`` names the columns present and numeric in ``df``; ``arrays`` may hold their
    float64 values already taken at ``rows`` (a long table's sample; None: every row).
    """
    correlations = profile.get("correlations", {})
    features = correlations.get("features", {})
    base_columns: list[str] = features.get("columns", [])
    base_matrix = features.get("matrix", [])
    base_n = int(correlations.get("rows", 0))
    target = profile.get("target")
    base_target: dict[str, float | None] = correlations.get("target", {})
    columns = [c for c in base_columns if c in usable]
    if not columns or base_n <= 3:
        return []
    arrays = arrays or {}
    entries = profile["columns"]

    def at_rows(x: np.ndarray) -> np.ndarray:
        return x if rows is None else x[rows]

    values = [
        clip_to_fences(arrays[c] if c in arrays else at_rows(numeric_values(df[c])), entries[c])
        for c in columns
    ]
    positive = correlations.get("target_positive_class")
    with_target = (
        bool(base_target) and target in df.columns and (positive is not None or target in usable)
    )
    if with_target:
        coded = at_rows(_target_values(df[target], profile))
        values.append(coded if positive is not None else clip_to_fences(coded, entries.get(target)))
    values = complete_rows(values)
    n = int(values[0].size)
    if n <= 3:
        return []
    matrix = correlation_matrix(values)
    position = {c: base_columns.index(c) for c in columns}
    results = []

    def change(column: str, other: str, check: str, base_r, r: float, tolerance) -> None:
        """One correlation compared with the baseline's (skipped when off or undefined)."""
        if tolerance is None or base_r is None or r != r:
            return
        effect, p = stats.correlation_change(base_r, base_n, r, n)
        results.append(
            CheckResult(
                LAYER, dataset, column, check,
                passed=True,
                baseline=base_r, observed=r, tolerance=tolerance, effect=effect, p_value=p,
                other_column=other,
            )
        )  # fmt: skip

    if with_target:
        k = len(columns)
        for i, column in enumerate(columns):
            tolerance = tolerances.get("target_correlation", column)
            change(column, str(target), "target_correlation", base_target.get(column),
                   float(matrix[i, k]), tolerance)  # fmt: skip
    for i, first in enumerate(columns):
        for j in range(i + 1, len(columns)):
            second = columns[j]
            base_r = base_matrix[position[first]][position[second]]
            tolerance = _pair_tolerance(tolerances, first, second)
            change(first, second, "feature_correlation", base_r, float(matrix[i, j]), tolerance)
    return results


def _pair_tolerance(tolerances: Tolerances, first: str, second: str) -> float | None:
    """A pair takes the looser of its two columns' tolerances; off if either turns it off."""
    a, b = (
        tolerances.get("feature_correlation", first),
        tolerances.get("feature_correlation", second),
    )
    if a is None or b is None:
        return None
    return max(a, b)


def _target_values(series: pd.Series, profile: dict[str, Any]) -> np.ndarray:
    """The target coded as the profile coded it (see :func:`mlgate.profiling.target_codes`)."""
    import numpy as np

    positive = profile.get("correlations", {}).get("target_positive_class")
    if positive is None:
        return numeric_values(series)
    text = series.astype(object).map(lambda v: None if v is None or v != v else str(v))
    return np.where(series.isna().to_numpy(), np.nan, (text == positive).to_numpy(dtype=np.float64))
