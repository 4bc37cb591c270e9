"""``mlgate report``: publish a gate's report in CI.

Run after a gate (``mlgate validate``, ``dvc repro``, ...), it

* appends the gate's Markdown summary to the job summary (``$GITHUB_STEP_SUMMARY``) and prints it;
* on a pull request, creates or updates one comment per gate, found by a hidden marker
  (``<!-- mlgate:NAME -->``), when a token with ``pull-requests: write`` is given
  (``GITHUB_TOKEN``); a token without that right (fork pull requests) gives a warning, never
  a failure;
* writes step outputs to ``$GITHUB_OUTPUT``: ``verdict`` (pass, fail or error), the report paths,
  ``upload-paths`` (the report files that exist, as absolute paths, one per line, for
  ``actions/upload-artifact``), the outputs the JSON report declares (``outputs``) and the run id,
  model URI and model version when it holds them.

Outside GitHub Actions (no ``GITHUB_*`` variables) it only prints the summary. An empty option
value (``--json ""``) counts as not given, so an action can pass its inputs through unchanged.

:func:`publish` is the whole of it as a function; ``mlgate ci`` calls it after running a gate.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mlgate.errors import InputError

HELP = "publish a gate report in CI: job summary, one pull-request comment, step outputs"

_OUTPUT_KEYS = {
    "run_id": "run-id",
    "model_uri": "model-uri",
    "model_version": "model-version",
    "model_name": "model-name",
    "promoted": "promoted",
}


def optional_path(text: str) -> Path | None:
    """An argparse type: a path, or None for an empty value (an action input left empty)."""
    return Path(text) if text else None


def optional_int(text: str) -> int | None:
    """An argparse type: an integer, or None for an empty value."""
    if not text.strip():
        return None
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="the gate's name, e.g. validate; names the PR comment marker")
    parser.add_argument(
        "--json", type=optional_path, help="the gate's JSON report (verdict, run id, ...)"
    )
    parser.add_argument("--markdown", type=optional_path, help="the gate's Markdown summary")
    parser.add_argument(
        "--exit-code",
        type=optional_int,
        default=None,
        help="the gate's exit code (0 pass, 1 fail, other: error); decides the verdict "
        "when the JSON report has none",
    )
    parser.add_argument(
        "--note",
        action="append",
        default=[],
        help="a line added under the summary (repeatable)",
    )
    parser.add_argument(
        "--tracking",
        action="store_true",
        help="add a line saying where MLflow tracked this run (server or local sqlite)",
    )
    parser.add_argument(
        "--comment",
        choices=("auto", "never"),
        default="auto",
        help="auto: comment on pull requests when GITHUB_TOKEN is set (default); never: do not",
    )


def verdict_of(report: Mapping[str, Any] | None, exit_code: int | None) -> str:
    """``pass``/``fail`` from the report, else from the exit code; ``error`` when the gate broke."""
    if exit_code is not None and exit_code not in (0, 1):
        return "error"
    if report is not None and report.get("verdict") in ("pass", "fail"):
        return str(report["verdict"])
    if exit_code == 0:
        return "pass"
    if exit_code == 1:
        return "fail"
    return "error" if report is None else "unknown"


def outputs_of(report: Mapping[str, Any] | None) -> dict[str, str]:
    """The step outputs a report offers: its ``outputs`` mapping, then the run id, model URI and
    version found at its top level or one level deep."""
    found: dict[str, str] = {}
    if not report:
        return found
    declared = report.get("outputs")
    if isinstance(declared, Mapping):
        found.update({str(k): str(v) for k, v in declared.items() if v is not None})
    places = [report] + [v for v in report.values() if isinstance(v, Mapping)]
    for key, output in _OUTPUT_KEYS.items():
        if output in found:
            continue
        for place in places:
            value = place.get(key)
            if value is not None and not isinstance(value, Mapping | list):
                found[output] = str(value).lower() if isinstance(value, bool) else str(value)
                break
    return found


def tracks_to_server(environ: Mapping[str, str]) -> bool:
    """Whether MLflow settings point at a tracking server (not a local sqlite or file store)."""
    uri = environ.get("MLFLOW_TRACKING_URI", "")
    return bool(uri) and "://" in uri and not uri.startswith(("sqlite:", "file:"))


def tracking_line(environ: Mapping[str, str], event_name: str | None) -> str:
    """Where this run tracks, without credentials; says why when it falls back to local sqlite."""
    uri = environ.get("MLFLOW_TRACKING_URI", "")
    if tracks_to_server(environ):
        parts = urlsplit(uri)
        host = parts.hostname or ""
        where = f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")
        return f"Tracking: MLflow server `{where}`."
    why = (
        "no tracking server secrets reach this run (pull requests from forks get none)"
        if event_name in ("pull_request", "pull_request_target")
        else "no MLFLOW_TRACKING_URI is set"
    )
    return (
        f"Tracking: local sqlite, because {why}. The champion comparison uses the local "
        "registry only, so nothing here can be promoted."
    )


def compose(
    name: str,
    markdown: str | None,
    verdict: str,
    exit_code: int | None,
    notes: list[str],
    report: Mapping[str, Any] | None = None,
) -> str:
    """The Markdown body: the gate's own summary (or its report's fields, or why there is
    neither), then the notes."""
    if (markdown is None or not markdown.strip()) and report:
        from mlgate.reporting import markdown_table

        rows = [(k, v) for k, v in report.items() if not isinstance(v, Mapping | list)]
        markdown = f"### mlgate {name}: {verdict}\n\n" + markdown_table(("field", "value"), rows)
    if markdown is None or not markdown.strip():
        code = "" if exit_code is None else f" (exit code {exit_code})"
        markdown = (
            f"### mlgate {name}: no report\n\nThe gate wrote no summary{code}; see the job log.\n"
        )
    lines = [markdown.rstrip(), ""]
    if verdict == "error":
        lines += [f"> **mlgate {name}** could not run to a verdict; see the job log.", ""]
    lines += [f"> {note}" for note in notes if note.strip()]
    return "\n".join(lines).rstrip() + "\n"


def card_file(report: Mapping[str, Any] | None, json_path: Path | None) -> Path | None:
    """The model card a report names (beside the report), when it exists."""
    card = (report or {}).get("model_card")
    if not isinstance(card, Mapping) or not isinstance(card.get("file"), str):
        return None
    folder = json_path.parent if json_path is not None else Path.cwd()
    path = folder / Path(card["file"]).name
    return path if path.is_file() else None


def model_card_line(
    card: Path, report: Mapping[str, Any] | None, environ: Mapping[str, str]
) -> str:
    """Where a reader finds the model card: this workflow run's artifacts, and MLflow."""
    artifact = ((report or {}).get("model_card") or {}).get("artifact")
    mlflow_part = f"; in MLflow: `{artifact}`" if artifact else ""
    run_id = environ.get("GITHUB_RUN_ID")
    repo = environ.get("GITHUB_REPOSITORY")
    if run_id and repo:
        server = environ.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
        url = f"{server}/{repo}/actions/runs/{run_id}#artifacts"
        return f"Model card: [`{card.name}` in this run's artifacts]({url}){mlflow_part}."
    return f"Model card: `{card}`{mlflow_part}."


