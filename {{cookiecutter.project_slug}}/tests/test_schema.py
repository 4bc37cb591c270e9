import pandas as pd
import pandera.pandas as pa
import pytest

from {{ cookiecutter.package_name }}.schema import TARGET, DatasetSchema


def test_schema_accepts_the_sample_data(dataset: pd.DataFrame) -> None:
    validated = DatasetSchema.validate(dataset, lazy=True)
    assert len(validated) == len(dataset)


def test_schema_rejects_a_broken_row_and_names_column_and_check(dataset: pd.DataFrame) -> None:
    # given a copy of the data with one impossible value and one missing value
    broken = dataset.copy()
    first, second = broken.columns[0], broken.columns[1]
    broken.loc[3, first] = -1.0
    broken.loc[7, second] = None

    # when it is validated lazily
    with pytest.raises(pa.errors.SchemaErrors) as caught:
        DatasetSchema.validate(broken, lazy=True)

    # then every failure is reported, each with its column and check
    cases = caught.value.failure_cases
    assert {first, second} <= set(cases["column"])
    message = str(caught.value)
    assert first in message and second in message
    failed_rows = set(cases.loc[cases["column"] == first, "index"])
    assert 3 in failed_rows


def test_schema_rejects_a_missing_column(dataset: pd.DataFrame) -> None:
    with pytest.raises(pa.errors.SchemaErrors, match=TARGET):
        DatasetSchema.validate(dataset.drop(columns=[TARGET]), lazy=True)
