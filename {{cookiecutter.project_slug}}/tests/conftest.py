"""Shared test data: the real sample dataset, loaded once."""

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.ingest import load_dataset


@pytest.fixture(scope="session")
def dataset() -> pd.DataFrame:
    """The sample dataset exactly as the ingest stage writes it."""
    return load_dataset()


@pytest.fixture
def tiny(dataset: pd.DataFrame) -> pd.DataFrame:
    """A few dozen rows: enough for every stage, fast enough for every test."""
    return dataset.sample(n=40, random_state=0).reset_index(drop=True)
