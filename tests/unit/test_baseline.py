"""The pinned baseline: the champion's training profile, else a committed reference, else none.

Every test works in a project laid out like a generated one, on a table shaped like a user's
(identifier, dates, units, missing values, text categories, three classes), with a real sqlite
MLflow registry where a champion is promoted the way ``mlgate promote`` leaves it.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from mlgate import cli
from mlgate.baseline import log_profile, resolve_baseline
from tests.support.tables import CUSTOMERS_SCHEMA, customers, schema_module

MODEL = "churn"


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """The table as a split stage writes it: dates parsed, as the schema types them."""
    frame = frame.copy()
    frame["signup_date"] = pd.to_datetime(frame["signup_date"])
    return frame


def write_batch(project: Path, frame: pd.DataFrame) -> None:
    """Split a batch 80/20 into the project's train and test files."""
    frame = _typed(frame)
    cut = int(len(frame) * 0.8)
    frame.iloc[:cut].to_parquet(project / "data" / "train.parquet", index=False)
    frame.iloc[cut:].reset_index(drop=True).to_parquet(project / "data" / "test.parquet")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with a schema that declares roles, a first batch of data, no registry yet."""
    (tmp_path / "data").mkdir()
    package = tmp_path / "src" / "churnproject"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "schema.py").write_text(schema_module(CUSTOMERS_SCHEMA), encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        "[tool.mlgate]\n"
        f'model_name = "{MODEL}"\n'
        'tracking_uri = "sqlite:///mlflow.db"\n'
        'train_data = "data/train.parquet"\n'
        'test_data = "data/test.parquet"\n'
        'schema = "churnproject.schema:DatasetSchema"\n'
        'profile = "reports/profile.json"\n'
        'reference_profile = "data/reference_profile.json"\n'
        'reports = "reports"\n',
        encoding="utf-8",
    )
    write_batch(tmp_path, customers(800, seed=1))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    return tmp_path


def promote_champion(project: Path, *, with_profile: bool = True) -> str:
    """Train a small model on the current training split, record its profile, make it champion.

    Returns the run id. The model is a dummy: the baseline needs the run's profile, not skill.
    """
    import mlflow
    from sklearn.dummy import DummyClassifier

    assert cli.main(["profile"]) == 0
    uri = f"sqlite:///{project / 'mlflow.db'}"
    client = mlflow.MlflowClient(tracking_uri=uri, registry_uri=uri)
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    train = pd.read_parquet(project / "data" / "train.parquet")
    model = DummyClassifier().fit(train[["visits"]], train["segment"])
    experiment = client.get_experiment_by_name("churn") or client.get_experiment(
        client.create_experiment("churn", artifact_location=(project / "art").as_uri())
    )
    with mlflow.start_run(experiment_id=experiment.experiment_id) as run:
        mlflow.sklearn.log_model(model, name="model", pip_requirements=["scikit-learn"])
        if with_profile:
            log_profile(project / "reports" / "profile.json")
    version = mlflow.register_model(f"runs:/{run.info.run_id}/model", MODEL).version
    client.set_registered_model_alias(MODEL, "champion", version)
    return run.info.run_id


def validate_report(project: Path) -> tuple[int, dict]:
    code = cli.main(["validate"])
    report = json.loads((project / "reports" / "validation.json").read_text(encoding="utf-8"))
    return code, report


def failed_columns(report: dict) -> set[str]:
    return {c["column"] for c in report["checks"] if not c["passed"] and c["column"]}


def test_first_run_checks_the_schema_only_says_so_and_creates_no_registry(project: Path) -> None:
    # given a project with no registry and no reference profile
    # when validate runs with no arguments
    code, report = validate_report(project)

    # then it passes on the schema alone, and the report says why there is no baseline
    assert code == 0
    assert report["baseline"]["source"] == "none"
    assert "first run" in report["baseline"]["label"]
    assert any("no champion yet" in note for note in report["baseline"]["notes"])
    assert any("no reference profile" in note for note in report["baseline"]["notes"])
    assert {c["layer"] for c in report["checks"]} == {"schema"}
    summary = (project / "reports" / "validation.md").read_text(encoding="utf-8")
    assert "**No baseline**" in summary and "mlgate baseline pin" in summary
    assert not (project / "mlflow.db").exists()


def test_a_pinned_reference_is_the_baseline_named_with_its_hash(project: Path) -> None:
    # given a reference pinned from the first batch (the deliberate act)
    assert cli.main(["baseline", "pin"]) == 0
    reference = project / "data" / "reference_profile.json"
    pinned = json.loads(reference.read_text(encoding="utf-8"))
    assert pinned["pinned"]["from"] == "data/train.parquet"
    assert pinned["columns"]["customer_id"] == {**pinned["columns"]["customer_id"], "kind": "other"}
    assert pinned["columns"]["customer_id"]["role"] == "identifier"
    assert pinned["target"] == "segment"

    # when a new batch from the same source arrives and is validated
    write_batch(project, customers(800, seed=2))
    code, report = validate_report(project)

    # then the reference is the baseline, named by path and SHA-256, and the batch passes
    assert code == 0, failed_columns(report)
    assert report["baseline"]["source"] == "reference"
    assert report["baseline"]["path"] == "data/reference_profile.json"
    assert report["baseline"]["sha256"].startswith("sha256:")
    assert {"schema", "distribution", "out_of_distribution", "correlation"} <= {
        c["layer"] for c in report["checks"]
    }


def test_the_champions_training_profile_is_the_baseline(project: Path) -> None:
    # given a champion trained on the first batch, and a reference pinned from other data
    run_id = promote_champion(project)
    write_batch(project, customers(800, seed=3, plan_shares=(0.2, 0.3, 0.5)))
    assert cli.main(["baseline", "pin"]) == 0

    # when a clean batch from the champion's source is validated
    write_batch(project, customers(800, seed=4))
    code, report = validate_report(project)

    # then the champion's profile is used (not the reference), named by version and run
    assert code == 0, failed_columns(report)
    baseline = report["baseline"]
    assert baseline["source"] == "champion"
    assert (baseline["model"], baseline["version"], baseline["run_id"]) == (MODEL, "1", run_id)
    assert f"champion {MODEL} v1" in baseline["label"]
    assert "champion churn v1" in (project / "reports" / "validation.md").read_text()


@pytest.mark.parametrize(
    ("batch", "column", "check"),
    [
        (customers(800, seed=5, plan_shares=(0.1, 0.2, 0.7)), "plan", "category_frequencies"),
        (customers(800, seed=6, spend_unit="cent"), "monthly_spend", "mean"),
    ],
    ids=["one category's share moves", "a column changes unit"],
)
def test_a_drifted_whole_batch_fails_against_the_champion(
    project: Path, batch: pd.DataFrame, column: str, check: str
) -> None:
    # given a champion trained on the first batch
    promote_champion(project)

    # when a whole new batch (train and test alike) has drifted
    write_batch(project, batch)
    code, report = validate_report(project)

    # then both splits fail on the drifted column, although they agree with each other
    assert code == 1
    failed = {
        (c["dataset"], c["check"])
        for c in report["checks"]
        if c["column"] == column and not c["passed"]
    }
    assert {("data/train.parquet", check), ("data/test.parquet", check)} <= failed
    assert "customer_id" not in failed_columns(report)


def test_new_identifiers_in_a_new_batch_are_not_drift(project: Path) -> None:
    promote_champion(project)
    write_batch(project, customers(800, seed=7))
    code, report = validate_report(project)
    assert code == 0
    id_checks = {c["check"] for c in report["checks"] if c["column"] == "customer_id"}
    assert "column_present" in id_checks
    assert not id_checks & {"category_frequencies", "unseen_categories", "null_rate"}


def test_a_champion_without_a_recorded_profile_falls_back_to_the_reference(
    project: Path,
) -> None:
    promote_champion(project, with_profile=False)
    assert cli.main(["baseline", "pin"]) == 0
    code, report = validate_report(project)
    assert code == 0
    assert report["baseline"]["source"] == "reference"
    assert any("recorded no training profile" in note for note in report["baseline"]["notes"])


def test_a_champion_trained_on_other_columns_starts_a_new_line(project: Path) -> None:
    # given a champion trained on data with other columns (a deliberate change of data since)
    promote_champion(project)
    other = pd.DataFrame({"x": range(100), "y": [0, 1] * 50})
    profile = json.loads((project / "reports" / "profile.json").read_text())
    from mlgate.profiling import build_profile

    profile = build_profile(other, target="y")
    (project / "reports" / "profile.json").write_text(json.dumps(profile))
    import mlflow

    uri = f"sqlite:///{project / 'mlflow.db'}"
    client = mlflow.MlflowClient(tracking_uri=uri, registry_uri=uri)
    with mlflow.start_run(experiment_id=client.get_experiment_by_name("churn").experiment_id):
        from sklearn.dummy import DummyClassifier

        mlflow.sklearn.log_model(
            DummyClassifier().fit(other[["x"]], other["y"]),
            name="model",
            pip_requirements=["scikit-learn"],
        )
        log_profile(project / "reports" / "profile.json")
        run_id = mlflow.active_run().info.run_id
    version = mlflow.register_model(f"runs:/{run_id}/model", MODEL).version
    client.set_registered_model_alias(MODEL, "champion", version)

    # when this project's data is validated
    code, report = validate_report(project)

    # then the champion is passed over, with the reason, and the schema still checks the data
    assert code == 0
    assert report["baseline"]["source"] == "none"
    assert any("trained on other columns" in note for note in report["baseline"]["notes"])


def test_an_unreachable_registry_falls_back_quickly_and_says_so(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a tracking server that does not answer, and a pinned reference
    assert cli.main(["baseline", "pin"]) == 0
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://127.0.0.1:9")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "3")

    # when validate runs
    started = time.perf_counter()
    code, report = validate_report(project)

    # then it uses the reference within seconds and names the registry it could not ask
    assert time.perf_counter() - started < 30
    assert code == 0
    assert report["baseline"]["source"] == "reference"
    assert any("127.0.0.1:9" in note for note in report["baseline"]["notes"])


def test_asking_for_the_champion_when_there_is_none_is_an_input_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["validate", "--baseline", "champion"]) == 2
    err = capsys.readouterr().err
    assert "no champion baseline" in err and "hint:" in err


def test_pin_from_the_champion_copies_its_profile(project: Path) -> None:
    run_id = promote_champion(project)
    assert cli.main(["baseline", "pin", "--from", "champion"]) == 0
    pinned = json.loads((project / "data" / "reference_profile.json").read_text())
    recorded = json.loads((project / "reports" / "profile.json").read_text())
    assert pinned["content_hash"] == recorded["content_hash"]
    assert run_id[:12] in pinned["pinned"]["from"]


def test_show_names_the_baseline_and_what_was_passed_over(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["baseline", "show"]) == 0
    out = capsys.readouterr().out
    assert "baseline: none (first run" in out and "passed over: no champion yet" in out
    promote_champion(project)
    capsys.readouterr()
    assert cli.main(["baseline", "show"]) == 0
    assert f"baseline: champion {MODEL} v1" in capsys.readouterr().out


def test_resolve_baseline_reads_a_profile_file(tmp_path: Path) -> None:
    from mlgate.profiling import build_profile

    path = tmp_path / "p.json"
    path.write_text(json.dumps(build_profile(customers(50), target="segment")))
    found = resolve_baseline(path)
    assert found.source == "file" and found.details["sha256"].startswith("sha256:")
