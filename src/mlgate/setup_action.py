"""What the ``setup`` action does, run before mlgate and its dependencies are installed.

Only the standard library is used, so the action runs this module straight from its own
checkout (``PYTHONPATH="$GITHUB_ACTION_PATH/../../src"``) on the interpreter setup-python gave:

* ``python -m mlgate.setup_action install --source DIR [--venv .venv] [--extras dev]
  [--install-project true|false]`` creates the virtual environment with uv, installs mlgate
  from ``DIR`` (the action's own ref) and, when asked and a ``pyproject.toml`` is there, the
  project (editable, with its extras). Every later uv install in the job (nox sessions too)
  takes mlgate from the same ref through ``UV_OVERRIDE``, whatever URL the project names for
  it. For later steps it sets ``VIRTUAL_ENV``, ``UV_OVERRIDE``, ``MLFLOW_DISABLE_TELEMETRY`` and
  ``DVC_NO_ANALYTICS`` (``$GITHUB_ENV``), puts the environment's ``bin/`` on ``PATH``
  (``$GITHUB_PATH``) and writes the outputs ``python-path``, ``venv-path`` and
  ``mlgate-version``;
* ``python -m mlgate.setup_action pull --mode auto|true|false`` runs
  ``python -m mlgate.dvc_remote`` in a DVC project (which pulls the data, restores a bundled
  sample and writes the ``data`` output), and does nothing when the mode is ``false`` or the
  folder holds no ``.dvc/``. It needs mlgate's dependencies, so it runs after ``install``.

An input that is not understood, or a tool that fails, ends the step with exit code 2 and a
message naming it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from mlgate.errors import EXIT_USAGE, MlgateError

JOB_ENVIRONMENT = {"MLFLOW_DISABLE_TELEMETRY": "true", "DVC_NO_ANALYTICS": "1"}
"""Set for every later step of the job: no telemetry from MLflow or DVC."""


class SetupError(MlgateError):
    """An input the setup action cannot use, or an install that failed."""


def flag(value: str, name: str) -> bool:
    """``true``/``false`` as an action input gives them."""
    text = value.strip().lower()
    if text in ("true", "false"):
        return text == "true"
    raise SetupError(f"input {name} must be true or false, got {value!r}")


@dataclass(frozen=True)
class Plan:
    """What ``install`` does: where the environment goes and what goes into it."""

    venv: Path
    override: Path
    source: Path
    targets: tuple[str, ...]

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    def venv_command(self, uv: str, base_python: str) -> list[str]:
        return [uv, "venv", "--quiet", "--allow-existing", "--python", base_python, str(self.venv)]

    def install_command(self, uv: str) -> list[str]:
        return [
            uv,
            "pip",
            "install",
            "--no-progress",
            "--python",
            str(self.python),
            "--override",
            str(self.override),
            *self.targets,
        ]


def plan(
    *,
    source: Path,
    venv: str,
    extras: str,
    install_project: bool,
    project: Path,
    temp: Path,
) -> Plan:
    """The environment at ``venv`` (relative to ``project``) with mlgate from ``source`` and,
    when ``install_project`` and ``project`` has a pyproject.toml, the project with ``extras``."""
    if not (source / "pyproject.toml").is_file():
        raise SetupError(
            f"{source} holds no pyproject.toml, so mlgate cannot be installed from it",
            hint="run the action from its repository (uses: OWNER/mlgate/actions/setup@REF)",
        )
    targets = [str(source)]
    if install_project and (project / "pyproject.toml").is_file():
        wanted = ",".join(part.strip() for part in extras.split(",") if part.strip())
        targets += ["-e", f".[{wanted}]" if wanted else "."]
    return Plan(
        venv=(project / venv).absolute(),
        override=temp / "mlgate-override.txt",
        source=source,
        targets=tuple(targets),
    )


def _append(path: str | None, lines: Sequence[str]) -> None:
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write("".join(f"{line}\n" for line in lines))


def _run(command: Sequence[str], what: str, *, capture: bool = False) -> str:
    """Run ``command`` in the open (its output captured and returned with ``capture``)."""
    print(f"setup: {' '.join(command)}", flush=True)
    try:
        done = subprocess.run(
            list(command),
            check=False,
            stdout=subprocess.PIPE if capture else None,
            text=True,
            # This module runs from the action's source tree; what it starts uses what it installs.
            env={key: value for key, value in os.environ.items() if key != "PYTHONPATH"},
        )
    except OSError as error:
        raise SetupError(f"{what}: {command[0]} could not be started ({error})") from error
    if done.returncode != 0:
        raise SetupError(f"{what} failed (exit code {done.returncode}); see the output above")
    return done.stdout or ""


def install(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    uv = shutil.which("uv", path=environ.get("PATH"))
    if uv is None:
        raise SetupError("uv is not on PATH", hint="the setup action sets it up with setup-uv")
    steps = plan(
        source=Path(args.source).resolve(),
        venv=args.venv,
        extras=args.extras,
        install_project=flag(args.install_project, "install-project"),
        project=Path.cwd(),
        temp=Path(environ.get("RUNNER_TEMP") or "/tmp"),
    )
    _run(steps.venv_command(uv, args.python), "creating the virtual environment")
    steps.override.write_text(f"mlgate @ {steps.source.as_uri()}\n", encoding="utf-8")
    _run(steps.install_command(uv), "installing mlgate and the project")
    version = _run([str(steps.venv / "bin" / "mlgate"), "--version"], "mlgate", capture=True)
    _append(
        environ.get("GITHUB_ENV"),
        [
            f"UV_OVERRIDE={steps.override}",
            f"VIRTUAL_ENV={steps.venv}",
            *(f"{key}={value}" for key, value in JOB_ENVIRONMENT.items()),
        ],
    )
    _append(environ.get("GITHUB_PATH"), [str(steps.venv / "bin")])
    _append(
        environ.get("GITHUB_OUTPUT"),
        [
            f"python-path={steps.python}",
            f"venv-path={steps.venv}",
            f"mlgate-version={version.split()[-1] if version.split() else ''}",
        ],
    )
    return 0


def pull(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    if args.mode not in ("auto", "true", "false"):
        raise SetupError(f"input dvc-pull must be auto, true or false, got {args.mode!r}")
    if args.mode == "false":
        print("dvc pull: turned off (dvc-pull: false)")
        return 0
    if not Path(".dvc").is_dir():
        print(f"dvc pull: {Path.cwd()} is not a DVC project (no .dvc/), nothing to pull")
        return 0
    from mlgate import dvc_remote

    return dvc_remote.main(["--mode", args.mode], environ)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m mlgate.setup_action", description="the setup action's steps"
    )
    commands = parser.add_subparsers(dest="step", required=True)
    first = commands.add_parser("install", help="the virtual environment, mlgate, the project")
    first.add_argument("--source", required=True, help="the mlgate checkout to install")
    first.add_argument("--venv", default=".venv", help="where the environment goes")
    first.add_argument("--extras", default="", help="the project's extras, comma-separated")
    first.add_argument("--install-project", default="true", help="true or false")
    first.add_argument(
        "--python", default=sys.executable, help="the base interpreter (default: this one)"
    )
    first.set_defaults(_run=install)
    second = commands.add_parser("pull", help="dvc pull and the data check, in a DVC project")
    second.add_argument("--mode", default="auto", help="auto, true or false")
    second.set_defaults(_run=pull)
    return parser


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args._run(args, os.environ if environ is None else environ))
    except MlgateError as error:
        print(f"::error title=mlgate setup::{error}".replace("\n", " "), flush=True)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
