"""The template's sample notebook pair, kept in step: the .ipynb is made from the .py.

The template ships ``notebooks/01-explore-data.py`` (py:percent, the file to edit) and
``notebooks/01-explore-data.ipynb`` (the same cells, committed without outputs), both as Jinja.
``python -m tests.support.notebook_pair`` renders the template, deletes the notebook, has the
generated project's own pre-commit hooks (jupytext, then nbstripout, the versions and options
the template pins) write it again from the script with the python3 kernel, and puts it back
into the template with the package name as Jinja. tests/template/test_notebooks_option.py
checks the pair; tests/e2e/test_notebooks.py runs the real hooks over it.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from tests.support.project import TEMPLATE_DIR, render

NAME = "01-explore-data"
CONDITION = "{% if cookiecutter.notebooks == 'yes' %}"
PACKAGE = "notebook_pair_source"  # stands for {{ cookiecutter.package_name }} while rendered
KERNEL = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def template_path(suffix: str) -> Path:
    return TEMPLATE_DIR / "notebooks" / f"{CONDITION}{NAME}.{suffix}{{% endif %}}"


def hook(project: Path, hook_id: str, path: Path) -> None:
    """Run one of the project's pre-commit hooks on one file (a hook that changes files
    exits 1: that is its work here, not a failure)."""
    done = subprocess.run(
        ["pre-commit", "run", hook_id, "--files", str(path.relative_to(project))],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode not in (0, 1) or not path.is_file():
        raise RuntimeError(f"pre-commit run {hook_id} failed:\n{done.stdout}\n{done.stderr}")


def rebuilt_notebook() -> str:
    """The Jinja source of the notebook, made from the template's script."""
    with tempfile.TemporaryDirectory(prefix="notebook-pair-") as tmp:
        project = render(
            Path(tmp), project_name="Notebook pair", package_name=PACKAGE, notebooks="yes"
        )
        notebook = project / "notebooks" / f"{NAME}.ipynb"
        notebook.unlink()
        hook(project, "jupytext", project / "notebooks" / f"{NAME}.py")
        data = json.loads(notebook.read_text(encoding="utf-8"))
        data["metadata"]["kernelspec"] = KERNEL
        notebook.write_text(json.dumps(data), encoding="utf-8")
        hook(project, "nbstripout", notebook)
        text = notebook.read_text(encoding="utf-8")
    return text.replace(PACKAGE, "{{ cookiecutter.package_name }}")


def main() -> None:
    template_path("ipynb").write_text(rebuilt_notebook(), encoding="utf-8")
    print(f"rewrote {template_path('ipynb').relative_to(TEMPLATE_DIR.parent)}")


if __name__ == "__main__":
    main()
