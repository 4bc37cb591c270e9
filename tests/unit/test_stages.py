"""A project's train and predict stages talk to MLflow through the one door (mlgate.stages)."""

from __future__ import annotations

import time
from pathlib import Path

import mlflow
import numpy as np
import pytest

from mlgate.contract import from_frame
from mlgate.errors import ServiceError
from mlgate.modeling import build_model, preprocessing
from mlgate.profiling import build_profile
from mlgate.reporting import write_json
from mlgate.settings import Settings
from mlgate.stages import load_model, log_training_run
from tests.support.tables import customers


@pytest.fixture
def trained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A customer table, a model fitted on it, and project settings on a fresh sqlite store."""
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    frame = customers(200, seed=1).drop(columns=["signup_date"])
    data = tmp_path / "train.parquet"
    frame.to_parquet(data)
    profile = tmp_path / "profile.json"
    write_json(profile, build_profile(frame, target="segment"))
    contract = from_frame(frame, target="segment", roles={"customer_id": "identifier"})
    model = build_model(
        "classification", "random_forest", {"n_estimators": 5}, 0, preprocessing(contract)
    )
    model.fit(frame.drop(columns=["segment"]), frame["segment"])
    settings = Settings(
        root=tmp_path,
        model_name="churn",
        experiment="churn",
        tracking_uri=f"sqlite:///{tmp_path / 'mlflow.db'}",
        train_data=data,
        profile=profile,
    )
    return settings, model, frame


def test_a_training_run_records_what_the_gates_need(trained) -> None:
    from mlflow import MlflowClient

    settings, model, frame = trained
    params = {"algorithm": "random_forest", "seed": 0, "params": {"n_estimators": 5}}

    record = log_training_run(model, frame, settings=settings, params=params, target="segment")

    client = MlflowClient(settings.tracking_uri, registry_uri=settings.tracking_uri)
    run = client.get_run(record["run_id"])
    assert (
        run.data.params["n_estimators"] == "5" and run.data.params["algorithm"] == "random_forest"
    )
    assert run.data.tags["mlgate.data_path"] == "train.parquet"
    assert [a.path for a in client.list_artifacts(record["run_id"], "mlgate")] == [
        "mlgate/profile.json",
        "mlgate/training_params.json",
    ]
    # the parameters as given, types kept, for mlgate reproduce
    recorded = mlflow.artifacts.load_dict(f"runs:/{record['run_id']}/mlgate/training_params.json")
    assert recorded == params
    assert [d.dataset.name for d in run.inputs.dataset_inputs] == ["train"]
    loaded, uri = load_model(settings, record["model_uri"])
    features = frame.drop(columns=["segment"])
    np.testing.assert_array_equal(loaded.predict(features), model.predict(features))
    assert uri == record["model_uri"]


def test_an_unreachable_tracking_server_stops_training_within_seconds(
    trained, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, model, frame = trained
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://127.0.0.1:9")
    params = {"algorithm": "random_forest", "seed": 0, "params": {}}

    started = time.perf_counter()
    with pytest.raises(ServiceError, match=r"127\.0\.0\.1:9") as caught:
        log_training_run(model, frame, settings=settings, params=params, target="segment")

    assert time.perf_counter() - started < 30
    assert caught.value.hint and "MLFLOW_TRACKING_URI" in caught.value.hint


def test_predicting_without_a_champion_names_the_model(trained) -> None:
    from mlgate.errors import InputError

    settings, _, _ = trained
    with pytest.raises((InputError, ServiceError), match="churn@champion"):
        load_model(settings)
