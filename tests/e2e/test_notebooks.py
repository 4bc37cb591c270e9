"""A project generated with notebooks=yes, installed in a fresh environment, as a user has it.

Its own pytest executes the notebook (papermill, on the sample, with the CI parameters), also
where DVC has not brought the data (as in CI's checks job); a notebook broken on purpose fails
naming the cell and its line, one that runs past its time limit is stopped; pre-commit, with
its hooks installed from PyPI, strips a notebook that was run and edited in place and brings
its py:percent pair up to date.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.support.project import install, project_env, render, run, run_checked

pytestmark = pytest.mark.e2e

NOTEBOOK = Path("notebooks") / "01-explore-data"
# What a user does in Jupyter: run every cell (outputs, execution counts, language_info), and
# change one cell's code (not as ruff would format it).
RUN_AND_EDIT_IN_PLACE = """
import nbformat
from nbclient import NotebookClient

path = "notebooks/01-explore-data.ipynb"
notebook = nbformat.read(path, as_version=4)
cell = next(c for c in notebook.cells if c.source.startswith("target = frame[TARGET]"))
cell.source = cell.source.replace("normalize=True", "normalize = False")
where = {"metadata": {"path": "notebooks"}}
NotebookClient(notebook, kernel_name="python3", resources=where).execute()
nbformat.write(notebook, path)
"""


class Project:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.env = project_env(path)

    def run(self, *command: str, timeout: float = 900):
        return run(command, cwd=self.path, env=self.env, timeout=timeout)

    def check(self, *command: str):
        return run_checked(command, cwd=self.path, env=self.env)

    def restore(self) -> None:
        """Back to the committed notebooks and tests, in the work tree and the index."""
        self.check("git", "checkout", "HEAD", "--", "notebooks", "tests")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    path = render(
        tmp_path_factory.mktemp("notebooks"), project_name="Notebook Check", notebooks="yes"
    )
    install(path)
    made = Project(path)
    made.check("git", "commit", "--quiet", "-m", "Generated project")
    return made


def test_the_projects_pytest_executes_the_notebook_with_the_ci_parameters(
    project: Project, tmp_path: Path
) -> None:
    done = project.run("pytest", "-v", "-p", "no:cacheprovider", f"--basetemp={tmp_path}")
    assert done.returncode == 0, done.stdout + done.stderr
    for test in (
        "test_notebooks.py::test_notebook_is_named_and_paired[01-explore-data] PASSED",
        "test_notebooks.py::test_notebook_runs[01-explore-data] PASSED",
        "test_explore.py::test_one_row_per_column_with_the_role_the_schema_gives_it PASSED",
    ):
        assert test in done.stdout
    # the run is real: the executed copy has the injected parameter and the cells' outputs
    executed = next(tmp_path.rglob("01-explore-data.executed.ipynb"))
    cells = json.loads(executed.read_text())["cells"]
    injected = next(c for c in cells if "injected-parameters" in c["metadata"].get("tags", []))
    assert "".join(injected["source"]) == "# Parameters\nsample_rows = 200\n"
    printed = executed_output(tmp_path)
    assert "data/raw/dataset.csv: 200 rows" in printed
    assert "baseline: none (first run" in printed
    assert "No benchmark yet" in printed


def executed_output(basetemp: Path) -> str:
    """What the executed notebook printed, the notebook the project's test left in basetemp."""
    executed = next(basetemp.rglob("01-explore-data.executed.ipynb"))
    cells = json.loads(executed.read_text())["cells"]
    return "".join(
        "".join(output.get("text", "")) for cell in cells for output in cell.get("outputs", [])
    )


@pytest.mark.parametrize(
    ("recorded", "read"),
    [
        ("the sample", "data0/dataset.csv: 200 rows"),
        ("data of your own", "data0/rows.csv: 200 rows"),
    ],
)
def test_without_the_data_the_notebook_runs_on_the_sample_or_rows_from_the_schema(
    project: Project, tmp_path: Path, recorded: str, read: str
) -> None:
    # given a checkout where DVC has not brought the data, as in CI's checks job
    raw = project.path / "data" / "raw" / "dataset.csv"
    raw.rename(tmp_path / "dataset.csv")
    record = raw.with_name("dataset.csv.dvc")
    if recorded == "data of your own":
        record.write_text(re.sub(r"md5: \w+", "md5: " + "0" * 32, record.read_text()))
    try:
        # when the project's notebook tests run
        basetemp = tmp_path / "basetemp"
        done = project.run(
            "pytest", "-p", "no:cacheprovider", f"--basetemp={basetemp}", "tests/test_notebooks.py"
        )

        # then the notebook runs on the restored sample, or on rows made from the schema
        assert done.returncode == 0, done.stdout + done.stderr
        assert read in executed_output(basetemp)
        assert not raw.exists(), "the project's data folder is left as it was"
    finally:
        (tmp_path / "dataset.csv").rename(raw)
        project.check("git", "checkout", "HEAD", "--", str(record.relative_to(project.path)))


