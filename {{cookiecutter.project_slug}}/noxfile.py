"""Tasks for this project; CI runs the same sessions.

- ``nox -s tests``: the project's test suite
- ``nox -s lint``: pre-commit hooks on every file (ruff, YAML/TOML checks, ...)
- ``nox -s pipeline``: ``dvc repro``, the whole pipeline, gates included
- ``nox -s metrics -- REV``: the metrics, brought up to date, against git revision REV
  (default: main)
- ``nox -s promote``: promote the last trained model if the benchmark gate passed
- ``nox -s template``: whether the project is behind its template (a notice, never a failure)

Each session installs what it needs into an environment of its own. CI runs them in the
environment the mlgate setup action made (the project with its dev extras), with
``nox --no-venv --no-install --session NAME``: the same commands, without a second install.
"""

import os
import re

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "tests"]

PYTHON = "{{ cookiecutter.python_version }}"


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    session.install("-e", ".[dev]")
    session.run("pytest", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    session.install("pre-commit")
    session.run("pre-commit", "run", "--all-files", "--show-diff-on-failure", *session.posargs)


@nox.session(python=PYTHON)
def pipeline(session: nox.Session) -> None:
    session.install("-e", ".")
    session.run("dvc", "repro", *session.posargs)


@nox.session(python=PYTHON)
def metrics(session: nox.Session) -> None:
    """How the metrics moved since a git revision: a Markdown table, also added to the job
    summary in GitHub Actions. ``dvc repro evaluate`` first brings them up to date (it runs only
    what changed)."""
    session.install("-e", ".")
    base = session.posargs[0] if session.posargs else "main"
    session.run("dvc", "repro", "evaluate")
    table = session.run("dvc", "metrics", "diff", base, "--all", "--md", silent=True, stderr=None)
    label = base[:7] if re.fullmatch(r"[0-9a-f]{40}", base) else base
    rows = [line for line in str(table or "").splitlines() if line.startswith("|")]
    body = "\n".join(rows) if len(rows) > 2 else f"No metrics were recorded at {label} or here."
    markdown = f"### Metrics against {label}\n\n{body}\n"
    print(markdown)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(markdown + "\n")


@nox.session(python=PYTHON)
def template(session: nox.Session) -> None:
    """Say whether the template this project came from has changed since (``cruft update``
    brings the changes in); in GitHub Actions, as a notice in the job summary."""
    session.install("-e", ".")
    session.run("python", "-m", "mlgate.template_status")


@nox.session(python=PYTHON)
def promote(session: nox.Session) -> None:
    session.install("-e", ".")
    session.run("mlgate", "promote", *session.posargs)
