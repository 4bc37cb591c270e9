from __future__ import annotations

import json

import pytest
from sklearn.linear_model import Ridge
from sklearn.preprocessing import StandardScaler

from mlgate.errors import InputError
from mlgate.reporting import write_json
from mlgate.tuning.report import (
    best_document,
    build_report,
    fingerprint,
    read_best_params,
    summary_markdown,
    tuned_estimator,
)


def _document(**overrides):
    """A tuned-params document as mlgate tune writes it, with fields to override."""
    values = dict(
        task="regression",
        algorithm="ridge",
        params={"alpha": 0.3},
        seed=5,
        cv_score=0.47,
        scoring="r2",
        fingerprint="f" * 64,
    )
    values.update(overrides)
    return best_document(**values)


def test_the_tuned_file_rebuilds_the_estimator(tmp_path):
    # given a tuned-params file and the project's prepare step
    path = write_json(tmp_path / "best_params.json", _document())
    prepare = StandardScaler()
    # when the train stage builds its estimator from it
    pipeline = tuned_estimator(path, prepare=prepare)
    # then it is prepare -> model with the tuned algorithm, params and seed
    assert list(pipeline.named_steps) == ["prepare", "model"]
    assert isinstance(pipeline.named_steps["prepare"], StandardScaler)
    assert pipeline.named_steps["prepare"] is not prepare  # a clone: the caller's stays unfitted
    model = pipeline.named_steps["model"]
    assert isinstance(model, Ridge)
    assert model.alpha == 0.3
    assert model.random_state == 5
    assert tuned_estimator(path, seed=9, prepare=prepare).named_steps["model"].random_state == 9


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (None, "no such tuned-params file"),
        ("{not json", "not a readable JSON"),
        (json.dumps({"algorithm": "ridge"}), "lacks params, task, seed, cv_score, scoring"),
        (json.dumps({**_document(), "params": [1]}), "'params' must be a mapping"),
    ],
)
def test_bad_tuned_files_are_input_errors(tmp_path, content, fragment):
    path = tmp_path / "best_params.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_best_params(path)
    assert fragment in raised.value.message
    assert str(path) in raised.value.message


def test_fingerprint_changes_with_the_winner_and_the_data():
    config = {"seed": 1, "n_trials": 4}
    base = fingerprint(config, "abc", "ridge", {"alpha": 1.0})
    assert base == fingerprint(dict(config), "abc", "ridge", {"alpha": 1.0})
    assert base != fingerprint(config, "abd", "ridge", {"alpha": 1.0})
    assert base != fingerprint(config, "abc", "ridge", {"alpha": 1.5})


def _report(verdict="pass", tracking=None):
    """A report of a two-trial search, enough to render every part of the summary."""
    trials = [
        {
            "trial": 1,
            "algorithm": "ridge",
            "params": {"alpha": 0.5},
            "cv_score": 0.4,
            "cv_std": 0.05,
            "fit_time_s": 0.01,
            "rank": 2,
        },
        {
            "trial": 2,
            "algorithm": "random_forest",
            "params": {"max_depth": None},
            "cv_score": 0.45,
            "cv_std": 0.04,
            "fit_time_s": 0.9,
            "rank": 1,
        },
    ]
    return build_report(
        version="0.1.0",
        config={
            "task": "regression",
            "scoring": "r2",
            "seed": 3,
            "n_trials": 2,
            "max_seconds": None,
            "cv_folds": 3,
        },
        trials=trials,
        best=trials[1],
        baseline_score=-0.01,
        holdout_score=0.43,
        checks=[{"name": "beats_baseline", "passed": verdict == "pass", "message": "gain | 0.46"}],
        verdict=verdict,
        stopped_by="trials",
        n_candidates=2,
        elapsed_s=1.2,
        n_jobs=2,
        data={},
        tracking=tracking,
        fingerprint="0123456789abcdef" * 4,
        best_params_path="models/best_params.json",
    )


def test_the_summary_tables_every_trial_best_first():
    # when a report is rendered
    text = summary_markdown(
        _report(tracking={"experiment": "e", "parent_run_id": "r1", "trial_runs": 2})
    )
    # then the verdict, the checks and a row per trial (best first) appear
    assert "## mlgate tune: ✅ pass" in text
    assert "gain \\| 0.46" in text
    rows = [
        line for line in text.splitlines() if line.startswith("| 1 |") or line.startswith("| 2 |")
    ]
    assert rows[0].startswith("| 1 | 2 | random_forest | 0.45 |")
    assert rows[1].startswith("| 2 | 1 | ridge | 0.4 |")
    assert "nested trial runs" in text


def test_the_report_is_a_gate_report():
    report = _report(verdict="fail")
    assert (report["gate"], report["verdict"], report["mlgate_version"]) == (
        "tune",
        "fail",
        "0.1.0",
    )
    assert "❌ fail" in summary_markdown(report)
