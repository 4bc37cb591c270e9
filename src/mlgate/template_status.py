"""Whether a generated project is behind the template it came from: a notice, never a failure.

A project made with ``cruft create`` (or linked with ``cruft link``) records its template and
the template commit in ``.cruft.json``. This module asks the template repository (with git
itself: a blob-less clone, so only commits and trees travel) whether the template has changed
since, counting the commits that touched what a project is made from (the template folder,
``cookiecutter.json``, ``hooks/``, ``templates/``); commits that touch only the template's own
tests or docs do not make a project behind.

    python -m mlgate.template_status [PROJECT]

prints one line and, in GitHub Actions, writes a notice to the job summary when the project is
behind, naming the command to update. It exits 0 whatever it finds: a project behind its
template is something to know, not a broken build.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

TEMPLATE_PATHS = ("{{cookiecutter.project_slug}}", "cookiecutter.json", "hooks", "templates")
UPDATE = "cruft update"


@dataclass(frozen=True)
class TemplateStatus:
    """``state`` is current, behind, unlinked (no .cruft.json) or unknown (no answer)."""

    state: str
    message: str
    behind: int = 0


def _git(*args: str, cwd: Path | None = None) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )
    if done.returncode != 0:
        raise RuntimeError((done.stderr or done.stdout).strip().splitlines()[-1:] or ["git failed"])
    return done.stdout.strip()


def _followed_branch(checkout: object) -> str | None:
    """The template branch a project follows: the ``checkout`` it was made or updated from,
    unless that was a commit (a fixed point, so the template's default branch is followed)."""
    text = str(checkout or "")
    if not text or re.fullmatch(r"[0-9a-f]{7,40}", text):
        return None
    return text


def status(project: Path) -> TemplateStatus:
    """How ``project`` stands against its template (see the module docstring)."""
    record = project / ".cruft.json"
    if not record.is_file():
        return TemplateStatus(
            "unlinked",
            "not linked to its template (no .cruft.json): `cruft link <template URL>` "
            "lets `cruft update` bring the template's changes in",
        )
    try:
        state = json.loads(record.read_text(encoding="utf-8"))
        template, commit = str(state["template"]), str(state["commit"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        return TemplateStatus("unknown", f".cruft.json cannot be read ({error})")
    followed = _followed_branch(state.get("checkout"))
    with tempfile.TemporaryDirectory(prefix="mlgate-template-") as tmp:
        clone = Path(tmp) / "template"
        try:
            _git("clone", "--quiet", "--filter=blob:none", "--no-checkout", template, str(clone))
            latest = _git("rev-parse", f"origin/{followed}" if followed else "HEAD", cwd=clone)
            if latest == commit:
                return TemplateStatus("current", f"up to date with {template} ({commit[:7]})")
            count = int(
                _git("rev-list", "--count", f"{commit}..{latest}", "--", *TEMPLATE_PATHS, cwd=clone)
            )
        except (RuntimeError, subprocess.TimeoutExpired, ValueError) as error:
            return TemplateStatus("unknown", f"could not ask {template}: {error}")
    if count == 0:
        return TemplateStatus(
            "current", f"up to date with {template}: nothing a project is made from changed"
        )
    return TemplateStatus(
        "behind",
        f"{count} template change(s) behind {template} (the project is at {commit[:7]}, the "
        f"template at {latest[:7]}): run `{UPDATE}`, then resolve any conflict as the README's "
        "'Updating from the template' says",
        count,
    )


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    project = Path(args[0] if args else ".")
    found = status(project)
    print(f"template: {found.message}")
    if found.state in ("behind", "unlinked"):
        print(f"::notice title=Template::{found.message}")
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            with open(summary, "a", encoding="utf-8") as handle:
                handle.write(f"### Template\n\nThis project is {found.message}.\n\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
