"""The search: scikit-learn's randomized search over several algorithms at once.

All candidates are drawn up front by scikit-learn's ``ParameterSampler`` from the seed, so
the set of trials depends on the seed and the budget alone. They are then cross-validated in
batches through ``evaluate_candidates`` (the extension point scikit-learn documents on
``BaseSearchCV._run_search``): a line per trial is reported after every batch and the time limit
is checked between batches. Folds run in parallel joblib worker processes; every fold of every
candidate sees the same seeded splits and a seeded estimator, so the results do not depend on
``n_jobs`` or on the batch size.

Every candidate is the Pipeline ``prepare -> model`` of :func:`mlgate.modeling.build_model`,
with one prepare step for all of them: the one the project trains with.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import Any, ClassVar

import numpy as np
from sklearn.model_selection import (
    KFold,
    ParameterSampler,
    RandomizedSearchCV,
    StratifiedKFold,
    cross_val_score,
)

from mlgate.algorithms import estimator_class
from mlgate.modeling import build_model
from mlgate.tuning.space import Space, TuneConfig, distributions


class BatchedRandomSearchCV(RandomizedSearchCV):
    """RandomizedSearchCV that evaluates its candidates in batches.

    ``on_batch(results, done, total)`` is called after every batch with the results so far;
    the search stops between batches once ``max_seconds`` have passed (``stopped_by_`` then
    reads ``"time"``, else ``"trials"``).
    """

    _parameter_constraints: ClassVar[dict] = {
        **RandomizedSearchCV._parameter_constraints,
        # types only (scikit-learn's Interval constraint is private API); the ranges are
        # checked when the search runs
        "batch_size": [Integral],
        "max_seconds": [None, Real],
        "on_batch": [None, callable],
    }

    def __init__(
        self,
        estimator,
        param_distributions,
        *,
        n_iter=10,
        scoring=None,
        n_jobs=None,
        refit=True,
        cv=None,
        verbose=0,
        pre_dispatch="2*n_jobs",
        random_state=None,
        error_score=np.nan,
        return_train_score=False,
        batch_size=4,
        max_seconds=None,
        on_batch=None,
    ):
        super().__init__(
            estimator,
            param_distributions,
            n_iter=n_iter,
            scoring=scoring,
            n_jobs=n_jobs,
            refit=refit,
            cv=cv,
            verbose=verbose,
            pre_dispatch=pre_dispatch,
            random_state=random_state,
            error_score=error_score,
            return_train_score=return_train_score,
        )
        self.batch_size = batch_size
        self.max_seconds = max_seconds
        self.on_batch = on_batch

    def _run_search(self, evaluate_candidates, **_context):
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {self.batch_size}")
        if self.max_seconds is not None and self.max_seconds < 0:
            raise ValueError(f"max_seconds must be at least 0, got {self.max_seconds}")
        sampler = ParameterSampler(
            self.param_distributions, self.n_iter, random_state=self.random_state
        )
        # len() is the grid size when every parameter is a list and the grid is smaller than
        # n_iter; drawing exactly that many avoids the sampler's warning and repeats.
        candidates = list(
            ParameterSampler(self.param_distributions, len(sampler), random_state=self.random_state)
        )
        self.n_candidates_drawn_ = len(candidates)
        self.stopped_by_ = "trials"
        started = time.perf_counter()
        for start in range(0, len(candidates), self.batch_size):
            results = evaluate_candidates(candidates[start : start + self.batch_size])
            done = min(start + self.batch_size, len(candidates))
            if self.on_batch is not None:
                self.on_batch(results, done, len(candidates))
            elapsed = time.perf_counter() - started
            if (
                self.max_seconds is not None
                and elapsed > self.max_seconds
                and done < len(candidates)
            ):
                self.stopped_by_ = "time"
                break


@dataclass
class Trial:
    number: int  # 1-based, in the order the sampler drew it
    algorithm: str
    params: dict[str, Any]
    cv_score: float
    cv_std: float
    fit_time: float  # seconds, summed over folds
    rank: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "trial": self.number,
            "algorithm": self.algorithm,
            "params": self.params,
            "cv_score": self.cv_score,
            "cv_std": self.cv_std,
            "fit_time_s": self.fit_time,
            "rank": self.rank,
        }


@dataclass
class SearchResult:
    trials: list[Trial]
    best: Trial
    best_estimator: Any
    baseline_score: float
    stopped_by: str
    n_candidates: int
    elapsed_s: float
    n_jobs: int
    raw_params: list[dict[str, Any]] = field(repr=False, default_factory=list)
    prepare: Any = field(repr=False, default=None)
    """The unfitted prepare step every candidate shared."""


def plain(value: Any) -> Any:
    """A numpy scalar as the Python value JSON and YAML understand."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def make_cv(config: TuneConfig):
    """The seeded splitter every candidate and the baseline share."""
    splitter = StratifiedKFold if config.task == "classification" else KFold
    return splitter(n_splits=config.cv_folds, shuffle=True, random_state=config.seed)


def dummy_estimator(task: str):
    from sklearn.dummy import DummyClassifier, DummyRegressor

    return DummyClassifier(strategy="prior") if task == "classification" else DummyRegressor()