def read_report(path: Path | None) -> dict[str, Any] | None:
    """The JSON report at ``path``; None when there is no file. Not JSON: an InputError."""
    from mlgate.data_io import read_document

    if path is None or not path.is_file():
        return None
    return read_document(
        path, "report", hint="pass the JSON file the gate wrote, e.g. reports/validation.json"
    )


def _append(path: str | None, text: str) -> None:
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)


def write_outputs(path: str | None, outputs: Mapping[str, str]) -> None:
    """Append step outputs to ``$GITHUB_OUTPUT`` (``path``); a value of several lines is written
    between delimiters (``name<<DELIMITER``), as the Actions runner reads it."""
    text = ""
    for key, value in outputs.items():
        if "\n" in value:
            delimiter = f"MLGATE_{uuid.uuid4().hex}"
            text += f"{key}<<{delimiter}\n{value}\n{delimiter}\n"
        else:
            text += f"{key}={value}\n"
    _append(path, text)


def _event(environ: Mapping[str, str]) -> dict[str, Any]:
    path = environ.get("GITHUB_EVENT_PATH")
    if not path or not Path(path).is_file():
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _comment(name: str, body: str, environ: Mapping[str, str]) -> str:
    """Create or update the pull-request comment; the URL, or "" when there is none."""
    from mlgate import pr_comment
    from mlgate.errors import ServiceError

    event_name = environ.get("GITHUB_EVENT_NAME")
    event = _event(environ)
    number = pr_comment.pull_request_number(event_name, event)
    if number is None:
        return ""
    token = environ.get("GITHUB_TOKEN", "")
    repo = pr_comment.repository_of(event, environ.get("GITHUB_REPOSITORY"))
    if not token or not repo:
        print(f"mlgate report: no GITHUB_TOKEN given, so no comment on pull request #{number}")
        return ""
    client = pr_comment.GitHubComments(
        environ.get("GITHUB_API_URL", "https://api.github.com"), token
    )
    try:
        result = pr_comment.upsert_comment(client, repo, number, name, body)
    except ServiceError as error:
        # A comment is a courtesy: a read-only token (fork) or an API hiccup never fails the gate.
        message = str(error).replace("\n", " ")
        print(f"::warning title=mlgate report::no comment on pull request #{number}: {message}")
        return ""
    print(f"mlgate report: {result.action} comment {result.url or result.comment_id}")
    return result.url


