"""The generated noxfile's sessions as CI runs them: ``nox --no-venv --no-install``.

The sessions run with real nox (from PyPI through uv, as ``uvx nox``) and real DVC (this test
environment's, on PATH), in the environment that runs them, as after the setup action.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.project import render, run, run_checked

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def noxfile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The noxfile of a project generated with the defaults."""
    return render(tmp_path_factory.mktemp("nox"), project_name="Nox Check") / "noxfile.py"


def _git(folder: Path, *args: str) -> str:
    return run_checked(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], folder
    ).stdout.strip()


def _evaluate_only_project(folder: Path, noxfile: Path, score: float = 0.5) -> Path:
    """A git + DVC project with the generated noxfile and one stage, ``evaluate``, that writes
    ``reports/metrics.json`` from ``params.yaml``.

    It has the shape the metrics session relies on (a stage named evaluate whose metrics DVC
    knows) without training a model, so each run takes a second or two.
    """
    folder.mkdir()
    shutil.copy(noxfile, folder / "noxfile.py")
    (folder / "evaluate.py").write_text(
        "import json, pathlib\n"
        "score = float(pathlib.Path('params.yaml').read_text().split(':')[1])\n"
        "pathlib.Path('reports').mkdir(exist_ok=True)\n"
        "pathlib.Path('reports/metrics.json').write_text(json.dumps({'accuracy': score}))\n",
        encoding="utf-8",
    )
    (folder / "params.yaml").write_text(f"score: {score}\n", encoding="utf-8")
    (folder / "dvc.yaml").write_text(
        "stages:\n"
        "  evaluate:\n"
        f"    cmd: {sys.executable} evaluate.py\n"
        "    deps: [evaluate.py]\n"
        "    params: [score]\n"
        "    metrics:\n"
        "      - reports/metrics.json:\n"
        "          cache: false\n",
        encoding="utf-8",
    )
    _git(folder, "init", "--quiet", "-b", "main")
    run_checked([str(BIN / "dvc"), "init", "--quiet"], folder)
    run_checked([str(BIN / "dvc"), "config", "core.analytics", "false"], folder)
    return folder


def _nox(folder: Path, summary: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``nox --no-venv --no-install`` in ``folder``, as a CI step runs it, with a job summary."""
    uvx = BIN / "uvx" if (BIN / "uvx").exists() else shutil.which("uvx")
    assert uvx, "uvx (from uv) is needed to run nox: uv pip install uv"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GITHUB_", "NOX_", "UV_", "VIRTUAL_ENV", "PYTEST_"))
    }
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["GITHUB_STEP_SUMMARY"] = str(summary)
    return run([str(uvx), "nox", "--no-venv", "--no-install", *args], folder, env, timeout=300)


def test_metrics_against_a_revision_without_metrics_shows_the_new_ones(
    tmp_path: Path, noxfile: Path
) -> None:
    # given a base commit on which the pipeline never ran
    project = _evaluate_only_project(tmp_path / "p", noxfile)
    _git(project, "add", "-A")
    _git(project, "commit", "--quiet", "-m", "base")
    base = _git(project, "rev-parse", "HEAD")
    summary = tmp_path / "summary.md"

    # when the metrics session compares with it
    done = _nox(project, summary, "--session", "metrics", "--", base)

    # then evaluate ran, and the table shows the new metric against nothing
    assert done.returncode == 0, done.stdout + done.stderr
    text = summary.read_text(encoding="utf-8")
    assert text.startswith(f"### Metrics against {base[:7]}\n")
    row = next(line for line in text.splitlines() if "accuracy" in line)
    assert "0.5" in row and "-" in row


def test_metrics_against_the_base_branch_show_how_they_moved(tmp_path: Path, noxfile: Path) -> None:
    # given metrics committed on main, and a branch whose parameter change moves them
    project = _evaluate_only_project(tmp_path / "p", noxfile, score=0.5)
    run_checked([str(BIN / "dvc"), "repro", "--quiet"], project)
    _git(project, "add", "-A")
    _git(project, "commit", "--quiet", "-m", "base with metrics")
    _git(project, "checkout", "--quiet", "-b", "feature")
    (project / "params.yaml").write_text("score: 0.75\n", encoding="utf-8")
    summary = tmp_path / "summary.md"

    # when the metrics session runs with its default revision (main)
    done = _nox(project, summary, "--session", "metrics")

    # then the metrics are brought up to date and the summary has the old, new and change
    assert done.returncode == 0, done.stdout + done.stderr
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("### Metrics against main\n")
    row = next(line for line in text.splitlines() if "accuracy" in line)
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[-3:] == ["0.5", "0.75", "0.25"], row
    # and the table is printed in the log as well
    assert "0.75" in done.stdout


def test_metrics_against_an_unknown_revision_fail_and_add_nothing(
    tmp_path: Path, noxfile: Path
) -> None:
    # given a project and a revision that does not exist
    project = _evaluate_only_project(tmp_path / "p", noxfile)
    _git(project, "add", "-A")
    _git(project, "commit", "--quiet", "-m", "base")
    summary = tmp_path / "summary.md"

    # when the metrics session compares with it, then it fails and writes no summary
    done = _nox(project, summary, "--session", "metrics", "--", "no-such-revision")
    assert done.returncode != 0
    assert "unknown Git revision" in done.stdout + done.stderr
    assert not summary.exists()
