"""The paired comparison of candidate and champion, and the regression verdict it supports.

The verdict tests fit small models on a 3-class customers table with text categories,
booleans, dates and missing values (tests/support/tables.py) and judge them with the
template's default regression margins, on predictions, the way the benchmark gate does.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics

from mlgate.comparison import Predictions, _classification, _regression, _resampled_weights, compare
from mlgate.contract import from_frame
from mlgate.goals import comparison_level, judge, paired_tests, parse_goals, passed
from mlgate.metrics import classification_scores
from mlgate.modeling import build_model, preprocessing
from tests.support.tables import mixed_classification
from tests.unit.template_defaults import template_goals

TARGET = "segment"
NOT_FEATURES = ["customer_id", "batch"]  # an identifier and a column the schema excludes
CLASSES = np.array(["bronze", "silver", "gold"], dtype=object)


# -- the metrics under row weights are scikit-learn's metrics on the resampled rows


def _random_model(rng: np.random.Generator, n: int, classes: np.ndarray) -> Predictions:
    proba = rng.dirichlet(np.ones(len(classes)), n).round(1)  # rounding makes ties
    proba /= proba.sum(axis=1, keepdims=True)
    return Predictions(classes[proba.argmax(axis=1)], proba, classes)


@pytest.mark.parametrize("k", [2, 3, 4])
def test_every_resample_scores_exactly_what_scikit_learn_scores_on_its_rows(k):
    # given two models' predictions and probabilities (with ties) on 150 rows of k classes
    rng = np.random.default_rng(k)
    classes = np.array(["a", "b", "c", "d"][:k], dtype=object)
    y = rng.choice(classes, 150)
    model = _random_model(rng, 150, classes)
    names = ["accuracy", "f1_macro", "roc_auc", "log_loss"]
    codes, _, evaluation, _ = _classification(y, model, _random_model(rng, 150, classes), names)
    strata = [np.flatnonzero(codes == c) for c in np.unique(codes)]

    # when resamples are drawn and scored from their row weights
    weights = next(_resampled_weights(strata, 150, 4, seed=7))
    sums = (evaluation.columns.T @ weights).T
    found = evaluation.finish(sums, weights)

    # then each equals scikit-learn's metric on the rows the resample holds
    for r in range(4):
        rows = np.repeat(np.arange(150), weights[:, r].astype(int))
        yr, pr, probar = y[rows], model.predicted[rows], model.proba[rows]
        auc = (
            metrics.roc_auc_score(yr, probar[:, 1])
            if k == 2
            else metrics.roc_auc_score(yr, probar, multi_class="ovr", labels=classes)
        )
        expected = {
            "accuracy": metrics.accuracy_score(yr, pr),
            "f1_macro": metrics.f1_score(yr, pr, average="macro", zero_division=0),
            "roc_auc": auc,
            "log_loss": metrics.log_loss(yr, probar, labels=classes),
        }
        for name in names:
            assert found[name][r] == pytest.approx(expected[name], rel=1e-5), (name, r)
        # and every class kept its number of rows
        assert pd.Series(yr).value_counts().to_dict() == pd.Series(y).value_counts().to_dict()


def test_regression_metrics_under_row_weights_match_scikit_learn():
    rng = np.random.default_rng(0)
    truth = rng.normal(300_000, 50_000, 80)  # prices: large values need double precision
    predicted = truth + rng.normal(0, 20_000, 80)
    evaluation = _regression(truth, predicted, ["rmse", "mae", "r2"])
    weights = next(_resampled_weights([np.arange(80)], 80, 3, seed=1))
    found = evaluation.finish((evaluation.columns.T @ weights).T, weights)
    for r in range(3):
        rows = np.repeat(np.arange(80), weights[:, r].astype(int))
        assert found["rmse"][r] == pytest.approx(
            metrics.root_mean_squared_error(truth[rows], predicted[rows])
        )
        assert found["mae"][r] == pytest.approx(
            metrics.mean_absolute_error(truth[rows], predicted[rows])
        )
        assert found["r2"][r] == pytest.approx(metrics.r2_score(truth[rows], predicted[rows]))


# -- the tests


def test_four_rows_in_the_champions_favour_are_not_proof_for_accuracy():
    # given 114 rows on which the two models disagree on four, all four won by the champion
    y = np.array([0, 1] * 57)
    champion = y.copy()
    candidate = y.copy()
    candidate[:4] = 1 - candidate[:4]

    # when accuracy is compared
    found = compare(
        "classification", y, Predictions(candidate), Predictions(champion), ["accuracy"]
    )
    accuracy = found["accuracy"]

    # then the bootstrap interval alone would call it real, but McNemar's exact test does not:
    # four coin flips all landing one way happen once in 16
    assert accuracy.worsening == pytest.approx(4 / 114)
    assert accuracy.worsening_interval[0] > 0
    assert accuracy.test == "mcnemar" and accuracy.p_value == pytest.approx(1 / 16)
    assert not accuracy.significantly_worse


def test_the_same_rows_and_predictions_always_give_the_same_interval():
    rng = np.random.default_rng(3)
    y = rng.choice(CLASSES, 200)
    a, b = _random_model(rng, 200, CLASSES), _random_model(rng, 200, CLASSES)
    first = compare("classification", y, a, b, ["accuracy", "roc_auc", "log_loss"])
    again = compare("classification", y, a, b, ["accuracy", "roc_auc", "log_loss"])
    assert first == again


def test_a_class_with_two_rows_keeps_every_resample_defined():
    # given a held-out set where one class has only two rows
    rng = np.random.default_rng(5)
    y = np.array(["bronze"] * 60 + ["silver"] * 58 + ["gold"] * 2, dtype=object)
    a, b = _random_model(rng, 120, CLASSES), _random_model(rng, 120, CLASSES)

    # when ROC AUC and F1 are compared, then every resample counted
    found = compare("classification", y, a, b, ["roc_auc", "f1_macro"], resamples=500)
    assert {d.resamples for d in found.values()} == {500}
    assert all(np.isfinite([d.low, d.high]).all() for d in found.values())


# -- the verdict on retrained models


def _fit(frame: pd.DataFrame, seed: int, *, resample: bool = True, trees: int = 50):
    """A small random forest behind the prepare step, fitted on a bootstrap resample."""
    if resample:
        frame = frame.iloc[np.random.default_rng(seed).integers(0, len(frame), len(frame))]
    features = frame.drop(columns=[TARGET])
    params = {"n_estimators": trees, "max_depth": 8, "min_samples_leaf": 2, "n_jobs": 1}
    prepare = preprocessing(from_frame(features))
    return build_model("classification", "random_forest", params, seed, prepare).fit(
        features, frame[TARGET]
    )


def _said(model, features: pd.DataFrame) -> Predictions:
    return Predictions(model.predict(features), model.predict_proba(features), model.classes_)


def _regression_goals():
    """The template's default champion comparison: its margins and its alpha."""
    defaults = template_goals("classification")
    return parse_goals(
        {"max_regression": defaults["max_regression"], "alpha": defaults.get("alpha")}
    )


