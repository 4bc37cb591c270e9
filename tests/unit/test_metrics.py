"""Quality metrics and their directions."""

from __future__ import annotations

import math

import pytest

from mlgate.metrics import (
    KNOWN_METRICS,
    classification_metrics,
    higher_is_better,
    quality_metrics,
    regression_metrics,
)


def test_classification_metrics_from_labels_and_probabilities():
    # given four binary predictions, one wrong, with probabilities of the positive class
    y_true = [0, 0, 1, 1]
    y_pred = [0, 1, 1, 1]
    proba = [[0.9, 0.1], [0.4, 0.6], [0.2, 0.8], [0.3, 0.7]]

    # when the metrics are computed
    result = classification_metrics(y_true, y_pred, proba, classes=[0, 1])

    # then they match the definitions
    assert result["accuracy"] == pytest.approx(0.75)
    # F1 of class 0: p=1, r=0.5 -> 2/3; of class 1: p=2/3, r=1 -> 0.8; macro mean
    assert result["f1_macro"] == pytest.approx((2 / 3 + 0.8) / 2)
    # every positive is scored above every negative
    assert result["roc_auc"] == pytest.approx(1.0)
    expected_loss = -(math.log(0.9) + math.log(0.4) + math.log(0.8) + math.log(0.7)) / 4
    assert result["log_loss"] == pytest.approx(expected_loss)


def test_multiclass_roc_auc_is_one_vs_rest():
    y_true = ["a", "b", "c"]
    proba = [[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]]
    result = classification_metrics(y_true, y_true, proba, classes=["a", "b", "c"])
    assert result["roc_auc"] == pytest.approx(1.0)
    assert result["accuracy"] == 1.0


def test_without_probabilities_only_label_metrics_exist():
    result = classification_metrics([0, 1], [0, 0])
    assert set(result) == {"accuracy", "f1_macro"}
    assert quality_metrics("classification", has_proba=False) == ("accuracy", "f1_macro")


def test_regression_metrics():
    result = regression_metrics([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 6.0])
    assert result["mae"] == pytest.approx(0.5)
    assert result["rmse"] == pytest.approx(1.0)  # sqrt(4 / 4)
    assert result["r2"] == pytest.approx(1 - 4 / 5)


def test_every_known_metric_has_a_direction():
    assert {m: higher_is_better(m) for m in ("roc_auc", "rmse", "throughput_rows_per_s")} == {
        "roc_auc": True,
        "rmse": False,
        "throughput_rows_per_s": True,
    }
    for metric in KNOWN_METRICS:
        higher_is_better(metric)  # raises KeyError for a metric without a direction
    with pytest.raises(KeyError):
        higher_is_better("nonsense")
