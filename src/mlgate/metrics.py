"""The metrics the benchmark gate computes, which way each one is better, and when it is undefined.

Quality metrics come from scikit-learn:

* classification: ``accuracy``, ``f1_macro`` (F1 averaged over classes with equal weight,
  for binary and multi-class alike), ``roc_auc`` (binary: of the positive class; multi-class:
  one-vs-rest, macro-averaged) and ``log_loss``; the last two need ``predict_proba``;
* regression: ``rmse``, ``mae``, ``r2``.

Operational metrics are measured by :mod:`mlgate.benchmarking`: ``latency_p50_ms`` and
``latency_p95_ms`` (one row per call), ``throughput_rows_per_s`` (batch scoring) and
``size_mb`` (the model artifact on disk).

Some metrics have no value on some held-out rows. Such a metric is ``None``, and
:attr:`Scores.undefined` says why:

* ``roc_auc`` when a class the model knows has no held-out row (one-vs-rest needs positives
  and negatives of every class; a binary model needs both classes), or when the held-out rows
  hold a class the model never learned;
* ``log_loss`` when the held-out rows hold a class the model never learned (the model gives
  it no probability);
* ``r2`` when the held-out target is constant (it divides by the target's variance) or has
  fewer than two rows;
* any metric whose inputs are not finite: predictions or probabilities holding NaN or
  infinity.

:mod:`mlgate.goals` decides what a goal on an undefined metric does.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

CLASSIFICATION_METRICS = ("accuracy", "f1_macro", "roc_auc", "log_loss")
REGRESSION_METRICS = ("rmse", "mae", "r2")
OPERATIONAL_METRICS = ("latency_p50_ms", "latency_p95_ms", "throughput_rows_per_s", "size_mb")

KNOWN_METRICS = (*CLASSIFICATION_METRICS, *REGRESSION_METRICS, *OPERATIONAL_METRICS)

HIGHER_IS_BETTER = frozenset({"accuracy", "f1_macro", "roc_auc", "r2", "throughput_rows_per_s"})
LOWER_IS_BETTER = frozenset(
    {"log_loss", "rmse", "mae", "latency_p50_ms", "latency_p95_ms", "size_mb"}
)

PRIMARY_METRIC = {"classification": "roc_auc", "regression": "rmse"}
"""The metric a champion comparison uses when the goals name none (see :mod:`mlgate.goals`)."""


def higher_is_better(metric: str) -> bool:
    """True when a larger value of ``metric`` is better (accuracy), False when smaller is (rmse)."""
    if metric in HIGHER_IS_BETTER:
        return True
    if metric in LOWER_IS_BETTER:
        return False
    raise KeyError(metric)


def quality_metrics(task: str, has_proba: bool) -> tuple[str, ...]:
    """The quality metrics computed for ``task``; without probabilities, no roc_auc/log_loss."""
    if task == "regression":
        return REGRESSION_METRICS
    if has_proba:
        return CLASSIFICATION_METRICS
    return ("accuracy", "f1_macro")


@dataclass
class Scores:
    """Metric values of one model on some rows; ``undefined`` maps each None to its cause."""

    values: dict[str, float | None] = field(default_factory=dict)
    undefined: dict[str, str] = field(default_factory=dict)

    def set(self, metric: str, value: float) -> None:
        """Record ``value``, or None with a reason when it is not a finite number."""
        if math.isfinite(value):
            self.values[metric] = float(value)
        else:
            self.values[metric] = None
            self.undefined[metric] = f"its value on these rows is not a finite number ({value})"

    def unset(self, metric: str, reason: str) -> None:
        self.values[metric] = None
        self.undefined[metric] = reason

    def compute(self, metric: str, formula: Callable[[], float]) -> None:
        """Record ``formula()``, or None with scikit-learn's reason when it refuses the rows."""
        try:
            self.set(metric, formula())
        except ValueError as error:
            self.unset(metric, f"scikit-learn cannot compute it on these rows: {error}")


def _names(values: Any, limit: int = 5) -> str:
    plain = [v.item() if hasattr(v, "item") else v for v in list(values)[:limit]]
    shown = ", ".join(repr(v) for v in plain)
    return shown + (", ..." if len(values) > limit else "")


