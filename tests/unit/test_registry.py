"""Registry access: connecting (and failing fast), resolving model URIs, run records, lineage."""

from __future__ import annotations

import json
import os
import socket
import time

import pytest

from mlgate.errors import InputError, ServiceError
from mlgate.registry import (
    FAIL_FAST_ENV,
    aliases,
    connect,
    lineage,
    load_run_record,
    normalise_model_uri,
    resolve_model,
)
from tests.support.training import train_and_log


def _closed_port() -> int:
    """A loopback port nobody listens on: bound, then released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_server_fails_fast_naming_the_uri():
    # given a tracking URI where nothing listens
    uri = f"http://127.0.0.1:{_closed_port()}"

    # when the registry is contacted
    start = time.monotonic()
    with pytest.raises(ServiceError) as caught:
        connect(uri)

    # then the error names the URI and says what to do, within seconds
    assert time.monotonic() - start < 30
    assert uri in str(caught.value) and "MLFLOW_TRACKING_URI" in str(caught.value)


def test_connect_applies_fail_fast_settings_without_overriding_the_users(monkeypatch, tmp_path):
    # given a user who set their own timeout
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "77")
    for key in FAIL_FAST_ENV:
        if key != "MLFLOW_HTTP_REQUEST_TIMEOUT":
            monkeypatch.delenv(key, raising=False)
    # when a registry is connected
    connect(f"sqlite:///{tmp_path / 'm.db'}")

    # then the user's value stays and the missing ones are filled in
    assert os.environ["MLFLOW_HTTP_REQUEST_TIMEOUT"] == "77"
    assert (
        os.environ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"]
        == FAIL_FAST_ENV["MLFLOW_HTTP_REQUEST_MAX_RETRIES"]
    )


@pytest.mark.parametrize("uri", ["./mlruns", "file:///tmp/mlruns"])
def test_file_store_is_refused(uri):
    with pytest.raises(ServiceError, match="file store"):
        connect(uri)


def test_a_server_that_is_not_mlflow_is_reported(tmp_path):
    # given an HTTP server that answers, but is not MLflow
    import http.server
    import threading

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    uri = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        # when the registry is contacted, then the error names it
        with pytest.raises(ServiceError, match=uri.replace(".", r"\.")):
            connect(uri)
    finally:
        server.shutdown()
        server.server_close()


def test_bare_run_id_means_its_model():
    run_id = "0123456789abcdef0123456789abcdef"
    assert normalise_model_uri(run_id) == f"runs:/{run_id}/model"
    assert normalise_model_uri("models:/x@champion") == "models:/x@champion"


def test_resolve_model_finds_the_run_behind_every_kind_of_uri(
    sqlite_tracking, breast_cancer_split, tmp_path
):
    # given a logged model registered as bc v1 with alias champion
    record = train_and_log(sqlite_tracking, breast_cancer_split, "strong", tmp_path)
    registry = connect(sqlite_tracking)
    import mlflow

    mlflow.register_model(record["model_uri"], "bc")
    registry.client.set_registered_model_alias("bc", "champion", "1")

    # when each form of URI is resolved, then each leads to the same run
    run_id = record["run_id"]
    for uri in (record["model_uri"], f"runs:/{run_id}/model", run_id):
        assert resolve_model(registry, uri).run_id == run_id
    by_alias = resolve_model(registry, "models:/bc@champion")
    assert (by_alias.name, by_alias.version, by_alias.run_id) == ("bc", "1", run_id)
    assert resolve_model(registry, "models:/bc/1").run_id == run_id
    assert aliases(registry, "bc") == {"champion": "1"}
    assert aliases(registry, "no-such-model") == {}


@pytest.mark.parametrize(
    "uri",
    ["models:/bc@nope", "models:/nope/3", "runs:/0123456789abcdef0123456789abcdef/model"],
)
def test_resolve_model_names_what_is_missing(sqlite_tracking, uri):
    with pytest.raises(InputError, match="not found") as caught:
        resolve_model(connect(sqlite_tracking), uri)
    assert uri in str(caught.value)


def test_lineage_of_a_run_model_without_a_version(sqlite_tracking, breast_cancer_split, tmp_path):
    record = train_and_log(sqlite_tracking, breast_cancer_split, "stump", tmp_path)
    chain = lineage(f"runs:/{record['run_id']}/model", tracking_uri=sqlite_tracking)
    assert chain["version"] is None
    assert chain["run"]["params"] == {"kind": "stump"}
    assert chain["run"]["lineage"]["mlgate.data_hash"] == record["tags"]["mlgate.data_hash"]


def test_lineage_needs_a_model_or_a_name():
    with pytest.raises(InputError, match="MODEL_URI or --name"):
        lineage(None)


def test_run_record_errors_name_the_file(tmp_path):
    missing = tmp_path / "train.json"
    with pytest.raises(InputError, match="no such training run record"):
        load_run_record(missing)
    missing.write_text("{not json")
    with pytest.raises(InputError, match="not a readable JSON"):
        load_run_record(missing)
    missing.write_text(json.dumps({"tags": {}}))
    with pytest.raises(InputError, match="neither 'model_uri' nor 'run_id'"):
        load_run_record(missing)
