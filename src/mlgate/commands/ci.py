"""``mlgate ci``: one gate in CI, from its run to the exit code the step ends with.

What every mlgate action does, in order:

1. **credentials**: ``MLGATE_TRACKING_URI``, ``MLGATE_TRACKING_USERNAME``,
   ``MLGATE_TRACKING_PASSWORD`` and ``MLGATE_TRACKING_TOKEN`` (an action's inputs, read from the
   environment so that secrets never appear on a command line) become the ``MLFLOW_TRACKING_*``
   variables the gate sees. An empty one leaves MLflow's own variable as it is, and an
   ``MLFLOW_TRACKING_*`` variable that is empty is removed: a secret that a pull request does
   not get must not reach MLflow as ``""``;
2. **stale reports**: the files given with ``--json`` and ``--markdown`` are removed, so an old
   report never passes for the new one;
3. **the gate**: ``dvc repro STAGE`` (``--dvc-stage``), else ``bash -c COMMAND``
   (``--command``), else ``mlgate NAME`` with ``--args`` (one string, split on whitespace)
   and the words after ``--gate-args`` (the last option, taken as given); its exit code is
   kept. The gate does not see ``GITHUB_TOKEN``;
4. **publishing**, as ``mlgate report`` does: the job summary, one pull-request comment,
   the step outputs (``exit-code``, ``verdict``, ``report-json``, ``report-markdown``,
   ``upload-paths``, ``run-id``, ``model-uri``, ``model-version``, ``tracking``,
   ``comment-url`` and whatever else the report declares in ``outputs``);
5. **the exit code**: 0 when the gate passed, 1 when it failed and ``--fail-on-gate`` is true
   (0 when false), 2 when it could not run to a verdict. The verdict is the report's, else the
   exit code's; after ``dvc repro``, which exits 255 for any failed stage, it is ``fail`` when
   the stage's report says so, else ``error``.

For example, the ``validate-data`` action runs::

    mlgate ci validate --dvc-stage="$MLGATE_DVC_STAGE" --args="$MLGATE_ARGS" \\
      --json="$MLGATE_REPORT_JSON" --markdown="$MLGATE_REPORT_MARKDOWN" \\
      --comment="$MLGATE_COMMENT" --fail-on-gate="$MLGATE_FAIL_ON_GATE" \\
      --gate-args --report "$MLGATE_REPORT_JSON" --summary "$MLGATE_REPORT_MARKDOWN"

Only the standard library is used here; the gate runs in its own process.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.errors import EXIT_FAIL, EXIT_PASS, EXIT_USAGE, InputError

HELP = "run one gate in CI: credentials, the gate, its report published, the step's exit code"

CREDENTIALS = {
    "MLGATE_TRACKING_URI": "MLFLOW_TRACKING_URI",
    "MLGATE_TRACKING_USERNAME": "MLFLOW_TRACKING_USERNAME",
    "MLGATE_TRACKING_PASSWORD": "MLFLOW_TRACKING_PASSWORD",
    "MLGATE_TRACKING_TOKEN": "MLFLOW_TRACKING_TOKEN",
}
"""The variable an action sets from its input -> the MLflow variable it becomes."""

HIDDEN_FROM_GATE = ("GITHUB_TOKEN",)
"""Variables the gate's process does not get: the token is for the pull-request comment only."""

NOT_GATES = frozenset({"ci", "report"})
"""mlgate commands that publish rather than judge: ``mlgate ci NAME`` never runs these."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = (
        "MLflow credentials come from the environment, never the command line: "
        "MLGATE_TRACKING_URI, MLGATE_TRACKING_USERNAME, MLGATE_TRACKING_PASSWORD and "
        "MLGATE_TRACKING_TOKEN become the MLFLOW_TRACKING_* variables (empty ones are left "
        "out). GITHUB_TOKEN is used for the pull-request comment and kept from the gate. Exit "
        "code: 0 pass, 1 fail (0 with --fail-on-gate=false), 2 error."
    )
    parser.add_argument(
        "name",
        help="the gate, e.g. validate: names the summary and the PR comment, and is the mlgate "
        "command run when neither --dvc-stage nor --command is given",
    )
    run = parser.add_argument_group("what runs (the first one given)")
    run.add_argument("--dvc-stage", default="", metavar="STAGE", help="run `dvc repro STAGE`")
    run.add_argument("--command", default="", help="run COMMAND with bash, e.g. 'python train.py'")
    run.add_argument(
        "--args",
        default="",
        help="arguments for `mlgate NAME` in one string, split on whitespace (an action's input)",
    )
    run.add_argument(
        "--gate-args",
        nargs=argparse.REMAINDER,
        default=[],
        metavar="ARG",
        help="the last option: every word after it is an argument for `mlgate NAME`, as given "
        "(after those of --args), e.g. --gate-args --report r.json --summary r.md",
    )
    publish = parser.add_argument_group("publishing")
    publish.add_argument(
        "--json", default="", metavar="PATH", help="the JSON report the gate writes"
    )
    publish.add_argument(
        "--markdown", default="", metavar="PATH", help="the Markdown summary the gate writes"
    )
    publish.add_argument(
        "--tracking",
        action="store_true",
        help="say where MLflow tracked the run (a summary line and the `tracking` output)",
    )
    publish.add_argument(
        "--comment",
        default="true",
        metavar="true|false",
        help="on pull requests, create or update one comment (needs GITHUB_TOKEN); default true",
    )
    publish.add_argument(
        "--fail-on-gate",
        default="true",
        metavar="true|false",
        help="exit 1 when the gate fails (true, the default) or only report it (false)",
    )


def flag(value: str, option: str) -> bool:
    """``true``/``false`` (any case, surrounding spaces ignored) as an action input gives them."""
    text = value.strip().lower()
    if text in ("true", "false"):
        return text == "true"
    raise InputError(
        f"{option} must be true or false, got {value!r}",
        hint=f"set the action input behind {option} to 'true' or 'false'",
    )


def with_credentials(environ: Mapping[str, str]) -> dict[str, str]:
    """``environ`` with the ``MLGATE_TRACKING_*`` values as ``MLFLOW_TRACKING_*``.

    An empty ``MLGATE_*`` value keeps the ``MLFLOW_*`` variable that is already set; an
    ``MLFLOW_TRACKING_*`` variable left empty is removed. The ``MLGATE_*`` variables themselves
    are dropped: the ``MLFLOW_*`` ones carry the values.
    """
    result = {key: value for key, value in environ.items() if key not in CREDENTIALS}
    for source, target in CREDENTIALS.items():
        value = environ.get(source, "")
        if value:
            result[target] = value
        if not result.get(target):
            result.pop(target, None)
    return result


def gate_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment of the gate's process: ``environ`` without :data:`HIDDEN_FROM_GATE`."""
    return {key: value for key, value in environ.items() if key not in HIDDEN_FROM_GATE}


