"""``mlgate report``: the job summary, the step outputs and the verdict, as Actions sees them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from mlgate import cli
from mlgate.commands import report
from tests.support.github_output import read_outputs


@pytest.fixture
def actions_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """The files GitHub Actions hands a step (summary, outputs), on a push event without a token."""
    files = {"summary": tmp_path / "summary.md", "output": tmp_path / "output.txt"}
    for name in list(os.environ):
        if name.startswith("GITHUB_") or name.startswith("MLFLOW_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(files["summary"]))
    monkeypatch.setenv("GITHUB_OUTPUT", str(files["output"]))
    monkeypatch.setenv("GITHUB_EVENT_NAME", "push")
    return files


def _outputs(path: Path) -> dict[str, str]:
    return read_outputs(path)


def test_a_passing_report_reaches_the_summary_and_the_outputs(
    tmp_path: Path, actions_env: dict[str, Path]
) -> None:
    # given a train record and its summary
    (tmp_path / "train.json").write_text(
        json.dumps({"run_id": "abc123", "model_uri": "runs:/abc123/model", "tags": {"a": "b"}}),
        encoding="utf-8",
    )
    (tmp_path / "train.md").write_text("### train\n\nrun abc123\n", encoding="utf-8")

    # when the report is published
    code = cli.main(
        [
            "report",
            "train",
            "--json",
            str(tmp_path / "train.json"),
            "--markdown",
            str(tmp_path / "train.md"),
            "--exit-code",
            "0",
            "--note",
            "trained on 455 rows",
        ]
    )

    # then the summary holds the Markdown and the note, and the outputs hold the run
    assert code == 0
    summary = actions_env["summary"].read_text(encoding="utf-8")
    assert summary.startswith("### train\n\nrun abc123\n")
    assert "> trained on 455 rows" in summary
    outputs = _outputs(actions_env["output"])
    assert outputs["verdict"] == "pass"
    assert outputs["run-id"] == "abc123"
    assert outputs["model-uri"] == "runs:/abc123/model"
    assert outputs["report-json"].endswith("train.json")


def test_a_gate_without_a_report_is_an_error_with_a_pointer_to_the_log(
    tmp_path: Path, actions_env: dict[str, Path]
) -> None:
    # given a gate that crashed before writing anything (exit code 2)
    missing = tmp_path / "validation.json"

    # when the report is published
    code = cli.main(
        [
            "report",
            "validate",
            "--json",
            str(missing),
            "--markdown",
            str(tmp_path / "validation.md"),
            "--exit-code",
            "2",
        ]
    )

    # then the summary says there is no report and the verdict is error
    assert code == 0
    summary = actions_env["summary"].read_text(encoding="utf-8")
    assert "mlgate validate: no report" in summary
    assert "exit code 2" in summary
    assert _outputs(actions_env["output"])["verdict"] == "error"


def test_a_garbled_json_report_is_an_input_error(
    tmp_path: Path, actions_env: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    # given a truncated JSON report
    broken = tmp_path / "validation.json"
    broken.write_text('{"verdict": "pa', encoding="utf-8")

    # when the report is published, then the command exits 2 naming the file
    assert cli.main(["report", "validate", "--json", str(broken)]) == 2
    assert "validation.json: not a readable JSON report" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("verdict", "exit_code", "expected"),
    [
        ("pass", 0, "pass"),
        ("fail", 1, "fail"),
        ("pass", 2, "error"),
        (None, 0, "pass"),
        (None, 1, "fail"),
        (None, None, "error"),
    ],
)
def test_verdict_of(verdict: str | None, exit_code: int | None, expected: str) -> None:
    # given a report (or none) and an exit code, then the verdict follows the report unless broken
    data = None if verdict is None else {"verdict": verdict}
    assert report.verdict_of(data, exit_code) == expected


def test_outputs_of_looks_one_level_deep_and_skips_structures() -> None:
    # given a promotion-like report with the version nested under the candidate
    data = {
        "verdict": "pass",
        "promoted": True,
        "candidate": {"model_version": 4, "run_id": "r1"},
        "tags": {"run_id": {"nested": 1}},
    }

    # then the version, the run and the flag are offered as outputs
    assert report.outputs_of(data) == {"run-id": "r1", "model-version": "4", "promoted": "true"}


def test_tracking_line_hides_credentials_and_explains_the_fallback() -> None:
    # given a server URI with a password, and a pull request without secrets
    server = report.tracking_line(
        {"MLFLOW_TRACKING_URI": "https://user:secret@mlflow.example:8443/path"}, "push"
    )
    fork = report.tracking_line({"MLFLOW_TRACKING_URI": ""}, "pull_request")

    # then the server line shows only scheme, host and port, and the fallback says why
    assert server == "Tracking: MLflow server `https://mlflow.example:8443`."
    assert "secret" not in server
    assert "local sqlite" in fork
    assert "forks" in fork


def test_comment_never_makes_no_request_even_on_a_pull_request(
    tmp_path: Path, actions_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a pull request event with a token pointing at an address where nothing listens
    event = tmp_path / "event.json"
    event.write_text(
        json.dumps({"pull_request": {"number": 3}, "repository": {"full_name": "o/r"}})
    )
    monkeypatch.setenv("GITHUB_EVENT_NAME", "pull_request")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    monkeypatch.setenv("GITHUB_TOKEN", "t")
    monkeypatch.setenv("GITHUB_API_URL", "http://127.0.0.1:9")

    # when commenting is turned off
    code = cli.main(["report", "validate", "--exit-code", "0", "--comment", "never"])

    # then the command passes with no comment and no warning
    assert code == 0
    assert _outputs(actions_env["output"])["comment-url"] == ""


def test_a_report_without_markdown_is_summarised_from_its_fields(
    tmp_path: Path, actions_env: dict[str, Path]
) -> None:
    # given a train record with no Markdown beside it
    record = tmp_path / "train.json"
    record.write_text(json.dumps({"run_id": "r9", "tags": {"x": "y"}}), encoding="utf-8")

    # when it is published
    cli.main(["report", "train", "--json", str(record), "--exit-code", "0"])

    # then the summary is a table of its plain fields
    summary = actions_env["summary"].read_text(encoding="utf-8")
    assert summary.startswith("### mlgate train: pass\n")
    assert "| run_id | r9 |" in summary
    assert "tags" not in summary


def test_outputs_of_a_promotion_report_name_the_version_and_the_outcome() -> None:
    from mlgate.promotion import Outcome

    # given the report mlgate promote writes when the candidate became champion
    data = Outcome(
        name="bc",
        action="promote",
        outcome="promoted",
        version="3",
        run_id="r3",
        champion_before="2",
        champion_after="3",
    ).to_report()

    # then the next step gets the model version, the run and whether it was promoted, from the
    # outputs the report declares (no gate-specific reading)
    assert report.outputs_of(data) == {
        "run-id": "r3",
        "model-version": "3",
        "outcome": "promoted",
        "promoted": "true",
        "champion-version": "3",
    }


@pytest.mark.parametrize(
    ("uri", "tracking"),
    [("http://127.0.0.1:5000", "server"), ("sqlite:///mlflow.db", "local"), (None, "local")],
)
def test_the_tracking_output_says_whether_a_server_holds_the_run(
    uri: str | None, tracking: str, actions_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given the MLflow settings of a training step
    if uri:
        monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)

    # when its run is published with --tracking
    cli.main(["report", "train", "--exit-code", "0", "--tracking"])

    # then the output tells the promote job whether there is anything to promote
    assert _outputs(actions_env["output"])["tracking"] == tracking


def test_empty_option_values_count_as_not_given(
    tmp_path: Path, actions_env: dict[str, Path]
) -> None:
    # given an action that passes its empty inputs through unchanged
    code = cli.main(
        ["report", "custom", "--json=", "--markdown=", "--exit-code=", "--note=", "--comment=never"]
    )

    # then nothing is read, the verdict comes from nothing (error) and no path is an output
    assert code == 0
    outputs = _outputs(actions_env["output"])
    assert outputs["verdict"] == "error"
    assert "report-json" not in outputs and "report-markdown" not in outputs
    assert outputs["upload-paths"] == ""


def test_upload_paths_list_the_report_files_that_exist_on_several_lines(
    tmp_path: Path, actions_env: dict[str, Path]
) -> None:
    # given a JSON report and a Markdown summary that was never written
    (tmp_path / "gate.json").write_text('{"verdict": "pass"}', encoding="utf-8")

    # when it is published
    cli.main(["report", "gate", "--json", str(tmp_path / "gate.json"), "--markdown", "missing.md"])

    # then only the file that exists is listed, as an absolute path
    assert _outputs(actions_env["output"])["upload-paths"] == str(tmp_path / "gate.json")


def test_write_outputs_puts_a_value_of_several_lines_between_delimiters(tmp_path: Path) -> None:
    # given outputs, one of them on two lines
    target = tmp_path / "output.txt"

    # when they are written twice (two steps appending to the same file)
    report.write_outputs(str(target), {"a": "1", "paths": "/x/one\n/x/two"})
    report.write_outputs(str(target), {"b": ""})

    # then the runner reads each value back whole
    assert read_outputs(target) == {"a": "1", "paths": "/x/one\n/x/two", "b": ""}
    assert "paths<<MLGATE_" in target.read_text(encoding="utf-8")
