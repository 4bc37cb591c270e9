"""The generated project's workflow, executed with act: push, corrupted data, pull request,
and a project whose own data lives in an S3 remote.

The push scenarios track to a real ``mlflow server`` (PostgreSQL behind it) on loopback, passed
to act as the secrets a repository would hold; pull requests get no secrets, as a fork's. The
S3 remote is DVC's real s3 remote against moto's S3 server on loopback.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from mlflow import MlflowClient

from tests.support import tables
from tests.support.project import render
from tests.support.s3_server import CREDENTIALS, S3Endpoint
from tests.workflows.act_runner import ActRun, git, run_act

pytestmark = pytest.mark.act

PACKAGE = "act_workflow_check"


def _push_payload() -> dict[str, object]:
    return {
        "ref": "refs/heads/main",
        "repository": {"full_name": "octo/act-workflow-check", "default_branch": "main"},
    }


def _report(run: ActRun) -> str:
    """What a failing assertion shows: the job results and the end of act's log."""
    return f"jobs: {run.jobs()}\n--- act log (tail)\n{run.log[-6000:]}"


def _secrets(uri: str) -> dict[str, str]:
    return {"MLFLOW_TRACKING_URI": uri}


def test_push_to_main_validates_trains_benchmarks_and_promotes(
    scenario: Path, mlflow_server: str, tmp_path: Path
) -> None:
    # given a push to main with the tracking server's secrets
    payload = _push_payload()

    # when the generated workflow runs
    run = run_act(
        scenario, "push", payload, tmp_path / "artifacts", secrets=_secrets(mlflow_server)
    )

    # then every job passes and the reports say why
    assert run.returncode == 0, _report(run)
    assert set(run.jobs().values()) == {"succeeded"}, _report(run)
    assert {
        "checks (tests, pre-commit)",
        "pipeline (validate, train, benchmark)",
        "promote (model registry)",
    } <= set(run.jobs()), _report(run)
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


def _dvc(project: Path, *args: str, env: dict[str, str] | None = None) -> None:
    """Run DVC in ``project`` as a user would (from this test environment's DVC)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    done = subprocess.run(
        [sys.executable, "-m", "dvc", *args],
        cwd=project,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"dvc {' '.join(args)}: {done.stdout}{done.stderr}"


def _commit_new_data(project: Path, frame: pd.DataFrame, env: dict[str, str] | None = None) -> None:
    """A user's new data: replace the raw file, record it with DVC, push it, commit the record."""
    frame.to_csv(project / "data" / "raw" / "dataset.csv", index=False)
    _dvc(project, "add", "data/raw/dataset.csv", env=env)
    _dvc(project, "push", env=env)
    git(project, "add", "-A")
    git(project, "commit", "--quiet", "-m", "New raw data")


def _corrupt_raw_data(project: Path, storage: Path) -> None:
    """Commit raw data that breaks the schema, pushed to a local remote CI can reach.

    The sample gets negative radii and missing textures, as a broken source would deliver it;
    CI pulls it from the remote (a folder on this machine, as a mounted share would be).
    """
    frame = pd.read_csv(project / "data" / "raw" / "dataset.csv")
    frame.loc[:29, "mean_radius"] = -5.0
    frame.loc[30:59, "mean_texture"] = None
    _dvc(project, "remote", "modify", "storage", "url", str(storage))
    _commit_new_data(project, frame)


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
        scenario, "push", _push_payload(), tmp_path / "artifacts", secrets=_secrets(mlflow_server)
    )

    # then the pipeline stops at validation with the report, and promotion never starts
    assert run.returncode != 0, _report(run)
    assert run.jobs().get("pipeline (validate, train, benchmark)") == "failed", _report(run)
    validation = run.artifact_json("mlgate-validation", "validation.json")
    assert validation["verdict"] == "fail"
    assert not (run.artifacts / "mlgate-train").exists(), "training ran after a failed validation"
    assert not run.ran("promote"), _report(run)

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
    assert run.returncode == 0, _report(run)
    assert run.jobs().get("pipeline (validate, train, benchmark)") == "succeeded", _report(run)
    assert not run.ran("promote"), _report(run)
    record = run.artifact_json("mlgate-train", "train.json")
    assert record["tracking_uri"].startswith("sqlite:")
    assert "Tracking: local sqlite, because no tracking server secrets reach this run" in run.log
    assert "pull requests from forks get none" in run.log
    assert "no GITHUB_TOKEN given, so no comment on pull request #7" in run.log
    assert not (run.artifacts / "mlgate-promotion").exists()
    # and the project's metrics session compared this change with the base commit
    assert f"### Metrics against {base[:7]}" in run.log, _report(run)
    assert "reports/metrics.json | accuracy" in run.log, _report(run)