def _verdicts(goals, y, candidate: Predictions, champion: Predictions):
    """(refused by the paired rule, refused by comparing point estimates, the differences)."""
    cand, champ = (
        classification_scores(y, said.predicted, said.proba, said.classes)
        for said in (candidate, champion)
    )
    shared = [m for m in cand.values if cand.values[m] is not None and champ.values[m] is not None]
    tested = paired_tests(goals, "classification", shared)
    differences = compare(
        "classification", y, candidate, champion, tested, level=comparison_level(goals, tested)
    )
    paired = judge(goals, "classification", cand.values, champ.values, differences=differences)
    point = judge(goals, "classification", cand.values, champ.values)
    return not passed(paired), not passed(point), differences


def _row(label: str, differences, paired: bool, point: bool) -> str:
    cells = []
    for metric in ("accuracy", "roc_auc"):
        d = differences[metric]
        low, high = d.worsening_interval
        cells.append(f"{d.worsening:+.4f} [{low:+.3f}, {high:+.3f}] p={d.p_value:.3f}")
    verdicts = f"{'refused' if point else 'passed':>8} {'refused' if paired else 'passed':>8}"
    return f"{label:<10} {cells[0]:<34} {cells[1]:<34} {verdicts}"


HEADER = f"{'':<10} {'accuracy worsening':<34} {'roc_auc worsening':<34}    point   paired"


