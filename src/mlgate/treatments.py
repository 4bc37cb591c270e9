"""The treatments a schema names for personal data, applied before data/processed.

A column whose metadata names a treatment (:mod:`mlgate.contract`) is changed on the way from
the raw file to the training and test splits, so that nothing downstream (the splits, the model,
its signature and input example, the MLflow run) ever holds its raw values:

* ``"drop"``: the column is removed;
* ``"hash"``: each value becomes the first 16 hex digits of SHA-256(salt + value): equal values
  stay equal (a model can still use them), the raw value cannot be recovered without the salt,
  which comes from the environment variable ``MLGATE_SALT`` (a CI secret; never in git);
* ``{"bucket": [e0, e1, ..., ek]}``: a number becomes the range it falls in, ``"[e0, e1)"``,
  ..., with ``"below e0"`` and ``"from ek"`` outside;
* ``{"truncate": n}``: text keeps its first n characters (a postcode's area, a date's year).

Missing values stay missing. :func:`conforms` says whether a column already looks treated, which
the data gate's privacy layer checks on the processed splits.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
from typing import TYPE_CHECKING, Any

from mlgate.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd

    from mlgate.contract import ColumnSpec, Contract

SALT_ENV = "MLGATE_SALT"
HASHED = re.compile(r"[0-9a-f]{16}")


def _salt(column: str) -> bytes:
    salt = os.environ.get(SALT_ENV, "")
    if not salt:
        raise ConfigError(
            f"column '{column}' is to be hashed, but {SALT_ENV} is not set",
            hint=f"set {SALT_ENV} to a secret (a CI secret, never in git); the same salt keeps "
            "hashes comparable between runs",
        )
    return salt.encode("utf-8")


def bucket_labels(edges: list[float]) -> list[str]:
    """The labels of ``edges``' ranges, in order, the outer two included."""
    shown = [f"{e:g}" for e in edges]
    inner = [f"[{a}, {b})" for a, b in itertools.pairwise(shown)]
    return [f"below {shown[0]}", *inner, f"from {shown[-1]}"]


def _bucket(values: pd.Series, edges: list[float]) -> pd.Series:
    import numpy as np
    import pandas as pd

    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    positions = np.searchsorted(np.asarray(edges), numbers, side="right")
    labels = np.asarray(bucket_labels(edges), dtype=object)[positions]
    return pd.Series(np.where(np.isnan(numbers), None, labels), index=values.index, dtype="str")


def _hash(values: pd.Series, salt: bytes) -> pd.Series:
    def one(value: Any) -> str:
        return hashlib.sha256(salt + str(value).encode("utf-8")).hexdigest()[:16]

    import pandas as pd

    hashed = [
        one(value) if present else None
        for value, present in zip(values, values.notna(), strict=True)
    ]
    return pd.Series(hashed, index=values.index, dtype="str")


def apply(frame: pd.DataFrame, contract: Contract) -> pd.DataFrame:
    """``frame`` with every treatment of ``contract`` applied (columns it lacks are skipped)."""
    frame = frame.copy()
    for column in contract.treated():
        if column.name not in frame.columns:
            continue
        values = frame[column.name]
        name = column.treatment_name
        if name == "drop":
            frame = frame.drop(columns=[column.name])
        elif name == "hash":
            frame[column.name] = _hash(values, _salt(column.name))
        elif name == "bucket":
            frame[column.name] = _bucket(values, column.treatment["bucket"])
        elif name == "truncate":
            frame[column.name] = (
                values.astype("str").str[: column.treatment["truncate"]].where(values.notna())
            )
    return frame


def conforms(series: pd.Series, column: ColumnSpec) -> tuple[int, str]:
    """How many values of a processed column do not look treated, and what was expected."""
    present = series.dropna().astype(str)
    name = column.treatment_name
    if name == "hash":
        bad = ~present.str.fullmatch(HASHED.pattern)
        return int(bad.sum()), "16 hex digits of a salted SHA-256"
    if name == "bucket":
        labels = set(bucket_labels(column.treatment["bucket"]))
        return int((~present.isin(labels)).sum()), "one of the bucket labels"
    if name == "truncate":
        limit = column.treatment["truncate"]
        return int((present.str.len() > limit).sum()), f"at most {limit} characters"
    return 0, "nothing"
