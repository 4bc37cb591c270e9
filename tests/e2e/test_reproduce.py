"""Back to the last known good state: a champion is rebuilt from its lineage in a clean clone.

A generated project on a customer table the tests build (identifier, dates as text, missing
values, text categories, three classes) is trained, committed, pushed to its DVC remote and
promoted, as the README says. Then, from a fresh `git clone` that shares nothing with the
project but its git history, its DVC remote and its registry:

* the champion has a model card as its registry description, and `mlgate lineage` prints it;
* `mlgate reproduce` trains the champion again from the commit, data hashes and parameters it
  recorded and gets the same predictions on the held-out rows (exit 0);
* once the training data's version is removed from the remote, it fails with exit 2 and
  names the data, its hash and the remote, writing no report.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

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


class Clone:
    """A fresh clone of the project: its own folder and DVC cache, the same remote and registry."""

    def __init__(self, path: Path, origin: Path) -> None:
        self.path = path
        self.origin = origin
        # The project's venv (mlgate and the libraries), the project's registry.
        self.env = project_env(origin, {"MLFLOW_TRACKING_URI": f"sqlite:///{origin / 'mlflow.db'}"})

    def run(self, *command: str):
        return run(command, cwd=self.path, env=self.env)


@pytest.fixture(scope="module")
def promoted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    path = render(
        tmp_path_factory.mktemp("reproduce"),
        task="classification",
        project_name="Churn Segments",
        mlgate_source=str(MLGATE_ROOT),
    )
    install(path, override=False)
    env = project_env(path)
    package = path.name.replace("-", "_")

    def check(*command: str):
        return run_checked(command, cwd=path, env=env)

    check("git", "commit", "--quiet", "-m", "Generated project")
    tables.customers(700, 11).to_csv(path / "data" / "raw" / "dataset.csv", index=False)
    tables.use_schema(path / "src" / package / "schema.py", tables.CUSTOMERS_SCHEMA)
    check("git", "add", "--all")
    check("git", "commit", "--quiet", "-m", "Customer data and its schema")
    check("dvc", "repro")
    check("git", "add", "dvc.lock", "data/raw/dataset.csv.dvc")
    check("git", "commit", "--quiet", "-m", "Data version")
    check("dvc", "push")
    check("mlgate", "promote")
    record = json.loads((path / "reports" / "train.json").read_text())
    return path, record


@pytest.fixture(scope="module")
def clone(promoted: tuple[Path, dict], tmp_path_factory: pytest.TempPathFactory) -> Clone:
    origin, _ = promoted
    target = tmp_path_factory.mktemp("clean") / "clone"
    run_checked(["git", "clone", "--quiet", str(origin), str(target)], cwd=target.parent)
    made = Clone(target, origin)
    # The project's remote is a folder inside it (../dvc-storage from .dvc): a colleague's
    # clone points at the same storage, as it would at a shared bucket.
    done = made.run(
        "dvc", "remote", "modify", "--local", "storage", "url", str(origin / "dvc-storage")
    )
    assert done.returncode == 0, done.stderr
    assert not (target / "data" / "processed").exists() and not (target / "mlflow.db").exists()
    return made


def test_the_champion_carries_its_model_card(promoted: tuple[Path, dict], clone: Clone) -> None:
    origin, record = promoted
    client = project_client(origin)
    name = origin.name.replace("-", "_")
    version = client.get_model_version_by_alias(name, "champion")
    card = version.description
    assert card.startswith(f"# Model card: {name}")
    assert f"**Version**: {name} v{version.version} (registered " in card
    assert version.tags["mlgate.model_card"] == f"runs:/{record['run_id']}/model_card.md"
    # the inputs with their roles, and the benchmark table
    assert "| customer_id | identifier |" in card
    assert "| metric | goal | this model | reference | verdict |" in card
    assert f"`mlgate reproduce models:/{name}/{version.version}`" in card
    logged = [item.path for item in client.list_artifacts(record["run_id"])]
    assert "model_card.md" in logged

    shown = clone.run("mlgate", "lineage")
    assert shown.returncode == 0, shown.stderr
    assert f"# Model card: {name}" in shown.stdout and "customer_id" in shown.stdout


def test_reproduce_rebuilds_the_champion_with_identical_predictions(
    promoted: tuple[Path, dict], clone: Clone
) -> None:
    done = clone.run("mlgate", "reproduce")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "identical predictions on" in done.stdout
    report = json.loads((clone.path / "reports" / "reproduce.json").read_text())
    assert report["verdict"] == "pass" and report["comparison"]["identical"] is True
    assert report["comparison"]["rows"] > 100
    assert report["comparison"]["compared"] == ["predict", "predict_proba"]
    # the reproduction trained in a throwaway checkout and tracked nothing in the registry
    origin, record = promoted
    client = project_client(origin)
    runs = client.search_runs([record["experiment_id"]])
    assert [r.info.run_id for r in runs] == [record["run_id"]]


def test_reproduce_fails_clearly_once_the_data_left_the_remote(
    promoted: tuple[Path, dict], clone: Clone
) -> None:
    origin, record = promoted
    data_hash = record["tags"]["mlgate.data_hash"]
    stored = origin / "dvc-storage" / "files" / "md5" / data_hash[:2] / data_hash[2:]
    assert stored.is_file()
    moved = stored.with_name(stored.name + ".away")
    shutil.move(stored, moved)
    try:
        (clone.path / "reports" / "reproduce.json").unlink(missing_ok=True)
        done = clone.run("mlgate", "reproduce")
    finally:
        shutil.move(moved, stored)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "data/processed/train.parquet" in done.stderr and data_hash in done.stderr
    assert "not in the DVC remote 'storage'" in done.stderr
    assert not (clone.path / "reports" / "reproduce.json").exists()
