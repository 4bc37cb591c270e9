from __future__ import annotations

import math

from mlgate.tuning.checks import beats_baseline, holdout_agrees, same_winner, verdict


def test_beats_baseline_by_the_margin():
    assert beats_baseline(0.9, 0.5, 0.05, "accuracy").passed
    assert beats_baseline(0.55, 0.5, 0.05, "accuracy").passed


def test_below_the_margin_fails_and_says_why():
    check = beats_baseline(0.52, 0.5, 0.05, "accuracy")
    assert not check.passed
    assert "does not beat the dummy baseline" in check.message
    assert math.isclose(check.details["gain"], 0.02)


def test_negated_error_scores_compare_the_same_way():
    # given RMSE-like scores, negated as scikit-learn scorers report them
    assert beats_baseline(-40.0, -75.0, 5.0, "neg_root_mean_squared_error").passed
    assert not beats_baseline(-74.0, -75.0, 5.0, "neg_root_mean_squared_error").passed


def test_nan_never_passes():
    assert not beats_baseline(float("nan"), 0.5, 0.0, "accuracy").passed
    assert not holdout_agrees(0.9, float("nan"), 1.0, "accuracy").passed


def test_holdout_within_tolerance_on_either_side():
    assert holdout_agrees(0.90, 0.85, 0.05, "accuracy").passed
    assert holdout_agrees(0.90, 0.95, 0.05, "accuracy").passed
    low = holdout_agrees(0.90, 0.70, 0.05, "accuracy")
    assert not low.passed
    assert "-0.2000" in low.message


def test_same_winner_when_the_replay_reproduces_the_scores():
    check = same_winner([4, 2], [0.91, 0.90], [0.91, 0.90])
    assert check.passed
    assert "trial 4" in check.message


def test_a_changed_score_fails_and_names_the_trial():
    check = same_winner([4, 2], [0.91, 0.90], [0.91, 0.905])
    assert not check.passed
    assert "trial(s) 2" in check.message


def test_a_replay_that_reorders_fails():
    # given replayed scores that swap the top two, inside a lenient score tolerance
    check = same_winner([4, 2], [0.91, 0.90], [0.90, 0.91], rel_tol=0.05)
    assert not check.passed
    assert "chose trial 2 instead of trial 4" in check.message


def test_a_search_stopped_by_time_is_not_reproducible():
    check = same_winner([1], [0.9], [0.9], stopped_by="time")
    assert not check.passed
    assert "max_seconds" in check.message


def test_verdict_needs_every_check():
    good = beats_baseline(0.9, 0.5, 0.05, "accuracy")
    bad = holdout_agrees(0.9, 0.5, 0.05, "accuracy")
    assert verdict([good]) == "pass"
    assert verdict([good, bad]) == "fail"
