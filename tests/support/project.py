"""Generate a project from this template and run commands in it, as a user would.

Shared by the template, end-to-end and workflow tests, so each of them exercises the same
path: real cookiecutter, a fresh virtual environment made by uv, mlgate installed from this
working tree, and every command run as a subprocess inside the project.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from cookiecutter.main import cookiecutter

MLGATE_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIR = MLGATE_ROOT / "{{cookiecutter.project_slug}}"


def render(output_dir: Path, **answers: str) -> Path:
    """Render the template with its defaults plus ``answers``; returns the project folder."""
    return Path(
        cookiecutter(
            str(MLGATE_ROOT),
            no_input=True,
            output_dir=str(output_dir),
            extra_context=dict(answers),
        )
    )


def uv() -> str:
    """The uv executable: beside this interpreter (a nox or CI venv) or on PATH."""
    beside = Path(sys.executable).parent / "uv"
    found = str(beside) if beside.exists() else shutil.which("uv")
    if not found:
        raise RuntimeError("uv is needed to make project environments: pip install uv")
    return found


def install(project: Path, python: str | None = None, *, override: bool = True) -> Path:
    """A fresh venv in ``project/.venv`` with the project, its dev extras, and this mlgate.

    The generated pyproject takes mlgate from GitHub at a pinned ref; the override points
    that requirement at this working tree instead, so the code under test is what runs.
    ``override=False`` installs the project exactly as its README says (``pip install -e
    ".[dev]"``, here with uv): right for a project generated with ``mlgate_source`` set to
    this working tree, which then needs no access to GitHub.
    """
    venv = project / ".venv"
    python = python or f"{sys.version_info.major}.{sys.version_info.minor}"
    run_checked([uv(), "venv", "--quiet", "--python", python, str(venv)], cwd=project)
    redirect = []
    if override:
        path = project.parent / "mlgate-override.txt"
        path.write_text(f"mlgate @ {MLGATE_ROOT.as_uri()}\n")
        redirect = ["--override", str(path)]
    run_checked(
        [
            uv(),
            "pip",
            "install",
            "--quiet",
            "--python",
            str(venv / "bin" / "python"),
            *redirect,
            # uv caches a local build by pyproject mtime; always rebuild the tree under test.
            "--reinstall-package",
            "mlgate",
            "--refresh-package",
            "mlgate",
            "-e",
            f"{project}[dev]",
        ],
        cwd=project,
    )
    return venv


def project_env(project: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment a user has after activating the project's venv."""
    venv = project / ".venv"
    env = {
        key: value
        for key, value in os.environ.items()
        # UV_PYTHON and friends (set by nox's uv backend) would redirect the project's uv.
        if not key.startswith(("MLFLOW_", "VIRTUAL_ENV", "PYTHONPATH", "GITHUB_", "NOX_", "UV_"))
    }
    env.update(
        {
            "VIRTUAL_ENV": str(venv),
            "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
            "MLFLOW_DISABLE_TELEMETRY": "true",
            "GIT_AUTHOR_NAME": "mlgate tests",
            "GIT_AUTHOR_EMAIL": "tests@example.com",
            "GIT_COMMITTER_NAME": "mlgate tests",
            "GIT_COMMITTER_EMAIL": "tests@example.com",
        }
    )
    # Let each stage process cache its bytecode: the pipeline starts many processes.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    # Each project's pipeline starts a warm server (mlgate.warm) for its venv; a test run
    # makes dozens of projects, so theirs stop after two idle minutes rather than fifteen.
    env.setdefault("MLGATE_WARM_IDLE", "120")
    if extra:
        env.update(extra)
    return env


def run(
    command: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 900
) -> subprocess.CompletedProcess[str]:
    """Run a command, capturing its output; never raises on a non-zero exit."""
    return subprocess.run(
        list(command),
        cwd=cwd,
        env=dict(env) if env else None,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run_checked(
    command: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 900
) -> subprocess.CompletedProcess[str]:
    """Run a command and fail with its whole output when it exits non-zero."""
    done = run(command, cwd, env, timeout)
    if done.returncode != 0:
        raise AssertionError(
            f"{' '.join(command)} exited {done.returncode} in {cwd}\n"
            f"--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
        )
    return done


def project_client(project: Path):
    """An MLflow client on a generated project's own sqlite store (tracking and registry).

    Both URIs are given: MLflow otherwise falls back to process-wide URIs that earlier code in
    the same test process may have set.
    """
    from mlflow.tracking import MlflowClient

    uri = f"sqlite:///{project / 'mlflow.db'}"
    return MlflowClient(tracking_uri=uri, registry_uri=uri)


def demo(output_dir: Path, answers: Sequence[str]) -> Path:
    """Generate a project (``key=value`` answers), install it, run its pipeline in the open.

    ``nox -s demo`` runs this: the same steps as the end-to-end tests, with the commands'
    output shown rather than captured.
    """
    project = render(output_dir, **dict(answer.split("=", 1) for answer in answers))
    print(f"generated {project}; installing it into {project / '.venv'}", flush=True)
    install(project)
    env = project_env(project)
    for command in (["dvc", "repro"], ["dvc", "metrics", "show"]):
        print(f"{project.name}$ {' '.join(command)}", flush=True)
        done = subprocess.run(command, cwd=project, env=env, check=False)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed in {project} (exit {done.returncode})")
    print(
        f"\nThe pipeline ran in {project}. Inside it:\n"
        "  metrics    reports/metrics.json      .venv/bin/dvc metrics show\n"
        "  plots      reports/plots/            .venv/bin/dvc plots show\n"
        "  reports    reports/*.md              validation and benchmark summaries\n"
        "  MLflow     mlflow.db                 "
        ".venv/bin/mlflow ui --backend-store-uri sqlite:///mlflow.db"
    )
    return project


if __name__ == "__main__":
    demo(Path(sys.argv[1]), sys.argv[2:])
