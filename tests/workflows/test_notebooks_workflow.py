"""The generated workflow's checks job, executed with act, for a project with notebooks.

The job runs the project's nox sessions in the environment the setup action made from the
dev extras: the tests execute every notebook, pre-commit syncs and strips each pair. A
notebook that stops running fails the job.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.project import render
from tests.workflows.act_runner import ActRun, git, run_act

pytestmark = pytest.mark.act

PAYLOAD = {
    "ref": "refs/heads/main",
    "repository": {"full_name": "octo/act-notebooks-check", "default_branch": "main"},
}
CHECKS = "checks (tests, pre-commit)"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    made = render(tmp_path / "out", project_name="Act Notebooks Check", notebooks="yes")
    git(made, "add", "-A")
    git(made, "commit", "--quiet", "-m", "Generated project")
    git(made, "branch", "-M", "main")
    return made


def checks(project: Path, tmp_path: Path) -> ActRun:
    return run_act(project, "push", PAYLOAD, tmp_path / "artifacts", extra_args=["--job", "checks"])


def test_the_checks_job_runs_the_notebook_and_its_hooks(project: Path, tmp_path: Path) -> None:
    run = checks(project, tmp_path)

    assert run.returncode == 0, run.log[-6000:]
    assert run.jobs() == {CHECKS: "succeeded"}, run.log[-6000:]
    assert "sync notebooks with their py:percent scripts (jupytext)" in run.log
    assert "strip notebook outputs and volatile metadata (nbstripout)" in run.log


def test_a_notebook_that_stops_running_fails_the_checks_job(project: Path, tmp_path: Path) -> None:
    # given a commit whose notebook asks for a column the data does not have
    script = project / "notebooks" / "01-explore-data.py"
    script.write_text(script.read_text().replace("frame[TARGET]\n", 'frame["gone"]\n', 1))
    git(project, "commit", "--quiet", "-am", "A notebook cell that breaks")

    run = checks(project, tmp_path)

    assert run.jobs() == {CHECKS: "failed"}, run.log[-6000:]
    assert "notebooks/01-explore-data.py, cell" in run.log
    assert "raised KeyError: 'gone'" in run.log
