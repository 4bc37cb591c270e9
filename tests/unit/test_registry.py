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
    RegistryLockedError,
    acquire_lock,
    aliases,
    break_lock,
    connect,
    lineage,
    load_run_record,
    lock_name,
    normalise_model_uri,
    read_lock,
    release_lock,
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


def test_the_lock_is_a_registered_model_that_one_holder_has_at_a_time(sqlite_tracking):
    registry = connect(sqlite_tracking)

    # given the lock of model bc taken by alice
    first = acquire_lock(registry, "bc", "promote x", who="alice")

    # then it is a registered model whose tags name the holder
    tags = registry.client.get_registered_model(lock_name("bc")).tags
    assert tags["mlgate.lock_id"] == first.id and tags["mlgate.lock_holder"].startswith("alice (")
    assert read_lock(registry, "bc") == first

    # and bob, not waiting, is refused with the holder and the id to break it by
    with pytest.raises(
        RegistryLockedError, match=f"(?s)promote x by alice.*--break-lock {first.id}"
    ):
        acquire_lock(registry, "bc", "promote y", who="bob", wait_s=0)

    # when alice releases it, bob gets it
    assert release_lock(registry, first) is None
    second = acquire_lock(registry, "bc", "promote y", who="bob", wait_s=0)

    # and a late second release by alice leaves bob's lock alone, saying so
    problem = release_lock(registry, first)
    assert problem is not None and "removed by someone else" in problem and second.id in problem
    assert read_lock(registry, "bc") == second


class _Clock:
    """Stands in for the registry module's ``time``: sleeping moves the clock, instantly."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.pauses: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.pauses.append(round(seconds, 6))
        self.now += seconds


def test_waiting_for_a_lock_looks_again_soon_then_less_and_less_often(sqlite_tracking, monkeypatch):
    import mlgate.registry as registry_module

    # given the lock of model bc held by alice, and a clock that sleeps instantly
    registry = connect(sqlite_tracking)
    acquire_lock(registry, "bc", "promote x", who="alice")
    clock = _Clock()
    monkeypatch.setattr(registry_module, "time", clock)

    # when bob waits up to 5 s for it
    with pytest.raises(RegistryLockedError, match="waited 5 s"):
        acquire_lock(registry, "bc", "promote y", who="bob", wait_s=5)

    # then he looks again after 0.05 s, doubling the pause up to once a second, and his last
    # look is at the deadline: 10 looks in 5 s (a fixed quarter-second poll made 21)
    assert clock.pauses == [0.05, 0.1, 0.2, 0.4, 0.8, 1.0, 1.0, 1.0, 0.45]
    assert clock.now == pytest.approx(1005.0)


def test_break_lock_removes_only_the_lock_it_names(sqlite_tracking):
    registry = connect(sqlite_tracking)
    held = acquire_lock(registry, "bc", "promote x", who="ci")
    with pytest.raises(InputError, match="nothing was removed"):
        break_lock(registry, "bc", "0123456789ab")
    assert break_lock(registry, "bc", held.id) == held
    assert read_lock(registry, "bc") is None
    assert break_lock(registry, "bc", held.id) is None
