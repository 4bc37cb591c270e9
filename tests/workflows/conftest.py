"""Fixtures for the workflow tests: the generated project's workflow, rendered once."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.project import render


@pytest.fixture(scope="session")
def rendered_workflows(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The generated project's ci.yml, rendered with a tag ref and with a commit SHA ref."""
    out = tmp_path_factory.mktemp("rendered")
    tagged = render(out / "tag")
    pinned = render(out / "sha", mlgate_ref="0123456789abcdef0123456789abcdef01234567")
    return {
        "tag": tagged / ".github" / "workflows" / "ci.yml",
        "sha": pinned / ".github" / "workflows" / "ci.yml",
    }
