"""Whether a project is behind its template, asked of a real template repository with git."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from mlgate.template_status import main, status


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout.strip()


@pytest.fixture
def template(tmp_path: Path) -> Path:
    """A template repository with one commit: its cookiecutter.json and template folder."""
    repo = tmp_path / "template"
    (repo / "{{cookiecutter.project_slug}}").mkdir(parents=True)
    (repo / "cookiecutter.json").write_text('{"project_slug": "p"}\n')
    (repo / "{{cookiecutter.project_slug}}" / "README.md").write_text("v1\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "v1")
    return repo


def linked_project(tmp_path: Path, template: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    record = {"template": str(template), "commit": git(template, "rev-parse", "HEAD"),
              "checkout": None, "context": {"cookiecutter": {}}, "directory": None}  # fmt: skip
    (project / ".cruft.json").write_text(json.dumps(record))
    return project


def test_a_project_at_the_templates_commit_is_current(tmp_path: Path, template: Path) -> None:
    assert status(linked_project(tmp_path, template)).state == "current"


def test_a_template_change_makes_the_project_behind_and_names_the_command(
    tmp_path: Path, template: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    # given a project linked to the template, then two template changes
    project = linked_project(tmp_path, template)
    for text in ("v2\n", "v3\n"):
        (template / "{{cookiecutter.project_slug}}" / "README.md").write_text(text)
        git(template, "commit", "-qam", text.strip())

    # when the status is asked in GitHub Actions
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    found = status(project)
    assert main([str(project)]) == 0

    # then it is 2 changes behind, and the notice says how to update
    assert (found.state, found.behind) == ("behind", 2)
    out = capsys.readouterr().out
    assert "::notice title=Template::2 template change(s) behind" in out
    assert "cruft update" in summary.read_text()


def test_changes_outside_what_a_project_is_made_from_do_not_count(
    tmp_path: Path, template: Path
) -> None:
    project = linked_project(tmp_path, template)
    (template / "tests").mkdir()
    (template / "tests" / "test_x.py").write_text("def test(): pass\n")
    git(template, "add", "-A")
    git(template, "commit", "-qm", "a test of the template itself")
    assert status(project).state == "current"


def test_a_project_without_a_record_is_unlinked_and_says_how_to_link(tmp_path: Path) -> None:
    found = status(tmp_path)
    assert found.state == "unlinked" and "cruft link" in found.message


def test_an_unreachable_template_is_unknown_never_a_failure(
    tmp_path: Path, template: Path, capsys
) -> None:
    project = linked_project(tmp_path, template)
    record = json.loads((project / ".cruft.json").read_text())
    record["template"] = str(tmp_path / "gone")
    (project / ".cruft.json").write_text(json.dumps(record))
    assert status(project).state == "unknown"
    assert main([str(project)]) == 0
    assert "could not ask" in capsys.readouterr().out


@pytest.mark.parametrize("checkout", ["commit", "main"])
def test_a_project_made_from_a_commit_or_a_branch_follows_the_template(
    tmp_path: Path, template: Path, checkout: str
) -> None:
    # given a project whose record names the commit or the branch it was made from
    project = linked_project(tmp_path, template)
    record = json.loads((project / ".cruft.json").read_text())
    record["checkout"] = record["commit"] if checkout == "commit" else "main"
    (project / ".cruft.json").write_text(json.dumps(record))

    # when the template moves on, then the project is behind by that change
    (template / "{{cookiecutter.project_slug}}" / "README.md").write_text("v2\n")
    git(template, "commit", "-qam", "v2")
    assert status(project).state == "behind"
