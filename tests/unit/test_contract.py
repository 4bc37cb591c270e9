"""The column contract: kinds and roles read from a pandera schema or inferred from a table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest
from pandera.typing import Series

from mlgate.contract import from_frame, from_schema, kind_of_dtype, missing_columns
from mlgate.errors import ConfigError


class Customers(pa.DataFrameModel):
    """A table shaped like a real one: an id, units, a category, a flag, a date, a label."""

    customer_id: Series[str] = pa.Field(unique=True, metadata={"role": "identifier"})
    age_years: Series[float] = pa.Field(ge=0, le=120, nullable=True)
    visits: Series[int] = pa.Field(ge=0)
    plan: Series[str] = pa.Field(isin=["basic", "plus", "pro"], nullable=True)
    region: Series[pd.CategoricalDtype] = pa.Field(nullable=True)
    newsletter: Series[bool]
    signed_up: Series[pd.Timestamp] = pa.Field(coerce=True)
    notes: Series[str] = pa.Field(nullable=True, metadata={"role": "excluded"})
    segment: Series[str] = pa.Field(isin=["a", "b", "c"], metadata={"role": "target"})


def test_kinds_and_roles_come_from_the_schema() -> None:
    contract = from_schema(Customers)

    assert contract.target == "segment"
    assert contract.kinds() == {
        "customer_id": "categorical",
        "age_years": "numeric",
        "visits": "numeric",
        "plan": "categorical",
        "region": "categorical",
        "newsletter": "boolean",
        "signed_up": "datetime",
        "notes": "categorical",
        "segment": "categorical",
    }
    assert contract.features("numeric") == ["age_years", "visits"]
    assert contract.features("categorical") == ["plan", "region"]
    assert contract.not_learned() == ["customer_id", "notes"]
    assert "segment" not in contract.features()
    nullable = {c.name for c in contract.columns if c.nullable}
    assert nullable == {"age_years", "plan", "region", "notes"}


def test_a_schema_object_works_like_its_model_class() -> None:
    assert from_schema(Customers.to_schema()).roles() == from_schema(Customers).roles()


def test_an_unknown_role_is_refused_with_the_column_and_the_choices() -> None:
    class Bad(pa.DataFrameModel):
        x: Series[float] = pa.Field(metadata={"role": "label"})

    with pytest.raises(ConfigError, match="'x' has role 'label'") as caught:
        from_schema(Bad)
    assert "feature, target, identifier, excluded" in str(caught.value)


def test_two_targets_are_refused_naming_both() -> None:
    class Two(pa.DataFrameModel):
        a: Series[int] = pa.Field(metadata={"role": "target"})
        b: Series[int] = pa.Field(metadata={"role": "target"})

    with pytest.raises(ConfigError, match=r"2 columns have the role 'target' \(a, b\)"):
        from_schema(Two)


def test_a_schema_without_target_has_none() -> None:
    class Unlabelled(pa.DataFrameModel):
        a: Series[float]

    assert from_schema(Unlabelled).target is None


def test_kinds_inferred_from_a_table_read_from_csv() -> None:
    frame = pd.DataFrame(
        {
            "id": ["c1", "c2", "c3"],
            "weight_kg": [70.5, np.nan, 80.0],
            "count": [1, 2, 3],
            "colour": ["red", None, "blue"],
            "active": [True, False, True],
            "when": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
            "y": [0, 1, 2],
        }
    )
    contract = from_frame(frame, target="y", roles={"id": "identifier"})
    assert contract.kinds() == {
        "id": "categorical",
        "weight_kg": "numeric",
        "count": "numeric",
        "colour": "categorical",
        "active": "boolean",
        "when": "datetime",
        "y": "numeric",
    }
    assert contract.target == "y"
    assert contract.features() == ["weight_kg", "count", "colour", "active", "when"]
    assert [c.name for c in contract.columns if c.nullable] == ["weight_kg", "colour"]


@pytest.mark.parametrize(
    ("dtype", "kind"),
    [
        ("float32", "numeric"),
        ("Int64", "numeric"),
        ("boolean", "boolean"),
        ("string", "categorical"),
        ("category", "categorical"),
        ("datetime64[ns, UTC]", "datetime"),
        ("timedelta64[ns]", "other"),
        ("complex128", "numeric"),
    ],
)
def test_kind_of_each_dtype(dtype: str, kind: str) -> None:
    assert kind_of_dtype(pd.Series([], dtype=dtype).dtype) == kind


def test_missing_columns_keep_the_contract_order() -> None:
    contract = from_schema(Customers)
    assert missing_columns(contract, ["plan", "segment"])[:2] == ["customer_id", "age_years"]
