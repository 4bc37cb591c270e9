"""The baseline profile: what the training data looked like, as stable JSON.

``build_profile(df, target="label")`` returns a dict that ``mlgate validate --baseline`` compares
new data against. Format version 1 (documented in docs/validation.md)::

    {
      "format_version": 1,
      "mlgate_version": "0.1.0",
      "rows": 569,
      "content_hash": "sha256:...",       # of the values, column names and dtypes
      "duplicate_rate": 0.0,              # share of rows that repeat an earlier row
      "target": "target",                 # or null
      "columns": {
        "<numeric column>": {
          "kind": "numeric", "dtype": "float64", "count": 569, "nulls": 0, "null_rate": 0.0,
          "mean": ..., "std": ..., "min": ..., "q1": ..., "median": ..., "q3": ..., "max": ...,
          "kurtosis": ...,                                      # excess kurtosis (0: normal)
          "iqr": ..., "lower_fence": ..., "upper_fence": ...,   # q1 - 1.5 IQR, q3 + 1.5 IQR
          "outside_fences_rate": ...,                           # share beyond the fences
          "quartile_shares": [..., ..., ...],                   # share <= q1, <= median, <= q3
          "bins": {"edges": [...], "fractions": [...]}          # decile bins for PSI
        },
        "<categorical column>": {
          "kind": "categorical", "dtype": "str", "count": ..., "nulls": ..., "null_rate": ...,
          "categories": 3, "frequencies": {"a": 0.5, "b": 0.3, "c": 0.2}
        }
      },
      "correlations": {
        "method": "pearson", "rows": 569,
        "target": {"<feature>": r, ...},
        "features": {"columns": [...], "matrix": [[...], ...]}
      }
    }

Statistics ignore missing values. Correlations are Pearson's on values clipped to each column's
IQR fences (winsorised, so a handful of extreme values cannot dominate them), over the rows where
every numeric column and the target are present. Bins are ``(-inf, e1], (e1, e2], ...,
(ek, inf)`` over the baseline's deciles; ties merge bins so that no bin is empty in the baseline.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.errors import InputError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

FORMAT_VERSION = 1
FENCE_K = 1.5
"""Tukey's fences: values below ``q1 - 1.5 IQR`` or above ``q3 + 1.5 IQR`` are outside."""
DECILES = tuple(i / 10 for i in range(1, 10))


def column_kind(series: pd.Series) -> str:
    """'numeric' (ints and floats), 'categorical' (strings, categories, booleans) or 'other'."""
    import pandas as pd
    from pandas.api import types

    dtype = series.dtype
    if types.is_bool_dtype(dtype):
        return "categorical"
    if types.is_numeric_dtype(dtype) and not isinstance(dtype, pd.CategoricalDtype):
        return "numeric"
    if types.is_object_dtype(dtype) and not _holds_scalars(series):
        return "other"  # nested values (Parquet structs, lists): no categories to count
    if (
        isinstance(dtype, pd.CategoricalDtype)
        or types.is_string_dtype(dtype)
        or types.is_object_dtype(dtype)
    ):
        return "categorical"
    return "other"


def _holds_scalars(series: pd.Series) -> bool:
    """Whether an object column's first values are scalars (text, numbers), not containers."""
    for value in series.dropna().head(100):
        if not isinstance(value, str | int | float | bool | bytes):
            return False
    return True


def numeric_values(series: pd.Series) -> np.ndarray:
    """The column as float64, missing values as NaN (no copy for a float64 column)."""
    import numpy as np

    return series.to_numpy(dtype=np.float64, na_value=np.nan)


def finite_values(values: np.ndarray) -> tuple[np.ndarray, int]:
    """``values`` with +-inf made NaN (statistics ignore them), and how many there were."""
    import numpy as np

    infinite = np.isinf(values)
    count = int(np.count_nonzero(infinite))
    return (np.where(infinite, np.nan, values) if count else values), count


def category_counts(series: pd.Series) -> dict[str, int]:
    """Counts of each value, keyed by its text (JSON keys are strings); missing values left out."""
    counts = series.value_counts(dropna=True, sort=False)
    return {str(key): int(value) for key, value in counts.items()}


