"""Layer 1 with a pandera schema: types, missing values, ranges, formats and categories.

The schema runs once, lazily, so every failure is collected; each of its checks becomes one
record in the report, failed or passed.
"""

from __future__ import annotations

from typing import Any

from mlgate.validation.report import CheckResult

LAYER = "schema"


def schema_check_names(schema: Any) -> list[tuple[str | None, str]]:
    """Every (column, check) the schema will run, in the names pandera reports failures under."""
    names: list[tuple[str | None, str]] = []
    for column_name, column in schema.columns.items():
        names.append((str(column_name), "column_in_dataframe"))
        if column.dtype is not None:
            names.append((str(column_name), "dtype"))
        if not column.nullable:
            names.append((str(column_name), "not_nullable"))
        if column.unique:
            names.append((str(column_name), "field_uniqueness"))
        names.extend((str(column_name), _check_name(check)) for check in column.checks)
    names.extend((None, _check_name(check)) for check in schema.checks)
    if schema.unique:
        names.append((None, "multiple_fields_uniqueness"))
    if schema.strict:
        names.append((None, "column_in_schema"))
    return names


def changes_data(schema: Any) -> bool:
    """Whether validating with ``schema`` may change the frame (pandera then works on a copy)."""
    if (
        schema.coerce
        or schema.parsers
        or schema.strict == "filter"
        or getattr(schema, "add_missing_columns", False)
        or getattr(schema, "drop_invalid_rows", False)
    ):
        return True
    components = [*schema.columns.values(), *([schema.index] if schema.index is not None else [])]
    indexes = getattr(schema.index, "indexes", None) or []  # a MultiIndex's levels
    return any(
        getattr(c, "coerce", False)
        or getattr(c, "parsers", None)
        or getattr(c, "default", None) is not None
        or getattr(c, "drop_invalid_rows", False)
        for c in [*components, *indexes]
    )


def _check_name(check: Any) -> str:
    return check.error or check.name or "check"


def run_schema(schema: Any, df: Any, dataset: str, samples: int) -> list[CheckResult]:
    """Validate ``df`` lazily; one :class:`CheckResult` per schema check."""
    import pandera.pandas as pa

    failures: dict[tuple[str | None, str], dict[str, Any]] = {}
    try:
        # pandera copies the whole frame first unless told it may work in place; a schema that
        # changes nothing (no coercion, parsers, defaults, added or dropped columns or rows)
        # only reads it, so the copy (as large as the data) is spared.
        schema.validate(df, lazy=True, inplace=not changes_data(schema))
    except pa.errors.SchemaErrors as error:
        failures = _group_failures(error.failure_cases, schema, samples)
    except pa.errors.SchemaError as error:  # raised for problems that stop lazy validation
        failures = {(None, "schema"): {"count": 1, "sample": [str(error)]}}

    results = []
    seen = set()
    for key in schema_check_names(schema):
        seen.add(key)
        results.append(_result(key, failures.get(key), dataset))
    for key, failure in failures.items():
        if key not in seen:
            results.append(_result(key, failure, dataset))
    return results


def _result(
    key: tuple[str | None, str], failure: dict[str, Any] | None, dataset: str
) -> CheckResult:
    column, check = key
    if failure is None:
        return CheckResult(LAYER, dataset, column, check, passed=True, observed=0, failing_count=0)
    return CheckResult(
        LAYER,
        dataset,
        column,
        check,
        passed=False,
        observed=failure["count"],
        failing_count=failure["count"],
        sample=failure["sample"],
        message=f"{failure['count']} failing value(s)",
    )


def _group_failures(
    cases: Any, schema: Any, samples: int
) -> dict[tuple[str | None, str], dict[str, Any]]:
    """(column, check) -> failing count and the first ``samples`` failing rows, vectorised."""
    import numpy as np

    context = cases["schema_context"].astype(str).to_numpy()
    column = cases["column"].astype(object).to_numpy()
    check = cases["check"].astype(str).to_numpy()
    value = cases["failure_case"].astype(object).to_numpy()
    table_level = context == "DataFrameSchema"
    missing_column = table_level & (check == "column_in_dataframe")
    # a missing column is reported against the schema, naming the column as the failure case
    keys_column = np.where(missing_column, value, np.where(table_level, None, column))
    keys_check = np.where(np.char.startswith(check.astype(str), "dtype("), "dtype", check)
    import pandas as pd

    index = cases["index"].astype(object).to_numpy()
    columns = pd.Series(keys_column, dtype=object)
    keys = pd.DataFrame(
        {"column": columns.where(columns.notna(), "\0").astype(str), "check": keys_check}
    )
    groups = keys.groupby(["column", "check"], sort=False)
    counts = groups.size()
    heads = groups.head(samples)
    grouped: dict[tuple[str | None, str], dict[str, Any]] = {}
    for (col, chk), count in counts.items():
        grouped[(None if col == "\0" else str(col), str(chk))] = {"count": int(count), "sample": []}
    for position, col, chk in zip(heads.index, heads["column"], heads["check"], strict=True):
        grouped[(None if col == "\0" else str(col), str(chk))]["sample"].append(
            {"row": _text_or_number(index[position]), "value": value[position]}
        )
    return grouped


def _text_or_number(value: Any) -> Any:
    if value is None or value != value:
        return None
    return value
