"""Tables shaped like the ones users bring, built by the tests themselves.

The bundled samples (breast cancer, diabetes) are all-numeric, complete and tidy; users' data
is not. These generators make the features the tests need to see: an identifier, dates kept
as text, measurements in units with missing values, counts, text categories with gaps and a
rare value, a yes/no flag, and a target with several classes (or a price). Each takes knobs
that produce the drifted batches the data gate must catch: a category whose share moves, a
column converted to another unit.

``*_SCHEMA`` holds the pandera model a user would write in ``schema.py`` for each table.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

PLANS = ("basic", "plus", "pro")
REGIONS = ("north", "south", "east", "west", "islands")
REGION_SHARES = (0.3, 0.3, 0.2, 0.18, 0.02)


def customers(
    rows: int = 700,
    seed: int = 0,
    *,
    plan_shares: tuple[float, float, float] = (0.5, 0.3, 0.2),
    spend_unit: str = "eur",
) -> pd.DataFrame:
    """Customers and the loyalty segment they end up in (bronze / silver / gold).

    ``plan_shares`` sets the share of each plan (basic, plus, pro); ``spend_unit="cent"``
    reports the monthly spend in cents instead of euros (a unit change upstream).
    """
    rng = np.random.default_rng(seed)
    plan = rng.choice(PLANS, size=rows, p=plan_shares)
    region = rng.choice(REGIONS, size=rows, p=REGION_SHARES)
    age = rng.normal(42, 12, rows).clip(18, 90).round(1)
    tenure = rng.gamma(2.0, 14.0, rows).round(0)
    base = {"basic": 25.0, "plus": 45.0, "pro": 80.0}
    spend = np.array([base[p] for p in plan]) + rng.normal(0, 8, rows) + 0.2 * tenure
    visits = rng.poisson(3 + spend / 20)
    newsletter = rng.random(rows) < 0.4
    score = spend / 25 + tenure / 30 + 0.5 * newsletter + rng.normal(0, 0.6, rows)
    segment = np.where(score > 4.2, "gold", np.where(score > 2.9, "silver", "bronze"))
    signup = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 5 * 365, rows), unit="D")
    frame = pd.DataFrame(
        {
            "customer_id": [f"C{seed:02d}{i:06d}" for i in range(rows)],
            "signup_date": signup.strftime("%Y-%m-%d"),
            "age_years": age,
            "tenure_months": tenure,
            "monthly_spend": (spend * (100 if spend_unit == "cent" else 1)).round(2),
            "visits": visits,
            "plan": plan,
            "region": region,
            "newsletter": newsletter,
            "segment": segment,
        }
    )
    frame.loc[rng.random(rows) < 0.08, "age_years"] = np.nan
    frame.loc[rng.random(rows) < 0.05, "plan"] = None
    frame.loc[rng.random(rows) < 0.03, "region"] = None
    return frame


CUSTOMERS_SCHEMA = '''\
class DatasetSchema(pa.DataFrameModel):
    """Customers and the loyalty segment they reach."""

    customer_id: Series[str] = pa.Field(unique=True, metadata={"role": "identifier"})
    signup_date: Series[pd.Timestamp] = pa.Field(coerce=True)
    age_years: Series[float] = pa.Field(ge=18, le=110, nullable=True)
    tenure_months: Series[float] = pa.Field(ge=0, le=600)
    monthly_spend: Series[float] = pa.Field(ge=0, le=10_000)  # euros
    visits: Series[int] = pa.Field(ge=0)
    plan: Series[str] = pa.Field(isin=["basic", "plus", "pro"], nullable=True)
    region: Series[str] = pa.Field(nullable=True)
    newsletter: Series[bool]
    segment: Series[str] = pa.Field(isin=["bronze", "silver", "gold"], metadata={"role": "target"})

    class Config:
        strict = True
        coerce = False
'''


DISTRICTS = ("centre", "harbour", "old town", "suburb")


def flats(rows: int = 600, seed: int = 0, *, area_unit: str = "m2") -> pd.DataFrame:
    """Flats and their asking price in thousands of euros (a regression target).

    ``area_unit="ft2"`` reports the floor area in square feet instead of square metres.
    """
    rng = np.random.default_rng(seed)
    district = rng.choice(DISTRICTS, size=rows, p=(0.25, 0.2, 0.15, 0.4))
    area = rng.gamma(6.0, 12.0, rows).clip(18, 400).round(1)
    rooms = np.maximum(1, np.round(area / 28 + rng.normal(0, 0.7, rows))).astype(int)
    built = rng.integers(1890, 2024, rows)
    balcony = rng.random(rows) < 0.55
    premium = {"centre": 1.6, "harbour": 1.35, "old town": 1.45, "suburb": 1.0}
    price = (
        area * 3.1 * np.array([premium[d] for d in district])
        + 12 * balcony
        - 0.15 * (2024 - built)
        + rng.normal(0, 25, rows)
    ).round(1)
    listed = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 700, rows), unit="D")
    frame = pd.DataFrame(
        {
            "flat_id": [f"F{seed:02d}-{i:05d}" for i in range(rows)],
            "listed_on": listed.strftime("%Y-%m-%d"),
            "floor_area": (area * (10.7639 if area_unit == "ft2" else 1.0)).round(1),
            "rooms": rooms,
            "built_year": built,
            "district": district,
            "balcony": balcony,
            "price_keur": price.clip(20, None),
        }
    )
    frame.loc[rng.random(rows) < 0.06, "built_year"] = np.nan
    frame.loc[rng.random(rows) < 0.04, "district"] = None
    return frame


FLATS_SCHEMA = '''\
class DatasetSchema(pa.DataFrameModel):
    """Flats on the market and their asking price."""

    flat_id: Series[str] = pa.Field(unique=True, metadata={"role": "identifier"})
    listed_on: Series[pd.Timestamp] = pa.Field(coerce=True)
    floor_area: Series[float] = pa.Field(ge=10, le=1000)  # square metres
    rooms: Series[int] = pa.Field(ge=1, le=30)
    built_year: Series[float] = pa.Field(ge=1800, le=2030, nullable=True)
    district: Series[str] = pa.Field(nullable=True)
    balcony: Series[bool]
    price_keur: Series[float] = pa.Field(gt=0, metadata={"role": "target"})

    class Config:
        strict = True
        coerce = False
'''


def schema_module(schema_source: str) -> str:
    """A whole schema.py for one of the schemas above."""
    return (
        '"""The data contract."""\n\n'
        "import pandas as pd\nimport pandera.pandas as pa\nfrom pandera.typing import Series\n\n\n"
        + schema_source
    )


def use_schema(schema_py: Path, schema_source: str) -> None:
    """Replace the DatasetSchema class of a generated project's schema.py with another one.

    This is step 2 of the generated README's "Bring your own data", done as a user does it:
    the class is rewritten and ``import pandas as pd`` added for ``pd.Timestamp``.
    """
    text = schema_py.read_text(encoding="utf-8")
    start = text.index("class DatasetSchema(pa.DataFrameModel):")
    end = text.index("\n\nCONTRACT = ")
    text = text[:start] + schema_source.rstrip("\n") + "\n" + text[end:]
    if "import pandas as pd\n" not in text:
        text = text.replace(
            "import pandera.pandas as pa\n", "import pandas as pd\nimport pandera.pandas as pa\n"
        )
    schema_py.write_text(text, encoding="utf-8")
