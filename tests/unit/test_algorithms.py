from __future__ import annotations

import pytest
from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestClassifier
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.preprocessing import StandardScaler

from mlgate.algorithms import ALGORITHMS, build_estimator, names_for, resolve
from mlgate.errors import ConfigError


def test_linear_model_is_scaled_and_seeded():
    # given a classification task and the short name of the linear model
    # when the estimator is built
    pipeline = build_estimator("classification", "linear", {"C": 0.5}, seed=3)
    # then it scales before a logistic regression with the params and the seed
    assert isinstance(pipeline.named_steps["scale"], StandardScaler)
    model = pipeline.named_steps["model"]
    assert isinstance(model, LogisticRegression)
    assert (model.C, model.random_state, model.max_iter) == (0.5, 3, 1000)


def test_trees_pass_features_through():
    # given the tree ensembles of each task
    forest = build_estimator("classification", "random_forest", {"n_estimators": 7}, seed=1)
    boosting = build_estimator("regression", "hist_gradient_boosting", {}, seed=2)
    # then no scaler runs and the estimator matches the task
    assert forest.named_steps["scale"] == "passthrough"
    assert isinstance(forest.named_steps["model"], RandomForestClassifier)
    assert forest.named_steps["model"].n_estimators == 7
    assert isinstance(boosting.named_steps["model"], HistGradientBoostingRegressor)
    assert boosting.named_steps["model"].random_state == 2


def test_ridge_for_regression_and_params_override_defaults():
    # given an explicit max_iter for the linear classifier and a ridge alpha
    logistic = build_estimator("classification", "logistic_regression", {"max_iter": 50})
    ridge = build_estimator("regression", "linear", {"alpha": 2.0})
    # then the given values win over the built-in defaults
    assert logistic.named_steps["model"].max_iter == 50
    assert isinstance(ridge.named_steps["model"], Ridge)
    assert ridge.named_steps["model"].alpha == 2.0


def test_an_algorithm_of_the_other_task_is_refused_with_the_choices():
    # when a regression algorithm is asked for in a classification task
    with pytest.raises(ConfigError) as raised:
        resolve("classification", "ridge")
    # then the message names it and lists what is allowed
    assert "ridge" in raised.value.message
    assert "logistic_regression" in raised.value.hint


def test_an_unknown_parameter_is_refused_with_the_accepted_names():
    with pytest.raises(ConfigError) as raised:
        build_estimator("regression", "random_forest", {"n_trees": 10})
    assert "'n_trees'" in raised.value.message
    assert "n_estimators" in raised.value.hint


def test_every_task_offers_a_linear_model_a_forest_and_boosting():
    # the names are those of the template's model.algorithm, plus "linear"
    assert names_for("classification") == [
        "hist_gradient_boosting",
        "linear",
        "logistic_regression",
        "random_forest",
    ]
    assert names_for("regression") == ["hist_gradient_boosting", "linear", "random_forest", "ridge"]
    for task in ("classification", "regression"):
        for name in names_for(task):
            algorithm = resolve(task, name)
            assert ALGORITHMS[(task, algorithm.name)] is algorithm
            assert algorithm.task == task
