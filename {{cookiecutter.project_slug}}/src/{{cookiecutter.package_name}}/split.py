"""Stage 1, split: a train and a held-out test set, reproducible from the seed in params.yaml.

Reads the raw data (``data/raw/dataset.csv``, versioned by DVC and never written by the
pipeline) with the types the schema declares, and writes both splits as Parquet.
"""

import sys

import pandas as pd
from sklearn.model_selection import train_test_split

from {{ cookiecutter.package_name }}.config import params, settings
from {{ cookiecutter.package_name }}.data import read_table
from {{ cookiecutter.package_name }}.schema import TARGET


def split(
    frame: pd.DataFrame, test_size: float, seed: int, stratify: bool
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Shuffle and split; ``stratify`` keeps the class balance equal in both parts."""
    train, test = train_test_split(
        frame,
        test_size=test_size,
        random_state=seed,
        stratify=frame[TARGET] if stratify else None,
    )
    return train.reset_index(drop=True), test.reset_index(drop=True)


def main() -> int:
    cfg = params()["data"]
    where = settings()
    frame = read_table(where.raw_data)
    if TARGET not in frame.columns:
        print(
            f"split: {where.raw_data.name} has no column '{TARGET}', the target schema.py names "
            f"(columns: {', '.join(map(str, frame.columns[:10]))})",
            file=sys.stderr,
        )
        return 2
{%- if cookiecutter.task == 'classification' %}
    # Stratify when every class can appear on both sides; rare classes are the schema's call.
    stratify = frame[TARGET].value_counts().min() >= 2
{%- else %}
    stratify = False
{%- endif %}
    train, test = split(frame, test_size=cfg["test_size"], seed=cfg["seed"], stratify=stratify)
    where.train_data.parent.mkdir(parents=True, exist_ok=True)
    train.to_parquet(where.train_data, index=False)
    test.to_parquet(where.test_data, index=False)
    print(f"split: {len(train)} train rows, {len(test)} test rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
