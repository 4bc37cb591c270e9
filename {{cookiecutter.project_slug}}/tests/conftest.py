"""Test data made from the schema, not from the sample: the tests hold for any dataset.

``mlgate.synthetic.synthetic_rows`` builds rows of every declared type inside the schema's
bounds (allowed values, a few gaps in nullable columns, every class present), seeded.
"""

import pandas as pd
import pytest
from mlgate.synthetic import synthetic_rows

from {{ cookiecutter.package_name }}.schema import DatasetSchema


@pytest.fixture(scope="session")
def rows() -> pd.DataFrame:
    """Sixty rows that meet the schema: enough for every stage, fast for every test."""
    return synthetic_rows(DatasetSchema, rows=60, seed=0)