@pytest.fixture(scope="module")
def s3_project(
    s3_endpoint: S3Endpoint, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, pd.DataFrame]:
    """A project generated with an s3 remote, on a user's own data pushed to that remote.

    The remote's endpoint is moto's S3 server on loopback (`dvc remote modify ... endpointurl`,
    as for any S3-compatible store). The data and its schema are a customer table unlike the
    sample, so only a real `dvc pull` can give CI this data.
    """
    project = render(
        tmp_path_factory.mktemp("act-s3"),
        project_name="Act S3 Check",
        dvc_remote="s3",
        dvc_remote_url=f"s3://{s3_endpoint.bucket}/act-s3-check",
    )
    git(project, "add", "-A")
    git(project, "commit", "--quiet", "-m", "Generated project")
    git(project, "branch", "-M", "main")
    _dvc(project, "remote", "modify", "storage", "endpointurl", s3_endpoint.url)
    _dvc(project, "remote", "modify", "storage", "region", CREDENTIALS["AWS_DEFAULT_REGION"])
    tables.use_schema(project / "src" / "act_s3_check" / "schema.py", tables.CUSTOMERS_SCHEMA)
    data = tables.customers(400, seed=5)
    _commit_new_data(project, data, env=CREDENTIALS)
    assert any(key.startswith("act-s3-check/") for key in s3_endpoint.objects())
    return project, data


def _copy(project: Path, tmp_path: Path) -> Path:
    copy = tmp_path / project.name
    shutil.copytree(project, copy, symlinks=True)
    return copy


def test_push_pulls_the_data_from_the_s3_remote_and_runs_the_pipeline_on_it(
    s3_project: tuple[Path, pd.DataFrame], tmp_path: Path
) -> None:
    # given a push to main with the S3 remote's credentials as secrets (no tracking server)
    project, data = s3_project
    project = _copy(project, tmp_path)
    secrets = {k: v for k, v in CREDENTIALS.items() if k != "AWS_DEFAULT_REGION"}

    # when the generated workflow runs
    run = run_act(project, "push", _push_payload(), tmp_path / "artifacts", secrets=secrets)

    # then the data came from S3 through `dvc pull`, and every gate ran on it
    assert run.returncode == 0, _report(run)
    assert run.jobs().get("pipeline (validate, train, benchmark)") == "succeeded", _report(run)
    assert "dvc pull: s3 remote with credentials from AWS_ACCESS_KEY_ID" in run.log
    validation = run.artifact_json("mlgate-validation", "validation.json")
    assert validation["verdict"] == "pass"
    assert sum(d["rows"] for d in validation["datasets"]) == len(data)
    assert {d["columns"] for d in validation["datasets"]} == {data.shape[1]}
    assert run.artifact_json("mlgate-benchmark", "benchmark.json")["task"] == "classification"
    print(f"act push with an s3 remote: {run.seconds:.1f} s")


def test_a_pull_request_without_the_remotes_secrets_skips_the_gates_and_says_why(
    s3_project: tuple[Path, pd.DataFrame], tmp_path: Path
) -> None:
    # given a pull request, which gets no secrets: the user's data cannot be pulled
    project = _copy(s3_project[0], tmp_path)
    base = git(project, "rev-parse", "HEAD")
    payload = {
        "number": 8,
        "pull_request": {
            "number": 8,
            "base": {"sha": base, "ref": "main"},
            "head": {"sha": base, "ref": "feature"},
        },
        "repository": {"full_name": "octo/act-s3-check", "default_branch": "main"},
    }

    # when the generated workflow runs
    run = run_act(project, "pull_request", payload, tmp_path / "artifacts")

    # then no gate runs on missing data, none invents it, and the log says what is missing
    assert run.returncode == 0, _report(run)
    assert "data/raw/dataset.csv: missing" in run.log and "dvc pull" in run.log
    assert not (run.artifacts / "mlgate-validation").exists()
    assert not (run.artifacts / "mlgate-train").exists()
