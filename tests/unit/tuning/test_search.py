from __future__ import annotations

import numpy as np
import pytest

from mlgate.tuning.checks import beats_baseline
from mlgate.tuning.search import holdout_score, replay, run_search
from mlgate.tuning.space import parse_config

from .conftest import small_config


def _outcome(result):
    """The parts of a search that must not depend on workers or batching."""
    return [(t.number, t.algorithm, t.params, t.cv_score, t.rank) for t in result.trials]


def test_every_trial_is_reported_once_in_order(cancer):
    # given a small classification search
    X, y = cancer
    config = parse_config(small_config("classification"), "classification")
    seen = []
    # when it runs in batches of 4
    result = run_search(
        config,
        X,
        y,
        n_jobs=1,
        batch_size=4,
        on_trial=lambda t, n, b: seen.append((t.number, n, b.number)),
    )
    # then each trial is reported once, in order, with the best-so-far never getting worse
    assert [number for number, _, _ in seen] == [1, 2, 3, 4, 5, 6]
    assert {total for _, total, _ in seen} == {6}
    assert seen[-1][2] == result.best.number
    best_scores = [result.trials[b - 1].cv_score for _, _, b in seen]
    assert best_scores == sorted(best_scores)
    # and the winner is the top-ranked trial, clearly above the dummy
    assert result.best.rank == 1
    assert result.best.cv_score == max(t.cv_score for t in result.trials)
    assert result.baseline_score == pytest.approx(0.5)
    assert result.stopped_by == "trials"


def test_same_seed_same_trials_for_any_workers_and_batches(cancer):
    # given one config
    X, y = cancer
    config = parse_config(small_config("classification"), "classification")
    # when it runs serially in batches of 1 and on two worker processes in batches of 4
    serial = run_search(config, X, y, n_jobs=1, batch_size=1)
    parallel = run_search(config, X, y, n_jobs=2, batch_size=4)
    # then the trials, scores and winner are identical
    assert _outcome(serial) == _outcome(parallel)
    assert serial.best.number == parallel.best.number


def test_another_seed_draws_other_trials(diabetes):
    X, y = diabetes
    first = run_search(parse_config(small_config("regression"), "regression"), X, y)
    other = run_search(parse_config(small_config("regression", seed=8), "regression"), X, y)
    assert [t.params for t in first.trials] != [t.params for t in other.trials]


def test_a_shuffled_target_does_not_beat_the_dummy(cancer):
    # given a target shuffled against its features
    X, y = cancer
    shuffled = y.sample(frac=1.0, random_state=0).to_numpy()
    config = parse_config(small_config("classification"), "classification")
    # when the search runs
    result = run_search(config, X, shuffled)
    # then the baseline check fails at the default margin
    check = beats_baseline(
        result.best.cv_score, result.baseline_score, config.sanity.baseline_margin, config.scoring
    )
    assert not check.passed


def test_the_time_limit_stops_after_the_first_batch(diabetes):
    # given no time at all
    X, y = diabetes
    config = parse_config(small_config("regression", max_seconds=0), "regression")
    # when the search runs in batches of 2
    result = run_search(config, X, y, batch_size=2)
    # then one batch ran and the result says the time budget stopped it
    assert len(result.trials) == 2
    assert result.n_candidates == 6
    assert result.stopped_by == "time"


def test_replay_reproduces_the_top_scores(diabetes):
    X, y = diabetes
    config = parse_config(small_config("regression"), "regression")
    result = run_search(config, X, y, n_jobs=2)
    trials, searched, replayed = replay(result, config, X, y)
    assert trials[0] == result.best.number
    assert len(trials) == config.sanity.replay_top
    np.testing.assert_allclose(replayed, searched, rtol=1e-12)


def test_holdout_score_uses_the_refitted_winner(cancer):
    # given a search on the first 400 rows
    X, y = cancer
    config = parse_config(small_config("classification"), "classification")
    result = run_search(config, X.iloc[:400], y.iloc[:400])
    # when the rest is scored, and the same rows with flipped labels
    agreeing = holdout_score(result, config, X.iloc[400:], y.iloc[400:])
    flipped = holdout_score(result, config, X.iloc[400:], 1 - y.iloc[400:])
    # then the first is close to the CV score and the second far below it
    assert abs(agreeing - result.best.cv_score) < 0.1
    assert flipped < 0.2


def test_a_grid_smaller_than_the_budget_runs_each_point_once(cancer):
    # given only list-valued parameters: 3 points in all
    X, y = cancer
    section = small_config(
        "classification", n_trials=10, algorithms={"linear": {"C": [0.1, 1.0, 10.0]}}
    )
    result = run_search(parse_config(section, "classification"), X, y)
    assert sorted(t.params["C"] for t in result.trials) == [0.1, 1.0, 10.0]
