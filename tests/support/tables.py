"""Tables shaped like the ones users bring, made with a seed so every test sees the same rows.

The bundled scikit-learn datasets are all-numeric and complete; real tables are not. These
two carry what breaks a naive model: an identifier, units, missing values, text categories
(one of them rare), a nullable boolean and dates, in the dtypes pandas itself produces.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CLASSES = ("bronze", "silver", "gold")


def mixed_classification(rows: int = 300, seed: int = 0) -> pd.DataFrame:
    """Customers with a 3-class label ``segment`` (strings) that every kind of feature informs.

    Columns: ``customer_id`` (unique text, an identifier), ``weight_kg`` (float, ~10 %
    missing), ``visits`` (int64 count), ``plan`` (text with missing values and the rare
    category ``legacy`` in 2 rows), ``newsletter`` (pandas ``boolean`` with NA),
    ``signed_up`` (datetime64), ``batch`` (text the schema excludes) and ``segment``.
    """
    rng = np.random.default_rng(seed)
    weight = rng.normal(72.0, 12.0, rows).round(1)
    visits = rng.poisson(4.0, rows)
    plan = rng.choice(["basic", "plus", "pro"], rows, p=[0.5, 0.3, 0.2]).astype(object)
    plan[rng.choice(rows, 2, replace=False)] = "legacy"
    newsletter = rng.random(rows) < 0.4
    signed_up = pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 1000, rows), "D")
    score = (
        0.06 * (weight - 72.0)
        + 0.45 * (visits - 4.0)
        + np.select([plan == "plus", plan == "pro"], [1.2, 2.4], 0.0)
        + 0.9 * newsletter
        + 0.8 * (signed_up.year.to_numpy() - 2022)
        + rng.normal(0.0, 0.5, rows)
    )
    segment = np.asarray(CLASSES, dtype=object)[
        np.digitize(score, np.quantile(score, [1 / 3, 2 / 3]))
    ]
    frame = pd.DataFrame(
        {
            "customer_id": pd.array([f"C{i:05d}" for i in rng.permutation(rows)], dtype="str"),
            "weight_kg": weight,
            "visits": visits.astype("int64"),
            "plan": pd.array(plan, dtype="str"),
            "newsletter": pd.array(newsletter, dtype="boolean"),
            "signed_up": signed_up,
            "batch": pd.array([f"batch-{i % 7}" for i in range(rows)], dtype="str"),
            "segment": pd.array(segment, dtype="str"),
        }
    )
    frame.loc[rng.random(rows) < 0.1, "weight_kg"] = np.nan
    frame.loc[(rng.random(rows) < 0.08) & (frame["plan"] != "legacy"), "plan"] = np.nan
    frame.loc[rng.random(rows) < 0.1, "newsletter"] = pd.NA
    return frame


def regression_with_units(rows: int = 300, seed: int = 0) -> pd.DataFrame:
    """Flats with a price in euros: ``area_m2`` (float), ``rooms`` (int), ``district`` (text
    with a few missing values) and the target ``price_eur``."""
    rng = np.random.default_rng(seed)
    area = rng.uniform(25.0, 140.0, rows).round(1)
    rooms = np.clip((area / 28.0 + rng.normal(0.0, 0.7, rows)).round(), 1, 6).astype("int64")
    district = rng.choice(["centre", "north", "harbour", "east"], rows).astype(object)
    price = (
        3200.0 * area
        + 9000.0 * rooms
        + np.select([district == "centre", district == "harbour"], [90_000.0, 40_000.0], 0.0)
        + rng.normal(0.0, 15_000.0, rows)
    ).round(-2)
    frame = pd.DataFrame(
        {
            "area_m2": area,
            "rooms": rooms,
            "district": pd.array(district, dtype="str"),
            "price_eur": price,
        }
    )
    frame.loc[rng.random(rows) < 0.05, "district"] = np.nan
    return frame


MIXED_SCHEMA_SOURCE = '''\
"""The data contract of the mixed customers table (tests/support/tables.py)."""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series


class Customers(pa.DataFrameModel):
    customer_id: Series[str] = pa.Field(unique=True, metadata={"role": "identifier"})
    weight_kg: Series[float] = pa.Field(ge=0, nullable=True)
    visits: Series[int] = pa.Field(ge=0)
    plan: Series[str] = pa.Field(nullable=True)
    newsletter: Series[pd.BooleanDtype] = pa.Field(nullable=True)
    signed_up: Series[pd.Timestamp]
    batch: Series[str] = pa.Field(metadata={"role": "excluded"})
    segment: Series[str] = pa.Field(isin=["bronze", "silver", "gold"], metadata={"role": "target"})
'''
"""A pandera module declaring :func:`mixed_classification`'s kinds and roles, for a test to
write into a project's package."""
