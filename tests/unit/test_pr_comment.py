"""One pull-request comment per gate, against a stand-in for the GitHub REST API on loopback."""

from __future__ import annotations

import argparse
import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from mlgate import pr_comment
from mlgate.commands import report
from mlgate.errors import ServiceError

REPO = "octo/project"


class GitHubApiStandIn:
    """A stand-in for the three issue-comment endpoints of the GitHub REST API.

    It exists because the real API is unreachable from tests: it keeps comments in memory,
    pages the list two at a time with a ``Link: rel="next"`` header as GitHub does, checks the
    bearer token, and can refuse writes with 403 the way a fork's read-only token is refused.
    """

    def __init__(self, token: str = "t0ken", page_size: int = 2) -> None:
        self.token = token
        self.page_size = page_size
        self.read_only = False
        self.comments: dict[int, list[dict[str, Any]]] = {}
        self.requests: list[tuple[str, str]] = []
        self._next_id = 100
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                del args

            def _reply(
                self, status: int, payload: Any, headers: dict[str, str] | None = None
            ) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def _handle(self, method: str) -> None:
                standin.requests.append((method, self.path))
                if self.headers.get("Authorization") != f"Bearer {standin.token}":
                    return self._reply(401, {"message": "Bad credentials"})
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                return standin.route(self, method, body)

            def do_GET(self) -> None:
                self._handle("GET")

            def do_POST(self) -> None:
                self._handle("POST")

            def do_PATCH(self) -> None:
                self._handle("PATCH")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def route(self, handler: Any, method: str, body: Any) -> None:
        path, _, query = handler.path.partition("?")
        listing = re.fullmatch(rf"/repos/{REPO}/issues/(\d+)/comments", path)
        single = re.fullmatch(rf"/repos/{REPO}/issues/comments/(\d+)", path)
        if method in ("POST", "PATCH") and self.read_only:
            return handler._reply(403, {"message": "Resource not accessible by integration"})
        if listing and method == "GET":
            items = self.comments.get(int(listing.group(1)), [])
            page = int(dict(p.split("=") for p in query.split("&") if "=" in p).get("page", 1))
            chunk = items[(page - 1) * self.page_size : page * self.page_size]
            headers = {}
            if page * self.page_size < len(items):
                headers["Link"] = f'<{self.url}{path}?per_page=100&page={page + 1}>; rel="next"'
            return handler._reply(200, chunk, headers)
        if listing and method == "POST":
            self._next_id += 1
            comment = {
                "id": self._next_id,
                "body": body["body"],
                "html_url": f"https://github.example/{REPO}/pull/{listing.group(1)}#c{self._next_id}",
            }
            self.comments.setdefault(int(listing.group(1)), []).append(comment)
            return handler._reply(201, comment)
        if single and method == "PATCH":
            for items in self.comments.values():
                for comment in items:
                    if comment["id"] == int(single.group(1)):
                        comment["body"] = body["body"]
                        return handler._reply(200, comment)
            return handler._reply(404, {"message": "Not Found"})
        return handler._reply(404, {"message": "Not Found"})

    def seed(self, number: int, *bodies: str) -> None:
        for body in bodies:
            self._next_id += 1
            self.comments.setdefault(number, []).append(
                {
                    "id": self._next_id,
                    "body": body,
                    "html_url": f"https://github.example/c{self._next_id}",
                }
            )

    def writes(self) -> list[str]:
        return [method for method, _ in self.requests if method != "GET"]


