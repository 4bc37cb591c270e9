"""The metrics the benchmark gate computes, and which way each one is better.

Quality metrics come from scikit-learn:

* classification: ``accuracy``, ``f1_macro`` (F1 averaged over classes with equal weight,
  for binary and multi-class alike), ``roc_auc`` (binary: of the positive class; multi-class:
  one-vs-rest, macro-averaged) and ``log_loss``; the last two need ``predict_proba``;
* regression: ``rmse``, ``mae``, ``r2``.

Operational metrics are measured by :mod:`mlgate.benchmarking`: ``latency_p50_ms`` and
``latency_p95_ms`` (one row per call), ``throughput_rows_per_s`` (batch scoring) and
``size_mb`` (the model artifact on disk).
"""

from __future__ import annotations

from collections.abc import Sequence
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


def classification_metrics(
    y_true: Sequence[Any], y_pred: Sequence[Any], proba: Any = None, classes: Any = None
) -> dict[str, float]:
    """Accuracy and macro F1 from labels; ROC AUC and log loss too when ``proba`` is given.

    ``proba`` is the ``predict_proba`` matrix whose columns follow ``classes`` (the model's
    ``classes_``).
    """
    import numpy as np
    from sklearn import metrics

    result = {
        "accuracy": float(metrics.accuracy_score(y_true, y_pred)),
        "f1_macro": float(metrics.f1_score(y_true, y_pred, average="macro", zero_division=0)),
    }
    if proba is not None:
        proba = np.asarray(proba, dtype=float)
        labels = list(classes) if classes is not None else sorted(set(y_true))
        present = set(np.asarray(y_true).tolist())
        result["log_loss"] = float(metrics.log_loss(y_true, proba, labels=labels))
        if len(present) < 2:
            result["roc_auc"] = None  # undefined with one class in the held-out data
        elif len(labels) == 2:
            result["roc_auc"] = float(metrics.roc_auc_score(y_true, proba[:, 1]))
        else:
            result["roc_auc"] = float(
                metrics.roc_auc_score(
                    y_true, proba, multi_class="ovr", average="macro", labels=labels
                )
            )
    return result


def regression_metrics(y_true: Sequence[float], y_pred: Sequence[float]) -> dict[str, float]:
    """Root mean squared error, mean absolute error and R²."""
    from sklearn import metrics

    return {
        "rmse": float(metrics.root_mean_squared_error(y_true, y_pred)),
        "mae": float(metrics.mean_absolute_error(y_true, y_pred)),
        "r2": float(metrics.r2_score(y_true, y_pred)),
    }