def finite_or_none(value: float | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def content_hash(df: pd.DataFrame, hashes: np.ndarray | None = None) -> str:
    """SHA-256 over the row hashes, the column names and the dtypes: same data, same hash."""
    digest = hashlib.sha256()
    digest.update(json.dumps([[str(c), str(t)] for c, t in df.dtypes.items()]).encode("utf-8"))
    digest.update((row_hashes(df) if hashes is None else hashes).tobytes())
    return "sha256:" + digest.hexdigest()


def row_hashes(df: pd.DataFrame) -> np.ndarray:
    """One 64-bit hash per row; equal rows have equal hashes.

    Nested values (Parquet structs and lists) are hashed by their text, as pandas cannot hash
    containers.
    """
    import pandas as pd

    nested = [c for c in df.columns if df[c].dtype == object and not _holds_scalars(df[c])]
    if nested:
        df = df.assign(**{str(c): df[c].map(repr) for c in nested})
    return pd.util.hash_pandas_object(df, index=False).to_numpy()


def duplicate_mask(hashes: np.ndarray) -> np.ndarray:
    """True for each row that repeats an earlier row (``duplicated(keep="first")``).

    By sorting, not a hash table: a stable sort keeps equal hashes in row order, so every
    hash after the first of its run repeats an earlier row. numpy sorts millions of 64-bit
    keys several times faster than pandas fills a hash table with them (4M rows: 0.03 s
    against 0.5 s), whose cost grows faster than the rows once it outgrows the CPU's caches.
    """
    import numpy as np

    mask = np.zeros(len(hashes), dtype=bool)
    if len(hashes) < 2:
        return mask
    order = np.argsort(hashes, kind="stable")
    ordered = hashes[order]
    mask[order[1:][ordered[1:] == ordered[:-1]]] = True
    return mask


def _repeated(hashes: np.ndarray) -> np.ndarray:
    """True for each row whose hash occurs more than once (``duplicated(keep=False)``)."""
    import numpy as np

    ordered = np.sort(hashes)
    repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    if not repeated.size:
        return np.zeros(len(hashes), dtype=bool)
    return np.isin(hashes, repeated)


def duplicate_rows_mask(df: pd.DataFrame, probe_columns: int = 2) -> np.ndarray:
    """True for each row that repeats an earlier row, hashing whole rows only where needed.

    Rows equal in every column are equal in any few columns, so rows unique on a few probe
    columns cannot be duplicates; only the others are hashed in full.
    """
    import numpy as np
    import pandas as pd

    if df.shape[1] <= probe_columns:
        return duplicate_mask(row_hashes(df))
    probe = pd.util.hash_pandas_object(df.iloc[:, :probe_columns], index=False).to_numpy()
    candidates = np.flatnonzero(_repeated(probe))
    mask = np.zeros(len(df), dtype=bool)
    if candidates.size:
        mask[candidates] = duplicate_mask(row_hashes(df.iloc[candidates]))
    return mask


def _decile_bins(x: np.ndarray) -> dict[str, list[float]]:
    import numpy as np

    edges = np.unique(np.quantile(x, DECILES))
    counts = np.bincount(np.searchsorted(edges, x, side="left"), minlength=len(edges) + 1)
    # merge each empty bin into its right neighbour by dropping its right edge
    keep = [i for i in range(len(edges)) if counts[i] > 0]
    edges = edges[keep]
    counts = np.bincount(np.searchsorted(edges, x, side="left"), minlength=len(edges) + 1)
    if counts[-1] == 0 and len(edges):
        edges = edges[:-1]
        counts = np.bincount(np.searchsorted(edges, x, side="left"), minlength=len(edges) + 1)
    return {"edges": edges.tolist(), "fractions": (counts / counts.sum()).tolist()}


def numeric_profile(series: pd.Series) -> dict[str, Any]:
    import numpy as np

    raw = numeric_values(series)
    nulls = int(np.isnan(raw).sum())
    x, infinities = finite_values(raw)
    x = x[~np.isnan(x)] if nulls or infinities else x
    entry: dict[str, Any] = {
        "kind": "numeric",
        "dtype": str(series.dtype),
        "count": int(x.size),
        "nulls": nulls,
        "null_rate": nulls / len(series),
        "infinities": infinities,
    }
    if x.size == 0:
        return entry
    q1, median, q3 = np.quantile(x, [0.25, 0.5, 0.75])
    iqr = q3 - q1
    lower, upper = q1 - FENCE_K * iqr, q3 + FENCE_K * iqr
    mean = float(x.mean())
    deviations = x - mean
    m2 = float(np.mean(deviations**2))
    kurtosis = float(np.mean(deviations**4) / m2**2 - 3) if m2 > 0 else 0.0
    entry.update(
        mean=mean,
        std=float(x.std(ddof=1)) if x.size > 1 else 0.0,
        kurtosis=kurtosis,
        min=float(x.min()),
        q1=float(q1),
        median=float(median),
        q3=float(q3),
        max=float(x.max()),
        iqr=float(iqr),
        lower_fence=float(lower),
        upper_fence=float(upper),
        outside_fences_rate=float(np.count_nonzero((x < lower) | (x > upper)) / x.size),
        quartile_shares=[float(np.count_nonzero(x <= q) / x.size) for q in (q1, median, q3)],
        bins=_decile_bins(x),
    )
    return entry


def categorical_profile(series: pd.Series) -> dict[str, Any]:
    counts = category_counts(series)
    total = sum(counts.values())
    nulls = int(series.isna().sum())
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return {
        "kind": "categorical",
        "dtype": str(series.dtype),
        "count": total,
        "nulls": nulls,
        "null_rate": nulls / len(series),
        "categories": len(counts),
        "frequencies": {key: value / total for key, value in ordered} if total else {},
    }


def target_codes(series: pd.Series) -> tuple[np.ndarray, str | None] | None:
    """The target as numbers for correlation: numeric as is; two classes as 0/1; else None.

    For a two-class text target the second class in sorted order is coded 1 and named.
    """
    import numpy as np

    kind = column_kind(series)
    if kind == "numeric":
        return numeric_values(series), None
    if kind == "categorical":
        classes = sorted(str(v) for v in series.dropna().unique())
        if len(classes) == 2:
            text = series.astype(object).map(lambda v: None if v is None else str(v))
            codes = np.where(series.isna(), np.nan, (text == classes[1]).to_numpy(dtype=np.float64))
            return codes.astype(np.float64), classes[1]
    return None


def correlation_matrix(columns: list[np.ndarray]) -> np.ndarray:
    """Pearson correlations between equally long columns without NaN, in one matrix product.

    Constant columns get NaN correlations.
    """
    import numpy as np

    k = len(columns)
    n = columns[0].size if k else 0
    matrix = np.empty((n, k))
    for j, x in enumerate(columns):
        matrix[:, j] = x
    matrix -= matrix.mean(axis=0)
    gram = matrix.T @ matrix
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.sqrt(np.diag(gram))
        corr = gram / np.outer(scale, scale)
    corr[~np.isfinite(corr)] = np.nan
    return np.clip(corr, -1.0, 1.0)


def complete_rows(arrays: list[np.ndarray]) -> list[np.ndarray]:
    """The arrays restricted to the rows where none of them is NaN (no copy when none is)."""
    import numpy as np

    if not arrays:
        return arrays
    missing = np.zeros(arrays[0].size, dtype=bool)
    any_missing = False
    for x in arrays:
        m = np.isnan(x)
        if m.any():
            missing |= m
            any_missing = True
    if not any_missing:
        return arrays
    return [x[~missing] for x in arrays]


def build_profile(
    data: Any, target: str | None = None, roles: dict[str, str] | None = None
) -> dict[str, Any]:
    """The baseline profile of a DataFrame (or a CSV/Parquet path); see the module docstring.

    ``roles`` (column -> role, from :mod:`mlgate.contract`) marks identifier and excluded
    columns: they are recorded as ``kind: "other"`` with their role, so only their presence
    is checked later (a new batch has new customer ids; that is not drift).
    """
    from mlgate import __version__
    from mlgate.contract import NOT_LEARNED
    from mlgate.data_io import load_frame

    name, df = load_frame(data)
    if target is not None and target not in df.columns:
        raise InputError(
            f"{name}: has no target column '{target}' (columns: {_preview(df.columns)})",
            hint="name the label column with --target, or set [tool.mlgate] target",
        )
    if target is not None and df[target].isna().all():
        raise InputError(
            f"{name}: the target '{target}' is missing in every one of its {len(df)} rows: "
            "there is nothing to profile the labels on",
            hint="profile labelled data, or leave out --target for unlabelled data",
        )
    hashes = row_hashes(df)
    columns: dict[str, Any] = {}
    numeric: list[str] = []
    for column in df.columns:
        series = df[column]
        role = (roles or {}).get(str(column))
        kind = "other" if role in NOT_LEARNED else column_kind(series)
        if kind == "numeric":
            columns[str(column)] = numeric_profile(series)
            if column != target:
                numeric.append(column)
        elif kind == "categorical":
            columns[str(column)] = categorical_profile(series)
        else:
            nulls = int(series.isna().sum())
            columns[str(column)] = {
                "kind": "other",
                "dtype": str(series.dtype),
                "count": len(series) - nulls,
                "nulls": nulls,
                "null_rate": nulls / len(series),
            }
            if role in NOT_LEARNED:
                columns[str(column)]["role"] = role
    return {
        "format_version": FORMAT_VERSION,
        "mlgate_version": __version__,
        "rows": len(df),
        "content_hash": content_hash(df, hashes),
        "duplicate_rate": float(duplicate_mask(hashes).mean()),
        "target": target,
        "columns": columns,
        "correlations": _correlations(df, numeric, target, columns),
    }


def clip_to_fences(x: np.ndarray, entry: dict[str, Any] | None) -> np.ndarray:
    """Values clipped to the baseline column's IQR fences (NaN stays NaN)."""
    import numpy as np

    if not entry or "lower_fence" not in entry:
        return x
    return np.clip(x, entry["lower_fence"], entry["upper_fence"])


def _correlations(
    df: pd.DataFrame, numeric: list[str], target: str | None, columns: dict[str, Any]
) -> dict[str, Any]:
    arrays = [
        clip_to_fences(finite_values(numeric_values(df[c]))[0], columns[str(c)]) for c in numeric
    ]
    coded = target_codes(df[target]) if target is not None else None
    if coded is not None:
        arrays.append(
            clip_to_fences(coded[0], columns[str(target)]) if coded[1] is None else coded[0]
        )
    arrays = complete_rows(arrays)
    rows = int(arrays[0].size) if arrays else 0
    matrix = correlation_matrix(arrays) if rows > 3 else None
    result: dict[str, Any] = {"method": "pearson", "rows": rows, "target": {}, "features": {}}
    if matrix is None:
        return result
    k = len(numeric)
    if coded is not None:
        result["target"] = {str(c): finite_or_none(matrix[i, k]) for i, c in enumerate(numeric)}
        if coded[1] is not None:
            result["target_positive_class"] = coded[1]
    names = [str(c) for c in numeric]
    if k <= FULL_MATRIX_COLUMNS:
        result["features"] = {
            "columns": names,
            "matrix": [[finite_or_none(matrix[i, j]) for j in range(k)] for i in range(k)],
        }
    else:
        result["features"] = {"columns": names, **_strong_pairs(matrix[:k, :k])}
    return result


FULL_MATRIX_COLUMNS = 100
"""Up to this many numeric features the profile keeps every feature pair's correlation."""
PAIR_MIN_ABS_R = 0.3
MAX_PAIRS = 5000


def _strong_pairs(matrix: np.ndarray) -> dict[str, Any]:
    """The feature pairs worth watching in a wide table: ``|r| >= 0.3``, at most 5,000 of them.

    With 2,000 features there are 2 million pairs; almost all are near zero and a check on each
    would dominate the gate's time and report. A relation the model may rely on is a strong one,
    and those are the ones whose breaking the correlation layer must see.
    """
    import numpy as np

    upper = np.triu(np.abs(np.nan_to_num(matrix, nan=0.0)), k=1)
    i, j = np.nonzero(upper >= PAIR_MIN_ABS_R)
    order = np.argsort(-upper[i, j], kind="stable")[:MAX_PAIRS]
    return {
        "pairs": [[int(i[o]), int(j[o]), float(matrix[i[o], j[o]])] for o in order],
        "pairs_rule": {"min_abs_r": PAIR_MIN_ABS_R, "max_pairs": MAX_PAIRS},
    }


def _preview(columns: Any, limit: int = 8) -> str:
    names = [str(c) for c in columns]
    more = f", ... ({len(names)} in all)" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def load_profile(path: Path | str) -> dict[str, Any]:
    """Read a profile written by ``mlgate profile``, refusing other files and other versions."""
    from mlgate.data_io import read_document

    profile = read_document(path, "profile", hint="build it with `mlgate profile DATA -o PATH`")
    return check_profile(profile, str(path))


def check_profile(profile: Any, name: str = "baseline") -> dict[str, Any]:
    """The profile itself if it is one this version understands."""
    if not isinstance(profile, dict) or "columns" not in profile or "format_version" not in profile:
        raise InputError(f"{name}: is not an mlgate profile", hint="build it with `mlgate profile`")
    if profile["format_version"] != FORMAT_VERSION:
        raise InputError(
            f"{name}: profile format_version {profile['format_version']} is not supported "
            f"(this mlgate reads {FORMAT_VERSION})",
            hint="rebuild the profile with this version of `mlgate profile`",
        )
    problem = _profile_problem(profile)
    if problem is not None:
        raise InputError(
            f"{name}: {problem}",
            hint="rebuild it with `mlgate profile` (or `mlgate baseline pin`); do not edit it",
        )
    return profile


NUMERIC_KEYS = ("mean", "std", "min", "q1", "median", "q3", "max", "iqr", "lower_fence",
                "upper_fence", "outside_fences_rate", "kurtosis")  # fmt: skip
COUNT_KEYS = ("count", "nulls")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _profile_problem(profile: dict[str, Any]) -> str | None:
    """What makes a profile unusable (a hand edit, a truncated file), or None when it is whole."""
    if not _is_number(profile.get("rows")) or profile["rows"] < 1:
        return "'rows' must be a positive number"
    columns = profile.get("columns")
    if not isinstance(columns, dict) or not columns:
        return "'columns' must map column names to their statistics"
    for column, entry in columns.items():
        where = f"column '{column}'"
        if not isinstance(entry, dict) or entry.get("kind") not in (
            "numeric",
            "categorical",
            "other",
        ):
            return f"{where}: 'kind' must be numeric, categorical or other"
        if not isinstance(entry.get("dtype"), str):
            return f"{where}: 'dtype' must be the column's type as text"
        for key in (*COUNT_KEYS, "null_rate"):
            if not _is_number(entry.get(key)):
                return f"{where}: '{key}' must be a number, got {entry.get(key)!r}"
        if entry["kind"] == "numeric" and entry["count"] > 0:
            for key in NUMERIC_KEYS:
                if not _is_number(entry.get(key)):
                    return f"{where}: '{key}' must be a number, got {entry.get(key)!r}"
            shares = entry.get("quartile_shares")
            if not isinstance(shares, list) or len(shares) != 3 or not all(map(_is_number, shares)):
                return f"{where}: 'quartile_shares' must be three numbers"
            bins = entry.get("bins")
            if not isinstance(bins, dict) or not all(
                isinstance(bins.get(k), list) and all(map(_is_number, bins[k]))
                for k in ("edges", "fractions")
            ):
                return f"{where}: 'bins' must hold lists of numbers 'edges' and 'fractions'"
        if entry["kind"] == "categorical":
            frequencies = entry.get("frequencies")
            if not isinstance(frequencies, dict) or not all(map(_is_number, frequencies.values())):
                return f"{where}: 'frequencies' must map categories to shares"
    return None
