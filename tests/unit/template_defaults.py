"""The template's own params.yaml, rendered, so that tests judge with the defaults users get.

The gate's tests use the goals a generated project starts with (and the model it trains), read
from ``{{cookiecutter.project_slug}}/params.yaml`` itself: a change of defaults there is a
change the tests see.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PARAMS = ROOT / "{{cookiecutter.project_slug}}" / "params.yaml"


def template_params(task: str = "classification") -> dict[str, Any]:
    """params.yaml of a project generated for ``task`` (without the tune stage)."""
    import jinja2
    import yaml

    text = jinja2.Environment(keep_trailing_newline=True).from_string(PARAMS.read_text())
    context = {"task": task, "tune": "no", "package_name": "my_project"}
    return yaml.safe_load(text.render(cookiecutter=context))


def template_goals(task: str = "classification") -> dict[str, Any]:
    return template_params(task)["goals"]
