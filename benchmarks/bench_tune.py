"""``mlgate tune``'s search: time per trial against one plain fit, and parallel trials.

For each task (breast cancer, diabetes) with the template's default ``tune:`` block:

* baseline: one plain fit, on the whole training split, of each model the search tried
  (the mean over the trials), measured in this run;
* the search on one worker: wall time per trial, as a ratio to the plain fit (a trial is
  ``cv_folds`` fits on smaller data, plus scoring);
* the search on two workers: the speed-up over one worker, and a check that both chose the
  same trials, scores and winner.

Every measurement runs with native thread pools (OpenMP, BLAS) limited to one thread, as
joblib does inside each worker process, so the speed-up measured is that of parallel
trials alone, not of a library's own threads fighting over the same two cores.

Each search runs ``REPEATS`` times and the median counts; the joblib worker processes are
started by the first parallel run and reused by later ones, so the median is the warm cost
and the first sample (kept in the JSON) includes starting them.
"""

from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")

from _harness import median_of, row, write_result
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

from mlgate.tuning.search import run_search
from mlgate.tuning.space import parse_config

REPEATS = 3

# The template's default blocks (docs/tuning.md).
TUNE = {
    "classification": {
        "seed": 42,
        "n_trials": 12,
        "max_seconds": 300,
        "cv_folds": 5,
        "scoring": "balanced_accuracy",
        "sanity": {"baseline_margin": 0.1, "holdout_tolerance": 0.08, "replay_top": 2},
        "algorithms": {
            "logistic_regression": {"C": {"log_uniform": [0.001, 100.0]}},
            "random_forest": {
                "n_estimators": {"int": [20, 100]},
                "max_depth": [4, 8, None],
                "min_samples_leaf": {"int": [1, 5]},
            },
            "hist_gradient_boosting": {
                "learning_rate": {"log_uniform": [0.02, 0.3]},
                "max_iter": {"int": [30, 150]},
                "max_leaf_nodes": {"int": [8, 32]},
            },
        },
    },
    "regression": {
        "seed": 42,
        "n_trials": 12,
        "max_seconds": 300,
        "cv_folds": 5,
        "scoring": "r2",
        "sanity": {"baseline_margin": 0.1, "holdout_tolerance": 0.2, "replay_top": 2},
        "algorithms": {
            "ridge": {"alpha": {"log_uniform": [0.001, 100.0]}},
            "random_forest": {
                "n_estimators": {"int": [20, 100]},
                "max_depth": [4, 8, None],
                "min_samples_leaf": {"int": [1, 20]},
            },
            "hist_gradient_boosting": {
                "learning_rate": {"log_uniform": [0.02, 0.3]},
                "max_iter": {"int": [30, 150]},
                "max_leaf_nodes": {"int": [8, 32]},
            },
        },
    },
}


def outcome(result):
    return [(t.number, t.algorithm, t.params, t.cv_score) for t in result.trials]


def bench_task(task: str) -> dict:
    loader = load_breast_cancer if task == "classification" else load_diabetes
    X, y = loader(return_X_y=True, as_frame=True)
    X_train, _, y_train, _ = train_test_split(
        X, y, test_size=0.2, random_state=42, stratify=y if task == "classification" else None
    )
    config = parse_config(TUNE[task], task)

    results = {}
    samples = {}
    for n_jobs in (1, 2):
        runs = []

        def search(n_jobs=n_jobs, runs=runs) -> float:
            start = time.perf_counter()
            runs.append(run_search(config, X_train, y_train, n_jobs=n_jobs))
            return time.perf_counter() - start

        median, samples[n_jobs] = median_of(REPEATS, search)
        results[n_jobs] = (median, runs[-1])
    serial_s, serial = results[1]
    parallel_s, parallel = results[2]
    identical = outcome(serial) == outcome(parallel) and all(
        outcome(r) == outcome(serial) for r in (serial, parallel)
    )

    # One plain fit of each trial's model on the whole training split.
    base = clone(serial.best_estimator)  # prepare -> model; each trial sets both steps
    fits = []
    for params in serial.raw_params:
        model = clone(base).set_params(**params)
        start = time.perf_counter()
        model.fit(X_train, y_train)
        fits.append(time.perf_counter() - start)
    plain_fit_s = statistics.mean(fits)

    n = len(serial.trials)
    per_trial_serial = serial_s / n
    per_trial_parallel = parallel_s / n
    print(
        f"{task}: {n} trials, {config.cv_folds}-fold CV, {len(X_train)} rows; "
        f"winner {serial.best.algorithm} CV {serial.best.cv_score:.4f}"
    )
    print(row("one plain fit (mean over the trials' models)", plain_fit_s))
    print(row("search per trial, 1 worker", per_trial_serial, plain_fit_s))
    print(row("search per trial, 2 workers", per_trial_parallel, plain_fit_s))
    print(row("whole search, 1 worker", serial_s))
    print(row("whole search, 2 workers", parallel_s))
    print(
        f"  speed-up from 2 workers: {serial_s / parallel_s:.2f}x; "
        f"same trials and winner: {identical}"
    )
    return {
        "trials": n,
        "cv_folds": config.cv_folds,
        "rows": len(X_train),
        "winner": {"algorithm": serial.best.algorithm, "cv_score": serial.best.cv_score},
        "plain_fit_s": plain_fit_s,
        "search_s": {"1": serial_s, "2": parallel_s},
        "search_samples_s": {str(k): v for k, v in samples.items()},
        "per_trial_s": {"1": per_trial_serial, "2": per_trial_parallel},
        "per_trial_over_plain_fit": {
            "1": per_trial_serial / plain_fit_s,
            "2": per_trial_parallel / plain_fit_s,
        },
        "parallel_speedup_2_workers": serial_s / parallel_s,
        "same_result_1_and_2_workers": identical,
    }


def main() -> None:
    with threadpool_limits(limits=1):
        tasks = {task: bench_task(task) for task in TUNE}
    data = {"repeats": REPEATS, "native_threads": 1, "tasks": tasks}
    path = write_result("tune", data)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
