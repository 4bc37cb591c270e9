"""The generated project's workflow, executed with act: push, corrupted data, pull request.

The push scenarios track to a real ``mlflow server`` (PostgreSQL behind it) on loopback, passed
to act as the secrets a repository would hold; pull requests get no secrets, as a fork's. Each
scenario runs on a copy of one generated project, so each is a unit of work of its own on the
suite's workers (tests/support/scheduling.py).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from mlflow import MlflowClient

from tests.workflows.act_runner import git, push_payload, run_act
from tests.workflows.dvc_data import commit_new_data, dvc

pytestmark = pytest.mark.act

PACKAGE = "act_workflow_check"


def _secrets(uri: str) -> dict[str, str]:
    return {"MLFLOW_TRACKING_URI": uri}


def test_push_to_main_validates_trains_benchmarks_and_promotes(
    scenario: Path, mlflow_server: str, tmp_path: Path
) -> None:
    # given a push to main with the tracking server's secrets
    payload = push_payload("octo/act-workflow-check")

    # when the generated workflow runs
    run = run_act(
        scenario, "push", payload, tmp_path / "artifacts", secrets=_secrets(mlflow_server)
    )

    # then every job passes and the reports say why
    assert run.returncode == 0, run.report()
    assert set(run.jobs().values()) == {"succeeded"}, run.report()
    assert {
        "checks (tests, pre-commit)",
        "pipeline (validate, train, benchmark)",
        "promote (model registry)",
    } <= set(run.jobs()), run.report()
    assert run.artifact_json("mlgate-validation", "validation.json")["verdict"] == "pass"
    assert run.artifact_json("mlgate-benchmark", "benchmark.json")["verdict"] == "pass"
    record = run.artifact_json("mlgate-train", "train.json")
    promotion = run.artifact_json("mlgate-promotion", "promotion.json")
    assert promotion["outcome"] == "promoted", promotion
    # (act masks the address like any secret, as GitHub does)
    assert "Tracking: MLflow server `" in run.log

    # and the server's registry holds the trained run as champion
    client = MlflowClient(tracking_uri=mlflow_server, registry_uri=mlflow_server)
    champion = client.get_model_version_by_alias(PACKAGE, "champion")
    assert champion.run_id == record["run_id"] == promotion["run_id"]
    assert champion.version == str(promotion["version"])
    print(f"act push workflow: {run.seconds:.1f} s")


def _corrupt_raw_data(project: Path, storage: Path) -> None:
    """Commit raw data that breaks the schema, pushed to a local remote CI can reach.

    The sample gets negative radii and missing textures, as a broken source would deliver it;
    CI pulls it from the remote (a folder on this machine, as a mounted share would be).
    """
    frame = pd.read_csv(project / "data" / "raw" / "dataset.csv")
    frame.loc[:29, "mean_radius"] = -5.0
    frame.loc[30:59, "mean_texture"] = None
    dvc(project, "remote", "modify", "storage", "url", str(storage))
    commit_new_data(project, frame)


def test_push_with_corrupted_raw_data_fails_at_validation_and_promotes_nothing(
    scenario: Path, mlflow_server: str, tmp_path: Path
) -> None:
    # given a push whose raw data breaks the schema, under a model name no other test uses
    pyproject = scenario / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(f'model_name = "{PACKAGE}"', 'model_name = "act_corrupted"')
    )
    _corrupt_raw_data(scenario, tmp_path / "storage")

    # when the generated workflow runs with the server's secrets
    run = run_act(
        scenario,
        "push",
        push_payload("octo/act-workflow-check"),
        tmp_path / "artifacts",
        secrets=_secrets(mlflow_server),
    )

    # then the pipeline stops at validation with the report, and promotion never starts
    assert run.returncode != 0, run.report()
    assert run.jobs().get("pipeline (validate, train, benchmark)") == "failed", run.report()
    validation = run.artifact_json("mlgate-validation", "validation.json")
    assert validation["verdict"] == "fail"
    assert not (run.artifacts / "mlgate-train").exists(), "training ran after a failed validation"
    assert not run.ran("promote"), run.report()

    # and the registry holds nothing under that name
    client = MlflowClient(tracking_uri=mlflow_server, registry_uri=mlflow_server)
    assert client.search_registered_models(filter_string="name = 'act_corrupted'") == []


def test_pull_request_without_secrets_runs_the_pipeline_and_promotes_nothing(
    scenario: Path, tmp_path: Path
) -> None:
    # given a pull request on top of main, with no secrets at all (a fork's)
    base = git(scenario, "rev-parse", "HEAD")
    git(scenario, "checkout", "--quiet", "-b", "feature")
    params = scenario / "params.yaml"
    params.write_text(params.read_text().replace("n_estimators: 200", "n_estimators: 150"))
    git(scenario, "commit", "--quiet", "-am", "Fewer trees")
    payload = {
        "number": 7,
        "pull_request": {
            "number": 7,
            "base": {"sha": base, "ref": "main"},
            "head": {"sha": git(scenario, "rev-parse", "HEAD"), "ref": "feature"},
        },
        "repository": {"full_name": "octo/act-workflow-check", "default_branch": "main"},
    }

    # when the generated workflow runs
    run = run_act(scenario, "pull_request", payload, tmp_path / "artifacts")

    # then the pipeline passes on local sqlite and says so, and promotion never starts
    assert run.returncode == 0, run.report()
    assert run.jobs().get("pipeline (validate, train, benchmark)") == "succeeded", run.report()
    assert not run.ran("promote"), run.report()
    record = run.artifact_json("mlgate-train", "train.json")
    assert record["tracking_uri"].startswith("sqlite:")
    assert "Tracking: local sqlite, because no tracking server secrets reach this run" in run.log
    assert "pull requests from forks get none" in run.log
    assert "no GITHUB_TOKEN given, so no comment on pull request #7" in run.log
    assert not (run.artifacts / "mlgate-promotion").exists()
    # and the project's metrics session compared this change with the base commit
    assert f"### Metrics against {base[:7]}" in run.log, run.report()
    assert "reports/metrics.json | accuracy" in run.log, run.report()
