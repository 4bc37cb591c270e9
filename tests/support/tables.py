"""Tables shaped like the ones users bring, built by the tests themselves.

The bundled samples (breast cancer, diabetes) are all-numeric, complete and tidy; users' data
is not. These generators make the features the tests need to see: an identifier, dates kept
as text, measurements in units with missing values, counts, text categories with gaps and a
rare value, a yes/no flag, and a target with several classes (or a price). Each takes knobs
that produce the drifted batches the data gate must catch: a category whose share moves, a
column converted to another unit.

``*_SCHEMA`` holds the pandera model a user would write in ``schema.py`` for each table.

The smaller :func:`mixed_classification` and :func:`regression_with_units` feed the modeling
and tuning unit tests: every feature kind at once (a nullable boolean, an excluded column, a
rare category), in the dtypes pandas produces, at a size a cross-validated search runs fast on.
"""

from __future__ import annotations

import re
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
        metadata = {"classification": "internal"}
'''


FIRST = ("ana", "ben", "chloe", "dev", "emma", "farid", "grace", "hugo", "ines", "jon")
LAST = ("smith", "garcia", "muller", "rossi", "kowalski", "dubois", "silva", "berg")
NOTES = (
    "called about the invoice",
    "prefers paper statements",
    "asked to upgrade next month",
    "complained about the app",
    "no contact in person",
    "happy with support",
)


def _luhn_card(rng: np.random.Generator) -> str:
    """A 16-digit Visa-style number whose check digit passes the Luhn test."""
    digits = [4, *rng.integers(0, 10, 14).tolist()]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        doubled = digit * 2 if index % 2 == 0 else digit
        total += doubled - 9 if doubled > 9 else doubled
    digits.append((10 - total % 10) % 10)
    text = "".join(map(str, digits))
    return " ".join(text[i : i + 4] for i in range(0, 16, 4))


def contacts(rows: int = 600, seed: int = 0, *, hidden_emails: int = 6) -> pd.DataFrame:
    """Customers with their contact details: personal data in every form a scan must catch.

    An identifier, an e-mail column, a phone column (UK numbers in national format), a payment
    card column (Luhn-valid), a free-text notes column with ``hidden_emails`` addresses inside
    sentences, and ordinary features (plan, spend, tenure with gaps) deciding a 3-class
    segment.
    """
    rng = np.random.default_rng(seed)
    first = rng.choice(FIRST, rows)
    last = rng.choice(LAST, rows)
    plan = rng.choice(PLANS, size=rows, p=(0.5, 0.3, 0.2))
    tenure = rng.gamma(2.0, 14.0, rows).round(0)
    base = {"basic": 25.0, "plus": 45.0, "pro": 80.0}
    spend = (np.array([base[p] for p in plan]) + rng.normal(0, 8, rows) + 0.2 * tenure).round(2)
    score = spend / 25 + tenure / 30 + rng.normal(0, 0.6, rows)
    notes = rng.choice(NOTES, rows).astype(object)
    for row in rng.choice(rows, size=min(hidden_emails, rows), replace=False):
        notes[row] = f"asked us to write to {first[row]}.{last[row]}@mailbox.co.uk instead"
    frame = pd.DataFrame(
        {
            "customer_id": [f"K{seed:02d}{i:06d}" for i in range(rows)],
            "email": [
                f"{f}.{n}{i}@example.net" for i, (f, n) in enumerate(zip(first, last, strict=True))
            ],
            "phone": [f"020 7946 {i % 10000:04d}" for i in rng.integers(0, 10000, rows)],
            "card_number": [_luhn_card(rng) for _ in range(rows)],
            "notes": notes,
            "plan": plan,
            "tenure_months": tenure,
            "monthly_spend": spend,
            "segment": np.where(score > 4.2, "gold", np.where(score > 2.9, "silver", "bronze")),
        }
    )
    frame.loc[rng.random(rows) < 0.06, "tenure_months"] = np.nan
    return frame


CONTACTS_SCHEMA = '''\
class DatasetSchema(pa.DataFrameModel):
    """Customers with their contact details, every column classified and the personal ones
    treated before data/processed."""

    customer_id: Series[str] = pa.Field(unique=True, metadata={"role": "identifier",
                                                                "treatment": "hash"})
    email: Series[str] = pa.Field(metadata={"classification": "personal", "treatment": "drop"})
    phone: Series[str] = pa.Field(metadata={"classification": "personal", "treatment": "drop"})
    card_number: Series[str] = pa.Field(metadata={"classification": "personal",
                                                  "treatment": "drop"})
    notes: Series[str] = pa.Field(metadata={"classification": "personal", "treatment": "drop"})
    plan: Series[str] = pa.Field(isin=["basic", "plus", "pro"])
    tenure_months: Series[float] = pa.Field(ge=0, le=600, nullable=True)
    monthly_spend: Series[float] = pa.Field(ge=0, le=10_000)
    segment: Series[str] = pa.Field(isin=["bronze", "silver", "gold"], metadata={"role": "target"})

    class Config:
        strict = True
        coerce = False
        metadata = {"classification": "internal"}
'''
"""The contacts table as a careful user classifies it: every personal column dropped, the
identifier hashed."""

CONTACTS_SCHEMA_UNTREATED = re.sub(
    r'metadata=\{"classification": "personal",\s*"treatment": "drop"\}', "", CONTACTS_SCHEMA
)
"""The same columns with no classification of their own: all of them internal by default,
as a user who has not looked at the contents would leave them."""


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
        metadata = {"classification": "internal"}
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


# Small tables for the modeling and tuning unit tests.

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
