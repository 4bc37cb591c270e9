"""A generated project keeps up with its template: `cruft update` over a real template history.

The template history is a git repository the test builds from this tree: commit 1 is the
template as it is, commit 2 adds a representative change (a new file, a changed workflow step, a
changed stage module, a new option with a default). A project is made from commit 1 with
`cruft create`, edited the way real projects are (its own schema and data, a new test, a tuned
parameter), committed, then updated to commit 2:

* where the user did not touch the template's lines: no conflict, no `.rej`, the user's edits
  intact, the template's change in, and the project's `dvc repro`, tests and pre-commit pass;
* where the user did: the conflict is reported, pre-commit refuses to commit it, and resolving
  it gives a passing project.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.support import tables
from tests.support.project import MLGATE_ROOT, install, project_env, run, run_checked
from tests.support.template_history import PRINT_LINE, cruft, cruft_create, template_history

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """A template repository with two commits; returns its path and both commits."""
    return template_history(tmp_path_factory.mktemp("template-history"))


def create(history: tuple[Path, str, str], where: Path, name: str) -> Path:
    """A project made from the first commit with cruft, as the README's command makes one."""
    return cruft_create(history[0], history[1], where, name, mlgate_source=str(MLGATE_ROOT))


def own_it(project: Path) -> None:
    """The edits a real project has: its own schema and data, a new test, a tuned parameter."""
    package = project.name.replace("-", "_")
    tables.use_schema(project / "src" / package / "schema.py", tables.CUSTOMERS_SCHEMA)
    tables.customers(600, seed=3).to_csv(project / "data" / "raw" / "dataset.csv", index=False)
    (project / "tests" / "test_our_rules.py").write_text(
        f"from {package}.schema import TARGET\n\n\ndef test_the_label_is_the_segment() -> None:\n"
        '    assert TARGET == "segment"\n'
    )
    params = project / "params.yaml"
    params.write_text(params.read_text().replace("n_estimators: 200", "n_estimators: 150"))


def commit_all(project: Path, message: str) -> None:
    env = project_env(project)
    run_checked(["git", "add", "-A"], project, env)
    run_checked(["git", "commit", "-qm", message], project, env)


def update(history: tuple[Path, str, str], project: Path) -> subprocess.CompletedProcess[str]:
    return cruft("update", "--checkout", history[2], "--skip-apply-ask", cwd=project)


def leftovers(project: Path) -> tuple[list[str], list[str]]:
    """Files with conflict markers, and .rej files, in the project's work tree."""
    marked, rejected = [], []
    for path in project.rglob("*"):
        if ".git" in path.parts or ".venv" in path.parts or not path.is_file():
            continue
        if path.suffix == ".rej":
            rejected.append(str(path.relative_to(project)))
        elif path.suffix in {".py", ".yml", ".yaml", ".md", ".toml", ".json"}:
            text = path.read_text(errors="replace")
            if text.startswith("<<<<<<< ") or "\n<<<<<<< " in text:
                marked.append(str(path.relative_to(project)))
    return marked, rejected


def passes_its_own_checks(project: Path, *, installed: bool = False) -> None:
    if not installed:
        install(project, override=False)
    env = project_env(project)
    run_checked(["dvc", "repro"], project, env)
    run_checked(["pytest", "-q", "-p", "no:cacheprovider"], project, env)
    run_checked(["git", "add", "-A"], project, env)
    hooks = run(["pre-commit", "run", "--all-files", "--show-diff-on-failure"], project, env)
    assert hooks.returncode == 0, hooks.stdout + hooks.stderr


