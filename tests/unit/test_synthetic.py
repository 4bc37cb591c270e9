"""Rows made from a schema: accepted by it, seeded, and breakable one value at a time."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pytest
from pandera.typing import Series

from mlgate.synthetic import breakages, synthetic_rows
from tests.support.tables import CUSTOMERS_SCHEMA, FLATS_SCHEMA


def _model(source: str) -> type[pa.DataFrameModel]:
    namespace = {"pa": pa, "Series": Series, "pd": pd}
    exec(compile(source, "<schema>", "exec", dont_inherit=True), namespace)
    return namespace["DatasetSchema"]


class Measurements(pa.DataFrameModel):
    """All-numeric, bounded on both sides, strict bounds, an integer label: a sample's shape."""

    radius: Series[float] = pa.Field(gt=0, lt=1)
    area: Series[float] = pa.Field(in_range={"min_value": 10, "max_value": 20})
    count: Series[int] = pa.Field(ge=5, le=5)
    code: Series[str] = pa.Field(str_length={"min_value": 6, "max_value": 6}, unique=True)
    label: Series[int] = pa.Field(isin=[0, 1], metadata={"role": "target"})


SCHEMAS = {
    "customers": _model(CUSTOMERS_SCHEMA),
    "flats": _model(FLATS_SCHEMA),
    "measurements": Measurements,
}


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_the_schema_accepts_its_rows_and_the_same_seed_gives_the_same_rows(name: str) -> None:
    schema = SCHEMAS[name]
    rows = synthetic_rows(schema, rows=80, seed=3)
    assert len(rows) == 80
    schema.validate(rows, lazy=True)
    pd.testing.assert_frame_equal(rows, synthetic_rows(schema, rows=80, seed=3))
    assert not rows.equals(synthetic_rows(schema, rows=80, seed=4))


def test_nullable_columns_have_gaps_and_every_class_appears() -> None:
    rows = synthetic_rows(SCHEMAS["customers"], rows=60, seed=0)
    assert rows["age_years"].isna().any() and rows["plan"].isna().any()
    assert rows["segment"].value_counts().min() >= 2
    assert rows["customer_id"].is_unique


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_each_breakage_is_refused_naming_its_column(name: str) -> None:
    schema = SCHEMAS[name]
    rows = synthetic_rows(schema, rows=30, seed=1)
    found = breakages(schema)
    assert found
    for column, bad, _ in found:
        broken = rows.copy()
        broken[column] = broken[column].astype(object)
        broken.loc[2, column] = bad
        with pytest.raises(pa.errors.SchemaErrors) as caught:
            schema.validate(broken, lazy=True)
        assert column in set(caught.value.failure_cases["column"])