def _trial_params(space: Space, sampled: dict[str, Any]) -> dict[str, Any]:
    params = {p.name: plain(p.values[0]) for p in space.params if p.kind == "fixed"}
    for key, value in sampled.items():
        if key.startswith("model__"):
            params[key.removeprefix("model__")] = plain(value)
    return params


def _space_of(config: TuneConfig, sampled: dict[str, Any]) -> Space:
    model_class = type(sampled["model"])
    for space in config.spaces:
        if estimator_class(space.algorithm) is model_class:
            return space
    raise LookupError(f"no space for {model_class.__name__}")  # cannot happen: we built them


def trials_from_results(
    config: TuneConfig, results: dict[str, Any], n: int | None = None
) -> list[Trial]:
    """Trials 1..n from a ``cv_results_``-shaped dict, ranked among themselves."""
    n = len(results["params"]) if n is None else n
    scores = np.asarray(results["mean_test_score"][:n], dtype=float)
    # Rank as scikit-learn does: higher is better, ties share the lowest rank.
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(n, dtype=int)
    for position, index in enumerate(order):
        ranks[index] = position + 1
    trials = []
    for i in range(n):
        sampled = results["params"][i]
        space = _space_of(config, sampled)
        trials.append(
            Trial(
                number=i + 1,
                algorithm=space.algorithm.name,
                params=_trial_params(space, sampled),
                cv_score=float(scores[i]),
                cv_std=float(results["std_test_score"][i]),
                fit_time=float(results["mean_fit_time"][i]) * config.cv_folds,
                rank=int(ranks[i]),
            )
        )
    return trials


def run_search(
    config: TuneConfig,
    X: Any,
    y: Any,
    *,
    prepare: Any = None,
    n_jobs: int = 1,
    batch_size: int | None = None,
    on_trial: Callable[[Trial, int, Trial], None] | None = None,
) -> SearchResult:
    """Cross-validate ``config.n_trials`` candidates on (X, y) and refit the best on all of it.

    ``prepare`` is the unfitted prepare step of every candidate (default:
    :func:`mlgate.modeling.preprocessing` of the contract X's dtypes imply).
    ``on_trial(trial, total, best_so_far)`` is called once per finished trial, in trial order.
    """
    from joblib import effective_n_jobs

    from mlgate.contract import from_frame
    from mlgate.modeling import preprocessing

    if prepare is None:
        prepare = preprocessing(from_frame(X))
    workers = effective_n_jobs(n_jobs)
    cv = make_cv(config)
    base = build_model(config.task, config.spaces[0].algorithm.name, {}, config.seed, prepare)
    reported = 0

    def on_batch(results: dict[str, Any], done: int, total: int) -> None:
        nonlocal reported
        if on_trial is None:
            return
        trials = trials_from_results(config, results, done)
        best = min(trials, key=lambda t: (t.rank, t.number))
        for trial in trials[reported:done]:
            on_trial(trial, total, best)
        reported = done

    search = BatchedRandomSearchCV(
        base,
        [distributions(space, config.seed, prepare) for space in config.spaces],
        n_iter=config.n_trials,
        scoring=config.scoring,
        n_jobs=n_jobs,
        refit=True,
        cv=cv,
        random_state=config.seed,
        error_score="raise",
        batch_size=batch_size or max(4, 2 * workers),
        max_seconds=config.max_seconds,
        on_batch=on_batch,
    )
    started = time.perf_counter()
    search.fit(X, y)
    elapsed = time.perf_counter() - started
    trials = trials_from_results(config, search.cv_results_)
    best = trials[int(search.best_index_)]
    baseline = float(
        np.mean(cross_val_score(dummy_estimator(config.task), X, y, cv=cv, scoring=config.scoring))
    )
    return SearchResult(
        trials=trials,
        best=best,
        best_estimator=search.best_estimator_,
        baseline_score=baseline,
        stopped_by=search.stopped_by_,
        n_candidates=search.n_candidates_drawn_,
        elapsed_s=elapsed,
        n_jobs=workers,
        raw_params=list(search.cv_results_["params"]),
        prepare=prepare,
    )


def holdout_score(result: SearchResult, config: TuneConfig, X_test: Any, y_test: Any) -> float:
    """The refitted winner's score on held-out data, with the search's scorer."""
    from sklearn.metrics import get_scorer

    return float(get_scorer(config.scoring)(result.best_estimator, X_test, y_test))


def replay(
    result: SearchResult, config: TuneConfig, X: Any, y: Any
) -> tuple[list[int], list[float], list[float]]:
    """Re-score the top ``sanity.replay_top`` trials, rebuilt in this process as a train stage
    rebuilds the winner: :func:`mlgate.modeling.build_model` from the trial's algorithm and
    parameters, the seed and the search's prepare step.

    Returns their trial numbers (best first), their searched scores and their replayed scores.
    """
    top = sorted(result.trials, key=lambda t: (t.rank, t.number))[: config.sanity.replay_top]
    cv = make_cv(config)
    replayed = []
    for trial in top:
        estimator = build_model(
            config.task, trial.algorithm, trial.params, config.seed, result.prepare
        )
        scores = cross_val_score(estimator, X, y, cv=cv, scoring=config.scoring, n_jobs=1)
        replayed.append(float(np.mean(scores)))
    return [t.number for t in top], [t.cv_score for t in top], replayed