def test_pre_commit_passes_on_the_generated_project(project: Project) -> None:
    project.check("git", "add", "--all")
    done = project.run("pre-commit", "run", "--all-files", "--show-diff-on-failure")
    assert done.returncode == 0, done.stdout + done.stderr


def test_pre_commit_strips_a_notebook_run_in_place_and_syncs_its_pair(project: Project) -> None:
    # given the notebook run and edited in place, as in Jupyter, and staged
    project.check("python", "-c", RUN_AND_EDIT_IN_PLACE)
    ipynb, script = project.path / f"{NOTEBOOK}.ipynb", project.path / f"{NOTEBOOK}.py"
    ran = json.loads(ipynb.read_text())
    assert any(cell.get("outputs") for cell in ran["cells"]) and "language_info" in ran["metadata"]
    project.check("git", "add", "--all")
    try:
        # when pre-commit runs
        first = project.run("pre-commit", "run", "--all-files")

        # then it stops (it changed files), the notebook has no outputs or volatile metadata
        assert first.returncode == 1, first.stdout + first.stderr
        assert "files were modified by this hook" in first.stdout
        stripped = json.loads(ipynb.read_text())
        assert set(stripped["metadata"]) == {"jupytext", "kernelspec"}
        for cell in stripped["cells"]:
            assert cell.get("outputs", []) == [] and cell.get("execution_count") is None
        # and both files have the edit, formatted by ruff, which is all that changed in either
        assert "value_counts(normalize=False)" in script.read_text()
        assert "value_counts(normalize=False)" in ipynb.read_text()
        diff = project.check("git", "diff", "--unified=0", "HEAD", "--", "notebooks").stdout
        changed = [line for line in diff.splitlines() if re.match(r"[-+](?![-+])", line)]
        assert len(changed) == 4, diff  # the old and new line, in each file
        # and a second run finds nothing to change
        project.check("git", "add", "--all")
        second = project.run("pre-commit", "run", "--all-files")
        assert second.returncode == 0, second.stdout + second.stderr
    finally:
        project.restore()


def test_a_notebook_broken_on_purpose_fails_pytest_naming_the_cell(project: Project) -> None:
    # given a cell that asks for a column the data does not have
    script = project.path / f"{NOTEBOOK}.py"
    lines = script.read_text().splitlines()
    broken = lines.index("target = frame[TARGET]")
    lines[broken] = 'target = frame["no_such_column"]'
    script.write_text("\n".join(lines) + "\n")
    marker = max(i for i in range(broken) if lines[i].startswith("# %%")) + 1
    number = sum(1 for line in lines[:marker] if line.startswith("# %%"))
    total = sum(1 for line in lines if line.startswith("# %%"))
    try:
        # when the project's tests run
        done = project.run("pytest", "-p", "no:cacheprovider", "tests/test_notebooks.py")

        # then the notebook's run fails, naming the file, the cell, its line and the error
        assert done.returncode == 1, done.stdout + done.stderr
        assert (
            f"notebooks/01-explore-data.py, cell {number} of {total} (line {marker}) raised "
            "KeyError: 'no_such_column'"
        ) in done.stdout
        assert "FAILED tests/test_notebooks.py::test_notebook_runs[01-explore-data]" in done.stdout
        # and the pairing test says the two files differ, and how to bring them in step
        assert "jupytext --sync" in done.stdout
    finally:
        project.restore()


def test_a_notebook_past_its_time_limit_is_stopped(project: Project) -> None:
    # given a notebook cell that outlasts a five-second limit
    tests = project.path / "tests" / "test_notebooks.py"
    tests.write_text(tests.read_text().replace("TIME_LIMIT_S = 120", "TIME_LIMIT_S = 5"))
    script = project.path / f"{NOTEBOOK}.py"
    script.write_text(
        script.read_text().replace(
            "target = frame[TARGET]", "__import__('time').sleep(600)\ntarget = frame[TARGET]"
        )
    )
    try:
        # when the notebook runs, then it is stopped at the limit and the cell is named
        done = project.run(
            "pytest", "-p", "no:cacheprovider", "tests/test_notebooks.py", "-k", "runs", timeout=120
        )
        assert done.returncode == 1, done.stdout + done.stderr
        assert re.search(
            r"notebooks/01-explore-data\.py, cell \d+ of \d+ \(line \d+\) was still running when "
            r"the notebook's 5 s were up",
            done.stdout,
        ), done.stdout
    finally:
        project.restore()
