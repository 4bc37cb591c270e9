"""Treatments of personal data: applied before data/processed, and recognisable afterwards."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest
from pandera.typing import Series

from mlgate import treatments
from mlgate.contract import from_schema
from mlgate.errors import ConfigError


class People(pa.DataFrameModel):
    """A table with personal data in every form a treatment handles, and its defaults."""

    customer_id: Series[str] = pa.Field(metadata={"role": "identifier", "treatment": "hash"})
    email: Series[str] = pa.Field(nullable=True, metadata={"classification": "personal",
                                                            "treatment": "drop"})  # fmt: skip
    age: Series[float] = pa.Field(nullable=True, metadata={
        "classification": "personal", "treatment": {"bucket": [18, 30, 50, 70]}})  # fmt: skip
    postcode: Series[str] = pa.Field(metadata={"classification": "personal",
                                               "treatment": {"truncate": 2}})  # fmt: skip
    phone: Series[str] = pa.Field(metadata={"classification": "personal"})
    spend: Series[float]
    label: Series[int] = pa.Field(metadata={"role": "target"})

    class Config:
        metadata = {"classification": "internal"}  # noqa: RUF012 - pandera reads it as is


def people() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["c1", "c2", "c3", "c1"],
            "email": ["a@x.org", None, "c@y.net", "a@x.org"],
            "age": [17.0, 29.5, np.nan, 80.0],
            "postcode": ["SW1A 1AA", "EC1V 9LB", "N1 9GU", "SW1A 2BB"],
            "phone": ["+44 20 7946 0000"] * 4,
            "spend": [1.0, 2.0, 3.0, 4.0],
            "label": [0, 1, 0, 1],
        }
    )


def test_the_contract_reads_classification_defaults_and_treatments() -> None:
    contract = from_schema(People)
    by_name = {c.name: c for c in contract.columns}
    assert by_name["spend"].classification == "internal"  # the model's default
    assert by_name["age"].treatment == {"bucket": [18.0, 30.0, 50.0, 70.0]}
    assert contract.untreated_personal_features() == ["phone"]
    # the model learns from treated personal columns (as categories), never from the others
    after = contract.after_treatment()
    assert "email" not in after.names()
    assert after.features() == ["age", "postcode", "spend"]
    assert after.kinds()["age"] == "categorical"


def test_treatments_leave_no_raw_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(treatments.SALT_ENV, "pepper")
    contract = from_schema(People)

    treated = treatments.apply(people(), contract)

    assert "email" not in treated.columns
    assert treated["age"].tolist()[:2] == ["below 18", "[18, 30)"]
    assert pd.isna(treated["age"].iloc[2]) and treated["age"].iloc[3] == "from 70"
    assert treated["postcode"].tolist() == ["SW", "EC", "N1", "SW"]
    ids = treated["customer_id"].tolist()
    assert ids[0] == ids[3] and len(set(ids)) == 3  # equal stays equal
    assert all(treatments.HASHED.fullmatch(value) for value in ids)
    assert not set(people()["customer_id"]) & set(ids)
    for column in contract.treated():
        if column.name in treated:
            assert treatments.conforms(treated[column.name], column)[0] == 0
    # raw values do not look treated
    assert treatments.conforms(people()["customer_id"], contract.columns[0])[0] == 4


def test_the_salt_changes_every_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    contract = from_schema(People)
    monkeypatch.setenv(treatments.SALT_ENV, "one")
    first = treatments.apply(people(), contract)["customer_id"].tolist()
    monkeypatch.setenv(treatments.SALT_ENV, "two")
    second = treatments.apply(people(), contract)["customer_id"].tolist()
    assert not set(first) & set(second)


def test_hashing_without_a_salt_is_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(treatments.SALT_ENV, raising=False)
    with pytest.raises(ConfigError, match=r"customer_id.*MLGATE_SALT"):
        treatments.apply(people(), from_schema(People))


@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        ({"classification": "secret"}, "classified 'secret'"),
        ({"classification": "personal", "treatment": "encrypt"}, "treatment 'encrypt'"),
        ({"classification": "personal", "treatment": {"bucket": [5, 1]}}, "treatment"),
        ({"classification": "personal", "treatment": {"truncate": 0}}, "treatment"),
    ],
)
def test_a_wrong_classification_or_treatment_is_named(metadata: dict, message: str) -> None:
    schema = pa.DataFrameSchema({"x": pa.Column(float, metadata=metadata)})
    with pytest.raises(ConfigError, match=message):
        from_schema(schema)


def test_unclassified_columns_are_named_with_the_way_to_classify_them() -> None:
    class Half(pa.DataFrameModel):
        a: Series[float] = pa.Field(metadata={"classification": "public"})
        b: Series[float]
        c: Series[str]

    with pytest.raises(ConfigError, match="without a classification: b, c") as caught:
        from_schema(Half).require_classified("schema.py")
    assert "Config.metadata" in caught.value.hint
