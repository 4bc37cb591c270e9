"""Tolerances: how far new data may drift from the baseline before a check fails.

A statistical check fails only when *both* its effect size exceeds the tolerance *and* its test
rejects "same distribution" at level ``alpha / m``, ``m`` being the number of tested checks on
the dataset (Bonferroni: ``alpha`` bounds the chance that clean data fails any of them). The
effect size keeps huge datasets from failing on trivial shifts; the test keeps small datasets
from failing on noise. Checks without a test
(a missing column, an unseen category) fail on the effect size alone.

Set them in params.yaml (``validation:``) or pass a mapping; ``null`` turns a check off, and
``columns: {name: {...}}`` overrides any tolerance for one column.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mlgate.errors import ConfigError

DEFAULTS: dict[str, float | int | None] = {
    "alpha": 0.01,
    "null_rate": 0.01,
    "duplicate_rows": 0.45,
    "mean_shift": 0.25,
    "std_ratio": 1.5,
    "quantile_shift": 0.25,
    "psi": 0.2,
    "category_shift": 0.1,
    "outlier_rate": 0.02,
    "out_of_range": 0.01,
    "unseen_categories": 0.0,
    "target_correlation": 0.2,
    "feature_correlation": 0.2,
    "failure_samples": 5,
}
"""Every tolerance and its default (docs/validation.md explains each)."""

DESCRIPTIONS: dict[str, str] = {
    "alpha": "chance that clean data fails any statistical check of a dataset (Bonferroni)",
    "null_rate": "largest rise in a column's share of missing values over the baseline",
    "duplicate_rows": "largest rise in the share of rows that repeat an earlier row",
    "mean_shift": "largest |mean - baseline mean|, in baseline standard deviations",
    "std_ratio": "largest ratio (either way) of the standard deviation to the baseline's",
    "quantile_shift": "largest move of q1, median or q3, in baseline standard deviations",
    "psi": "largest population stability index over the baseline's decile bins",
    "category_shift": "largest change in any category's share of rows",
    "outlier_rate": "largest rise in the share of values beyond the baseline IQR fences",
    "out_of_range": "largest share of values below the baseline's minimum or above its maximum",
    "unseen_categories": "largest share of rows holding a category the baseline never had",
    "target_correlation": "largest change in a feature's correlation with the target",
    "feature_correlation": "largest change in the correlation between two features",
    "failure_samples": "failing rows or values kept per failed check in the report",
}

_NOT_PER_COLUMN = ("alpha", "duplicate_rows", "failure_samples")


@dataclass(frozen=True)
class Tolerances:
    """Resolved tolerances: the defaults, then the user's values, then per-column overrides."""

    values: dict[str, Any] = field(default_factory=lambda: dict(DEFAULTS))
    columns: dict[str, dict[str, Any]] = field(default_factory=dict)

    def get(self, name: str, column: str | None = None) -> Any:
        """The tolerance ``name`` for ``column`` (None: the check is off)."""
        if column is not None and column in self.columns and name in self.columns[column]:
            return self.columns[column][name]
        return self.values[name]

    @property
    def alpha(self) -> float:
        return float(self.values["alpha"])

    @property
    def samples(self) -> int:
        value = self.values["failure_samples"]
        return 0 if value is None else int(value)

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = dict(self.values)
        if self.columns:
            result["columns"] = {k: dict(v) for k, v in self.columns.items()}
        return result


def resolve_tolerances(
    given: Tolerances | Mapping[str, Any] | None, source: str = "tolerances"
) -> Tolerances:
    """Tolerances from a mapping (params.yaml ``validation:``), checking every key and value."""
    if isinstance(given, Tolerances):
        return given
    given = dict(given or {})
    columns_given = given.pop("columns", None) or {}
    values = dict(DEFAULTS)
    for key, value in given.items():
        values[key] = _checked(key, value, source)
    if values["alpha"] is None:
        raise ConfigError(f"{source}: alpha cannot be null", hint="use a level such as 0.001")
    if not isinstance(columns_given, Mapping):
        raise ConfigError(f"{source}: 'columns' must map column names to tolerances")
    columns: dict[str, dict[str, Any]] = {}
    for column, overrides in columns_given.items():
        if not isinstance(overrides, Mapping):
            raise ConfigError(f"{source}: columns.{column} must be a mapping of tolerances")
        for key in overrides:
            if key in _NOT_PER_COLUMN:
                raise ConfigError(
                    f"{source}: columns.{column}.{key}: '{key}' applies to the whole table"
                )
        columns[str(column)] = {
            key: _checked(key, value, f"{source}: columns.{column}")
            for key, value in overrides.items()
        }
    return Tolerances(values=values, columns=columns)


def _checked(key: str, value: Any, source: str) -> Any:
    if key not in DEFAULTS:
        raise ConfigError(
            f"{source}: unknown tolerance '{key}'",
            hint=f"known tolerances: {', '.join(DEFAULTS)}, columns",
        )
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{source}: {key} must be a number or null, got {value!r}")
    if value < 0 or (key == "alpha" and not 0 < value < 1) or (key == "std_ratio" and value < 1):
        limits = {"alpha": "between 0 and 1", "std_ratio": "at least 1"}.get(key, "at least 0")
        raise ConfigError(f"{source}: {key} = {value!r} must be {limits}")
    return int(value) if key == "failure_samples" else float(value)