def _mlgate_commands() -> set[str]:
    import pkgutil

    import mlgate.commands as package

    return {
        info.name.replace("_", "-")
        for info in pkgutil.iter_modules(package.__path__)
        if not info.name.startswith("_")
    }


def gate_command(
    name: str, dvc_stage: str, command: str, args: str, gate_args: Sequence[str]
) -> list[str]:
    """The command that runs the gate: ``dvc repro``, a bash command or ``mlgate NAME``."""
    if dvc_stage.strip():
        return ["dvc", "repro", dvc_stage.strip()]
    if command.strip():
        return ["bash", "-c", command]
    if name in NOT_GATES or name not in _mlgate_commands():
        raise InputError(
            f"nothing to run for {name!r}: it is not an mlgate gate, and neither --dvc-stage nor "
            "--command is given",
            hint="give the action a dvc-stage or a command",
        )
    return [sys.executable, "-m", "mlgate", name, *args.split(), *gate_args]


def dvc_verdict(report: Mapping[str, Any] | None, exit_code: int) -> str | None:
    """The verdict after ``dvc repro``, which exits 255 whatever the failed stage exited with.

    None when it passed (the report decides, as for any gate). When it failed: ``fail`` if the
    stage wrote a report that says so (stale reports were removed before the run), else
    ``error`` (an earlier stage failed, or the gate could not run).
    """
    if exit_code == 0:
        return None
    return "fail" if report is not None and report.get("verdict") == "fail" else "error"


def step_exit_code(verdict: str, fail_on_gate: bool) -> int:
    """The code the step ends with: 0 pass, 1 fail (0 when ``fail_on_gate`` is false), 2 error."""
    if verdict == "pass":
        return EXIT_PASS
    if verdict == "error":
        return EXIT_USAGE
    return EXIT_FAIL if fail_on_gate else EXIT_PASS


@dataclass(frozen=True)
class GateRun:
    """How the gate's process ended: its exit code, or why it could not start."""

    exit_code: int
    problem: str = ""


def run_gate(command: Sequence[str], environ: Mapping[str, str]) -> GateRun:
    """Run ``command``, its output going to this process's; never raises on its failure."""
    print(f"mlgate ci: {' '.join(command)}", flush=True)
    try:
        done = subprocess.run(list(command), env=dict(environ), check=False)
    except OSError as error:
        # The shell's code for a command it cannot find or run.
        return GateRun(127, f"{command[0]} could not be started: {error}")
    return GateRun(done.returncode)


def _remove_stale(paths: Sequence[Path]) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except IsADirectoryError:
            raise InputError(
                f"{path} is a folder, not a report file",
                hint="give the path of the file the gate writes, e.g. reports/validation.json",
            ) from None


def run(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> int:
    from mlgate.commands import report

    environ = with_credentials(os.environ if environ is None else environ)
    comment = flag(args.comment, "--comment")
    fail_on_gate = flag(args.fail_on_gate, "--fail-on-gate")
    json_path = Path(args.json) if args.json else None
    markdown_path = Path(args.markdown) if args.markdown else None
    command = gate_command(args.name, args.dvc_stage, args.command, args.args, args.gate_args)

    _remove_stale([path for path in (json_path, markdown_path) if path is not None])
    gate = run_gate(command, gate_environment(environ))
    notes = []
    if gate.problem:
        print(f"::error title=mlgate {args.name}::{gate.problem}", flush=True)
        notes.append(gate.problem)

    outputs = {"exit-code": str(gate.exit_code)}
    try:
        verdict = None
        if args.dvc_stage.strip():
            verdict = dvc_verdict(report.read_report(json_path), gate.exit_code)
        outputs.update(
            report.publish(
                args.name,
                json_path=json_path,
                markdown_path=markdown_path,
                exit_code=gate.exit_code,
                notes=notes,
                tracking=args.tracking,
                comment=comment,
                environ=environ,
                verdict=verdict,
            )
        )
    except InputError as error:
        # A report that cannot be read is the gate's error; the files are still uploaded.
        message = str(error).replace("\n", " ")
        print(f"::error title=mlgate {args.name}::{message}", flush=True)
        outputs["verdict"] = "error"
        outputs["upload-paths"] = report.upload_paths([json_path, markdown_path])
    report.write_outputs(environ.get("GITHUB_OUTPUT"), outputs)

    verdict = outputs["verdict"]
    code = step_exit_code(verdict, fail_on_gate)
    why = " (fail-on-gate is false)" if verdict not in ("pass", "error") and code == 0 else ""
    print(f"mlgate {args.name}: {verdict}, gate exit code {gate.exit_code}{why}", flush=True)
    return code
