"""The workflow and action files the static checks cover, and their shell steps.

Kept apart from the tests so the list is written once: this repository's actions and
workflows, the act stand-ins, and the generated project's workflow rendered by cookiecutter.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
ACTIONS = sorted((ROOT / "actions").glob("*/action.yml"))
STANDINS = sorted((Path(__file__).parent / "standins").glob("*/action.yml"))
REPO_WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


@dataclass(frozen=True)
class ShellStep:
    """One ``run:`` block, where it comes from, its shell and the variables its ``env:`` sets."""

    source: Path
    name: str
    script: str
    shell: str
    env: tuple[str, ...] = ()


def _steps(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    runs = document.get("runs")
    if isinstance(runs, dict):
        yield from runs.get("steps") or []
    for job in (document.get("jobs") or {}).values():
        yield from job.get("steps") or []


def shell_steps(path: Path) -> list[ShellStep]:
    """Every ``run:`` block of a workflow or composite action, in file order."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    found = []
    for index, step in enumerate(_steps(document)):
        if "run" in step:
            name = step.get("name") or step.get("id") or f"step {index + 1}"
            env = tuple(step.get("env") or {})
            found.append(ShellStep(path, name, step["run"], step.get("shell", "bash"), env))
    return found


def uses_of(path: Path) -> list[str]:
    """Every ``uses:`` reference of a workflow or composite action."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    refs = [step["uses"] for step in _steps(document) if "uses" in step]
    for job in (document.get("jobs") or {}).values():
        if "uses" in job:
            refs.append(job["uses"])
    return refs
