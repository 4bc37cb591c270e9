"""The generated workflow says when a project is behind its template: run under act.

A real template history (tests/support/template_history.py): a project made with cruft from the
first commit is one template change behind, and its checks job says so in a notice (and does
not fail); a project made from the latest commit gets no notice.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.template_history import cruft_create, template_history
from tests.workflows.act_runner import ActRun, git, run_act

pytestmark = pytest.mark.act
PINNED = re.compile(r"uses: mlgate-dev/mlgate/actions/[\w-]+@(\S+)")


def _checks_job(project: Path, artifacts: Path) -> ActRun:
    git(project, "add", "-A")
    git(project, "commit", "--quiet", "-m", "Generated project")
    payload = {
        "ref": "refs/heads/main",
        "repository": {"full_name": "octo/kept-up", "default_branch": "main"},
    }
    # the mlgate release the project's workflow pins (the second template commit moves it)
    pins = set(PINNED.findall((project / ".github" / "workflows" / "ci.yml").read_text()))
    assert len(pins) == 1, pins
    return run_act(
        project,
        "push",
        payload,
        artifacts,
        mlgate_action_ref=f"mlgate-dev/mlgate@{pins.pop()}",
        extra_args=["--job", "checks"],
    )


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    return template_history(tmp_path_factory.mktemp("history"))


def test_a_project_behind_its_template_gets_a_notice_not_a_failure(
    history: tuple[Path, str, str], tmp_path: Path
) -> None:
    repo, first, _ = history
    project = cruft_create(repo, first, tmp_path, "Behind Check")

    run = _checks_job(project, tmp_path / "artifacts")

    assert run.returncode == 0, run.log[-6000:]
    assert run.jobs().get("checks (tests, pre-commit)") == "succeeded", run.log[-6000:]
    assert "1 template change(s) behind" in run.log and "cruft update" in run.log
    assert "::notice title=Template::" in run.log or "Template" in run.log


def test_a_current_project_gets_no_notice(history: tuple[Path, str, str], tmp_path: Path) -> None:
    repo, _, latest = history
    project = cruft_create(repo, latest, tmp_path, "Current Check")

    run = _checks_job(project, tmp_path / "artifacts")

    assert run.returncode == 0, run.log[-6000:]
    assert "template: up to date with" in run.log
    assert "template change(s) behind" not in run.log
