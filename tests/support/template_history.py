"""A real template history for update tests: this template, then a representative change.

``template_history(folder)`` makes a git repository of the template's files as they are in
this tree (commit 1), then commits a change of the kinds a template release brings (commit 2):
a new file, a changed workflow step, a changed stage module, a new option with a default, and a
new mlgate release (``_release`` v0.2.0). It returns the repository and both commits.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.project import MLGATE_ROOT, run, run_checked

TEMPLATE_PARTS = ("cookiecutter.json", "hooks", "templates", "{{cookiecutter.project_slug}}")
SPLIT = "{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/split.py"
PRINT_LINE = '    print(f"split: {len(train)} train rows, {len(test)} test rows")'


def git(repo: Path, *args: str) -> str:
    return run_checked(
        ["git", "-c", "user.name=mlgate tests", "-c", "user.email=t@example.com", *args], repo
    ).stdout.strip()


def template_history(folder: Path) -> tuple[Path, str, str]:
    """The template repository under ``folder``, and its first and second commit."""
    repo = folder / "mlgate"
    listed = run_checked(["git", "ls-files", "-z", *TEMPLATE_PARTS], MLGATE_ROOT).stdout
    for name in filter(None, listed.split("\0")):
        target = repo / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(MLGATE_ROOT / name, target)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "template as released")
    first = git(repo, "rev-parse", "HEAD")

    # a new file
    runbook = repo / "{{cookiecutter.project_slug}}" / "docs" / "runbook.md"
    runbook.parent.mkdir()
    runbook.write_text("# Runbook of {{ cookiecutter.project_name }}\n\nWho to call.\n")
    # a changed workflow step
    workflow = repo / "{{cookiecutter.project_slug}}" / ".github" / "workflows" / "ci.yml"
    text = workflow.read_text()
    assert "      - name: Tests (nox -s tests)\n" in text
    workflow.write_text(
        text.replace(
            "      - name: Tests (nox -s tests)\n", "      - name: Unit tests (nox -s tests)\n"
        )
    )
    # a changed stage module
    split = repo / SPLIT
    assert PRINT_LINE in split.read_text()
    split.write_text(
        split.read_text().replace(PRINT_LINE, PRINT_LINE[:-2] + ", seed {cfg['seed']}\")")
    )
    # a new option, with a default
    spec = json.loads((repo / "cookiecutter.json").read_text())
    prompts = spec.pop("__prompts__")
    spec["team"] = "the data science team"
    spec["_release"] = "v0.2.0"  # a new release of mlgate: its actions and package move with it
    spec["__prompts__"] = {**prompts, "team": "Who looks after the project"}
    (repo / "cookiecutter.json").write_text(json.dumps(spec, indent=2) + "\n")
    readme = repo / "{{cookiecutter.project_slug}}" / "README.md"
    team = "\nLooked after by {{ cookiecutter.team }}.\n"
    description = "{{ cookiecutter.description }}\n"
    readme.write_text(readme.read_text().replace(description, description + team, 1))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "template: runbook, workflow step, split message, team option")
    return repo, first, git(repo, "rev-parse", "HEAD")


def cruft(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run cruft (beside this interpreter) and return what it did, whatever the exit code."""
    return run([str(Path(sys.executable).parent / "cruft"), *args], cwd)


def cruft_create(template: Path, commit: str, where: Path, name: str, **answers: str) -> Path:
    """``cruft create`` of the template at ``commit``, as the README's command does it."""
    context = {"project_name": name, **answers}
    done = cruft("create", str(template), "--checkout", commit, "--no-input", "--extra-context",
                 json.dumps(context), "--output-dir", str(where), cwd=where)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    project = where / name.lower().replace(" ", "-")
    assert json.loads((project / ".cruft.json").read_text())["commit"] == commit
    return project
