"""``validate``: run the schema and the baseline checks over one or more datasets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.errors import InputError
from mlgate.validation.report import CheckResult, Report
from mlgate.validation.tolerances import Tolerances, resolve_tolerances

if TYPE_CHECKING:
    import pandas as pd


def validate(
    data: Any,
    schema: Any = None,
    baseline: Any = None,
    tolerances: Tolerances | Mapping[str, Any] | None = None,
    *,
    root: Path | None = None,
    privacy: Mapping[str, Any] | None = None,
    require_classification: bool | None = None,
) -> Report:
    """Validate data against a pandera schema and/or a baseline profile.

    ``data``: a DataFrame, a CSV/Parquet path, a list of those, or a mapping name -> either
    (each is checked and named in the report). ``schema``: ``"module:Model"``, a YAML path, a
    ``DataFrameModel`` class or a ``DataFrameSchema``. ``baseline``: a profile dict (from
    :func:`mlgate.profiling.build_profile`), the path of one, or a resolved
    :class:`mlgate.baseline.Baseline` (whose profile may be None: schema checks only).
    ``tolerances``: a mapping as in params.yaml ``validation:`` (see
    :mod:`mlgate.validation.tolerances`). ``root`` is where a ``module:Model`` schema of an
    uninstalled project is looked up (default: the working folder).

    Columns the schema marks as identifier or excluded (:mod:`mlgate.contract`) are checked for
    presence only against the baseline: new ids in a new batch are not drift.

    With a schema, the privacy layer runs too (``privacy``: the params.yaml section, see
    :mod:`mlgate.validation.privacy_checks`). The data judged is the processed data: a column
    the schema treats (hashed, bucketed, truncated, dropped) is checked for its treatment, not
    for its raw type and bounds. ``require_classification`` refuses a schema with an
    unclassified column (None: when any column is classified, all must be).

    Raises :class:`mlgate.errors.InputError` for data, schema or profile that cannot be used.
    """
    from mlgate.baseline import Baseline, from_file
    from mlgate.data_io import load_frame
    from mlgate.profiling import check_profile

    if isinstance(baseline, Mapping):
        baseline = Baseline("profile", check_profile(dict(baseline)), "profile (given in Python)")
    elif isinstance(baseline, str | Path):
        baseline = from_file(baseline, "file", root)
    profile = baseline.profile if baseline is not None else None
    if schema is None and profile is None:
        raise InputError(
            "nothing to validate against"
            + (f" (baseline: {baseline.label})" if baseline is not None else ""),
            hint="give a schema, a baseline profile, or both",
        )
    resolved = resolve_tolerances(tolerances)
    frames = [load_frame(item, name) for name, item in _named(data)]
    schema_name, schema_object, presence_only, contract = None, None, set(), None
    if schema is not None:
        from mlgate.contract import from_schema
        from mlgate.validation.schema_loading import load_schema

        schema_name, schema_object = load_schema(schema, root)
        contract = from_schema(schema_object, schema_name)
        if require_classification or (
            require_classification is None and len(contract.unclassified()) < len(contract.columns)
        ):
            contract.require_classified(schema_name)
        presence_only = set(contract.not_learned())
        schema_object = for_processed_data(schema_object, contract)
    if profile is not None:
        for name, df in frames:
            _check_same_columns(name, df, profile, baseline.label)
            _check_enough_to_judge(name, df, profile)
    _check_overrides(resolved, frames, profile)

    report = Report(
        schema=schema_name,
        baseline=baseline.to_dict() if baseline is not None else None,
        tolerances=resolved.to_dict(),
    )
    settings = None
    if contract is not None:
        from mlgate.validation.privacy_checks import privacy_checks, resolve_privacy

        settings = resolve_privacy(privacy)
        report.privacy = _privacy_summary(contract, settings)
    for name, df in frames:
        entry: dict[str, Any] = {"name": name, "rows": len(df), "columns": df.shape[1]}
        report.datasets.append(entry)
        if schema_object is not None:
            from mlgate.validation.schema_checks import run_schema

            report.checks.extend(run_schema(schema_object, df, name, resolved.samples))
            report.checks.extend(privacy_checks(name, df, contract, settings, resolved.samples))
        if profile is not None:
            from mlgate.validation.decision import decide

            results = baseline_checks(name, df, profile, resolved, presence_only)
            entry.update(decide(results, resolved))
            report.checks.extend(results)
    return report


def for_processed_data(schema: Any, contract: Any) -> Any:
    """The schema as processed data meet it: dropped columns gone, treated columns of any type
    and without checks (their treatment is the privacy layer's to check)."""
    treated = {c.name: c.treatment_name for c in contract.treated() if c.name in schema.columns}
    if not treated:
        return schema
    dropped = [name for name, how in treated.items() if how == "drop"]
    kept = {name: {"dtype": None, "checks": [], "nullable": True}
            for name, how in treated.items() if how != "drop"}  # fmt: skip
    schema = schema.remove_columns(dropped) if dropped else schema
    return schema.update_columns(kept) if kept else schema


def _privacy_summary(contract: Any, settings: Any) -> dict[str, Any]:
    """What the report's privacy section shows: the classification of every column, the
    treatments, what is kept out of the model, and how the scan was set."""
    levels: dict[str, list[str]] = {}
    for column in contract.columns:
        levels.setdefault(column.classification or "unclassified", []).append(column.name)
    return {
        "classifications": levels,
        "treatments": {c.name: c.treatment for c in contract.treated()},
        "kept_out_of_the_model": contract.untreated_personal_features(),
        "scan": settings.to_dict(),
    }


def _named(data: Any) -> list[tuple[str | None, Any]]:
    import pandas as pd

    if isinstance(data, pd.DataFrame | str | Path):
        return [(None, data)]
    if isinstance(data, Mapping):
        return [(str(k), v) for k, v in data.items()]
    if isinstance(data, Sequence) and data:
        return [(None, item) for item in data]
    raise InputError(
        f"cannot validate data of type {type(data).__name__}",
        hint="pass a DataFrame, a path or a list of them",
    )


def _check_same_columns(
    name: str, df: pd.DataFrame, profile: dict[str, Any], baseline: str
) -> None:
    from mlgate.baseline import describes, shared_columns

    target = profile.get("target")
    if not describes(profile, df.columns):
        shared, expected, missing = shared_columns(profile, df.columns)
        raise InputError(
            f"{name}: the baseline {baseline} was built on other columns "
            f"({shared} of its {expected} columns are here; "
            f"missing e.g. {', '.join(missing[:4])})",
            hint="if the data changed on purpose, pin a baseline of the new data with "
            "`mlgate baseline pin`; else check that the file has its header row",
        )
    if target is not None and target not in df.columns:
        raise InputError(
            f"{name}: has no target column '{target}', "
            f"which the baseline {baseline} was built with",
            hint="validate data that holds the label column, "
            "or rebuild the profile without --target",
        )


MIN_ROWS = 5
"""Fewer rows than this cannot be compared with a baseline: every statistic would be noise."""


def _check_enough_to_judge(name: str, df: pd.DataFrame, profile: dict[str, Any]) -> None:
    """Too little data to judge is said as such, never a pass and never a false alarm."""
    if len(df) < MIN_ROWS:
        raise InputError(
            f"{name}: {len(df)} row(s) are too few to compare with the baseline "
            f"(at least {MIN_ROWS} are needed); nothing was judged",
            hint="validate a whole batch, or run with --baseline none for the schema alone",
        )
    target = profile.get("target")
    if target is not None and target in df.columns and df[target].isna().all():
        raise InputError(
            f"{name}: the target '{target}' is missing in every row, so the labels cannot be "
            "compared with the baseline; nothing was judged",
            hint="validate labelled data, or a baseline profiled without --target",
        )


def _check_overrides(
    tolerances: Tolerances, frames: list[tuple[str, Any]], profile: dict[str, Any] | None
) -> None:
    """A per-column tolerance for a column that exists nowhere is a typo, not a no-op."""
    known = {str(c) for _, df in frames for c in df.columns}
    known |= set((profile or {}).get("columns", {}))
    unknown = sorted(set(tolerances.columns) - known)
    if unknown:
        from mlgate.errors import ConfigError

        also = f" (also: {', '.join(unknown[1:])})" if len(unknown) > 1 else ""
        listed = ", ".join(sorted(known)[:12]) + (", ..." if len(known) > 12 else "")
        raise ConfigError(
            f"tolerances: columns.{unknown[0]} names no column of the data or the baseline{also}",
            hint=f"columns are: {listed}",
        )


def baseline_checks(
    name: str,
    df: pd.DataFrame,
    profile: dict[str, Any],
    tolerances: Tolerances,
    presence_only: set[str] | frozenset[str] = frozenset(),
) -> list[CheckResult]:
    """Every check against the profile, for one dataset, in layer order.

    Columns in ``presence_only`` (identifiers, excluded columns) are checked for presence only.
    """
    from mlgate.profiling import column_kind
    from mlgate.validation import (
        correlation_checks,
        distribution_checks,
        ood_checks,
        structure_checks,
    )
    from mlgate.validation.observed import observe_categorical, sample_rows

    structure: list[CheckResult] = []
    distribution: list[CheckResult] = []
    ood: list[CheckResult] = []
    usable: set[str] = set()
    arrays = {}
    columns = {str(c): c for c in df.columns}
    base_rows = int(profile["rows"])
    rows = sample_rows(len(df))
    kinds = {c: column_kind(df[columns[c]]) for c in profile["columns"] if c in columns}
    # the numeric columns the loop below observes: numeric then and now, counted, judged
    numeric = {
        column: df[columns[column]]
        for column, kind in kinds.items()
        if kind == profile["columns"][column]["kind"] == "numeric"
        and profile["columns"][column].get("count")
        and column not in presence_only
    }
    observed, duplicates = _passes_over_rows(name, df, numeric, profile, tolerances, rows)
    for column, base in profile["columns"].items():
        if column not in columns:
            structure.append(structure_checks.column_present(name, column, False, base["kind"]))
            continue
        series = df[columns[column]]
        structure.append(structure_checks.column_present(name, column, True, base["kind"]))
        kind = kinds[column]
        if base["kind"] == "other" or column in presence_only:
            continue
        dtype_check = structure_checks.column_kind_matches(
            name, column, series, base, kind, tolerances.samples
        )
        structure.append(dtype_check)
        if not dtype_check.passed:
            continue
        if kind == "numeric":
            obs = observed[column] if base.get("count") else None
            nulls = obs.nulls if obs is not None else int(series.isna().sum())
            if obs is not None and obs.infinities:
                structure.append(
                    structure_checks.infinite_values(name, column, series, obs.infinities, base)
                )
            if obs is not None:
                usable.add(column)
                arrays[column] = obs.used
                distribution.extend(
                    distribution_checks.numeric_checks(name, column, obs, base, tolerances)
                )
                ood.append(ood_checks.outside_fences(name, column, series, obs, base, tolerances))
                ood.append(ood_checks.outside_range(name, column, series, obs, base, tolerances))
        else:
            cat = observe_categorical(series)
            nulls = cat.nulls
            distribution.extend(
                distribution_checks.categorical_checks(name, column, cat, base, tolerances)
            )
            ood.append(ood_checks.unseen_categories(name, column, series, cat, base, tolerances))
        structure.append(
            structure_checks.null_rate(name, column, series, nulls, base, base_rows, tolerances)
        )
    structure.append(duplicates)
    correlation = correlation_checks.correlation_checks(
        name, df, profile, usable, tolerances, arrays, rows
    )
    return [c for c in (*structure, *distribution, *ood, *correlation) if c is not None]


MAX_WORKERS = 4
"""Threads for the passes over every row: one per core, up to this many."""


def _threads() -> int:
    """Worker threads: the cores this process may run on, up to :data:`MAX_WORKERS`."""
    import os

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(MAX_WORKERS, cores or 1))


def _passes_over_rows(
    name: str,
    df: pd.DataFrame,
    numeric: dict[str, pd.Series],
    profile: dict[str, Any],
    tolerances: Tolerances,
    rows: Any,
) -> tuple[dict[str, Any], CheckResult | None]:
    """The observation of each of the ``numeric`` columns, and the duplicate-rows check: the
    work of :func:`baseline_checks` that reads every row.

    The columns are observed on worker threads, one per core (NumPy releases the GIL in those
    passes), while this thread counts the duplicate rows with pandas. What each returns is what
    one thread returns.
    """
    from concurrent.futures import ThreadPoolExecutor

    from mlgate.profiling import numeric_values
    from mlgate.validation.observed import observe_values
    from mlgate.validation.structure_checks import duplicate_rows

    values = {column: numeric_values(series) for column, series in numeric.items()}
    with ThreadPoolExecutor(max_workers=_threads()) as pool:
        observed = {
            column: pool.submit(observe_values, column_values, profile["columns"][column], rows)
            for column, column_values in values.items()
        }
        duplicates = duplicate_rows(name, df, profile, tolerances)
        return {c: each.result() for c, each in observed.items()}, duplicates
