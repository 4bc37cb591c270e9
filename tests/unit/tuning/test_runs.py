from __future__ import annotations

import pytest
from mlflow.tracking import MlflowClient

from mlgate.errors import ServiceError
from mlgate.tuning.runs import TAG_PARENT, log_search


@pytest.fixture(autouse=True)
def _no_telemetry(monkeypatch):
    monkeypatch.setenv("MLFLOW_DISABLE_TELEMETRY", "true")


def _trials():
    """Two trials as the search reports them."""
    return [
        {
            "trial": 1,
            "algorithm": "ridge",
            "params": {"alpha": 0.5},
            "cv_score": 0.4,
            "cv_std": 0.05,
            "fit_time_s": 0.01,
            "rank": 2,
        },
        {
            "trial": 2,
            "algorithm": "random_forest",
            "params": {"max_depth": None, "n_estimators": 20},
            "cv_score": 0.45,
            "cv_std": 0.04,
            "fit_time_s": 0.9,
            "rank": 1,
        },
    ]


def test_trials_are_nested_runs_of_the_search_run(tmp_path):
    # given a sqlite tracking store
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    # when a search is logged
    where = log_search(
        tracking_uri=uri,
        experiment="proj",
        config={"seed": 3, "sanity": {"baseline_margin": 0.05}},
        trials=_trials(),
        summary_metrics={"best_cv_score": 0.45, "holdout_score": None},
        tags={"mlgate.data_hash": "abc"},
        verdict="pass",
    )
    # then the search run holds the settings and summary metrics
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    parent = client.get_run(where["parent_run_id"])
    assert parent.data.params["sanity.baseline_margin"] == "0.05"
    assert parent.data.metrics == {"best_cv_score": 0.45}
    assert parent.data.tags["mlgate.data_hash"] == "abc"
    assert parent.info.status == "FINISHED"
    # and each trial is a finished child run with its params and CV score
    children = client.search_runs(
        [where["experiment_id"]],
        filter_string=f"tags.`{TAG_PARENT}` = '{where['parent_run_id']}'",
        order_by=["params.algorithm ASC"],
    )
    assert len(children) == where["trial_runs"] == 2
    forest, ridge = children
    assert forest.data.params == {
        "algorithm": "random_forest",
        "max_depth": "None",
        "n_estimators": "20",
    }
    assert forest.data.metrics["cv_score"] == 0.45
    assert ridge.data.metrics["rank"] == 2.0
    assert {c.info.status for c in children} == {"FINISHED"}


def test_an_unreachable_server_is_a_service_error(monkeypatch):
    # given a tracking server address where nothing listens, and no retries
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "2")
    uri = "http://127.0.0.1:9"
    # when a search is logged, then it is a ServiceError naming the store
    with pytest.raises(ServiceError) as raised:
        log_search(
            tracking_uri=uri,
            experiment="proj",
            config={},
            trials=_trials(),
            summary_metrics={},
            tags={},
            verdict="pass",
        )
    assert "http://127.0.0.1:9" in raised.value.message


@pytest.mark.server
def test_trials_nest_on_a_real_tracking_server(mlflow_server):
    # given a real mlflow server over HTTP, backed by PostgreSQL
    # when a search is logged to it
    where = log_search(
        tracking_uri=mlflow_server,
        experiment="tune-on-server",
        config={"seed": 1},
        trials=_trials(),
        summary_metrics={"best_cv_score": 0.45},
        tags={},
        verdict="fail",
    )
    # then the server lists both trials under the search run
    client = MlflowClient(tracking_uri=mlflow_server, registry_uri=mlflow_server)
    children = client.search_runs(
        [where["experiment_id"]],
        filter_string=f"tags.`{TAG_PARENT}` = '{where['parent_run_id']}'",
    )
    assert sorted(c.data.tags["mlgate.trial"] for c in children) == ["1", "2"]
    assert client.get_run(where["parent_run_id"]).data.tags["mlgate.tune_verdict"] == "fail"
