"""The goals format and the verdict: floors, ceilings, regression margins, lift, bootstrap."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlgate.comparison import Difference
from mlgate.errors import ConfigError, InputError
from mlgate.goals import (
    Margin,
    check_available,
    comparison_level,
    judge,
    paired_tests,
    parse_goals,
    passed,
)


def _by_kind(checks):
    return {(c.metric, c.kind): c for c in checks}


def test_floors_and_ceilings_pass_and_fail_on_the_right_side():
    # given a floor on roc_auc and a ceiling on latency
    goals = parse_goals({"min": {"roc_auc": 0.95}, "max": {"latency_p95_ms": 50}})

    # when a candidate above the floor but over the ceiling is judged
    checks = judge(goals, "classification", {"roc_auc": 0.97, "latency_p95_ms": 80.0})

    # then the floor passes, the ceiling fails, and the verdict fails with the ceiling's reason
    found = _by_kind(checks)
    assert found["roc_auc", "min"].passed is True
    assert found["latency_p95_ms", "max"].passed is False
    assert "ceiling 50" in found["latency_p95_ms", "max"].reason
    assert not passed(checks)


def test_a_value_exactly_on_the_floor_passes():
    goals = parse_goals({"min": {"accuracy": 0.9}})
    assert passed(judge(goals, "classification", {"accuracy": 0.9}))


@pytest.mark.parametrize(
    ("metric", "champion", "candidate", "ok"),
    [
        ("roc_auc", 0.95, 0.945, True),  # fell by 0.005 <= 0.01
        ("roc_auc", 0.95, 0.93, False),  # fell by 0.02
        ("rmse", 50.0, 50.005, True),  # rose by 0.005
        ("rmse", 50.0, 50.5, False),  # a rise in rmse is a regression
        ("rmse", 50.0, 40.0, True),  # a fall in rmse is an improvement
    ],
)
def test_regression_margins_are_direction_aware(metric, champion, candidate, ok):
    # given an absolute margin of 0.01
    goals = parse_goals({"max_regression": {metric: 0.01}})
    task = "regression" if metric == "rmse" else "classification"

    # when the candidate is compared with the champion
    checks = judge(goals, task, {metric: candidate}, champion={metric: champion})

    # then the check follows the metric's direction
    assert passed(checks) is ok


def test_relative_margin_is_a_percentage_of_the_champion():
    # given a 2% margin on rmse and a champion at 50 (1.0 allowed)
    goals = parse_goals({"max_regression": {"rmse": "2%"}})
    assert goals.max_regression == {"rmse": Margin(2.0, relative=True)}

    # then a rise of 0.9 passes and a rise of 1.5 fails
    assert passed(judge(goals, "regression", {"rmse": 50.9}, champion={"rmse": 50.0}))
    assert not passed(judge(goals, "regression", {"rmse": 51.5}, champion={"rmse": 50.0}))


def test_without_max_regression_the_candidate_must_not_be_worse_on_the_primary_metric():
    # given goals without max_regression
    goals = parse_goals({"min": {"accuracy": 0.5}})

    # when a candidate slightly worse on roc_auc than the champion is judged
    checks = judge(
        goals,
        "classification",
        {"accuracy": 0.9, "roc_auc": 0.96},
        champion={"accuracy": 0.9, "roc_auc": 0.97},
    )

    # then the default "no worse on roc_auc" check fails it
    assert _by_kind(checks)["roc_auc", "max_regression"].passed is False
    assert not passed(checks)


def test_empty_max_regression_makes_the_champion_comparison_informational():
    goals = parse_goals({"max_regression": {}})
    checks = judge(goals, "regression", {"rmse": 90.0}, champion={"rmse": 10.0})
    assert checks == [] and passed(checks)


def test_bootstrap_skips_regression_checks_and_rests_on_the_other_goals():
    # given no champion
    goals = parse_goals({"min": {"r2": 0.3}, "max_regression": {"rmse": 1.0}})

    # when a candidate meeting the floor is judged
    checks = judge(goals, "regression", {"r2": 0.45, "rmse": 55.0}, champion=None)

    # then the regression check is skipped (not failed) and says why
    regression = _by_kind(checks)["rmse", "max_regression"]
    assert regression.passed is None and "bootstrap" in regression.reason
    assert passed(checks)
    # and a candidate under the floor still fails
    assert not passed(judge(goals, "regression", {"r2": 0.1, "rmse": 55.0}))


def test_lift_over_dummy_is_direction_aware():
    goals = parse_goals({"min_lift_over_dummy": {"accuracy": 0.1, "rmse": 5.0}})
    checks = judge(
        goals,
        "classification",
        {"accuracy": 0.75, "rmse": 52.0},
        dummy={"accuracy": 0.63, "rmse": 55.0},
    )
    found = _by_kind(checks)
    assert found["accuracy", "min_lift_over_dummy"].passed is True  # 0.12 >= 0.1
    assert found["rmse", "min_lift_over_dummy"].passed is False  # 3 < 5


def test_a_metric_that_could_not_be_computed_fails_its_goal():
    goals = parse_goals({"min": {"roc_auc": 0.9}})
    checks = judge(goals, "classification", {"roc_auc": None})
    assert not passed(checks) and "could not be computed" in checks[0].reason


@pytest.mark.parametrize(
    ("raw", "error", "words"),
    [
        ({"floor": {"roc_auc": 0.9}}, ConfigError, "unknown goal kind"),
        ({"min": {"rmse": 50}}, ConfigError, "put rmse under max"),
        ({"max": {"roc_auc": 0.9}}, ConfigError, "put roc_auc under min"),
        ({"min": {"roc_auc": "high"}}, ConfigError, "not a finite number"),
        ({"min": {"rocauc": 0.9}}, InputError, "unknown metric 'rocauc'"),
        ({"max_regression": {"rmse": -1}}, ConfigError, "zero or positive"),
        ({"max_regression": {"rmse": "x%"}}, ConfigError, "not a percentage"),
        ({"min": [0.9]}, ConfigError, "must map metric names"),
    ],
)
def test_malformed_goals_are_refused_naming_the_key(raw, error, words):
    with pytest.raises(error, match=words) as caught:
        parse_goals(raw, "params.yaml:goals")
    assert "params.yaml:goals" in str(caught.value)


def test_goal_on_a_metric_not_computed_for_the_task_lists_the_available_ones():
    # given a regression goal used for a classifier
    goals = parse_goals({"min": {"r2": 0.4}})

    # when the goals are checked against the classification metrics
    with pytest.raises(InputError) as caught:
        check_available(goals, ["accuracy", "f1_macro", "roc_auc"], "params.yaml:goals")

    # then the message names the key and lists what is available
    message = str(caught.value)
    assert "params.yaml:goals.min.r2" in message
    assert "accuracy, f1_macro, roc_auc" in message


@given(
    champion=st.floats(0.0, 1.0),
    drop=st.floats(0.0, 1.0),
    margin=st.floats(0.0, 0.5),
)
def test_regression_verdict_matches_the_margin_for_any_values(champion, drop, margin):
    # given any champion value, any worsening and any margin
    goals = parse_goals({"max_regression": {"accuracy": margin}})
    candidate = champion - drop

    # then the check passes exactly when the worsening is within the margin
    checks = judge(
        goals, "classification", {"accuracy": candidate}, champion={"accuracy": champion}
    )
    assert passed(checks) is ((champion - candidate) <= margin + 1e-12)


# -- the champion comparison with a paired test


def _paired(metric, candidate, champion, low, high, p_value, level=0.95):
    """A paired comparison result as mlgate.comparison.compare returns it."""
    return Difference(
        metric, candidate, champion, low, high, level, p_value, "bootstrap", 114, 2000
    )


@pytest.mark.parametrize(
    ("candidate", "p_value", "ok", "words"),
    [
        (0.92, 0.001, False, "says the loss is real"),  # beyond the margin, and real
        (0.92, 0.20, True, "within the noise"),  # beyond the margin, but noise
        (0.94, 0.001, True, "within the allowed"),  # real, but within the margin
        (0.97, 0.90, True, "not worse"),  # better
    ],
)
def test_a_regression_fails_only_beyond_the_margin_and_beyond_the_noise(
    candidate, p_value, ok, words
):
    # given a champion at 0.95 accuracy and a margin of 0.02
    goals = parse_goals({"max_regression": {"accuracy": 0.02}})
    diff = candidate - 0.95
    paired = _paired("accuracy", candidate, 0.95, diff - 0.03, diff + 0.03, p_value)

    # when the candidate is judged with the paired comparison
    checks = judge(
        goals,
        "classification",
        {"accuracy": candidate},
        champion={"accuracy": 0.95},
        differences={"accuracy": paired},
    )

    # then it fails only when both the margin and the test say so, and the check carries both
    (check,) = checks
    assert check.passed is ok and words in check.reason
    assert check.paired["p_value"] == p_value and check.paired["interval"] == [
        pytest.approx(diff - 0.03),
        pytest.approx(diff + 0.03),
    ]
    assert "95% interval of the worsening" in check.reason


def test_the_level_of_the_paired_tests_is_shared_by_the_regression_checks():
    # given alpha 0.05 and two regression checks, each test runs at 0.025 (Bonferroni)
    goals = parse_goals({"max_regression": {"accuracy": 0.02, "roc_auc": 0.01}})
    tested = paired_tests(goals, "classification", ["accuracy", "roc_auc", "log_loss"])
    assert tested == ["accuracy", "roc_auc"]
    assert comparison_level(goals, tested) == pytest.approx(0.95)
    # a p-value of 0.03 is significant alone, not at 0.025
    assert _paired("roc_auc", 0.9, 0.95, -0.08, -0.01, 0.03, level=0.9).significantly_worse
    assert not _paired("roc_auc", 0.9, 0.95, -0.08, 0.001, 0.03, level=0.95).significantly_worse
    # and a latency regression has no paired test: the measured values are compared
    goals = parse_goals({"max_regression": {"latency_p95_ms": "50%"}})
    assert paired_tests(goals, "classification", ["accuracy"]) == []


@pytest.mark.parametrize("alpha", [0, -0.1, 0.6, "often", True])
def test_alpha_must_be_a_probability_up_to_one_half(alpha):
    with pytest.raises(ConfigError, match="alpha"):
        parse_goals({"alpha": alpha, "max_regression": {"accuracy": 0.02}}, "params.yaml:goals")


def test_alpha_is_read_and_reported():
    goals = parse_goals({"alpha": 0.01, "max_regression": {"accuracy": 0.02}})
    assert goals.alpha == 0.01 and goals.to_dict()["alpha"] == 0.01
    assert parse_goals({}).alpha == 0.05


# -- metrics the held-out rows cannot define


def test_floors_ceilings_and_lifts_on_undefined_metrics_fail_with_the_reason():
    # given goals on roc_auc, and held-out rows with a single class
    goals = parse_goals(
        {"min": {"roc_auc": 0.9}, "min_lift_over_dummy": {"roc_auc": 0.1, "accuracy": 0.1}}
    )
    cause = "only one class (1) in the held-out rows"

    # when the candidate, whose roc_auc is undefined, is judged
    checks = judge(
        goals,
        "classification",
        {"roc_auc": None, "accuracy": 0.9},
        dummy={"roc_auc": None, "accuracy": 1.0},
        undefined={"candidate": {"roc_auc": cause}, "dummy": {"roc_auc": cause}},
    )

    # then the goals that cannot be checked fail, each saying why
    found = _by_kind(checks)
    for key in (("roc_auc", "min"), ("roc_auc", "min_lift_over_dummy")):
        assert found[key].passed is False
        assert cause in found[key].reason and "cannot be checked" in found[key].reason
    assert found["accuracy", "min_lift_over_dummy"].passed is False  # 0.9 is below the dummy


def test_a_regression_check_without_the_champions_value_is_skipped_without_the_candidates_fails():
    goals = parse_goals({"max_regression": {"roc_auc": 0.01, "log_loss": 0.05}})
    checks = judge(
        goals,
        "classification",
        {"roc_auc": None, "log_loss": None},
        champion={"roc_auc": None, "log_loss": 0.2},
        undefined={
            "candidate": {"roc_auc": "only one class", "log_loss": "class 'z' never learned"},
            "champion": {"roc_auc": "only one class"},
        },
    )
    found = _by_kind(checks)
    skipped = found["roc_auc", "max_regression"]
    assert skipped.passed is None and "only one class" in skipped.reason
    failed = found["log_loss", "max_regression"]
    assert failed.passed is False and "class 'z' never learned" in failed.reason
    assert not passed(checks)


def test_the_default_comparison_falls_back_to_accuracy_when_roc_auc_is_undefined():
    goals = parse_goals({"min": {"accuracy": 0.5}})
    checks = judge(
        goals,
        "classification",
        {"accuracy": 0.8, "roc_auc": None},
        champion={"accuracy": 0.9, "roc_auc": None},
    )
    assert _by_kind(checks)["accuracy", "max_regression"].passed is False
