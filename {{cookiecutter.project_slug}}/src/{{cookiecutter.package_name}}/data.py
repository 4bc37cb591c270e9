"""Reading tables the way the schema types and treats them.

CSV keeps everything as text or numbers; the schema says which columns are dates, booleans or
categories. ``read_table`` reads a CSV or Parquet file, gives those columns their declared
type, and applies the schema's treatments of personal data (mlgate.treatments: drop, hash,
bucket, truncate), so every stage after it (and predict) sees the same columns and never a raw
personal value. A value that does not parse is left as it is: the validate stage then reports
it with its row, instead of this reader hiding it.
"""

from pathlib import Path

import pandas as pd
from mlgate import treatments

from {{ cookiecutter.package_name }}.schema import CONTRACT


def typed(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its date, boolean and category columns in their declared types."""
    frame = frame.copy()
    for column in CONTRACT.columns:
        if column.name not in frame.columns:
            continue
        values = frame[column.name]
        try:
            if column.kind == "datetime" and not pd.api.types.is_datetime64_any_dtype(values):
                frame[column.name] = pd.to_datetime(values)
            elif column.kind == "boolean" and not pd.api.types.is_bool_dtype(values):
                frame[column.name] = values.astype("boolean")
        except (ValueError, TypeError):
            continue  # left as read: the schema names the values that do not parse
    return frame


def read_table(path: Path) -> pd.DataFrame:
    """A CSV or Parquet file, typed as the schema declares, its personal data treated."""
    path = Path(path)
    frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    return treatments.apply(typed(frame), CONTRACT)
