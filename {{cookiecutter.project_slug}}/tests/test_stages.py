"""Each stage's logic, run on a tiny frame."""

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.evaluate import evaluate
from {{ cookiecutter.package_name }}.ingest import load_dataset, snake_case
from {{ cookiecutter.package_name }}.model import ALGORITHMS, build_model
from {{ cookiecutter.package_name }}.predict import predict
from {{ cookiecutter.package_name }}.schema import TARGET
from {{ cookiecutter.package_name }}.split import split
from {{ cookiecutter.package_name }}.train import train

SMALL_FOREST = {"n_estimators": 10, "max_depth": 3}


def test_ingest_returns_snake_case_features_and_the_target() -> None:
    frame = load_dataset()
    assert TARGET in frame.columns
    assert all(name == snake_case(name) for name in frame.columns)
    assert frame.notna().all().all()


def test_split_is_reproducible_and_disjoint(tiny: pd.DataFrame) -> None:
    train_a, test_a = split(tiny, test_size=0.25, seed=7, stratify={{ 'True' if cookiecutter.task == 'classification' else 'False' }})
    train_b, test_b = split(tiny, test_size=0.25, seed=7, stratify={{ 'True' if cookiecutter.task == 'classification' else 'False' }})
    pd.testing.assert_frame_equal(train_a, train_b)
    assert len(train_a) + len(test_a) == len(tiny)
    assert len(test_a) == 10
    keys = list(tiny.columns)
    assert train_a.merge(test_a, on=keys).empty


@pytest.mark.parametrize("algorithm", sorted(ALGORITHMS))
def test_every_algorithm_trains_and_evaluates(tiny: pd.DataFrame, algorithm: str) -> None:
    params = SMALL_FOREST if algorithm == "random_forest" else {}
    model = train(tiny, algorithm, params, seed=0)
    scores, plots = evaluate(model, tiny)
    assert scores and all(np.isfinite(value) for value in scores.values())
    assert plots and all(not frame.empty for frame in plots.values())


def test_unknown_algorithm_is_named_in_the_error() -> None:
    with pytest.raises(ValueError, match="gradient_descent_forest"):
        build_model("gradient_descent_forest", {}, seed=0)


def test_training_is_deterministic_for_a_fixed_seed(tiny: pd.DataFrame) -> None:
    first = train(tiny, "random_forest", SMALL_FOREST, seed=3)
    second = train(tiny, "random_forest", SMALL_FOREST, seed=3)
    features = tiny.drop(columns=[TARGET])
    np.testing.assert_array_equal(first.predict(features), second.predict(features))


def test_predict_adds_a_prediction_per_row(tiny: pd.DataFrame) -> None:
    model = train(tiny, "random_forest", SMALL_FOREST, seed=0)
    scored = predict(model, tiny.drop(columns=[TARGET]))
    assert len(scored) == len(tiny)
    assert scored["prediction"].notna().all()
