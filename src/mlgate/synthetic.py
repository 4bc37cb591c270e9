"""Rows that meet a schema, made from its declared types and bounds: test data for any project.

A generated project's tests run every stage on a table built from ``schema.py`` (not from the
sample's values), so they pass unchanged after a user brings other data. The table is seeded,
and plausible rather than adversarial: each column takes its declared type; numbers stay inside
the schema's bounds (``ge``/``gt``/``le``/``lt``/``in_range``); ``isin`` columns draw from
their allowed values; strings are short words (``str_length`` respected); ``unique`` columns
get distinct values; nullable columns get a few gaps; the target cycles through its classes so
that every class is represented. Checks other than these are not known here: a schema that
relies on custom checks may need its test rows adjusted.

pandera can synthesise data too (``DataFrameModel.example``, from hypothesis strategies), but
its draws are not seeded, reach the extremes of each type and fill text with arbitrary unicode;
tests of a pipeline want the opposite.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class _Limits:
    low: float | None = None
    high: float | None = None
    low_strict: bool = False
    high_strict: bool = False
    allowed: list[Any] | None = None
    length: tuple[int, int] = (3, 8)


def _limits(checks: list[Any]) -> _Limits:
    found = _Limits()
    for check in checks:
        stats = getattr(check, "statistics", None) or {}
        name = getattr(check, "name", "")
        if name in ("greater_than_or_equal_to", "greater_than"):
            found.low, found.low_strict = stats.get("min_value"), name == "greater_than"
        elif name in ("less_than_or_equal_to", "less_than"):
            found.high, found.high_strict = stats.get("max_value"), name == "less_than"
        elif name == "in_range":
            found.low, found.high = stats.get("min_value"), stats.get("max_value")
            found.low_strict = not stats.get("include_min", True)
            found.high_strict = not stats.get("include_max", True)
        elif name == "isin":
            found.allowed = list(stats.get("allowed_values") or [])
        elif name == "equal_to":
            found.allowed = [stats.get("value")]
        elif name == "str_length":
            found.length = (stats.get("min_value") or 1, stats.get("max_value") or 8)
    return found


def _numbers(rng: Any, rows: int, limits: _Limits, integer: bool) -> Any:
    """Numbers inside the limits: integers anywhere in them, floats clear of both ends."""
    import math

    low, high = limits.low, limits.high
    lo = float(low) if low is not None else (0.0 if high is None else float(high) - 100.0)
    hi = float(high) if high is not None else lo + 100.0
    if integer:
        first = math.floor(lo) + 1 if limits.low_strict else math.ceil(lo)
        last = math.ceil(hi) - 1 if limits.high_strict else math.floor(hi)
        return rng.integers(first, max(first, last) + 1, rows)
    return lo + (hi - lo) * (0.05 + 0.9 * rng.random(rows))


def _words(rng: Any, rows: int, length: tuple, unique: bool, stem: str) -> list[str]:
    """Short words of an allowed length: distinct ones for a unique column, else four values."""
    shortest, longest = int(length[0]), int(length[1])
    if unique:
        width = max(shortest, len(str(rows)) + 1)
        words = [f"k{i:0{width - 1}d}" for i in range(rows)]
    else:
        words = [f"{stem[:1] or 'v'}{chr(97 + i)}".ljust(shortest, "x") for i in range(4)]
        words = [words[i] for i in rng.integers(0, len(words), rows)]
    return [word[:longest] for word in words]


def synthetic_rows(schema: Any, rows: int = 60, seed: int = 0) -> Any:
    """A DataFrame of ``rows`` rows that the pandera ``schema`` (model class or schema) accepts."""
    import numpy as np
    import pandas as pd
    import pandera.pandas as pa

    from mlgate.contract import from_schema

    if isinstance(schema, type) and issubclass(schema, pa.DataFrameModel):
        schema = schema.to_schema()
    contract = {c.name: c for c in from_schema(schema).columns}
    rng = np.random.default_rng(seed)
    data: dict[str, Any] = {}
    for name, column in schema.columns.items():
        spec = contract[str(name)]
        limits = _limits(list(column.checks))
        low, allowed = limits.low, limits.allowed
        dtype = column.dtype.type if column.dtype is not None else None
        if allowed:
            if spec.role == "target":
                values: Any = [allowed[i % len(allowed)] for i in range(rows)]
            else:
                values = [allowed[i] for i in rng.integers(0, len(allowed), rows)]
        elif spec.kind == "numeric":
            integer = pd.api.types.is_integer_dtype(dtype)
            values = _numbers(rng, rows, limits, integer)
            if spec.role == "target" and integer:
                values = np.arange(rows) % 3 + (int(low) if low is not None else 0)
            if column.unique:  # distinct values counting up from the lower bound
                start = np.floor(low) + 1 if low is not None else 1
                values = start + np.arange(rows) * (1 if integer else 0.5)
        elif spec.kind == "boolean":
            values = np.arange(rows) % 2 == 0 if spec.role == "target" else rng.random(rows) < 0.5
        elif spec.kind == "datetime":
            values = pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 730, rows), "D")
        else:
            values = _words(rng, rows, limits.length, bool(column.unique), str(name))
            if spec.role == "target":
                values = [f"class_{i % 3}" for i in range(rows)]
        series = pd.Series(values, name=name)
        if dtype is not None and spec.kind != "other":
            series = series.astype(dtype)
        if column.nullable and spec.role != "target" and not column.unique:
            gaps = np.zeros(rows, dtype=bool)
            gaps[rng.choice(rows, size=max(1, rows // 20), replace=False)] = True
            if spec.kind == "numeric" and pd.api.types.is_integer_dtype(series.dtype):
                series = series.astype("float64")
            if spec.kind == "boolean":
                series = series.astype("boolean")
            series = series.mask(gaps)
        data[str(name)] = series
    return pd.DataFrame(data)


def breakages(schema: Any) -> list[tuple[str, Any, str]]:
    """Ways to break one value of a table that meets ``schema``: (column, bad value, check).

    One per bounded or enumerated column (a value beyond its bound, or not allowed), and one
    missing value per required column; the schema must refuse each, naming the column.
    """
    import pandera.pandas as pa

    if isinstance(schema, type) and issubclass(schema, pa.DataFrameModel):
        schema = schema.to_schema()
    found: list[tuple[str, Any, str]] = []
    for name, column in schema.columns.items():
        limits = _limits(list(column.checks))
        low, high, allowed = limits.low, limits.high, limits.allowed
        if allowed:
            found.append((str(name), _not_in(allowed), "isin"))
        elif low is not None:
            found.append((str(name), low - 1 - abs(low), "lower bound"))
        elif high is not None:
            found.append((str(name), high + 1 + abs(high), "upper bound"))
        if not column.nullable:
            found.append((str(name), None, "not nullable"))
    return found


def _not_in(allowed: list[Any]) -> Any:
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in allowed):
        return max(allowed) + 1
    return "__not_allowed__"
