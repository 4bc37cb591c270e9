"""The model: a scikit-learn Pipeline built from the ``model:`` section of params.yaml.

``algorithm`` picks the estimator, ``params`` are passed to it as keyword arguments. Add an
entry to ALGORITHMS to make another estimator available.
"""

from typing import Any

from sklearn.base import BaseEstimator
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

{%- if cookiecutter.task == 'classification' %}


def _linear(**params: Any) -> BaseEstimator:
    from sklearn.linear_model import LogisticRegression

    params.setdefault("max_iter", 1000)
    return LogisticRegression(**params)


def _random_forest(**params: Any) -> BaseEstimator:
    from sklearn.ensemble import RandomForestClassifier

    return RandomForestClassifier(**params)


def _hist_gradient_boosting(**params: Any) -> BaseEstimator:
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(**params)


ALGORITHMS = {
    "logistic_regression": _linear,
{%- else %}


def _linear(**params: Any) -> BaseEstimator:
    from sklearn.linear_model import Ridge

    return Ridge(**params)


def _random_forest(**params: Any) -> BaseEstimator:
    from sklearn.ensemble import RandomForestRegressor

    return RandomForestRegressor(**params)


def _hist_gradient_boosting(**params: Any) -> BaseEstimator:
    from sklearn.ensemble import HistGradientBoostingRegressor

    return HistGradientBoostingRegressor(**params)


ALGORITHMS = {
    "ridge": _linear,
{%- endif %}
    "random_forest": _random_forest,
    "hist_gradient_boosting": _hist_gradient_boosting,
}

# Estimators whose result depends on a random seed.
_SEEDED = {"random_forest", "hist_gradient_boosting"}


def build_model(algorithm: str, params: dict[str, Any], seed: int) -> Pipeline:
    """A Pipeline of feature scaling and the chosen estimator, seeded for reproducibility."""
    try:
        make = ALGORITHMS[algorithm]
    except KeyError:
        known = ", ".join(sorted(ALGORITHMS))
        raise ValueError(
            f"params.yaml model.algorithm: {algorithm!r} is unknown; use one of: {known}"
        ) from None
    kwargs = dict(params or {})
    if algorithm in _SEEDED:
        kwargs.setdefault("random_state", seed)
    return Pipeline([("scale", StandardScaler()), ("model", make(**kwargs))])