def _present_labels(y_true: Any) -> list[Any]:
    import pandas as pd

    return list(pd.unique(pd.Series(list(y_true), dtype=object)))


def classification_scores(
    y_true: Sequence[Any], y_pred: Sequence[Any], proba: Any = None, classes: Any = None
) -> Scores:
    """Accuracy and macro F1 from labels; ROC AUC and log loss too when ``proba`` is given.

    ``proba`` is the ``predict_proba`` matrix whose columns follow ``classes`` (the model's
    ``classes_``). See the module documentation for when ROC AUC and log loss are undefined.
    """
    import numpy as np
    from sklearn import metrics

    scores = Scores()
    scores.compute("accuracy", lambda: metrics.accuracy_score(y_true, y_pred))
    scores.compute(
        "f1_macro", lambda: metrics.f1_score(y_true, y_pred, average="macro", zero_division=0)
    )
    if proba is None:
        return scores
    proba = np.asarray(proba, dtype=float)
    labels = list(classes) if classes is not None else sorted(set(y_true))
    present = _present_labels(y_true)
    unknown = [label for label in present if label not in labels]
    if not np.isfinite(proba).all():
        bad = int((~np.isfinite(proba)).any(axis=1).sum())
        reason = f"the model's probabilities are not finite for {bad} of {len(proba)} rows"
        scores.unset("log_loss", reason)
        scores.unset("roc_auc", reason)
        return scores
    if unknown:
        reason = (
            f"the held-out rows hold class(es) {_names(unknown)} that the model never learned "
            f"(it knows {_names(labels)})"
        )
        scores.unset("log_loss", reason)
        scores.unset("roc_auc", reason)
        return scores
    if len(labels) < 2:
        reason = f"the model knows only one class ({_names(labels)})"
        scores.unset("log_loss", reason)
        scores.unset("roc_auc", reason)
        return scores
    scores.compute("log_loss", lambda: metrics.log_loss(y_true, proba, labels=labels))
    absent = [label for label in labels if label not in present]
    if len(present) < 2:
        scores.unset(
            "roc_auc",
            f"only one class ({_names(present)}) in the held-out rows",
        )
    elif absent:
        scores.unset(
            "roc_auc",
            f"class(es) {_names(absent)} have no held-out rows, so their "
            "one-vs-rest ROC AUC (and the macro average) cannot be computed",
        )
    elif len(labels) == 2:
        scores.compute("roc_auc", lambda: metrics.roc_auc_score(y_true, proba[:, 1]))
    else:
        scores.compute(
            "roc_auc",
            lambda: metrics.roc_auc_score(
                y_true, proba, multi_class="ovr", average="macro", labels=labels
            ),
        )
    return scores


def regression_scores(y_true: Sequence[float], y_pred: Sequence[float]) -> Scores:
    """Root mean squared error, mean absolute error and R² (see the module documentation)."""
    import numpy as np
    from sklearn import metrics

    scores = Scores()
    truth = np.asarray(y_true, dtype=float)
    predicted = np.asarray(y_pred, dtype=float)
    bad = int((~np.isfinite(predicted)).sum() + (~np.isfinite(truth)).sum())
    if bad:
        reason = f"{bad} predicted or true values of {len(truth)} rows are NaN or infinite"
        for metric in REGRESSION_METRICS:
            scores.unset(metric, reason)
        return scores
    scores.compute("rmse", lambda: metrics.root_mean_squared_error(truth, predicted))
    scores.compute("mae", lambda: metrics.mean_absolute_error(truth, predicted))
    if len(truth) < 2 or np.ptp(truth) == 0:
        scores.unset(
            "r2",
            "the held-out target is constant (R² divides by its variance)",
        )
    else:
        scores.compute("r2", lambda: metrics.r2_score(truth, predicted))
    return scores


def classification_metrics(
    y_true: Sequence[Any], y_pred: Sequence[Any], proba: Any = None, classes: Any = None
) -> dict[str, float | None]:
    """The values of :func:`classification_scores` (None where undefined)."""
    return classification_scores(y_true, y_pred, proba, classes).values


def regression_metrics(y_true: Sequence[float], y_pred: Sequence[float]) -> dict[str, float | None]:
    """The values of :func:`regression_scores` (None where undefined)."""
    return regression_scores(y_true, y_pred).values
