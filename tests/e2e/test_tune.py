"""The tune option: the search runs inside a generated project and its winner feeds train.

For each task, a project generated with ``tune=yes`` runs ``dvc repro`` through train. The
search's trials must be MLflow runs nested under the search run, the winner must be what
train fitted, and a sanity gate that cannot be met must stop the pipeline before train.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.e2e.test_pipeline import stages_run
from tests.support.project import (
    install,
    project_client,
    project_env,
    render,
    run,
    run_checked,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module", params=["classification", "regression"])
def tuned(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = render(
        tmp_path_factory.mktemp(f"tune-{request.param}"),
        task=request.param,
        tune="yes",
        project_name=f"Tuned {request.param}",
    )
    install(project)
    env = project_env(project)
    run_checked(["git", "commit", "--quiet", "-m", "generated"], cwd=project, env=env)
    done = run_checked(["dvc", "repro", "train"], cwd=project, env=env)
    assert stages_run(done.stdout)[-2:] == ["tune", "train"]
    return project


def test_trials_are_nested_runs_under_the_search(tuned: Path) -> None:
    report = json.loads((tuned / "reports" / "tune.json").read_text())
    client = project_client(tuned)
    experiment = client.get_experiment_by_name(tuned.name)
    children = client.search_runs(
        [experiment.experiment_id],
        filter_string=f"tags.mlflow.parentRunId = '{report['tracking']['parent_run_id']}'",
        max_results=1000,
    )
    n_trials = yaml.safe_load((tuned / "params.yaml").read_text())["tune"]["n_trials"]
    assert len(children) == n_trials
    assert all("cv_score" in child.data.metrics for child in children)
    algorithms = {child.data.params["algorithm"] for child in children}
    assert len(algorithms) >= 2, "the search should try more than one algorithm"


def test_the_winner_is_what_train_fitted(tuned: Path) -> None:
    best = json.loads((tuned / "models" / "best_params.json").read_text())
    record = json.loads((tuned / "reports" / "train.json").read_text())
    client = project_client(tuned)
    params = client.get_run(record["run_id"]).data.params
    assert params["algorithm"] == best["algorithm"]
    for name, value in best["params"].items():
        assert params[name] == str(value)
    summary = (tuned / "reports" / "tune.md").read_text()
    assert best["algorithm"] in summary and "|" in summary


def test_an_unmeetable_sanity_gate_stops_the_pipeline_before_train(tuned: Path) -> None:
    env = project_env(tuned)
    record_before = (tuned / "reports" / "train.json").read_text()
    params_path = tuned / "params.yaml"
    original = params_path.read_text()
    params = yaml.safe_load(original)
    params["tune"]["sanity"]["baseline_margin"] = 5.0  # no model beats the dummy by this much
    params_path.write_text(yaml.safe_dump(params, sort_keys=False))
    try:
        done = run(["dvc", "repro", "train"], cwd=tuned, env=env)
        assert done.returncode != 0
        output = done.stdout + done.stderr
        assert "tune" in stages_run(done.stdout)
        assert "train" not in stages_run(done.stdout)
        assert "baseline" in output.lower()
        assert (tuned / "reports" / "train.json").read_text() == record_before
        assert json.loads((tuned / "reports" / "tune.json").read_text())["verdict"] == "fail"
    finally:
        params_path.write_text(original)
