"""Layer 1 against the baseline profile: columns present, their kind, missing values, duplicates.

These need no schema: the profile says which columns the training data had, whether each was
numeric or categorical, and how often it was missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mlgate.validation import stats
from mlgate.validation.report import CheckResult

if TYPE_CHECKING:
    import pandas as pd

    from mlgate.validation.tolerances import Tolerances

LAYER = "schema"


def column_present(dataset: str, column: str, present: bool, base_kind: str) -> CheckResult:
    return CheckResult(
        LAYER,
        dataset,
        column,
        "column_present",
        passed=present,
        baseline="present",
        observed="present" if present else "missing",
        message=None if present else "column missing from the data",
    )


def column_kind_matches(
    dataset: str, column: str, series: pd.Series, base: dict[str, Any], kind: str, samples: int
) -> CheckResult:
    """The column is still numeric (or still categorical) as in the baseline."""
    passed = kind == base["kind"]
    sample = None
    if not passed and base["kind"] == "numeric":
        sample = _unparsable_numbers(series, samples)
    return CheckResult(
        LAYER,
        dataset,
        column,
        "dtype",
        passed=passed,
        baseline=f"{base['kind']} ({base['dtype']})",
        observed=f"{kind} ({series.dtype})",
        sample=sample,
        message=None if passed else f"was {base['kind']}, now {kind}",
    )


def _unparsable_numbers(series: pd.Series, samples: int) -> list[dict[str, Any]]:
    """Rows whose value does not read as a number: why a numeric column became text."""
    import pandas as pd

    parsed = pd.to_numeric(series, errors="coerce")
    bad = series[parsed.isna() & series.notna()].head(samples)
    return [{"row": _label(row), "value": value} for row, value in bad.items()]


def null_rate(
    dataset: str,
    column: str,
    series: pd.Series,
    nulls: int,
    base: dict[str, Any],
    base_rows: int,
    tolerances: Tolerances,
) -> CheckResult | None:
    tolerance = tolerances.get("null_rate", column)
    if tolerance is None:
        return None
    rows = len(series)
    effect, p = stats.rate_rise(base["null_rate"], base_rows, nulls, rows)

    def sampler(limit: int) -> list[dict[str, Any]]:
        rows_missing = series.index[series.isna().to_numpy()][:limit]
        return [{"row": _label(row), "value": None} for row in rows_missing]

    return CheckResult(
        LAYER,
        dataset,
        column,
        "null_rate",
        passed=True,
        baseline=base["null_rate"],
        observed=nulls / rows if rows else 0.0,
        tolerance=tolerance,
        effect=effect,
        p_value=p,
        failing_count=nulls,
        sampler=sampler,
    )


def infinite_values(
    dataset: str, column: str, series: pd.Series, count: int, base: dict[str, Any]
) -> CheckResult:
    """+-inf where the baseline had none: a broken computation upstream (a division by zero),
    never a measurement. Any rise fails; the rows are sampled."""
    import numpy as np

    rows = len(series)
    base_rate = base.get("infinities", 0) / max(int(base.get("count", 0)) + base.get("nulls", 0), 1)
    rate = count / rows if rows else 0.0

    def sampler(limit: int) -> list[dict[str, Any]]:
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        found = series.index[np.isinf(values)][:limit]
        return [{"row": _label(row), "value": str(series.loc[row])} for row in found]

    passed = rate <= base_rate
    return CheckResult(
        LAYER,
        dataset,
        column,
        "infinite_values",
        passed=passed,
        baseline=base_rate,
        observed=rate,
        failing_count=count,
        sample=None if passed else sampler(5),
        message=None if passed else f"{count} infinite value(s)",
    )


def duplicate_rows(
    dataset: str, df: pd.DataFrame, profile: dict[str, Any], tolerances: Tolerances
) -> CheckResult | None:
    from mlgate.profiling import duplicate_rows_mask

    tolerance = tolerances.get("duplicate_rows")
    if tolerance is None:
        return None
    columns = [c for c in df.columns if str(c) in profile["columns"]]
    mask = duplicate_rows_mask(df[columns])
    count = int(mask.sum())
    base_rate = float(profile.get("duplicate_rate", 0.0))
    effect, p = stats.rate_rise(base_rate, int(profile["rows"]), count, len(df))

    def sampler(limit: int) -> list[dict[str, Any]]:
        return [
            {"row": _label(row), "value": "repeats an earlier row"}
            for row in df.index[mask][:limit]
        ]

    return CheckResult(
        LAYER,
        dataset,
        None,
        "duplicate_rows",
        passed=True,
        baseline=base_rate,
        observed=count / len(df),
        tolerance=tolerance,
        effect=effect,
        p_value=p,
        failing_count=count,
        sampler=sampler,
    )


def _label(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value
