"""Reading the training and test tables and splitting off the target."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mlgate.errors import InputError


def read_table(path: Path | str) -> Any:
    """A Parquet or CSV file as a pandas DataFrame, with errors that name the file."""
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise InputError(
            f"{path}: no such data file",
            hint="run the pipeline's split stage or pass --data/--test",
        )
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            return pd.read_parquet(path)
        return pd.read_csv(path)
    except Exception as error:  # pandas and pyarrow raise many types for unreadable files
        raise InputError(
            f"{path}: cannot be read as {path.suffix.lstrip('.') or 'CSV'} ({error})"
        ) from error


def features_and_target(frame: Any, target: str, path: Path | str) -> tuple[Any, Any]:
    """(X, y): every column but ``target`` as features, which must be numeric."""
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    if target not in frame.columns:
        raise InputError(
            f"{path}: no target column '{target}'",
            hint=f"pass --target with one of: {', '.join(map(str, frame.columns[:20]))}",
        )
    if len(frame) == 0:
        raise InputError(f"{path}: has no rows")
    X = frame.drop(columns=[target])
    if X.shape[1] == 0:
        raise InputError(f"{path}: has no feature columns besides '{target}'")
    non_numeric = [str(c) for c in X.columns if not (is_numeric_dtype(X[c]) or is_bool_dtype(X[c]))]
    if non_numeric:
        raise InputError(
            f"{path}: feature column(s) {', '.join(non_numeric)} are not numeric",
            hint="encode them in an earlier stage; the tuned pipelines take numeric features only",
        )
    return X, frame[target]
