"""The parts of mlgate reproduce that need no project: lineage checks, the remote, comparing."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

from mlgate import reproduction
from mlgate.errors import ConfigError, InputError
from tests.support import tables


def _features_and_labels():
    frame = tables.mixed_classification(300, 0)
    numeric = frame.select_dtypes("number")
    target = "label" if "label" in frame else frame.columns[-1]
    features = numeric.drop(columns=[target], errors="ignore").fillna(0)
    return features, frame[target]


def test_the_same_seed_gives_identical_predictions_and_probabilities():
    features, labels = _features_and_labels()
    one = RandomForestClassifier(n_estimators=20, random_state=3).fit(features, labels)
    two = RandomForestClassifier(n_estimators=20, random_state=3).fit(features, labels)
    found = reproduction.compare_predictions(one, two, features)
    assert found.identical and found.compared == ["predict", "predict_proba"]
    assert found.rows == len(features)


def test_another_seed_is_reported_row_by_row():
    features, labels = _features_and_labels()
    one = RandomForestClassifier(n_estimators=5, random_state=3).fit(features, labels)
    two = RandomForestClassifier(n_estimators=5, random_state=4).fit(features, labels)
    found = reproduction.compare_predictions(one, two, features)
    assert not found.identical
    proba_gap = np.abs(one.predict_proba(features) - two.predict_proba(features)).max(axis=1)
    assert found.differing_rows == int((proba_gap > 0).sum()) > 0
    assert found.max_abs_difference == pytest.approx(proba_gap.max())
    flipped = int((one.predict(features) != two.predict(features)).sum())
    assert found.differing_labels == flipped
    # a tolerance forgives small probability gaps, never a changed class
    assert found.within(1.0) == (flipped == 0)
    assert not found.within(0.0)


def test_regression_values_are_compared_by_their_largest_difference():
    frame = tables.regression_with_units(300, 0)
    numeric = frame.select_dtypes("number").fillna(0)
    target = numeric.columns[-1]
    features, values = numeric.drop(columns=[target]), numeric[target]
    one = RandomForestRegressor(n_estimators=5, random_state=0).fit(features, values)
    two = RandomForestRegressor(n_estimators=5, random_state=1).fit(features, values)
    found = reproduction.compare_predictions(one, two, features)
    gap = np.abs(one.predict(features) - two.predict(features))
    assert found.compared == ["predict"]
    assert found.differing_rows == int((gap > 0).sum())
    assert found.max_abs_difference == pytest.approx(gap.max())
    assert found.differing_labels == 0
    assert found.within(gap.max()) and not found.within(gap.max() / 2)


def _chain(**lineage):
    return {"model_uri": "models:/m/1", "run": {"run_id": "r1", "lineage": lineage}}


@pytest.mark.parametrize(
    ("chain", "message"),
    [
        ({"model_uri": "models:/m/1", "run": None}, "not linked to an MLflow run"),
        (_chain(), "recorded no git commit"),
        (_chain(**{"mlgate.git_commit": "unknown"}), "recorded no git commit"),
        (_chain(**{"mlgate.git_commit": "abc"}), "recorded no training data hash"),
    ],
)
def test_a_lineage_that_cannot_be_reproduced_says_what_is_missing(chain, message):
    with pytest.raises(InputError, match=message):
        reproduction.lineage_of(chain)


def test_a_commit_missing_from_the_clone_says_to_fetch(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    with pytest.raises(InputError, match="not in this clone") as caught:
        reproduction.checkout(tmp_path, "0" * 40, tmp_path)
    assert "git fetch" in str(caught.value)


def test_outside_git_there_is_no_commit_to_check_out(tmp_path):
    with pytest.raises(InputError, match="not in a git repository"):
        reproduction.git_toplevel(tmp_path)


def test_the_remote_is_the_projects_default_with_a_relative_folder_made_absolute(tmp_path):
    (tmp_path / ".dvc").mkdir()
    (tmp_path / ".dvc" / "config").write_text(
        "[core]\n    remote = storage\n['remote \"storage\"']\n    url = ../dvc-storage\n"
    )
    assert reproduction.remote_config(tmp_path) == (
        "storage",
        str((tmp_path / "dvc-storage").resolve()),
    )


def test_no_remote_means_no_data_version_can_be_fetched(tmp_path):
    with pytest.raises(ConfigError, match="not a DVC project"):
        reproduction.remote_config(tmp_path)
    (tmp_path / ".dvc").mkdir()
    (tmp_path / ".dvc" / "config").write_text("[core]\n    analytics = false\n")
    with pytest.raises(ConfigError, match="no default DVC remote"):
        reproduction.remote_config(tmp_path)
