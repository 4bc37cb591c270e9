"""Shared inputs for the tuning tests: small real datasets and a cheap search config."""

from __future__ import annotations

from typing import Any

import pytest


def small_config(task: str, **overrides: Any) -> dict[str, Any]:
    """A tune: section small enough that a whole search takes well under a second.

    The tests need real searches (real folds, real estimators) but not good models.
    """
    linear = (
        {"C": {"log_uniform": [0.01, 10]}}
        if task == "classification"
        else {"alpha": {"log_uniform": [0.01, 10]}}
    )
    section: dict[str, Any] = {
        "seed": 7,
        "n_trials": 6,
        "cv_folds": 3,
        "algorithms": {
            "linear": linear,
            "random_forest": {"n_estimators": {"int": [5, 15]}, "max_depth": [2, 4]},
            "hist_gradient_boosting": {"max_iter": {"int": [10, 30]}, "learning_rate": 0.1},
        },
    }
    section.update(overrides)
    return section


@pytest.fixture(scope="session")
def cancer():
    """Breast cancer as (X, y) DataFrame/Series: a binary task with strong signal."""
    from sklearn.datasets import load_breast_cancer

    return load_breast_cancer(return_X_y=True, as_frame=True)


@pytest.fixture(scope="session")
def diabetes():
    """Diabetes as (X, y): a regression task with moderate signal."""
    from sklearn.datasets import load_diabetes

    return load_diabetes(return_X_y=True, as_frame=True)
