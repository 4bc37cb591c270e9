"""``mlgate ci``: credentials, the gate, its report published and the step's exit code, as an
action runs it: with the files GitHub Actions hands a step, on real gates."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from mlgate import cli
from mlgate.commands import ci
from tests.support.github_output import read_outputs

SCHEMA = """\
schema_type: dataframe
api: pandas
columns:
  x:
    dtype: float64
    greater_than_or_equal_to: 0
"""


@pytest.fixture
def actions_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A step's files (summary, outputs) on a push event, run in a fresh folder."""
    files = {"summary": tmp_path / "summary.md", "output": tmp_path / "output.txt"}
    for name in list(os.environ):
        if name.startswith(("GITHUB_", "MLFLOW_", "MLGATE_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(files["summary"]))
    monkeypatch.setenv("GITHUB_OUTPUT", str(files["output"]))
    monkeypatch.setenv("GITHUB_EVENT_NAME", "push")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return files


@pytest.fixture
def tiny_data(actions_env: dict[str, Path]) -> Path:
    """A one-column table, a pandera YAML schema that it meets, and a copy that breaks it."""
    work = Path.cwd()
    (work / "schema.yaml").write_text(SCHEMA, encoding="utf-8")
    (work / "good.csv").write_text("x\n1.0\n2.5\n", encoding="utf-8")
    (work / "bad.csv").write_text("x\n1.0\n-2.5\n", encoding="utf-8")
    return work


def _report_writer(
    verdict: str | None, exit_code: int, extra: dict[str, object] | None = None
) -> str:
    """A command that writes reports/gate.json (and .md) as a gate would, then exits.

    The gate is a script in the current folder, run by this interpreter; the command is
    what an action's ``command`` input would hold.
    """
    report = {"gate": "custom", "summary": "one line", **(extra or {})}
    if verdict is not None:
        report["verdict"] = verdict
    Path("gate.py").write_text(
        "import json, pathlib, sys\n"
        "reports = pathlib.Path('reports')\n"
        "reports.mkdir(exist_ok=True)\n"
        f"(reports / 'gate.json').write_text(json.dumps({report!r}))\n"
        f"(reports / 'gate.md').write_text('### custom gate\\n\\n{verdict}\\n')\n"
        f"sys.exit({exit_code})\n",
        encoding="utf-8",
    )
    return f"{shlex.quote(sys.executable)} gate.py"


def _ci(*args: str) -> int:
    return cli.main(["ci", *args])


# --- credentials ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "already", "expected"),
    [
        ("http://mlflow:5000", None, "http://mlflow:5000"),  # the input wins
        ("http://mlflow:5000", "sqlite:///x.db", "http://mlflow:5000"),
        ("", "sqlite:///x.db", "sqlite:///x.db"),  # an empty input keeps MLflow's own
        ("", "", None),  # an empty MLflow variable is removed, never passed on as ""
        ("", None, None),
    ],
)
def test_with_credentials(given: str, already: str | None, expected: str | None) -> None:
    # given an action input and the MLflow variable the job may already set
    environ = {"MLGATE_TRACKING_URI": given, "PATH": "/bin"}
    if already is not None:
        environ["MLFLOW_TRACKING_URI"] = already

    # when the credentials are applied
    result = ci.with_credentials(environ)

    # then MLflow sees the input, else its own value, else nothing; the MLGATE_ name is gone
    assert result.get("MLFLOW_TRACKING_URI") == expected
    assert "MLGATE_TRACKING_URI" not in result
    assert result["PATH"] == "/bin"


def test_the_gate_sees_the_credentials_and_not_the_github_token(
    actions_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a tracking URI and user as inputs, an empty password (a secret a fork does not get),
    # an empty MLflow token in the job, and the token for the pull-request comment
    monkeypatch.setenv("MLGATE_TRACKING_URI", "http://mlflow.example:5000")
    monkeypatch.setenv("MLGATE_TRACKING_USERNAME", "ci-bot")
    monkeypatch.setenv("MLGATE_TRACKING_PASSWORD", "")
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", "")
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_secret")
    names = [
        "MLFLOW_TRACKING_URI",
        "MLFLOW_TRACKING_USERNAME",
        "MLFLOW_TRACKING_PASSWORD",
        "MLFLOW_TRACKING_TOKEN",
        "MLGATE_TRACKING_URI",
        "GITHUB_TOKEN",
    ]
    script = (
        "import json, os; "
        f"json.dump({{n: os.environ.get(n) for n in {names!r}}}, open('seen.json', 'w'))"
    )

    # when a command gate records the environment it got
    code = _ci("train", f"--command={shlex.quote(sys.executable)} -c {shlex.quote(script)}")

    # then it got the MLflow settings that have values, no empty ones, and no GitHub token
    assert code == 0
    seen = json.loads(Path("seen.json").read_text(encoding="utf-8"))
    assert seen == {
        "MLFLOW_TRACKING_URI": "http://mlflow.example:5000",
        "MLFLOW_TRACKING_USERNAME": "ci-bot",
        "MLFLOW_TRACKING_PASSWORD": None,
        "MLFLOW_TRACKING_TOKEN": None,
        "MLGATE_TRACKING_URI": None,
        "GITHUB_TOKEN": None,
    }


def test_the_tracking_line_and_output_follow_the_applied_uri(
    actions_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a tracking server given as an input (nothing set in the job)
    monkeypatch.setenv("MLGATE_TRACKING_URI", "https://user:pw@mlflow.example:8443")

    # when a gate runs with --tracking
    assert _ci("train", "--command=true", "--tracking") == 0

    # then the summary names the server without credentials, and the output says server
    summary = actions_env["summary"].read_text(encoding="utf-8")
    assert "Tracking: MLflow server `https://mlflow.example:8443`." in summary
    assert "pw" not in summary
    assert read_outputs(actions_env["output"])["tracking"] == "server"


# --- exit code, verdict, fail-on-gate ------------------------------------------------------


@pytest.mark.parametrize(
    ("verdict", "gate_code", "fail_on_gate", "expected_verdict", "step_code"),
    [
        ("pass", 0, "true", "pass", 0),
        ("fail", 1, "true", "fail", 1),
        ("fail", 1, "false", "fail", 0),  # reported, not failing the step
        ("fail", 1, "FALSE", "fail", 0),
        ("pass", 2, "true", "error", 2),  # a gate that broke is an error whatever it wrote
        ("fail", 2, "false", "error", 2),  # and fail-on-gate never hides an error
        (None, 0, "true", "pass", 0),  # no verdict in the report: the exit code decides
        (None, 1, "true", "fail", 1),
        (None, 1, "false", "fail", 0),
        ("fail", 0, "true", "fail", 1),  # the report's verdict wins over a clean exit
        (None, 127, "false", "error", 2),
    ],
)
def test_exit_code_verdict_and_fail_on_gate(
    actions_env: dict[str, Path],
    verdict: str | None,
    gate_code: int,
    fail_on_gate: str,
    expected_verdict: str,
    step_code: int,
) -> None:
    # given a gate that writes a report with a verdict (or none) and exits with a code
    command = _report_writer(verdict, gate_code)

    # when mlgate ci runs it
    code = _ci(
        "custom",
        f"--command={command}",
        "--json=reports/gate.json",
        "--markdown=reports/gate.md",
        f"--fail-on-gate={fail_on_gate}",
    )

    # then the step ends with the code the verdict and fail-on-gate give, and says why
    assert code == step_code
    outputs = read_outputs(actions_env["output"])
    assert outputs["verdict"] == expected_verdict
    assert outputs["exit-code"] == str(gate_code)


def test_step_exit_code_table() -> None:
    # given each verdict, then the step passes on pass, fails on fail only when asked, errs on error
    verdicts = ("pass", "fail", "error", "unknown")
    assert [ci.step_exit_code(v, True) for v in verdicts] == [0, 1, 2, 1]
    assert [ci.step_exit_code(v, False) for v in verdicts] == [0, 0, 2, 0]


# --- real gates ----------------------------------------------------------------------------


def _validate(data: str, *extra: str) -> int:
    return _ci(
        "validate",
        f"--args={data} --schema schema.yaml",
        "--json=reports/validation.json",
        "--markdown=reports/validation.md",
        "--comment=false",
        *extra,
        "--gate-args",
        "--report",
        "reports/validation.json",
        "--summary",
        "reports/validation.md",
    )


def test_a_passing_validation_writes_every_output(
    tiny_data: Path, actions_env: dict[str, Path]
) -> None:
    # when mlgate validate runs through mlgate ci on data that meets the schema
    code = _validate("good.csv")

    # then the step passes and every output a workflow reads is there
    assert code == 0
    outputs = read_outputs(actions_env["output"])
    assert outputs["exit-code"] == "0"
    assert outputs["verdict"] == "pass"
    assert outputs["report-json"] == "reports/validation.json"
    assert outputs["report-markdown"] == "reports/validation.md"
    assert outputs["comment-url"] == ""
    assert outputs["upload-paths"].splitlines() == [
        str(tiny_data / "reports" / "validation.json"),
        str(tiny_data / "reports" / "validation.md"),
    ]
    summary = actions_env["summary"].read_text(encoding="utf-8")
    assert "pass" in summary and "no report" not in summary


def test_a_failing_validation_still_publishes_and_fails_the_step(
    tiny_data: Path, actions_env: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    # when the data breaks the schema
    code = _validate("bad.csv")

    # then the step fails with 1, and the report still reached the summary and the upload list
    assert code == 1
    outputs = read_outputs(actions_env["output"])
    assert (outputs["verdict"], outputs["exit-code"]) == ("fail", "1")
    assert len(outputs["upload-paths"].splitlines()) == 2
    summary = actions_env["summary"].read_text(encoding="utf-8")
    markdown = (tiny_data / "reports" / "validation.md").read_text(encoding="utf-8")
    assert summary.startswith(markdown.rstrip())
    assert "mlgate validate: fail, gate exit code 1" in capsys.readouterr().out


def test_a_failing_validation_with_fail_on_gate_false_passes_the_step(
    tiny_data: Path, actions_env: dict[str, Path]
) -> None:
    # when the data breaks the schema and the gate only reports
    code = _validate("bad.csv", "--fail-on-gate=false")

    # then the step passes, and the verdict says fail
    assert code == 0
    assert read_outputs(actions_env["output"])["verdict"] == "fail"


def test_a_gate_that_cannot_run_is_an_error_and_an_old_report_is_not_taken_for_it(
    tiny_data: Path, actions_env: dict[str, Path]
) -> None:
    # given a passing report left over from an earlier run
    assert _validate("good.csv") == 0
    actions_env["output"].unlink()

    # when the gate is pointed at a file that does not exist
    code = _validate("no-such-file.csv")

    # then the stale report is gone, the verdict is error and the step ends with 2
    assert code == 2
    outputs = read_outputs(actions_env["output"])
    assert (outputs["verdict"], outputs["exit-code"]) == ("error", "2")
    assert outputs["upload-paths"] == ""
    assert not (tiny_data / "reports" / "validation.json").exists()
    assert "mlgate validate: no report" in actions_env["summary"].read_text(encoding="utf-8")


def test_a_dvc_stage_runs_with_dvc_repro(
    actions_env: dict[str, Path],
) -> None:
    # given a DVC project whose stage writes a failing report
    work = Path.cwd()
    subprocess.run(
        [sys.executable, "-m", "dvc", "init", "--no-scm", "--quiet"], cwd=work, check=True
    )
    command = _report_writer("fail", 1)
    (work / "dvc.yaml").write_text(
        f"stages:\n  gate:\n    cmd: {command}\n"
        "    outs:\n      - reports/gate.json:\n          cache: false\n",
        encoding="utf-8",
    )

    # when mlgate ci runs the stage
    code = _ci("custom", "--dvc-stage=gate", "--json=reports/gate.json", "--command=exit 0")

    # then dvc repro ran it (not the command); dvc's own exit code is kept, and the stage's
    # report makes the verdict fail rather than error, so the step fails with 1
    assert code == 1
    outputs = read_outputs(actions_env["output"])
    assert (outputs["verdict"], outputs["exit-code"]) == ("fail", "255")


@pytest.mark.parametrize(
    ("report", "exit_code", "expected"),
    [
        (None, 0, None),  # passed: the report (or the exit code) decides as for any gate
        ({"verdict": "fail"}, 255, "fail"),
        ({"verdict": "pass"}, 255, "error"),  # the gate passed, so something else failed
        (None, 255, "error"),  # an earlier stage failed, or the gate could not run
    ],
)
def test_dvc_verdict(report: dict[str, str] | None, exit_code: int, expected: str | None) -> None:
    assert ci.dvc_verdict(report, exit_code) == expected


def test_declared_outputs_and_the_run_record_become_step_outputs(
    actions_env: dict[str, Path],
) -> None:
    # given a gate whose report declares outputs, and a train-like record with a run id
    extra = {"outputs": {"model-version": "4", "promoted": "true"}, "run_id": "r1"}
    command = _report_writer("pass", 0, extra)

    # when it runs
    assert _ci("custom", f"--command={command}", "--json=reports/gate.json") == 0

    # then the declared outputs and the run id are step outputs
    outputs = read_outputs(actions_env["output"])
    assert outputs["model-version"] == "4"
    assert outputs["promoted"] == "true"
    assert outputs["run-id"] == "r1"


def test_a_garbled_report_is_an_error_that_is_still_uploaded(
    actions_env: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    # given a gate that passes but leaves a truncated JSON report
    command = 'mkdir -p reports && printf \'{"verdict": "pa\' > reports/gate.json'

    # when it runs
    code = _ci("custom", f"--command={command}", "--json=reports/gate.json")

    # then the step errs naming the file, and the file is listed for upload
    assert code == 2
    outputs = read_outputs(actions_env["output"])
    assert outputs["verdict"] == "error"
    assert outputs["upload-paths"].endswith("reports/gate.json")
    assert "gate.json: not a readable JSON report" in capsys.readouterr().out


# --- usage errors --------------------------------------------------------------------------


def test_a_flag_that_is_not_true_or_false_is_a_usage_error(
    actions_env: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    # when an action passes a fail-on-gate input of "yes"
    code = _ci("custom", "--command=true", "--fail-on-gate=yes")

    # then nothing runs and the message names the option and the value
    assert code == 2
    assert "--fail-on-gate must be true or false, got 'yes'" in capsys.readouterr().err
    assert not actions_env["output"].exists()


def test_a_name_that_is_no_gate_needs_a_stage_or_a_command(
    actions_env: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    # when the train action gets neither a DVC stage nor a command
    code = _ci("train", "--dvc-stage=", "--command=")

    # then the step errs and says what to give
    assert code == 2
    err = capsys.readouterr().err
    assert "nothing to run for 'train'" in err and "dvc-stage or a command" in err


def test_a_command_that_cannot_start_is_an_error(
    actions_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a PATH without DVC on it
    monkeypatch.setenv("PATH", str(Path.cwd()))

    # when a DVC stage is asked for
    code = _ci("custom", "--dvc-stage=gate")

    # then the step errs with the shell's code for a missing command
    assert code == 2
    outputs = read_outputs(actions_env["output"])
    assert (outputs["verdict"], outputs["exit-code"]) == ("error", "127")
