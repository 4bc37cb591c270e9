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


def _key(node: yaml.Node, name: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == name:
                return value
    return None


def _step_nodes(root: yaml.Node) -> Iterator[yaml.MappingNode]:
    runs = _key(root, "runs")
    jobs = _key(root, "jobs")
    lists = [_key(runs, "steps")] if runs is not None else []
    if isinstance(jobs, yaml.MappingNode):
        lists += [_key(job, "steps") for _, job in jobs.value]
    for steps in lists:
        if isinstance(steps, yaml.SequenceNode):
            yield from (step for step in steps.value if isinstance(step, yaml.MappingNode))


def shell_line_count(text: str, node: yaml.ScalarNode) -> int:
    """The lines of shell a ``run:`` scalar takes in the file, blank and comment lines aside.

    Counted in the source, so a folded block (``>-``) counts each line it is written on.
    """
    lines = text.splitlines()
    start, end = node.start_mark.line, node.end_mark.line
    if node.style in ("|", ">"):
        # A block scalar starts after its indicator line and ends where the next key begins.
        body = lines[start + 1 : end + (1 if node.end_mark.column else 0)]
    else:
        body = lines[start : end + 1]
    return sum(1 for line in body if line.strip() and not line.strip().startswith("#"))


def run_block_sizes(path: Path) -> list[tuple[str, int]]:
    """Every ``run:`` block of a workflow or composite action: its step name and line count."""
    text = path.read_text(encoding="utf-8")
    sizes = []
    for index, step in enumerate(_step_nodes(yaml.compose(text))):
        run = _key(step, "run")
        if isinstance(run, yaml.ScalarNode):
            label = _key(step, "name") or _key(step, "id")
            name = label.value if isinstance(label, yaml.ScalarNode) else f"step {index + 1}"
            sizes.append((name, shell_line_count(text, run)))
    return sizes
