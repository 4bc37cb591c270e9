from __future__ import annotations

import pytest
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
)
from sklearn.linear_model import LogisticRegression, Ridge

from mlgate.algorithms import ALGORITHMS, build_estimator, model_params, names_for, resolve
from mlgate.errors import ConfigError


def test_linear_model_is_the_bare_seeded_estimator():
    # given a classification task and the short name of the linear model
    # when the estimator is built
    model = build_estimator("classification", "linear", {"C": 0.5}, seed=3)
    # then it is a logistic regression with the params, the seed and the default max_iter,
    # with no scaling step: the prepare step of mlgate.modeling does that
    assert type(model) is LogisticRegression
    assert (model.C, model.random_state, model.max_iter) == (0.5, 3, 1000)


def test_tree_ensembles_match_the_task_and_take_the_seed():
    forest = build_estimator("classification", "random_forest", {"n_estimators": 7}, seed=1)
    boosting = build_estimator("regression", "hist_gradient_boosting", {}, seed=2)
    assert type(forest) is RandomForestClassifier
    assert (forest.n_estimators, forest.random_state) == (7, 1)
    assert type(boosting) is HistGradientBoostingRegressor
    assert boosting.random_state == 2


def test_ridge_for_regression_and_params_override_defaults():
    # given an explicit max_iter for the linear classifier and a ridge alpha
    logistic = build_estimator("classification", "logistic_regression", {"max_iter": 50})
    ridge = build_estimator("regression", "linear", {"alpha": 2.0})
    # then the given values win over the built-in defaults
    assert logistic.max_iter == 50
    assert type(ridge) is Ridge
    assert ridge.alpha == 2.0


def test_model_params_put_defaults_then_seed_then_params():
    # given the boosting classifier, a seed and one parameter
    algorithm = resolve("classification", "hist_gradient_boosting")
    # when its constructor arguments are assembled
    values = model_params(algorithm, {"max_iter": 30}, seed=9)
    # then the seed becomes random_state and the parameter is kept
    assert values == {"random_state": 9, "max_iter": 30}
    assert type(build_estimator("classification", "hist_gradient_boosting")) is (
        HistGradientBoostingClassifier
    )


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
