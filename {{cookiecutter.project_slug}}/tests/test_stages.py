"""Each stage's logic, run on rows made from the schema."""

import numpy as np
import pandas as pd
import pytest
from mlgate.algorithms import names_for
from mlgate.errors import ConfigError

from {{ cookiecutter.package_name }}.data import read_table
from {{ cookiecutter.package_name }}.evaluate import evaluate
from {{ cookiecutter.package_name }}.model import TASK, build_model
from {{ cookiecutter.package_name }}.predict import predict
from {{ cookiecutter.package_name }}.schema import CONTRACT, TARGET
from {{ cookiecutter.package_name }}.split import split
from {{ cookiecutter.package_name }}.train import train

SMALL = {
    "random_forest": {"n_estimators": 10, "max_depth": 3},
    "hist_gradient_boosting": {"max_iter": 20},
}
ALGORITHMS = [name for name in names_for(TASK) if name != "linear"]


def test_split_is_reproducible_and_disjoint(rows: pd.DataFrame) -> None:
    train_a, test_a = split(rows, test_size=0.25, seed=7, stratify={{ 'True' if cookiecutter.task == 'classification' else 'False' }})
    train_b, _ = split(rows, test_size=0.25, seed=7, stratify={{ 'True' if cookiecutter.task == 'classification' else 'False' }})
    pd.testing.assert_frame_equal(train_a, train_b)
    assert len(train_a) + len(test_a) == len(rows)
    assert len(test_a) == 15
    keys = [name for name in CONTRACT.names() if name != TARGET]
    assert train_a[keys].merge(test_a[keys], on=keys).empty


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_every_algorithm_trains_and_evaluates(rows: pd.DataFrame, algorithm: str) -> None:
    model = train(rows, algorithm, SMALL.get(algorithm, {}), seed=0)
    scores, plots = evaluate(model, rows)
    assert scores and all(np.isfinite(value) for value in scores.values())
    assert plots and all(not frame.empty for frame in plots.values())


def test_unknown_algorithm_is_named_in_the_error() -> None:
    with pytest.raises(ConfigError, match="gradient_descent_forest"):
        build_model("gradient_descent_forest", {}, seed=0)


def test_training_is_deterministic_for_a_fixed_seed(rows: pd.DataFrame) -> None:
    first = train(rows, "random_forest", SMALL["random_forest"], seed=3)
    second = train(rows, "random_forest", SMALL["random_forest"], seed=3)
    features = rows.drop(columns=[TARGET])
    np.testing.assert_array_equal(first.predict(features), second.predict(features))


def test_predict_scores_every_row_even_with_unseen_values_and_gaps(rows: pd.DataFrame) -> None:
    # given a model, and new rows whose categories were never seen and whose values are missing
    model = train(rows, "random_forest", SMALL["random_forest"], seed=0)
    new = rows.drop(columns=[TARGET]).head(10).copy()
    for column in CONTRACT.features("categorical"):
        new[column] = new[column].astype(object)
        new.loc[0, column] = "never seen in training"
    for column in CONTRACT.features("numeric"):
        new[column] = new[column].astype("float64")
        new.loc[1, column] = np.nan

    # when they are scored, then every row gets a prediction
    scored = predict(model, new)
    assert len(scored) == len(new)
    assert scored["prediction"].notna().all()


def test_reading_a_csv_gives_the_declared_types(rows: pd.DataFrame, tmp_path) -> None:
    path = tmp_path / "rows.csv"
    rows.to_csv(path, index=False)
    read = read_table(path)
    assert list(read.columns) == list(rows.columns)
    for column in CONTRACT.columns:
        if column.kind == "datetime":
            assert pd.api.types.is_datetime64_any_dtype(read[column.name]), column.name
