"""Hyperparameter search and algorithm selection, with tracked trials and a sanity gate.

The search is scikit-learn's randomized search (``RandomizedSearchCV`` driven through its
documented ``_run_search`` extension point), not Optuna:

* it is already a dependency, and each trial is the same Pipeline the train stage fits;
* every candidate is drawn up front from the seed (``ParameterSampler``), the folds are
  seeded, so the trials and the winner depend on the seed and the budget only;
* trials run in parallel joblib worker *processes* (``n_jobs``) and the results are identical
  for any number of workers, whereas Optuna's ``n_jobs`` runs threads whose TPE suggestions
  depend on which trial finishes first, so a parallel Optuna study is not reproducible.

Randomized search gives up TPE's focus on promising regions; for the small spaces and
budgets of a CI pipeline that costs little, and reproducibility is what a gate needs.

Each candidate is the Pipeline ``prepare -> model`` of :func:`mlgate.modeling.build_model`: the
project's prepare step, then an estimator of :mod:`mlgate.algorithms`, as the train stage builds
it. Modules: :mod:`.data` (the target and feature columns), :mod:`.space` (the ``tune:``
section of params.yaml), :mod:`.search` (the search),
:mod:`.checks` (the sanity gate, pure), :mod:`.report` (files it writes), :mod:`.runs` (MLflow).
The names below are imported on first use, so ``import mlgate.tuning`` stays cheap.
"""

from __future__ import annotations

from mlgate import lazy_attributes

_API = {
    "read_best_params": "mlgate.tuning.report:read_best_params",
    "tuned_estimator": "mlgate.tuning.report:tuned_estimator",
    "parse_config": "mlgate.tuning.space:parse_config",
    "run_search": "mlgate.tuning.search:run_search",
}

__all__ = list(_API)

__getattr__ = lazy_attributes(_API, globals())
