"""A new local sqlite store made by mlgate is the one MLflow makes; nothing else is touched."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mlgate import sqlite_store


def _tables_and_revision(path: Path) -> tuple[set[str], str]:
    with sqlite3.connect(path) as db:
        tables = {r[0] for r in db.execute("select name from sqlite_master where type='table'")}
        (revision,) = db.execute("select version_num from alembic_version").fetchone()
    return tables, revision


def test_a_new_store_is_the_one_mlflow_makes(tmp_path: Path, monkeypatch) -> None:
    from mlflow import MlflowClient

    monkeypatch.chdir(tmp_path)
    ours, theirs = tmp_path / "ours.db", tmp_path / "theirs.db"

    created = sqlite_store.prepare("sqlite:///ours.db")
    MlflowClient(f"sqlite:///{theirs}").search_experiments()  # MLflow's own way

    assert created and ours.is_file()
    assert _tables_and_revision(ours) == _tables_and_revision(theirs)
    client = MlflowClient(f"sqlite:///{ours}", registry_uri=f"sqlite:///{ours}")
    experiment = client.create_experiment("e", artifact_location=(tmp_path / "a").as_uri())
    run = client.create_run(experiment)
    client.log_param(run.info.run_id, "alpha", "1")
    assert client.get_run(run.info.run_id).data.params == {"alpha": "1"}
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".new")] == []


def test_an_existing_store_is_never_touched(tmp_path: Path) -> None:
    store = tmp_path / "mlflow.db"
    store.write_bytes(b"not even a database")

    assert not sqlite_store.prepare(f"sqlite:///{store}")
    assert store.read_bytes() == b"not even a database"


@pytest.mark.parametrize(
    "uri", ["http://127.0.0.1:5000", "postgresql://u@h/db", "sqlite:///:memory:", "", None]
)
def test_anything_but_a_local_sqlite_file_is_left_to_mlflow(uri) -> None:
    assert not sqlite_store.prepare(uri)


def test_a_store_that_cannot_be_made_leaves_nothing_behind(tmp_path: Path) -> None:
    import os

    missing = tmp_path / "missing" / "folder"
    # the temporary file it builds in is taken (by a folder): the build fails
    (tmp_path / f".mlflow.db.{os.getpid()}.new").mkdir()

    assert not sqlite_store.prepare(f"sqlite:///{missing / 'mlflow.db'}")
    assert not sqlite_store.prepare(f"sqlite:///{tmp_path / 'mlflow.db'}")
    assert not missing.exists() and not (tmp_path / "mlflow.db").exists()