def upload_paths(paths: Sequence[Path | None]) -> str:
    """The report files that exist, as absolute paths, one per line ("" when there are none)."""
    found = [str(path.absolute()) for path in paths if path is not None and path.is_file()]
    return "\n".join(dict.fromkeys(found))


def publish(
    name: str,
    *,
    json_path: Path | None,
    markdown_path: Path | None,
    exit_code: int | None,
    notes: Sequence[str] = (),
    tracking: bool = False,
    comment: bool = True,
    environ: Mapping[str, str],
    verdict: str | None = None,
) -> dict[str, str]:
    """Publish one gate's report and return the step outputs (the caller writes them).

    Prints the Markdown body, appends it to the job summary, creates or updates the
    pull-request comment when ``comment`` is true, and collects the outputs: ``verdict``, the
    report paths, ``upload-paths``, what the report declares, ``tracking`` (with ``tracking``)
    and ``comment-url``. The verdict is ``verdict`` when the caller knows it (``dvc repro``
    exits 255 whatever its stage exited with), else :func:`verdict_of` the report and the exit
    code. A JSON report that cannot be read is an :class:`InputError`.
    """
    from mlgate.pr_comment import marker

    try:
        marker(name)
    except ValueError as error:
        raise InputError(str(error)) from error
    report = read_report(json_path)
    markdown = None
    if markdown_path is not None and markdown_path.is_file():
        markdown = markdown_path.read_text(encoding="utf-8", errors="replace")
    verdict = verdict or verdict_of(report, exit_code)
    notes = list(notes)
    if tracking:
        notes.append(tracking_line(environ, environ.get("GITHUB_EVENT_NAME")))
    card = card_file(report, json_path)
    if card is not None:
        notes.append(model_card_line(card, report, environ))
    body = compose(name, markdown, verdict, exit_code, notes, report)

    sys.stdout.write(body)
    sys.stdout.flush()
    _append(environ.get("GITHUB_STEP_SUMMARY"), body + "\n")
    comment_url = _comment(name, body, environ) if comment else ""

    outputs = {"verdict": verdict}
    if json_path is not None:
        outputs["report-json"] = str(json_path)
    if markdown_path is not None:
        outputs["report-markdown"] = str(markdown_path)
    outputs["upload-paths"] = upload_paths([json_path, markdown_path, card])
    outputs.update(outputs_of(report))
    if tracking:
        outputs["tracking"] = "server" if tracks_to_server(environ) else "local"
    outputs["comment-url"] = comment_url
    return outputs


def run(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> int:
    environ = os.environ if environ is None else environ
    outputs = publish(
        args.name,
        json_path=args.json,
        markdown_path=args.markdown,
        exit_code=args.exit_code,
        notes=args.note,
        tracking=args.tracking,
        comment=args.comment == "auto",
        environ=environ,
    )
    write_outputs(environ.get("GITHUB_OUTPUT"), outputs)
    return 0
