"""The columns a search learns from: the target, split off a table, and the features."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mlgate.errors import InputError


def features_and_target(frame: Any, target: str, path: Path | str) -> tuple[Any, Any]:
    """(X, y): every column but ``target``, and ``target``, which must be complete.

    The features may be of any kind; the prepare step decides which of them a model sees.
    """
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
    missing = int(frame[target].isna().sum())
    if missing:
        raise InputError(
            f"{path}: the target column '{target}' has {missing} missing value(s)",
            hint="drop those rows in an earlier stage: a label is learned from, never imputed",
        )
    return X, frame[target]


def require_columns(frame: Any, names: Iterable[str], path: Path | str, declared_by: str) -> None:
    """An InputError naming the columns of ``names`` that ``frame`` lacks, if any."""
    have = {str(column) for column in frame.columns}
    missing = [name for name in names if name not in have]
    if missing:
        raise InputError(
            f"{path}: lacks feature column(s) {', '.join(missing)} that {declared_by} declares",
            hint="regenerate the data, or change the column's role in the schema",
        )
