"""A generated project, installed in a fresh environment, runs and tests itself on the first try.

For each task: generate with the defaults, install into a new venv (mlgate from this tree),
run `dvc repro`, the project's own pytest and pre-commit, then check that DVC re-runs
nothing on a second repro and only the downstream stages after a hyperparameter change.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from tests.support.project import (
    install,
    project_client,
    project_env,
    render,
    run,
    run_checked,
)

pytestmark = pytest.mark.e2e

TASKS = {
    "classification": {"project_name": "Tumour Classifier"},
    "regression": {"project_name": "Any Name 2027"},
}
EXPECTED_METRICS = {
    "classification": {"accuracy", "f1_macro", "roc_auc", "log_loss"},
    "regression": {"rmse", "mae", "r2"},
}
STAGE_RAN = re.compile(r"Running stage '([\w-]+)'")


def stages_run(output: str) -> list[str]:
    """The stages `dvc repro` actually executed, in order (skipped ones are not listed)."""
    return STAGE_RAN.findall(output)


class Project:
    """A generated, installed project and the environment to run commands in it."""

    def __init__(self, path: Path, task: str) -> None:
        self.path = path
        self.task = task
        self.env = project_env(path)
        self.first_repro = ""

    def run(self, *command: str):
        return run(command, cwd=self.path, env=self.env)

    def check(self, *command: str):
        return run_checked(command, cwd=self.path, env=self.env)


@pytest.fixture(scope="module", params=sorted(TASKS))
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Project:
    task = request.param
    path = render(tmp_path_factory.mktemp(f"e2e-{task}"), task=task, **TASKS[task])
    install(path)
    made = Project(path, task)
    made.check("git", "commit", "--quiet", "-m", "Generated project")
    made.first_repro = made.check("dvc", "repro").stdout
    return made


def test_first_repro_runs_every_stage_and_writes_metrics(project: Project) -> None:
    dvc_yaml = yaml.safe_load((project.path / "dvc.yaml").read_text())
    assert stages_run(project.first_repro) == list(dvc_yaml["stages"])
    metrics = json.loads((project.path / "reports" / "metrics.json").read_text())
    assert EXPECTED_METRICS[project.task] <= set(metrics)
    shown = project.check("dvc", "metrics", "show").stdout
    assert "reports/metrics.json" in shown
    plots = project.check("dvc", "plots", "show", "--json").stdout
    assert "reports/plots/" in plots


def test_training_run_is_tracked_with_lineage(project: Project) -> None:
    record = json.loads((project.path / "reports" / "train.json").read_text())
    client = project_client(project.path)
    run_data = client.get_run(record["run_id"])
    assert run_data.data.params["algorithm"] == "random_forest"
    assert run_data.data.tags["mlgate.git_commit"] != "unknown"
    assert run_data.data.tags["mlgate.data_path"] == "data/processed/train.parquet"
    assert len(run_data.data.tags["mlgate.data_hash"]) == 32
    inputs = run_data.inputs.dataset_inputs
    assert [d.dataset.name for d in inputs] == ["train"] and inputs[0].dataset.digest
    recorded = [a.path for a in client.list_artifacts(record["run_id"], "mlgate")]
    assert recorded == ["mlgate/profile.json", "mlgate/training_params.json"]
    model = client.get_logged_model(record["model_uri"].rsplit("/", 1)[-1])
    assert model.source_run_id == record["run_id"]
    experiment = client.get_experiment(record["experiment_id"])
    assert experiment.name == project.path.name


def test_projects_own_tests_pass(project: Project) -> None:
    done = project.check("pytest", "-q", "-p", "no:cacheprovider")
    assert " passed" in done.stdout and "failed" not in done.stdout


def test_pre_commit_passes_on_every_file(project: Project) -> None:
    project.check("git", "add", "--all")
    done = project.run("pre-commit", "run", "--all-files", "--show-diff-on-failure")
    assert done.returncode == 0, done.stdout + done.stderr


def test_second_repro_changes_nothing(project: Project) -> None:
    lock_before = (project.path / "dvc.lock").read_text()
    done = project.check("dvc", "repro")
    assert stages_run(done.stdout) == []
    assert (project.path / "dvc.lock").read_text() == lock_before
    assert "up to date" in project.check("dvc", "status").stdout


def test_hyperparameter_change_reruns_only_train_and_what_follows(project: Project) -> None:
    params_path = project.path / "params.yaml"
    params = yaml.safe_load(params_path.read_text())
    params["model"]["params"]["max_depth"] = 5
    params_path.write_text(yaml.safe_dump(params, sort_keys=False))

    done = project.check("dvc", "repro")

    ran = stages_run(done.stdout)
    assert ran[0] == "train"
    assert not {"split", "validate", "profile"} & set(ran)
    assert "evaluate" in ran


def champion_version(project: Project) -> str | None:
    """The registry's champion version of the project's model, or None."""
    from mlflow.exceptions import MlflowException

    client = project_client(project.path)
    name = project.path.name.replace("-", "_")
    try:
        return str(client.get_model_version_by_alias(name, "champion").version)
    except MlflowException:
        return None


def test_a_model_that_meets_the_goals_becomes_champion(project: Project) -> None:
    report = json.loads((project.path / "reports" / "benchmark.json").read_text())
    assert report["verdict"] == "pass"
    assert champion_version(project) is None

    done = project.check("mlgate", "promote")

    version = champion_version(project)
    assert version is not None
    record = json.loads((project.path / "reports" / "train.json").read_text())
    chain = project.check("mlgate", "lineage").stdout
    assert record["run_id"] in chain
    assert record["tags"]["mlgate.data_hash"] in chain
    assert record["tags"]["mlgate.git_commit"] in chain
    assert f"v{version}" in done.stdout or f"version {version}" in done.stdout


def test_champion_scores_a_file_through_predict(project: Project) -> None:
    package = project.path.name.replace("-", "_")
    out = project.path / "build" / "scored.csv"
    out.parent.mkdir(exist_ok=True)
    project.check("python", "-m", f"{package}.predict", "data/processed/test.parquet", str(out))
    lines = out.read_text().splitlines()
    header = lines[0].split(",")
    assert "prediction" in header and len(lines) > 50
    if project.task == "classification":
        assert header[-2:] == ["probability_0", "probability_1"]


def test_a_worse_retraining_is_not_promoted_and_the_report_says_why(project: Project) -> None:
    before = champion_version(project)
    params_path = project.path / "params.yaml"
    params = yaml.safe_load(params_path.read_text())
    params["model"]["params"] = {"n_estimators": 1, "max_depth": 1, "n_jobs": 1}
    params_path.write_text(yaml.safe_dump(params, sort_keys=False))

    done = project.run("dvc", "repro")

    assert done.returncode != 0, "the benchmark gate should stop the pipeline"
    assert stages_run(done.stdout)[-1] == "benchmark"
    report = json.loads((project.path / "reports" / "benchmark.json").read_text())
    assert report["verdict"] == "fail"
    summary = (project.path / "reports" / "benchmark.md").read_text()
    metric = "roc_auc" if project.task == "classification" else "rmse"
    assert metric in summary and "fail" in summary.lower()

    refused = project.run("mlgate", "promote")
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "not promoted" in (refused.stdout + refused.stderr).lower()
    assert champion_version(project) == before


def test_corrupted_raw_data_stops_the_pipeline_at_validate(project: Project) -> None:
    # given a new version of the raw data with broken rows: impossible values and gaps
    raw = project.path / "data" / "raw" / "dataset.csv"
    column = "mean_radius" if project.task == "classification" else "bmi"
    frame = pd.read_csv(raw)
    frame.loc[::7, column] = -5.0
    frame.loc[1::9, column] = None
    frame.to_csv(raw, index=False)
    broken = raw.read_bytes()
    client = project_client(project.path)
    experiment = client.get_experiment_by_name(project.path.name)
    runs_before = len(client.search_runs([experiment.experiment_id], max_results=1000))
    record_before = (project.path / "reports" / "train.json").read_text()

    # when the pipeline runs
    done = project.run("dvc", "repro")

    # then it stops at validate, with the report on disk naming the column
    assert done.returncode != 0
    ran = stages_run(done.stdout)
    assert ran[-1] == "validate" and "train" not in ran
    report = json.loads((project.path / "reports" / "validation.json").read_text())
    assert report["verdict"] == "fail"
    assert column in (project.path / "reports" / "validation.md").read_text()
    # and nothing new was trained or logged, and the data file is as the user left it
    assert (project.path / "reports" / "train.json").read_text() == record_before
    assert len(client.search_runs([experiment.experiment_id], max_results=1000)) == runs_before
    assert raw.read_bytes() == broken
