"""The task vocabulary of this repository; CI runs the same sessions.

    nox -s demo     generate a project with the defaults, install it in a fresh environment
                    (mlgate from this working tree) and run its whole pipeline
    nox -s tests    the whole test suite (pass pytest arguments after --)
    nox -s lint     ruff on this repository and on generated projects
    nox -s bench    the benchmarks in benchmarks/ (name some after -- to run only those)

On a machine with only Python and git, run them through ``python3 noxw.py -s NAME``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "tests"]

ROOT = Path(__file__).resolve().parent
BUILD = ROOT / "build"
# Sessions run on the interpreter that runs nox (Python 3.11+), so a machine needs no other.
PYTHON = None
THIS_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"

# Installs that are timed or run many short processes need bytecode compiled up front.
os.environ.setdefault("UV_COMPILE_BYTECODE", "1")
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """The whole suite: unit, template, end-to-end and workflow tests."""
    session.install("-e", ".[test]")
    session.run("pytest", *(session.posargs or ["-q"]))


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff on this repository, then on a generated project of each task."""
    session.install("ruff", "cookiecutter")
    # The template folder is Jinja, not Python or TOML: lint what it renders to instead.
    paths = ["src", "tests", "benchmarks", "hooks", "noxfile.py", "noxw.py"]
    session.run("ruff", "check", *paths)
    session.run("ruff", "format", "--check", *paths)
    out = BUILD / "lint"
    shutil.rmtree(out, ignore_errors=True)
    for task in ("classification", "regression"):
        session.run(
            "cookiecutter",
            "--no-input",
            "--output-dir",
            str(out),
            str(ROOT),
            f"task={task}",
            f"project_name=lint {task}",
        )
        project = out / f"lint-{task}"
        session.run("ruff", "check", str(project), external=False)
        session.run("ruff", "format", "--check", str(project))


@nox.session(python=PYTHON)
def demo(session: nox.Session) -> None:
    """Generate the default project into build/demo and run its whole pipeline."""
    session.install("cookiecutter", "uv")
    out = BUILD / "demo"
    shutil.rmtree(out, ignore_errors=True)
    session.run("cookiecutter", "--no-input", "--output-dir", str(out), str(ROOT), *session.posargs)
    project = next(path for path in out.iterdir() if path.is_dir())
    venv = project / ".venv"
    session.run("uv", "venv", "--quiet", "--python", THIS_PYTHON, str(venv))
    override = out / "mlgate-from-this-tree.txt"
    override.write_text(f"mlgate @ {ROOT.as_uri()}\n")
    session.run(
        "uv",
        "pip",
        "install",
        "--quiet",
        "--python",
        str(venv / "bin" / "python"),
        "--override",
        str(override),
        "--reinstall-package",
        "mlgate",
        "--refresh-package",
        "mlgate",
        "-e",
        f"{project}[dev]",
    )
    # Run inside the project's own environment, as a user who activated it would.
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("NOX", "VIRTUAL_ENV"))
    }
    env["VIRTUAL_ENV"] = str(venv)
    env["PATH"] = os.pathsep.join(
        [str(venv / "bin")]
        + [p for p in os.environ["PATH"].split(os.pathsep) if not p.startswith(str(ROOT / ".nox"))]
    )
    for command in (["dvc", "repro"], ["dvc", "metrics", "show"]):
        session.log(f"{project.name}$ {' '.join(command)}")
        done = subprocess.run(command, cwd=project, env=env, check=False)
        if done.returncode != 0:
            session.error(f"{' '.join(command)} failed in {project} (exit {done.returncode})")
    rel = project.relative_to(ROOT)
    session.log(f"The pipeline ran in {rel}/. Inside it:")
    session.log("  metrics    reports/metrics.json      .venv/bin/dvc metrics show")
    session.log("  plots      reports/plots/            .venv/bin/dvc plots show")
    session.log("  reports    reports/*.md              validation and benchmark summaries")
    session.log(
        "  MLflow     mlflow.db                 .venv/bin/mlflow ui --backend-store-uri sqlite:///mlflow.db"
    )


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Run benchmarks/bench_*.py (or those named after --); each prints ratios and writes
    build/bench/<name>.json."""
    session.install("-e", ".[test]")
    wanted = session.posargs
    scripts = sorted((ROOT / "benchmarks").glob("bench_*.py"))
    if wanted:
        scripts = [s for s in scripts if any(w in s.stem for w in wanted)]
    for script in scripts:
        session.log(f"== {script.stem}")
        session.run("python", str(script))
