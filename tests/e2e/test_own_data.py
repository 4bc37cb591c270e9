"""A user's own data, brought into a generated project by the README's steps, then new batches.

Two tables nobody tuned the template for, built by the tests (tests/support/tables.py): a
customer table (identifier, dates as text, units, missing values, text categories with gaps and
a rare value, a yes/no flag, three classes) and a flat-price table (regression). For each:

1. generate the project with ``mlgate_source`` set to this working tree and install it with the
   README's command, no GitHub involved;
2. follow "Bring your own data" literally: replace ``data/raw/dataset.csv``, describe the
   columns in ``schema.py``, run ``dvc repro``; the project's own tests and pre-commit pass,
   and nothing else was edited;
3. promote the model; then whole new batches: one whose category shares moved, one with a
   column in other units, each stops ``dvc repro`` at validate naming the column, although
   its train and test splits agree with each other; a clean batch passes.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from tests.support import tables
from tests.support.project import (
    MLGATE_ROOT,
    install,
    project_client,
    project_env,
    render,
    run,
    run_checked,
)

pytestmark = pytest.mark.e2e

STAGE_RAN = re.compile(r"Running stage '([\w-]+)'")


@dataclass(frozen=True)
class Dataset:
    task: str
    make: Callable[..., pd.DataFrame]
    schema: str
    target: str
    drifts: tuple[tuple[str, dict, str, str], ...]  # (name, knobs, column, failing check)


DATASETS = {
    "customers": Dataset(
        "classification",
        tables.customers,
        tables.CUSTOMERS_SCHEMA,
        "segment",
        (
            ("plan shares", {"plan_shares": (0.1, 0.2, 0.7)}, "plan", "category_frequencies"),
            ("spend in cents", {"spend_unit": "cent"}, "monthly_spend", "mean"),
        ),
    ),
    "flats": Dataset(
        "regression",
        tables.flats,
        tables.FLATS_SCHEMA,
        "price_keur",
        (("area in square feet", {"area_unit": "ft2"}, "floor_area", "mean"),),
    ),
}


class Project:
    """A generated, installed project and what the steps below left behind."""

    def __init__(self, path: Path, dataset: Dataset) -> None:
        self.path = path
        self.dataset = dataset
        self.env = project_env(path)
        self.package = path.name.replace("-", "_")
        self.swap_output = ""
        self.swap_seconds = 0.0

    @property
    def raw(self) -> Path:
        return self.path / "data" / "raw" / "dataset.csv"

    def run(self, *command: str):
        return run(command, cwd=self.path, env=self.env)

    def check(self, *command: str):
        return run_checked(command, cwd=self.path, env=self.env)

    def write_batch(self, seed: int, **knobs) -> bytes:
        """A new batch of the same kind of data, as the user would save it from a source."""
        self.dataset.make(700, seed, **knobs).to_csv(self.raw, index=False)
        return self.raw.read_bytes()


@pytest.fixture(scope="module", params=sorted(DATASETS))
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Project:
    dataset = DATASETS[request.param]
    path = render(
        tmp_path_factory.mktemp(f"own-{request.param}"),
        task=dataset.task,
        project_name=f"Own {request.param}",
        mlgate_source=str(MLGATE_ROOT),
    )
    install(path, override=False)
    made = Project(path, dataset)
    made.check("git", "commit", "--quiet", "-m", "Generated project")

    # README "Bring your own data": 1. the data, 2. the schema, 3. dvc repro
    made.write_batch(seed=11)
    tables.use_schema(path / "src" / made.package / "schema.py", dataset.schema)
    started = time.perf_counter()
    made.swap_output = made.check("dvc", "repro").stdout
    made.swap_seconds = time.perf_counter() - started
    return made


def test_the_readme_lists_the_steps_this_test_follows(project: Project) -> None:
    readme = (project.path / "README.md").read_text()
    section = readme.split("## Bring your own data", 1)[1].split("\n## ", 1)[0]
    steps = re.findall(r"^\d\. \*\*(.+?)\*\*", section, flags=re.MULTILINE)
    assert steps == ["The data", "The schema", "Run"]
    for named in ("data/raw/dataset.csv", "schema.py", "dvc repro", '"role": "target"'):
        assert named in section


def test_dvc_repro_runs_every_stage_on_the_new_data(project: Project) -> None:
    ran = STAGE_RAN.findall(project.swap_output)
    assert ran == ["split", "validate", "profile", "train", "evaluate", "benchmark"]
    print(f"{project.dataset.task}: swap to green (dvc repro) {project.swap_seconds:.1f} s")
    report = json.loads((project.path / "reports" / "validation.json").read_text())
    assert report["verdict"] == "pass"
    assert report["baseline"]["source"] == "none", "first run: no champion, no reference"
    metrics = json.loads((project.path / "reports" / "metrics.json").read_text())
    if project.dataset.task == "classification":
        assert metrics["f1_macro"] > 0.5 and metrics["roc_auc"] > 0.7
        confusion = pd.read_csv(project.path / "reports" / "plots" / "confusion.csv")
        assert set(confusion["actual"]) == {"bronze", "silver", "gold"}
    else:
        assert metrics["r2"] > 0.5


def test_the_data_is_versioned_never_written_and_only_the_schema_was_edited(
    project: Project,
) -> None:
    data = project.raw.read_bytes()
    record = (project.path / "data" / "raw" / "dataset.csv.dvc").read_text()
    assert hashlib.md5(data, usedforsecurity=False).hexdigest() in record
    assert data == project.dataset.make(700, 11).to_csv(index=False).encode()
    changed = project.check("git", "status", "--porcelain", "--untracked-files=all").stdout
    tracked = {line[3:] for line in changed.splitlines() if not line.startswith("??")}
    assert tracked == {"data/raw/dataset.csv.dvc", f"src/{project.package}/schema.py"}
    untracked = {line[3:] for line in changed.splitlines() if line.startswith("??")}
    assert all(name == "dvc.lock" or name.startswith("reports/") for name in untracked), untracked


def test_the_projects_own_tests_and_hooks_pass_unchanged(project: Project) -> None:
    done = project.check("pytest", "-q", "-p", "no:cacheprovider")
    assert " passed" in done.stdout and "failed" not in done.stdout
    project.check("git", "add", "--all")
    hooks = project.run("pre-commit", "run", "--all-files", "--show-diff-on-failure")
    assert hooks.returncode == 0, hooks.stdout + hooks.stderr
    project.check("git", "commit", "--quiet", "-m", "Our data")


def test_the_model_is_promoted_and_scores_a_raw_file(project: Project) -> None:
    project.check("mlgate", "promote")
    scored_path = project.path / "build" / "scored.csv"
    scored_path.parent.mkdir(exist_ok=True)
    batch = project.path / "build" / "new.csv"
    project.dataset.make(50, seed=99).drop(columns=[project.dataset.target]).to_csv(
        batch, index=False
    )
    project.check("python", "-m", f"{project.package}.predict", str(batch), str(scored_path))
    scored = pd.read_csv(scored_path)
    assert len(scored) == 50 and scored["prediction"].notna().all()
    if project.dataset.task == "classification":
        assert {"probability_bronze", "probability_silver", "probability_gold"} <= set(scored)


def _validate_batch(project: Project, seed: int, **knobs):
    project.write_batch(seed, **knobs)
    done = project.run("dvc", "repro", "validate")
    report = json.loads((project.path / "reports" / "validation.json").read_text())
    return done, report


def test_a_drifted_whole_batch_stops_at_validate_naming_the_column(project: Project) -> None:
    for name, knobs, column, check in project.dataset.drifts:
        # given a new batch, drifted as a whole (its train and test splits agree)
        done, report = _validate_batch(project, 21, **knobs)

        # then the pipeline stops at validate, against the champion's training data
        assert done.returncode != 0, f"{name}: {done.stdout}"
        assert STAGE_RAN.findall(done.stdout)[-1] == "validate"
        assert report["baseline"]["source"] == "champion", report["baseline"]
        failed = [c for c in report["checks"] if not c["passed"] and c["column"] == column]
        assert {c["dataset"] for c in failed if c["check"] == check} == {
            "data/processed/train.parquet",
            "data/processed/test.parquet",
        }, name
        lines = [
            line
            for line in (project.path / "reports" / "validation.md").read_text().splitlines()
            if f"| {column} |" in line
        ]
        assert lines, name
        print(f"{project.dataset.task} / {name}:\n  " + "\n  ".join(lines[:4]))


def test_a_clean_new_batch_passes_against_the_champion(project: Project) -> None:
    done, report = _validate_batch(project, 31)
    assert done.returncode == 0, [c for c in report["checks"] if not c["passed"]]
    assert report["baseline"]["source"] == "champion"
    assert "champion" in (project.path / "reports" / "validation.md").read_text()
    assert (
        project_client(project.path).get_model_version_by_alias(project.package, "champion").run_id
        == report["baseline"]["run_id"]
    )
