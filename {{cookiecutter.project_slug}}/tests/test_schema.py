"""The data contract accepts rows that meet it and names every column and check that do not."""

import pandas as pd
import pandera.pandas as pa
import pytest
from mlgate.synthetic import breakages

from {{ cookiecutter.package_name }}.schema import CONTRACT, TARGET, DatasetSchema


def test_the_contract_has_one_target_and_features() -> None:
    assert TARGET in CONTRACT.names()
    assert CONTRACT.features(), "schema.py declares no feature column"


def test_schema_accepts_rows_that_meet_it(rows: pd.DataFrame) -> None:
    validated = DatasetSchema.validate(rows, lazy=True)
    assert len(validated) == len(rows)


@pytest.mark.parametrize(
    ("column", "bad", "why"), breakages(DatasetSchema), ids=lambda v: str(v)[:30]
)
def test_schema_rejects_a_broken_value_naming_the_column(
    rows: pd.DataFrame, column: str, bad: object, why: str
) -> None:
    # given one value that breaks the column's declared bound, allowed values or completeness
    broken = rows.copy()
    broken[column] = broken[column].astype(object)
    broken.loc[3, column] = bad

    # when it is validated lazily
    with pytest.raises(pa.errors.SchemaErrors) as caught:
        DatasetSchema.validate(broken, lazy=True)

    # then the failure names the column
    assert column in set(caught.value.failure_cases["column"]), why


def test_schema_rejects_a_missing_column(rows: pd.DataFrame) -> None:
    with pytest.raises(pa.errors.SchemaErrors, match=TARGET):
        DatasetSchema.validate(rows.drop(columns=[TARGET]), lazy=True)
