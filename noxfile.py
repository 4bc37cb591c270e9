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
from pathlib import Path

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "tests"]

ROOT = Path(__file__).resolve().parent
BUILD = ROOT / "build"
# Sessions run on the interpreter that runs nox (Python 3.11+), so a machine needs no other.
PYTHON = None

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """The whole suite: unit, template, end-to-end and workflow tests, on one worker per core
    (a test module and the projects it generates stay on one worker; ``-- -n 0`` runs in one
    process)."""
    session.install("-e", ".[test]")
    # Every process the suite starts from this environment (its workers, `mlflow server`, the
    # CLI runs, the promotion trials) caches the bytecode of what it imports. A shell that sets
    # PYTHONDONTWRITEBYTECODE would make each of them compile MLflow, pandas and scikit-learn
    # from source again (seconds a process, about a minute over the suite). Python reads an
    # empty value as unset.
    session.env["PYTHONDONTWRITEBYTECODE"] = ""
    parallel = ["-n", "auto", "--dist", "loadscope"]
    session.run("pytest", *parallel, *(session.posargs or ["-q", "--durations=15"]))


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
    """Generate the default project into build/demo and run its whole pipeline.

    Answers after -- (e.g. ``task=regression``) are passed to the template. The steps are
    those the end-to-end tests take (tests/support/project.py), run as a user would see them.
    """
    session.install("cookiecutter", "uv")
    out = BUILD / "demo"
    shutil.rmtree(out, ignore_errors=True)
    session.run("python", "-m", "tests.support.project", str(out), *session.posargs)


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Run benchmarks/bench_*.py (or those named after --); each prints ratios and writes
    build/bench/<name>.json."""
    # Timed installs compile bytecode up front, so that no timed run pays for compiling. The
    # test suite does not: a project's processes compile what they import once, and its
    # installs skip compiling the thousands of modules no test imports (~12 s each).
    session.env.setdefault("UV_COMPILE_BYTECODE", "1")
    session.install("-e", ".[test]")
    wanted = session.posargs
    scripts = sorted((ROOT / "benchmarks").glob("bench_*.py"))
    if wanted:
        scripts = [s for s in scripts if any(w in s.stem for w in wanted)]
    for script in scripts:
        session.log(f"== {script.stem}")
        session.run("python", str(script))
