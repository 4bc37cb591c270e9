"""Tasks for this project; CI runs the same sessions.

- ``nox -s tests``: the project's test suite
- ``nox -s lint``: pre-commit hooks on every file (ruff, YAML/TOML checks, ...)
- ``nox -s pipeline``: ``dvc repro``, the whole pipeline, gates included
- ``nox -s promote``: promote the last trained model if the benchmark gate passed
"""

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
def promote(session: nox.Session) -> None:
    session.install("-e", ".")
    session.run("mlgate", "promote", *session.posargs)
