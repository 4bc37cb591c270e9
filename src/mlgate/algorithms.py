"""The algorithms a model may use, by task: the one registry of training and tuning.

An algorithm is a name (``logistic_regression``, ``ridge``, ``random_forest``,
``hist_gradient_boosting``, or ``linear`` for the linear model of either task) and a
scikit-learn estimator class with a few defaults. :func:`build_estimator` makes the bare
estimator; :func:`mlgate.modeling.build_model` puts it behind the prepare step, and that
Pipeline is what ``mlgate tune`` searches and what a train stage fits.

Importing this module is cheap: scikit-learn is imported when an estimator is built.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from mlgate.errors import ConfigError


@dataclass(frozen=True)
class Algorithm:
    """One algorithm: where its estimator lives, which task it serves, its defaults."""

    name: str
    task: str
    estimator: str  # "module:Class"
    defaults: tuple[tuple[str, Any], ...] = ()


_ALL = (
    Algorithm(
        "logistic_regression",
        "classification",
        "sklearn.linear_model:LogisticRegression",
        defaults=(("max_iter", 1000),),
    ),
    Algorithm("random_forest", "classification", "sklearn.ensemble:RandomForestClassifier"),
    Algorithm(
        "hist_gradient_boosting",
        "classification",
        "sklearn.ensemble:HistGradientBoostingClassifier",
    ),
    Algorithm("ridge", "regression", "sklearn.linear_model:Ridge"),
    Algorithm("random_forest", "regression", "sklearn.ensemble:RandomForestRegressor"),
    Algorithm(
        "hist_gradient_boosting", "regression", "sklearn.ensemble:HistGradientBoostingRegressor"
    ),
)

ALGORITHMS: dict[tuple[str, str], Algorithm] = {(a.task, a.name): a for a in _ALL}
"""(task, name) -> algorithm. The names match the ``model.algorithm`` values of the template."""

# ``linear`` names the linear model of either task.
ALIASES: dict[str, dict[str, str]] = {
    "linear": {"classification": "logistic_regression", "regression": "ridge"},
}


def names_for(task: str) -> list[str]:
    """Every name that selects an algorithm for ``task``."""
    return sorted([name for (kind, name) in ALGORITHMS if kind == task] + list(ALIASES))


def resolve(task: str, name: str) -> Algorithm:
    """The algorithm ``name`` stands for in ``task``, or a ConfigError listing the choices."""
    full = ALIASES.get(name, {}).get(task, name)
    algorithm = ALGORITHMS.get((task, full))
    if algorithm is None:
        raise ConfigError(
            f"algorithm '{name}' is not available for a {task} task",
            hint=f"use one of: {', '.join(names_for(task))}",
        )
    return algorithm


def estimator_class(algorithm: Algorithm) -> type:
    """The scikit-learn estimator class of ``algorithm`` (imported on first use)."""
    module_name, _, class_name = algorithm.estimator.partition(":")
    return getattr(importlib.import_module(module_name), class_name)


def model_params(algorithm: Algorithm, params: dict[str, Any], seed: int | None) -> dict[str, Any]:
    """The estimator's constructor arguments: its defaults, the seed, then ``params``.

    Unknown parameter names raise a ConfigError naming the algorithm and the accepted names.
    """
    cls = estimator_class(algorithm)
    accepted = set(cls().get_params(deep=False))
    unknown = sorted(set(params) - accepted)
    if unknown:
        raise ConfigError(
            f"algorithm '{algorithm.name}' has no parameter {', '.join(map(repr, unknown))}",
            hint=f"{cls.__name__} accepts: {', '.join(sorted(accepted))}",
        )
    values: dict[str, Any] = dict(algorithm.defaults)
    if seed is not None and "random_state" in accepted:
        values["random_state"] = seed
    values.update(params)
    return values


def build_estimator(
    task: str, algorithm: str, params: dict[str, Any] | None = None, seed: int | None = 0
) -> Any:
    """The unfitted scikit-learn estimator ``algorithm`` names for ``task``, with ``params`` set.

    ``algorithm`` is ``logistic_regression`` or ``ridge`` (also ``linear``),
    ``random_forest`` or ``hist_gradient_boosting``, resolved against ``task``. ``seed``
    becomes ``random_state`` where the estimator has one. The estimator expects numeric
    features: :func:`mlgate.modeling.build_model` puts it behind a prepare step.
    """
    chosen = resolve(task, algorithm)
    return estimator_class(chosen)(**model_params(chosen, dict(params or {}), seed))
