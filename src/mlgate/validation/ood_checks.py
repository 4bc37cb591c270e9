"""Layer 3: out of distribution: numbers beyond the baseline's IQR fences, categories never seen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mlgate.validation import stats
from mlgate.validation.report import CheckResult

if TYPE_CHECKING:
    import pandas as pd

    from mlgate.validation.observed import CategoricalObservation, NumericObservation
    from mlgate.validation.tolerances import Tolerances

LAYER = "out_of_distribution"


def outside_fences(
    dataset: str,
    column: str,
    series: pd.Series,
    obs: NumericObservation,
    base: dict[str, Any],
    tolerances: Tolerances,
) -> CheckResult | None:
    """The share of values beyond ``q1 - 1.5 IQR`` / ``q3 + 1.5 IQR`` of the baseline."""
    tolerance = tolerances.get("outlier_rate", column)
    if tolerance is None or obs.n == 0 or "lower_fence" not in base:
        return None
    count = obs.below_fence + obs.above_fence
    effect, p = stats.rate_rise(base["outside_fences_rate"], int(base["count"]), count, obs.n)
    return _outside_interval(
        dataset, column, series, obs, "outside_fences", "fences",
        low=base["lower_fence"], high=base["upper_fence"], count=count,
        baseline=base["outside_fences_rate"], tolerance=tolerance, effect=effect, p_value=p,
    )  # fmt: skip


def outside_range(
    dataset: str,
    column: str,
    series: pd.Series,
    obs: NumericObservation,
    base: dict[str, Any],
    tolerances: Tolerances,
) -> CheckResult | None:
    """The share of values below the baseline's minimum or above its maximum."""
    tolerance = tolerances.get("out_of_range", column)
    if tolerance is None or obs.n == 0 or "min" not in base:
        return None
    count = obs.below_min + obs.above_max
    effect, p = stats.beyond_range(int(base["count"]), count, obs.n)
    return _outside_interval(
        dataset, column, series, obs, "outside_range", "range",
        low=base["min"], high=base["max"], count=count,
        baseline=[base["min"], base["max"]], tolerance=tolerance, effect=effect, p_value=p,
    )  # fmt: skip


def _outside_interval(
    dataset: str,
    column: str,
    series: pd.Series,
    obs: NumericObservation,
    check: str,
    interval: str,
    *,
    low: float,
    high: float,
    count: int,
    baseline: Any,
    tolerance: float,
    effect: float,
    p_value: float | None,
) -> CheckResult:
    """A check on the share of values outside ``[low, high]``; failing rows sampled on demand."""
    import numpy as np

    def sampler(limit: int) -> list[dict[str, Any]]:
        values = obs.values
        positions = np.flatnonzero((values < low) | (values > high))[:limit]
        return [{"row": _label(series.index[i]), "value": float(values[i])} for i in positions]

    return CheckResult(
        LAYER,
        dataset,
        column,
        check,
        passed=True,
        baseline=baseline,
        observed=count / obs.n,
        tolerance=tolerance,
        effect=effect,
        p_value=p_value,
        failing_count=count,
        sampler=sampler,
        message=f"{interval} [{low:.4g}, {high:.4g}]",
    )


def unseen_categories(
    dataset: str,
    column: str,
    series: pd.Series,
    obs: CategoricalObservation,
    base: dict[str, Any],
    tolerances: Tolerances,
) -> CheckResult | None:
    """The share of rows whose category the baseline never had."""
    tolerance = tolerances.get("unseen_categories", column)
    if tolerance is None or obs.n == 0:
        return None
    known = base.get("frequencies", {})
    unseen = {key: count for key, count in obs.counts.items() if key not in known}
    count = sum(unseen.values())
    effect = count / obs.n

    def sampler(limit: int) -> list[dict[str, Any]]:
        names = sorted(unseen, key=lambda k: -unseen[k])[:limit]
        text = series.astype(object).map(lambda v: None if v is None or v != v else str(v))
        sample = []
        for name in names:
            rows = text.index[(text == name).to_numpy()][:1]
            sample.append(
                {
                    "row": _label(rows[0]) if len(rows) else None,
                    "value": name,
                    "count": unseen[name],
                }
            )
        return sample

    return CheckResult(
        LAYER,
        dataset,
        column,
        "unseen_categories",
        passed=True,
        baseline=len(known),
        observed=effect,
        tolerance=tolerance,
        effect=effect,
        failing_count=count,
        sampler=sampler,
        message=f"{len(unseen)} unseen categor{'y' if len(unseen) == 1 else 'ies'}"
        if unseen
        else None,
    )


def _label(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value
