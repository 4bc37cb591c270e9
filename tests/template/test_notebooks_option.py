"""The notebooks option: what a project gets with it, and that it gets none of it without.

These checks read the rendered files only. That the notebook runs, that the project's own
tests execute it and that pre-commit keeps each pair in step and stripped is shown in a real
environment by tests/e2e/test_notebooks.py. The template's .ipynb is made from its .py by
``python -m tests.support.notebook_pair``.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml

from tests.support.project import render

NOTEBOOK = "notebooks/01-explore-data"


@pytest.fixture(scope="module", params=["classification", "regression"])
def with_notebooks(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    return render(
        tmp_path_factory.mktemp("nb"),
        project_name=f"Notes {request.param}",
        task=request.param,
        notebooks="yes",
    )


@pytest.fixture(scope="module")
def without_notebooks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(tmp_path_factory.mktemp("no-nb"), project_name="No Notes", notebooks="no")


def hooks(project: Path) -> dict[str, dict]:
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())
    assert [repo["repo"] for repo in config["repos"]] == ["local"], "hooks must install offline"
    return {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}


def test_the_extra_brings_a_kernel_jupytext_and_papermill_and_dev_includes_it(
    with_notebooks: Path,
) -> None:
    project = tomllib.loads((with_notebooks / "pyproject.toml").read_text())["project"]
    extra = {
        re.split(r"[<>=\[]", requirement)[0]
        for requirement in project["optional-dependencies"]["notebooks"]
    }
    assert {"ipykernel", "jupytext", "papermill"} <= extra
    assert f"{with_notebooks.name}[notebooks]" in project["optional-dependencies"]["dev"]


def test_hooks_sync_then_strip_before_ruff_all_from_pypi(with_notebooks: Path) -> None:
    found = hooks(with_notebooks)
    ids = list(found)
    assert ids.index("jupytext") < ids.index("nbstripout") < ids.index("ruff-check")
    for name in ("jupytext", "nbstripout"):
        hook = found[name]
        assert hook["language"] == "python"
        pins = hook["additional_dependencies"]
        assert all(re.fullmatch(r"[a-z-]+==[\w.]+", pin) for pin in pins), pins
        # the same environment for both hooks, and the same ruff as the ruff hooks
        assert pins == found["jupytext"]["additional_dependencies"]
        assert set(found["ruff-check"]["additional_dependencies"]) <= set(pins)
        assert re.search(hook["files"], f"{NOTEBOOK}.ipynb")
        assert not re.search(hook["files"], "notebooks/.ipynb_checkpoints/x-checkpoint.ipynb")
    assert re.search(found["jupytext"]["files"], f"{NOTEBOOK}.py")
    assert found["jupytext"]["require_serial"] is True
    assert not re.search(found["nbstripout"]["files"], f"{NOTEBOOK}.py")


def test_the_committed_notebook_has_no_outputs_and_no_volatile_metadata(
    with_notebooks: Path,
) -> None:
    notebook = json.loads((with_notebooks / f"{NOTEBOOK}.ipynb").read_text())
    assert set(notebook["metadata"]) == {"jupytext", "kernelspec"}
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    cells = notebook["cells"]
    assert [cell["id"] for cell in cells] == [str(i) for i in range(len(cells))]
    for cell in cells:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
        assert set(cell["metadata"]) <= {"tags"}


STALE = "the template's notebook is stale: run python -m tests.support.notebook_pair"


def test_the_pair_holds_the_same_cells(with_notebooks: Path) -> None:
    script = (with_notebooks / f"{NOTEBOOK}.py").read_text()
    cells = json.loads((with_notebooks / f"{NOTEBOOK}.ipynb").read_text())["cells"]
    markers = [line for line in script.splitlines() if line.startswith("# %%")]
    assert len(markers) == len(cells), STALE
    for marker, cell in zip(markers, cells, strict=True):
        assert ("[markdown]" in marker) == (cell["cell_type"] == "markdown")
        assert ('tags=["parameters"]' in marker) == (
            "parameters" in cell["metadata"].get("tags", [])
        )
        if cell["cell_type"] == "code":
            assert "".join(cell["source"]) in script, STALE


def test_the_notebook_takes_everything_from_the_package(with_notebooks: Path) -> None:
    package = with_notebooks.name.replace("-", "_")
    script = (with_notebooks / f"{NOTEBOOK}.py").read_text()
    for name in (
        "config import settings",
        "data import read_table",
        "schema import CONTRACT, TARGET",
        "explore import profile_table",
    ):
        assert f"from {package}.{name}" in script, name
    assert "resolve_baseline(" in script and "benchmark.json" in script
    code = "\n".join(
        "".join(cell["source"])
        for cell in json.loads((with_notebooks / f"{NOTEBOOK}.ipynb").read_text())["cells"]
        if cell["cell_type"] == "code"
    )
    # paths come from settings(), never as literals copied into the notebook
    assert not re.search(r"[\"'](data|reports|models)/", code)


def test_the_readme_documents_notebooks_only_when_there_are_some(
    with_notebooks: Path, without_notebooks: Path
) -> None:
    readme = (with_notebooks / "README.md").read_text()
    for heading in (
        "## Notebooks",
        "### From notebook to package",
        "**Naming.**",
        "**Parameters.**",
    ):
        assert heading in readme
    assert "├── notebooks" in readme and "explore.py" in readme
    bare = (without_notebooks / "README.md").read_text()
    assert "notebook" not in bare.lower()


def test_without_the_option_nothing_of_it_is_there(without_notebooks: Path) -> None:
    assert not (without_notebooks / "notebooks").exists()
    assert not {"jupytext", "nbstripout"} & set(hooks(without_notebooks))
    project = tomllib.loads((without_notebooks / "pyproject.toml").read_text())
    assert "notebooks" not in project["project"]["optional-dependencies"]
    assert "per-file-ignores" not in project["tool"]["ruff"]["lint"]
