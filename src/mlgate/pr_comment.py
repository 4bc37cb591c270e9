"""One pull-request comment per gate, created once and updated in place on every push.

A gate's Markdown summary is posted with a hidden marker (``<!-- mlgate:validate -->``) as its
first line. The next run lists the pull request's comments, finds the one carrying the same
marker and edits it, so a pull request shows one current report per gate instead of one comment
per push. Only the standard library is used (``urllib``), through the GitHub REST API:

* ``GET  /repos/{owner}/{repo}/issues/{number}/comments`` (paginated, ``per_page=100``)
* ``POST /repos/{owner}/{repo}/issues/{number}/comments``
* ``PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}``
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from mlgate.errors import ServiceError

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_NEXT_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="next"')

MAX_PAGES = 50
"""At most 5,000 comments are searched for the marker: enough for any real pull request."""


def marker(name: str) -> str:
    """The hidden HTML comment that identifies the comment of gate ``name``."""
    if not _NAME.match(name):
        raise ValueError(
            f"comment name {name!r} must start with a letter or digit and hold only "
            "letters, digits, '.', '_' or '-'"
        )
    return f"<!-- mlgate:{name} -->"


def with_marker(body: str, name: str) -> str:
    """``body`` with the marker of ``name`` as its first line."""
    return f"{marker(name)}\n{body.rstrip()}\n"


def find_marked(comments: Iterable[Mapping[str, Any]], name: str) -> Mapping[str, Any] | None:
    """The first comment whose body starts with the marker of ``name``, or None."""
    tag = marker(name)
    for comment in comments:
        body = comment.get("body") or ""
        if body.lstrip().startswith(tag):
            return comment
    return None


def pull_request_number(event_name: str | None, event: Mapping[str, Any]) -> int | None:
    """The pull request a workflow run belongs to, from its event payload; None otherwise."""
    if event_name not in ("pull_request", "pull_request_target"):
        return None
    pull = event.get("pull_request")
    number = pull.get("number") if isinstance(pull, Mapping) else event.get("number")
    return number if isinstance(number, int) and number > 0 else None


def repository_of(event: Mapping[str, Any], fallback: str | None) -> str | None:
    """``owner/name`` of the base repository: from the payload, else ``GITHUB_REPOSITORY``."""
    repo = event.get("repository")
    if isinstance(repo, Mapping) and isinstance(repo.get("full_name"), str):
        return repo["full_name"]
    return fallback or None


class PermissionDenied(ServiceError):
    """The token may not comment: a pull request from a fork, or no ``pull-requests: write``."""


@dataclass(frozen=True)
class CommentResult:
    """What :func:`upsert_comment` did: ``created``, ``updated`` or ``unchanged``."""

    action: str
    comment_id: int
    url: str


class GitHubComments:
    """The few issue-comment endpoints of the GitHub REST API, over urllib."""

    def __init__(self, api_url: str, token: str, timeout: float = 15.0) -> None:
        self.api_url = api_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def _request(self, method: str, url: str, payload: Any = None) -> tuple[Any, Mapping[str, str]]:
        data = None if payload is None else json.dumps(payload).encode("utf-8")
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Accept", "application/vnd.github+json")
        request.add_header("Authorization", f"Bearer {self.token}")
        request.add_header("X-GitHub-Api-Version", "2022-11-28")
        request.add_header("User-Agent", "mlgate-report")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read()
                headers = dict(response.headers.items())
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")[:300]
            message = f"GitHub API {method} {url} answered {error.code}: {detail}"
            if error.code in (401, 403, 404):
                raise PermissionDenied(
                    message,
                    hint="pull requests from forks get a read-only token; elsewhere grant the job "
                    "'permissions: pull-requests: write' and pass github-token",
                ) from error
            raise ServiceError(message) from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise ServiceError(
                f"GitHub API {method} {url} unreachable: {error}",
                hint="check GITHUB_API_URL and the runner's network",
            ) from error
        return (json.loads(body) if body else None), headers

    def list_comments(self, repo: str, number: int) -> list[Mapping[str, Any]]:
        url: str | None = f"{self.api_url}/repos/{repo}/issues/{number}/comments?per_page=100"
        comments: list[Mapping[str, Any]] = []
        for _ in range(MAX_PAGES):
            if url is None:
                break
            page, headers = self._request("GET", url)
            comments.extend(page or [])
            link = next((v for k, v in headers.items() if k.lower() == "link"), "")
            found = _NEXT_LINK.search(link)
            url = found.group(1) if found else None
        return comments

    def create_comment(self, repo: str, number: int, body: str) -> Mapping[str, Any]:
        url = f"{self.api_url}/repos/{repo}/issues/{number}/comments"
        created, _ = self._request("POST", url, {"body": body})
        return created

    def update_comment(self, repo: str, comment_id: int, body: str) -> Mapping[str, Any]:
        url = f"{self.api_url}/repos/{repo}/issues/comments/{comment_id}"
        updated, _ = self._request("PATCH", url, {"body": body})
        return updated


def upsert_comment(
    client: GitHubComments, repo: str, number: int, name: str, body: str
) -> CommentResult:
    """Create the comment of gate ``name`` on pull request ``number``, or update it in place."""
    text = with_marker(body, name)
    existing = find_marked(client.list_comments(repo, number), name)
    if existing is None:
        created = client.create_comment(repo, number, text)
        return CommentResult("created", int(created["id"]), str(created.get("html_url", "")))
    if (existing.get("body") or "") == text:
        return CommentResult("unchanged", int(existing["id"]), str(existing.get("html_url", "")))
    updated = client.update_comment(repo, int(existing["id"]), text)
    return CommentResult("updated", int(updated["id"]), str(updated.get("html_url", "")))
