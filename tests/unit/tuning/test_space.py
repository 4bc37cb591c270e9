from __future__ import annotations

import numpy as np
import pytest
from sklearn.model_selection import ParameterSampler
from sklearn.preprocessing import StandardScaler

from mlgate.errors import ConfigError
from mlgate.tuning.space import distributions, parse_config, parse_param

from .conftest import small_config


def test_parameter_kinds():
    # given each way a parameter can be written
    # then each parses to its kind and bounds
    assert parse_param("a", "x", 3).kind == "fixed"
    assert parse_param("a", "x", [1, None]).values == (1, None)
    assert parse_param("a", "x", {"int": [2, 9]}).values == (2, 9)
    assert parse_param("a", "x", {"log_uniform": [0.01, 1]}).kind == "log_uniform"
    assert parse_param("a", "x", {"uniform": [0, 0.5]}).kind == "uniform"


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ([], "empty list"),
        ({"normal": [0, 1]}, "is not a range"),
        ({"int": [5, 2]}, "empty or invalid"),
        ({"log_uniform": [0, 1]}, "empty or invalid"),
        ({"int": [1.5, 3]}, "must be an integer"),
        ({"uniform": [1]}, "must be [low, high]"),
    ],
)
def test_bad_parameters_name_the_place(spec, fragment):
    with pytest.raises(ConfigError) as raised:
        parse_param("algorithms.linear", "C", spec)
    assert "algorithms.linear.C" in raised.value.message
    assert fragment in raised.value.message


def test_defaults_per_task():
    # given only the algorithms
    section = {"algorithms": {"linear": {}}}
    # then the scoring follows the task and the budget has defaults
    classification = parse_config(section, "classification")
    regression = parse_config(section, "regression")
    assert classification.scoring == "balanced_accuracy"
    assert regression.scoring == "r2"
    assert (classification.n_trials, classification.cv_folds, classification.seed) == (10, 5, 0)
    assert classification.spaces[0].algorithm.name == "logistic_regression"
    assert regression.spaces[0].algorithm.name == "ridge"


@pytest.mark.parametrize(
    ("section", "fragment"),
    [
        ({"algorithms": {}}, "at least one algorithm"),
        ({"algorithms": {"linear": {}}, "n_trial": 3}, "unknown key 'n_trial'"),
        ({"algorithms": {"linear": {}}, "cv_folds": 1}, "cv_folds must be at least 2"),
        ({"algorithms": {"linear": {}}, "sanity": {"margin": 1}}, "unknown key 'margin'"),
        ({"algorithms": {"linear": {"alpha": 1.0}}}, "no parameter 'alpha'"),
        ({"algorithms": {"linear": {"C": [1.0, -1.0]}}}, "algorithms.linear.C = -1.0 is not valid"),
        (
            {"algorithms": {"random_forest": {"max_depth": {"int": [0, 5]}}}},
            "algorithms.random_forest.max_depth = 0 is not valid",
        ),
        ({"algorithms": {"linear": {}, "logistic_regression": {}}}, "same algorithm"),
        ({"algorithms": {"ridge": {}}}, "not available for a classification task"),
    ],
)
def test_bad_sections_are_config_errors(section, fragment):
    with pytest.raises(ConfigError) as raised:
        parse_config(section, "classification")
    assert fragment in raised.value.message


def test_distributions_sample_inside_the_declared_bounds():
    # given a space with an int range, a log range and a choice, and one prepare step
    config = parse_config(small_config("classification"), "classification")
    prepare = StandardScaler()
    entries = [distributions(space, config.seed, prepare) for space in config.spaces]
    # when scikit-learn's sampler draws from it
    drawn = list(ParameterSampler(entries, 60, random_state=0))
    # then every candidate has that prepare step and every value lies inside its range
    for candidate in drawn:
        assert candidate["prepare"] is prepare
        model = candidate["model"]
        if "model__C" in candidate:
            assert 0.01 <= candidate["model__C"] <= 10
        if "model__n_estimators" in candidate:
            assert 5 <= candidate["model__n_estimators"] <= 15
            assert candidate["model__max_depth"] in (2, 4)
        if "model__max_iter" in candidate and model.__class__.__name__.startswith("Hist"):
            assert 10 <= candidate["model__max_iter"] <= 30
            assert model.learning_rate == 0.1  # fixed values are set on the estimator
    # and every algorithm is drawn
    kinds = {candidate["model"].__class__.__name__ for candidate in drawn}
    assert len(kinds) == 3
    assert np.isfinite([c.get("model__C", 1.0) for c in drawn]).all()


def test_as_dict_round_trips_through_the_parser():
    # given a parsed config
    config = parse_config(small_config("regression"), "regression")
    # when its plain form is parsed again
    again = parse_config({k: v for k, v in config.as_dict().items() if k != "task"}, "regression")
    # then nothing changed
    assert again == config
