"""The generated project's workflow under act, for a project whose own data lives in an S3
remote: DVC's real s3 remote against moto's S3 server on loopback. A push with the remote's
credentials pulls the data and runs every gate on it; a pull request, which gets no secrets,
skips the gates and says why.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from tests.support import tables
from tests.support.project import render
from tests.support.s3_server import CREDENTIALS, S3Endpoint
from tests.workflows.act_runner import git, push_payload, run_act
from tests.workflows.dvc_data import commit_new_data, dvc

pytestmark = pytest.mark.act


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
    dvc(project, "remote", "modify", "storage", "endpointurl", s3_endpoint.url)
    dvc(project, "remote", "modify", "storage", "region", CREDENTIALS["AWS_DEFAULT_REGION"])
    tables.use_schema(project / "src" / "act_s3_check" / "schema.py", tables.CUSTOMERS_SCHEMA)
    data = tables.customers(400, seed=5)
    commit_new_data(project, data, env=CREDENTIALS)
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
    run = run_act(
        project, "push", push_payload("octo/act-s3-check"), tmp_path / "artifacts", secrets=secrets
    )

    # then the data came from S3 through `dvc pull`, and every gate ran on it
    assert run.returncode == 0, run.report()
    assert run.jobs().get("pipeline (validate, train, benchmark)") == "succeeded", run.report()
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
    assert run.returncode == 0, run.report()
    assert "data/raw/dataset.csv: missing" in run.log and "dvc pull" in run.log
    assert not (run.artifacts / "mlgate-validation").exists()
    assert not (run.artifacts / "mlgate-train").exists()
