"""The ``tune:`` section of params.yaml: budget, seed, scoring, sanity margins and search spaces.

::

    tune:
      seed: 42
      n_trials: 12          # candidates drawn across all algorithms
      max_seconds: 600      # a safety net: the search stops between batches after this
      cv_folds: 5
      scoring: balanced_accuracy   # any scikit-learn scorer name
      sanity:
        baseline_margin: 0.05      # best CV score - dummy CV score must reach this
        holdout_tolerance: 0.08    # |CV score - held-out score| must stay within this
        replay_top: 2              # candidates re-scored to confirm the same winner
      algorithms:
        linear:
          C: {log_uniform: [0.001, 100]}
        random_forest:
          n_estimators: {int: [50, 200]}
          max_depth: [3, 6, null]
        hist_gradient_boosting:
          learning_rate: {log_uniform: [0.02, 0.3]}
          max_leaf_nodes: {int: [8, 48]}

A parameter is a fixed value (``max_iter: 500``), a list to choose from, or one of
``{uniform: [low, high]}``, ``{log_uniform: [low, high]}``, ``{int: [low, high]}`` (both ends
included). Parsing is pure and cheap; :func:`distributions` turns a space into scipy
distributions for scikit-learn's sampler.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mlgate.algorithms import Algorithm, model_params, resolve
from mlgate.errors import ConfigError
from mlgate.settings import TASKS

DEFAULT_SCORING = {"classification": "balanced_accuracy", "regression": "r2"}
RANGE_KINDS = ("uniform", "log_uniform", "int")


@dataclass(frozen=True)
class Param:
    """One searchable parameter: ``kind`` is fixed, choice, uniform, log_uniform or int."""

    name: str
    kind: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class Space:
    """The parameters searched for one algorithm."""

    algorithm: Algorithm
    params: tuple[Param, ...]


@dataclass(frozen=True)
class Sanity:
    baseline_margin: float = 0.05
    holdout_tolerance: float = 0.1
    replay_top: int = 2


@dataclass(frozen=True)
class TuneConfig:
    task: str
    seed: int
    n_trials: int
    max_seconds: float | None
    cv_folds: int
    scoring: str
    sanity: Sanity
    spaces: tuple[Space, ...]
    raw: dict[str, Any] = field(default_factory=dict, compare=False)

    def as_dict(self) -> dict[str, Any]:
        """The settings as plain JSON-able data, for reports and run parameters."""
        return {
            "task": self.task,
            "seed": self.seed,
            "n_trials": self.n_trials,
            "max_seconds": self.max_seconds,
            "cv_folds": self.cv_folds,
            "scoring": self.scoring,
            "sanity": {
                "baseline_margin": self.sanity.baseline_margin,
                "holdout_tolerance": self.sanity.holdout_tolerance,
                "replay_top": self.sanity.replay_top,
            },
            "algorithms": {
                space.algorithm.name: {p.name: _describe(p) for p in space.params}
                for space in self.spaces
            },
        }


def _describe(param: Param) -> Any:
    if param.kind == "fixed":
        return param.values[0]
    if param.kind == "choice":
        return list(param.values)
    return {param.kind: list(param.values)}


_KNOWN_KEYS = {"seed", "n_trials", "max_seconds", "cv_folds", "scoring", "sanity", "algorithms"}


def _number(where: str, value: Any, *, integer: bool = False, minimum: float | None = None) -> Any:
    ok = isinstance(value, int) if integer else isinstance(value, int | float)
    if isinstance(value, bool) or not ok:
        kind = "an integer" if integer else "a number"
        raise ConfigError(f"tune: {where} must be {kind}, got {value!r}")
    if minimum is not None and value < minimum:
        raise ConfigError(f"tune: {where} must be at least {minimum}, got {value!r}")
    return value


def parse_param(where: str, name: str, spec: Any) -> Param:
    """One parameter of a space: a fixed value, a list of choices, or a range mapping."""
    if isinstance(spec, list):
        if not spec:
            raise ConfigError(
                f"tune: {where}.{name} is an empty list", hint="list the values to try"
            )
        return Param(name, "choice", tuple(spec))
    if isinstance(spec, dict):
        if len(spec) != 1 or next(iter(spec)) not in RANGE_KINDS:
            raise ConfigError(
                f"tune: {where}.{name} = {spec!r} is not a range",
                hint="write {uniform: [low, high]}, {log_uniform: [low, high]} "
                "or {int: [low, high]}",
            )
        kind, bounds = next(iter(spec.items()))
        integer = kind == "int"
        if not isinstance(bounds, list) or len(bounds) != 2:
            raise ConfigError(f"tune: {where}.{name}.{kind} must be [low, high], got {bounds!r}")
        low = _number(f"{where}.{name}.{kind}[0]", bounds[0], integer=integer)
        high = _number(f"{where}.{name}.{kind}[1]", bounds[1], integer=integer)
        if not low < high or (kind == "log_uniform" and low <= 0):
            raise ConfigError(
                f"tune: {where}.{name}.{kind} = [{low}, {high}] is empty or invalid",
                hint="low must be below high (and above 0 for log_uniform)",
            )
        return Param(name, kind, (low, high))
    return Param(name, "fixed", (spec,))


def _check_values(algorithm: Algorithm, params: tuple[Param, ...], seed: int, where: str) -> None:
    """Unknown names and out-of-range values fail here, before any fit.

    Each fixed value, each choice and both ends of each range are checked with the
    estimator's own parameter validation.
    """
    from mlgate.algorithms import estimator_class

    fixed = {p.name: p.values[0] for p in params}
    model_params(algorithm, fixed, seed)  # names
    cls = estimator_class(algorithm)
    validate = getattr(cls, "_validate_params", None)
    if validate is None:  # scikit-learn before 1.2 validates in fit only
        return
    for param in params:
        for value in param.values:
            estimator = cls(**model_params(algorithm, {**fixed, param.name: value}, seed))
            try:
                estimator._validate_params()
            except (ValueError, TypeError) as error:
                raise ConfigError(
                    f"tune: {where}.{param.name} = {value!r} is not valid: {error}",
                    hint="fix the value or range in params.yaml",
                ) from error


def parse_config(section: dict[str, Any], task: str) -> TuneConfig:
    """Check and parse the ``tune:`` section for ``task``; every mistake is a ConfigError."""
    if task not in TASKS:
        raise ConfigError(f"task {task!r} is not supported", hint=f"use one of: {', '.join(TASKS)}")
    unknown = sorted(set(section) - _KNOWN_KEYS)
    if unknown:
        raise ConfigError(
            f"tune: unknown key {', '.join(map(repr, unknown))}",
            hint=f"known keys: {', '.join(sorted(_KNOWN_KEYS))}",
        )
    seed = _number("seed", section.get("seed", 0), integer=True, minimum=0)
    n_trials = _number("n_trials", section.get("n_trials", 10), integer=True, minimum=1)
    max_seconds = section.get("max_seconds")
    if max_seconds is not None:
        max_seconds = float(_number("max_seconds", max_seconds, minimum=0))
    cv_folds = _number("cv_folds", section.get("cv_folds", 5), integer=True, minimum=2)
    scoring = section.get("scoring") or DEFAULT_SCORING[task]
    if not isinstance(scoring, str):
        raise ConfigError(f"tune: scoring must be a scikit-learn scorer name, got {scoring!r}")

    sanity_raw = section.get("sanity") or {}
    if not isinstance(sanity_raw, dict):
        raise ConfigError(
            "tune: sanity must be a mapping", hint="baseline_margin, holdout_tolerance, replay_top"
        )
    extra = sorted(set(sanity_raw) - {"baseline_margin", "holdout_tolerance", "replay_top"})
    if extra:
        raise ConfigError(
            f"tune: sanity has unknown key {', '.join(map(repr, extra))}",
            hint="known keys: baseline_margin, holdout_tolerance, replay_top",
        )
    defaults = Sanity()
    sanity = Sanity(
        baseline_margin=float(
            _number(
                "sanity.baseline_margin",
                sanity_raw.get("baseline_margin", defaults.baseline_margin),
            )
        ),
        holdout_tolerance=float(
            _number(
                "sanity.holdout_tolerance",
                sanity_raw.get("holdout_tolerance", defaults.holdout_tolerance),
                minimum=0,
            )
        ),
        replay_top=_number(
            "sanity.replay_top",
            sanity_raw.get("replay_top", defaults.replay_top),
            integer=True,
            minimum=1,
        ),
    )

    algorithms = section.get("algorithms")
    if not isinstance(algorithms, dict) or not algorithms:
        raise ConfigError(
            "tune: algorithms must map at least one algorithm name to its search space",
            hint="e.g. algorithms: {linear: {C: {log_uniform: [0.01, 10]}}, random_forest: {}}",
        )
    spaces = []
    seen: dict[str, str] = {}
    for name, raw_space in algorithms.items():
        algorithm = resolve(task, str(name))
        if algorithm.name in seen:
            raise ConfigError(
                f"tune: algorithms '{seen[algorithm.name]}' and '{name}' are the same algorithm",
                hint="declare each algorithm once",
            )
        seen[algorithm.name] = str(name)
        raw_space = raw_space or {}
        if not isinstance(raw_space, dict):
            raise ConfigError(
                f"tune: algorithms.{name} must map parameter names to values or ranges"
            )
        params = tuple(parse_param(f"algorithms.{name}", str(k), v) for k, v in raw_space.items())
        _check_values(algorithm, params, seed, f"algorithms.{name}")
        spaces.append(Space(algorithm, params))
    return TuneConfig(
        task=task,
        seed=seed,
        n_trials=n_trials,
        max_seconds=max_seconds,
        cv_folds=cv_folds,
        scoring=scoring,
        sanity=sanity,
        spaces=tuple(spaces),
        raw=dict(section),
    )


def distributions(space: Space, seed: int, prepare: Any) -> dict[str, Any]:
    """One entry of scikit-learn's ``param_distributions`` for a ``prepare -> model`` Pipeline.

    Every candidate drawn from it is ``prepare`` followed by the space's estimator with the
    fixed values set and the ranges sampled, the Pipeline :func:`mlgate.modeling.build_model`
    makes from the same algorithm and values.
    """
    from scipy import stats

    from mlgate.algorithms import estimator_class

    fixed = {p.name: p.values[0] for p in space.params if p.kind == "fixed"}
    model = estimator_class(space.algorithm)(**model_params(space.algorithm, fixed, seed))
    entry: dict[str, Any] = {"prepare": [prepare], "model": [model]}
    for p in space.params:
        key = f"model__{p.name}"
        if p.kind == "choice":
            entry[key] = list(p.values)
        elif p.kind == "uniform":
            entry[key] = stats.uniform(p.values[0], p.values[1] - p.values[0])
        elif p.kind == "log_uniform":
            entry[key] = stats.loguniform(p.values[0], p.values[1])
        elif p.kind == "int":
            entry[key] = stats.randint(p.values[0], p.values[1] + 1)
    return entry
