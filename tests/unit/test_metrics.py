"""Quality metrics and their directions."""

from __future__ import annotations

import math

import pytest

from mlgate.metrics import (
    KNOWN_METRICS,
    classification_metrics,
    classification_scores,
    higher_is_better,
    quality_metrics,
    regression_metrics,
    regression_scores,
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


# -- metrics the held-out rows cannot define


def test_a_class_missing_from_the_held_out_rows_leaves_roc_auc_undefined_with_the_reason():
    # given a 3-class model and held-out rows holding no 'c'
    proba = [[0.6, 0.3, 0.1], [0.2, 0.7, 0.1], [0.3, 0.4, 0.3], [0.1, 0.8, 0.1]]

    # when the metrics are computed
    scores = classification_scores(
        ["a", "b", "a", "b"], ["a", "b", "b", "b"], proba, ["a", "b", "c"]
    )

    # then roc_auc is None, saying which class is missing, and the others are numbers
    assert scores.values["roc_auc"] is None
    assert (
        "'c'" in scores.undefined["roc_auc"] and "no held-out rows" in scores.undefined["roc_auc"]
    )
    assert scores.values["accuracy"] == pytest.approx(0.75)
    assert scores.values["log_loss"] is not None


def test_one_class_in_the_held_out_rows_leaves_binary_roc_auc_undefined():
    scores = classification_scores([1, 1], [1, 0], [[0.2, 0.8], [0.6, 0.4]], [0, 1])
    assert scores.values["roc_auc"] is None
    assert scores.undefined["roc_auc"] == "only one class (1) in the held-out rows"


def test_a_class_the_model_never_learned_leaves_log_loss_and_roc_auc_undefined():
    # given held-out rows holding a class 'z' the model does not know
    scores = classification_scores(["a", "z"], ["a", "b"], [[0.6, 0.4], [0.3, 0.7]], ["a", "b"])
    # then instead of scikit-learn's error, both are undefined, naming the class
    for metric in ("log_loss", "roc_auc"):
        assert scores.values[metric] is None and "'z'" in scores.undefined[metric]
    assert scores.values["accuracy"] == pytest.approx(0.5)


def test_non_finite_predictions_and_a_constant_target_are_undefined_not_nan():
    predicted = regression_scores([1.0, 2.0, 3.0], [1.0, float("nan"), 3.0])
    assert predicted.values == {"rmse": None, "mae": None, "r2": None}
    assert "NaN" in predicted.undefined["rmse"]
    constant = regression_scores([2.0, 2.0, 2.0], [1.0, 2.0, 3.0])
    assert constant.values["r2"] is None and "constant" in constant.undefined["r2"]
    assert constant.values["mae"] == pytest.approx(2 / 3)
    proba = classification_scores([0, 1], [0, 1], [[float("nan"), 0.5], [0.5, 0.5]], [0, 1])
    assert proba.values["roc_auc"] is None and "not finite" in proba.undefined["roc_auc"]


def test_every_value_is_a_finite_number_or_none_with_a_reason():
    scores = classification_scores(["a", "a"], ["a", "a"], [[1.0], [1.0]], ["a"])
    for metric, value in scores.values.items():
        assert (value is None) == (metric in scores.undefined)
        assert value is None or math.isfinite(value)