@pytest.fixture
def github_api() -> Iterator[GitHubApiStandIn]:
    standin = GitHubApiStandIn()
    thread = threading.Thread(target=standin.server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield standin
    standin.server.shutdown()
    standin.server.server_close()
    thread.join(timeout=5)


def test_first_report_creates_one_comment_with_the_marker(github_api: GitHubApiStandIn) -> None:
    # given a pull request with two comments from people
    github_api.seed(7, "looks good", "please rebase")
    client = pr_comment.GitHubComments(github_api.url, github_api.token)

    # when the validate report is published
    result = pr_comment.upsert_comment(client, REPO, 7, "validate", "### validate: pass")

    # then one comment is created, starting with the hidden marker
    assert result.action == "created"
    bodies = [c["body"] for c in github_api.comments[7]]
    assert bodies[-1] == "<!-- mlgate:validate -->\n### validate: pass\n"
    assert len(bodies) == 3


def test_later_pushes_update_the_same_comment(github_api: GitHubApiStandIn) -> None:
    # given five comments (three pages) and the validate comment already on the last page
    github_api.seed(7, "a", "b", "c", "d")
    client = pr_comment.GitHubComments(github_api.url, github_api.token)
    first = pr_comment.upsert_comment(client, REPO, 7, "validate", "run 1: fail")

    # when two more pushes publish new reports
    second = pr_comment.upsert_comment(client, REPO, 7, "validate", "run 2: fail")
    third = pr_comment.upsert_comment(client, REPO, 7, "validate", "run 3: pass")

    # then the one comment is edited in place, found across pages, never duplicated
    assert (second.action, third.action) == ("updated", "updated")
    assert first.comment_id == second.comment_id == third.comment_id
    marked = [c for c in github_api.comments[7] if "mlgate:validate" in c["body"]]
    assert [c["body"] for c in marked] == ["<!-- mlgate:validate -->\nrun 3: pass\n"]
    assert any("page=3" in path for _, path in github_api.requests)


def test_each_gate_keeps_its_own_comment(github_api: GitHubApiStandIn) -> None:
    # given a validate comment
    client = pr_comment.GitHubComments(github_api.url, github_api.token)
    pr_comment.upsert_comment(client, REPO, 3, "validate", "validate ok")

    # when the benchmark report is published
    result = pr_comment.upsert_comment(client, REPO, 3, "benchmark", "benchmark ok")

    # then it gets a comment of its own and the validate one is untouched
    assert result.action == "created"
    assert [c["body"].splitlines()[0] for c in github_api.comments[3]] == [
        "<!-- mlgate:validate -->",
        "<!-- mlgate:benchmark -->",
    ]


def test_an_unchanged_report_writes_nothing(github_api: GitHubApiStandIn) -> None:
    # given a published report
    client = pr_comment.GitHubComments(github_api.url, github_api.token)
    pr_comment.upsert_comment(client, REPO, 4, "validate", "same")

    # when the same report is published again
    result = pr_comment.upsert_comment(client, REPO, 4, "validate", "same")

    # then no write request is sent
    assert result.action == "unchanged"
    assert github_api.writes() == ["POST"]


def test_a_read_only_token_is_refused_as_permission_denied(github_api: GitHubApiStandIn) -> None:
    # given a token that may read but not write (a pull request from a fork)
    github_api.read_only = True
    client = pr_comment.GitHubComments(github_api.url, github_api.token)

    # when a report is published, then the refusal says what to do
    with pytest.raises(pr_comment.PermissionDenied) as caught:
        pr_comment.upsert_comment(client, REPO, 9, "validate", "x")
    assert "403" in str(caught.value)
    assert "pull-requests: write" in str(caught.value)


def test_an_unreachable_api_is_a_service_error() -> None:
    # given an address where nothing listens (port 9 on loopback, the discard port)
    client = pr_comment.GitHubComments("http://127.0.0.1:9", "t", timeout=2)

    # when comments are listed, then the error names the URL
    with pytest.raises(ServiceError, match=r"127\.0\.0\.1:9/repos/octo/project"):
        client.list_comments(REPO, 1)


def test_marker_names_are_restricted() -> None:
    # given a name that could close the HTML comment early, then it is refused
    with pytest.raises(ValueError, match="letters, digits"):
        pr_comment.marker("x -->")
    assert pr_comment.marker("benchmark") == "<!-- mlgate:benchmark -->"


def test_find_marked_ignores_quotes_of_the_marker_inside_other_comments() -> None:
    # given a person quoting the marker in the middle of their comment
    comments = [
        {"id": 1, "body": "why does <!-- mlgate:validate --> appear?"},
        {"id": 2, "body": "<!-- mlgate:validate -->\nreport"},
    ]

    # then only a comment that starts with the marker is taken
    assert pr_comment.find_marked(comments, "validate")["id"] == 2


def test_pull_request_number_comes_from_the_event_payload() -> None:
    # given pull_request and push payloads
    payload = {"number": 12, "pull_request": {"number": 12}}

    # then only the pull request event yields a number
    assert pr_comment.pull_request_number("pull_request", payload) == 12
    assert pr_comment.pull_request_number("push", payload) is None
    assert pr_comment.pull_request_number("pull_request", {}) is None


def _publish(tmp_path: Path, environ: dict[str, str], number: int = 5) -> tuple[int, str]:
    """Run ``mlgate report validate`` on a failing report inside a fake Actions environment."""
    (tmp_path / "validation.md").write_text("### validate: ❌ fail\n", encoding="utf-8")
    (tmp_path / "validation.json").write_text(
        json.dumps({"gate": "validate", "verdict": "fail", "mlgate_version": "0"}), encoding="utf-8"
    )
    event = tmp_path / "event.json"
    event.write_text(
        json.dumps(
            {
                "number": number,
                "pull_request": {"number": number},
                "repository": {"full_name": REPO},
            }
        ),
        encoding="utf-8",
    )
    outputs = tmp_path / "outputs.txt"
    environ = {
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_OUTPUT": str(outputs),
        **environ,
    }
    args = argparse.Namespace(
        name="validate",
        json=tmp_path / "validation.json",
        markdown=tmp_path / "validation.md",
        exit_code=1,
        note=[],
        tracking=False,
        comment="auto",
    )
    code = report.run(args, environ)
    return code, outputs.read_text(encoding="utf-8")


def test_report_command_comments_and_outputs_the_comment_url(
    github_api: GitHubApiStandIn, tmp_path: Path
) -> None:
    # given a pull request run with a token allowed to comment
    environ = {"GITHUB_TOKEN": github_api.token, "GITHUB_API_URL": github_api.url}

    # when the command publishes twice (two pushes)
    _publish(tmp_path, environ)
    code, outputs = _publish(tmp_path, environ)

    # then one comment exists and its URL is a step output
    assert code == 0
    assert len(github_api.comments[5]) == 1
    assert "❌ fail" in github_api.comments[5][0]["body"]
    assert f"comment-url={github_api.comments[5][0]['html_url']}\n" in outputs


def test_report_command_warns_and_passes_when_the_token_is_read_only(
    github_api: GitHubApiStandIn, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a fork pull request whose token may not comment
    github_api.read_only = True
    environ = {"GITHUB_TOKEN": github_api.token, "GITHUB_API_URL": github_api.url}

    # when the command publishes
    code, outputs = _publish(tmp_path, environ)

    # then it warns, still exits 0 and still reports the gate's verdict
    assert code == 0
    assert "::warning title=mlgate report::no comment on pull request #5" in capsys.readouterr().out
    assert "verdict=fail\n" in outputs
    assert "comment-url=\n" in outputs
