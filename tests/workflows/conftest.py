"""Fixtures for the workflow tests: the generated project, rendered once, and copies of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.project import render
from tests.workflows.act_runner import git


@pytest.fixture(scope="session")
def rendered_workflows(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The generated project's ci.yml, rendered with a tag ref and with a commit SHA ref, and
    for cloud DVC remotes (whose credentials reach the pull on pushes only)."""
    out = tmp_path_factory.mktemp("rendered")
    sha = "0123456789abcdef0123456789abcdef01234567"
    projects = {
        "tag": render(out / "tag"),
        "sha": render(out / "sha", mlgate_ref=sha),
        "s3": render(out / "s3", dvc_remote="s3", dvc_remote_url="s3://b/p", mlgate_ref=sha),
        "azure": render(
            out / "azure", dvc_remote="azure", dvc_remote_url="azure://c/p", mlgate_ref=sha
        ),
    }
    return {name: path / ".github" / "workflows" / "ci.yml" for name, path in projects.items()}


@pytest.fixture(scope="session")
def act_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default project, generated once and committed on main; each scenario copies it.

    Its name is unique to these tests, so its registered model never meets another test's on
    the shared MLflow server.
    """
    project = render(tmp_path_factory.mktemp("act-project"), project_name="Act Workflow Check")
    git(project, "add", "-A")
    git(project, "commit", "--quiet", "-m", "Generated project")
    git(project, "branch", "-M", "main")
    return project


@pytest.fixture
def scenario(act_project: Path, tmp_path: Path) -> Path:
    """A private copy of the generated project (with its git history) for one act run."""
    copy = tmp_path / act_project.name
    shutil.copytree(act_project, copy, symlinks=True)
    return copy