def test_an_update_brings_the_template_in_and_keeps_the_users_edits(
    history: tuple[Path, str, str], tmp_path: Path
) -> None:
    # given a project from the first commit, made the user's own and committed
    project = create(history, tmp_path, "Kept Up")
    own_it(project)
    commit_all(project, "Our data, schema, test and parameters")
    schema_before = (project / "src" / "kept_up" / "schema.py").read_text()

    # when it is updated to the template's second commit
    done = update(history, project)

    # then it applied without conflict, and both sides' changes are there
    assert done.returncode == 0, done.stdout + done.stderr
    assert leftovers(project) == ([], [])
    assert json.loads((project / ".cruft.json").read_text())["commit"] == history[2]
    assert (project / "docs" / "runbook.md").read_text().startswith("# Runbook of Kept Up")
    steps = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text())
    assert "Unit tests (nox -s tests)" in [s.get("name") for s in steps["jobs"]["checks"]["steps"]]
    assert "seed {cfg['seed']}" in (project / "src" / "kept_up" / "split.py").read_text()
    assert "Looked after by the data science team." in (project / "README.md").read_text()
    workflow = (project / ".github" / "workflows" / "ci.yml").read_text()
    assert "actions/setup@v0.2.0" in workflow and "@v0.1.0" not in workflow
    assert (project / "src" / "kept_up" / "schema.py").read_text() == schema_before
    assert "n_estimators: 150" in (project / "params.yaml").read_text()
    assert (project / "tests" / "test_our_rules.py").is_file()
    assert "customer_id" in (project / "data" / "raw" / "dataset.csv").read_text()[:200]

    # and the updated project runs its pipeline, its tests and its hooks
    commit_all(project, "Update from the template")
    passes_its_own_checks(project)


def test_a_conflicting_update_is_reported_refused_by_pre_commit_and_can_be_resolved(
    history: tuple[Path, str, str], tmp_path: Path
) -> None:
    # given a project whose user changed the very line the template changes next
    project = create(history, tmp_path, "Clashing Lines")
    split = project / "src" / "clashing_lines" / "split.py"
    ours = '    print(f"split: train={len(train)} test={len(test)}")'
    split.write_text(split.read_text().replace(PRINT_LINE, ours))
    commit_all(project, "Our own split message")

    # when it is updated
    update(history, project)

    # then the conflict is in the work tree, as markers or a .rej file
    marked, rejected = leftovers(project)
    assert marked or rejected, "the clash was not reported"
    assert set(marked) | {name.removesuffix(".rej") for name in rejected} == {
        "src/clashing_lines/split.py"
    }

    # and pre-commit refuses to let it be committed
    env = project_env(project)
    install(project, override=False)
    run_checked(["git", "add", "-A"], project, env)
    refused = run(["pre-commit", "run", "--all-files"], project, env)
    assert refused.returncode != 0
    hook = "refuse leftover conflict markers" if marked else "refuse leftover .rej files"
    assert hook in refused.stdout and "Failed" in refused.stdout

    # when the user resolves it (keeping their line) and removes what is left
    lines = split.read_text().splitlines()
    resolved, skipping = [], False
    for line in lines:
        if line.startswith("<<<<<<< "):
            continue
        if line.startswith("=======") and not line.strip("="):
            skipping = True
            continue
        if line.startswith(">>>>>>> "):
            skipping = False
            continue
        if not skipping:
            resolved.append(line)
    split.write_text("\n".join(resolved) + "\n")
    for name in rejected:
        (project / name).unlink()

    # then the project passes again, with the user's line
    assert ours in split.read_text()
    commit_all(project, "Update from the template, conflict resolved")
    passes_its_own_checks(project, installed=True)


def test_a_project_pinned_to_template_commits_moves_every_pin_on_update(
    history: tuple[Path, str, str], tmp_path: Path
) -> None:
    # given a project that pins mlgate to the template's commit (mlgate_ref=commit)
    repo, first, second = history
    project = cruft_create(repo, first, tmp_path, "Pinned Refs", mlgate_ref="commit")
    workflow = project / ".github" / "workflows" / "ci.yml"
    uses = [line for line in workflow.read_text().splitlines() if "mlgate/actions/" in line]
    assert uses and all(f"@{first}" in line for line in uses)
    assert f"mlgate@{first}" in (project / "pyproject.toml").read_text()
    commit_all(project, "Generated project")

    # when it is updated, then the package and every action move to the new commit together
    assert update(history, project).returncode == 0
    text = workflow.read_text()
    assert text.count(f"@{second}") == len(uses) and first not in text
    assert f"mlgate@{second}" in (project / "pyproject.toml").read_text()
    assert "zizmor: ignore" not in text  # pinned by SHA, nothing to excuse