def test_equally_good_retrainings_are_not_refused_for_noise():
    # given a champion and 20 models trained the same way (other seeds, other bootstrap
    # resamples of the same 1,200 training rows), all scored on the same 300 held-out rows
    frame = mixed_classification(1500, seed=0).drop(columns=NOT_FEATURES)
    held_out = frame.sample(300, random_state=0)
    train = frame.drop(held_out.index)
    x, y = held_out.drop(columns=[TARGET]), held_out[TARGET]
    goals = _regression_goals()
    champion = _said(_fit(train, seed=1000), x)

    # when each is judged against the champion with the template's default margins
    table, paired_refusals, point_refusals = [HEADER], 0, 0
    for seed in range(20):
        paired, point, differences = _verdicts(goals, y, _said(_fit(train, seed), x), champion)
        paired_refusals += paired
        point_refusals += point
        table.append(_row(f"seed {seed}", differences, paired, point))
    print("\n" + "\n".join(table))
    print(f"refused: {point_refusals}/20 comparing point estimates, {paired_refusals}/20 paired")

    # then at most one is refused, where comparing point estimates refuses several
    assert paired_refusals <= 1
    assert point_refusals >= 3  # the noise is real: this is the situation the rule is for


class ExtraMistakes:
    """The champion, made worse: on a fixed share of rows (chosen by a hash of the row's
    values, so the same row always gets the same answer) it answers the next class instead."""

    def __init__(self, model, share: float) -> None:
        self.model, self.share, self.classes_ = model, share, model.classes_

    def _wrong(self, features: pd.DataFrame) -> np.ndarray:
        hashes = pd.util.hash_pandas_object(features, index=False).to_numpy()
        return (hashes % 100_000) < self.share * 100_000

    def predict_proba(self, features: pd.DataFrame) -> np.ndarray:
        proba = self.model.predict_proba(features).copy()
        wrong = self._wrong(features)
        proba[wrong] = np.roll(proba[wrong], 1, axis=1)
        return proba

    def predict(self, features: pd.DataFrame) -> np.ndarray:
        return self.classes_[self.predict_proba(features).argmax(axis=1)]


def test_a_candidate_truly_worse_by_five_points_is_refused_every_time():
    # given a champion, and two candidates 5 points of accuracy worse on 30,000 fresh rows:
    # the champion with extra mistakes, and a forest trained on 400 rows instead of 3,000
    source = mixed_classification(3000, seed=0).drop(columns=NOT_FEATURES)
    population = mixed_classification(30_000, seed=99).drop(columns=NOT_FEATURES)
    px, py = population.drop(columns=[TARGET]), population[TARGET]
    champion = _fit(source, seed=0, resample=False)
    accuracy = metrics.accuracy_score(py, champion.predict(px))
    when_wrong = metrics.accuracy_score(py, ExtraMistakes(champion, 1.0).predict(px))
    candidates = {
        "mistakes": ExtraMistakes(champion, 0.05 / (accuracy - when_wrong)),
        "less data": _fit(source.iloc[:400], seed=3, resample=False),
    }
    gaps = {
        name: accuracy - metrics.accuracy_score(py, m.predict(px)) for name, m in candidates.items()
    }
    assert gaps["mistakes"] == pytest.approx(0.05, abs=0.005)
    assert gaps["less data"] == pytest.approx(0.05, abs=0.01)

    # when each is judged 20 times, on 1,000 new held-out rows each time
    goals = _regression_goals()
    refused = dict.fromkeys(candidates, 0)
    table = [HEADER]
    for trial in range(20):
        held_out = mixed_classification(1000, seed=1000 + trial).drop(columns=NOT_FEATURES)
        x, y = held_out.drop(columns=[TARGET]), held_out[TARGET]
        champion_said = _said(champion, x)
        for name, candidate in candidates.items():
            paired, point, differences = _verdicts(goals, y, _said(candidate, x), champion_said)
            refused[name] += paired
            table.append(_row(f"{name[:4]} {trial}", differences, paired, point))
    print("\n" + "\n".join(table))
    print(f"population gaps: {gaps}; refused of 20: {refused}")

    # then both are refused every time
    assert refused == {"mistakes": 20, "less data": 20}
