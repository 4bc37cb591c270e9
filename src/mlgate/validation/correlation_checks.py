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

    k = len(columns)
    base_pairs = features.get("pairs")
    if base_pairs is None:  # every pair: the full matrix, one product
        matrix = correlation_matrix(values)
        target_r = [float(matrix[i, k]) for i in range(k)] if with_target else []
        pairs = [
            (i, j, base_matrix[position[columns[i]]][position[columns[j]]], float(matrix[i, j]))
            for i in range(k)
            for j in range(i + 1, k)
        ]
    else:  # a wide table: the target's and the strong pairs' correlations only
        unit = unit_columns(values)
        target_r = list(unit[:, :k].T @ unit[:, k]) if with_target else []
        index = {c: i for i, c in enumerate(columns)}
        chosen = [
            (index[base_columns[a]], index[base_columns[b]], r)
            for a, b, r in base_pairs
            if base_columns[a] in index and base_columns[b] in index
        ]
        observed = (unit[:, [a for a, _, _ in chosen]] * unit[:, [b for _, b, _ in chosen]]).sum(0)
        pairs = [(a, b, r, float(o)) for (a, b, r), o in zip(chosen, observed, strict=True)]
    for i, r in enumerate(target_r):
        column = columns[i]
        tolerance = tolerances.get("target_correlation", column)
        change(column, str(target), "target_correlation", base_target.get(column), float(r),
               tolerance)  # fmt: skip
    for i, j, base_r, r in pairs:
        tolerance = _pair_tolerance(tolerances, columns[i], columns[j])
        change(columns[i], columns[j], "feature_correlation", base_r, r, tolerance)
    return results


def unit_columns(values: list[np.ndarray]) -> np.ndarray:
    """The columns centred and scaled to length 1: a dot product of two is their correlation
    (NaN for a constant column)."""
    import numpy as np

    matrix = np.column_stack(values).astype(np.float64, copy=True)
    matrix -= matrix.mean(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        matrix /= np.sqrt((matrix**2).sum(axis=0))
    return matrix


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
