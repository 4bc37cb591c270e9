"""Promotion and rollback against real MLflow: a sqlite registry and a real server over HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mlgate.benchmarking import benchmark
from mlgate.errors import InputError, ServiceError
from mlgate.promotion import TAG_FORCED, TAG_FORCED_WHY, StaleReportError, promote, rollback
from mlgate.registry import (
    CHALLENGER,
    CHAMPION,
    PREVIOUS,
    ROLLED_BACK,
    RegistryLockedError,
    acquire_lock,
    aliases,
    connect,
    read_lock,
)
from tests.support.training import TARGET, train_and_log

GOALS = {"min": {"roc_auc": 0.85}, "max_regression": {"roc_auc": 0.01}}


@dataclass
class Setup:
    """One test's registry: backend label, URI, a fresh model name, data and a workdir."""

    backend: str
    uri: str
    name: str
    split: Any
    workdir: Path

    def train(self, kind: str) -> dict[str, Any]:
        return train_and_log(self.uri, self.split, kind, self.workdir)

    def aliases(self) -> dict[str, str]:
        return aliases(connect(self.uri), self.name)

    def benchmark(self, record: dict[str, Any]) -> dict[str, Any]:
        """Benchmark like the CLI default: against @champion when the alias exists."""
        champion = f"models:/{self.name}@{CHAMPION}" if CHAMPION in self.aliases() else None
        return benchmark(
            record["model_uri"],
            self.split.test_path,
            TARGET,
            champion=champion,
            goals=GOALS,
            tracking_uri=self.uri,
            latency_runs=10,
        ).to_dict()

    def promote(self, record: dict[str, Any], report: dict[str, Any], **kwargs: Any) -> Any:
        return promote(record["model_uri"], report, name=self.name, tracking_uri=self.uri, **kwargs)

    def versions(self) -> list[str]:
        client = connect(self.uri).client
        return sorted(str(v.version) for v in client.search_model_versions(f"name='{self.name}'"))


@pytest.fixture(params=["sqlite", pytest.param("server", marks=pytest.mark.server)])
def setup(request: pytest.FixtureRequest, tmp_path: Path, breast_cancer_split: Any) -> Setup:
    """The same scenarios on both backends; a fresh model name isolates tests on the server."""
    fixture = "sqlite_tracking" if request.param == "sqlite" else "mlflow_server"
    uri = request.getfixturevalue(fixture)
    name = f"bc-{uuid.uuid4().hex[:10]}"
    return Setup(request.param, uri, name, breast_cancer_split, tmp_path)


def _champion_of(setup: Setup) -> str | None:
    return setup.aliases().get(CHAMPION)


def test_bootstrap_candidate_meeting_the_goals_becomes_champion(setup, promotion_matrix):
    # given a registry without the model, and a candidate that meets the goals
    record = setup.train("strong")
    report = setup.benchmark(record)
    assert report["bootstrap"] is True and report["verdict"] == "pass"

    # when it is promoted
    outcome = setup.promote(record, report)

    # then it is version 1, champion and challenger, with its lineage and reasons as tags
    promotion_matrix.record(setup.backend, "bootstrap, meets goals", outcome.outcome, None, "1")
    assert outcome.outcome == "promoted"
    assert setup.aliases() == {CHAMPION: "1", CHALLENGER: "1"}
    tags = connect(setup.uri).client.get_model_version(setup.name, "1").tags
    assert tags["mlgate.run_id"] == record["run_id"]
    assert tags["mlgate.data_hash"] == record["tags"]["mlgate.data_hash"]
    assert tags["mlgate.params_hash"] == record["tags"]["mlgate.params_hash"]
    assert tags["mlgate.git_commit"] == record["tags"]["mlgate.git_commit"]
    assert tags["mlgate.verdict"] == "pass"
    assert "bootstrap" in tags["mlgate.why"]
    assert tags["mlgate.benchmarked_against"] == "none (bootstrap)"
    assert tags["mlgate.registered_by"]
    assert '"roc_auc"' in tags["mlgate.metrics"]


def test_bootstrap_candidate_missing_the_goals_is_registered_but_not_champion(
    setup, promotion_matrix
):
    # given no champion and a constant model (ROC AUC 0.5, under the 0.85 floor)
    record = setup.train("constant")
    report = setup.benchmark(record)

    # when it is promoted
    outcome = setup.promote(record, report)

    # then it is kept as challenger for inspection, and no champion exists
    after = _champion_of(setup)
    promotion_matrix.record(setup.backend, "bootstrap, misses goals", "unchanged", None, after)
    assert outcome.outcome == "registered" and not outcome.passed
    assert setup.aliases() == {CHALLENGER: "1"}
    assert any("roc_auc" in reason and "floor" in reason for reason in outcome.reasons)


def test_better_candidate_replaces_the_champion_which_becomes_previous(setup, promotion_matrix):
    # given a stump as champion
    stump = setup.train("stump")
    setup.promote(stump, setup.benchmark(stump))
    assert _champion_of(setup) == "1"

    # when a stronger model is benchmarked against it and promoted
    strong = setup.train("strong")
    report = setup.benchmark(strong)
    outcome = setup.promote(strong, report)

    # then it is champion, the stump is previous, and the report named the champion it beat
    promotion_matrix.record(setup.backend, "better candidate", outcome.outcome, "1", "2")
    assert report["champion"]["version"] == "1"
    assert outcome.outcome == "promoted"
    assert setup.aliases() == {CHAMPION: "2", CHALLENGER: "2", PREVIOUS: "1"}


def test_worse_candidate_is_never_promoted(setup, promotion_matrix):
    # given a strong champion
    strong = setup.train("strong")
    setup.promote(strong, setup.benchmark(strong))

    # when a stump (above the floor, but far below the champion) is benchmarked and promoted
    stump = setup.train("stump")
    report = setup.benchmark(stump)
    outcome = setup.promote(stump, report)

    # then it is registered as challenger only; the reasons name the regression
    after = _champion_of(setup)
    promotion_matrix.record(setup.backend, "worse candidate", "unchanged", "1", after)
    assert report["verdict"] == "fail"
    assert outcome.outcome == "registered"
    assert setup.aliases() == {CHAMPION: "1", CHALLENGER: "2"}
    assert any("worse than the champion" in reason for reason in outcome.reasons)


def test_rollback_restores_the_previous_champion(setup, promotion_matrix):
    # given a stump champion replaced by a strong model
    stump = setup.train("stump")
    setup.promote(stump, setup.benchmark(stump))
    strong = setup.train("strong")
    setup.promote(strong, setup.benchmark(strong))

    # when the model is rolled back
    outcome = rollback(setup.name, tracking_uri=setup.uri)

    # then the stump is champion again, the strong model is rolled_back, previous is gone
    promotion_matrix.record(setup.backend, "rollback", "rolled back", "2", _champion_of(setup))
    assert outcome.outcome == "rolled_back"
    assert setup.aliases() == {CHAMPION: "1", CHALLENGER: "2", ROLLED_BACK: "2"}
    tags = connect(setup.uri).client.get_model_version(setup.name, "2").tags
    assert "mlgate.rolled_back_at" in tags

    # and a second rollback refuses instead of flipping back
    with pytest.raises(InputError, match="nothing to roll back to"):
        rollback(setup.name, tracking_uri=setup.uri)
    assert _champion_of(setup) == "1"


def test_champion_changed_since_the_benchmark_makes_promote_refuse(setup, promotion_matrix):
    # given a benchmark against champion v1, after which someone else promoted v2
    first = setup.train("stump")
    setup.promote(first, setup.benchmark(first))
    candidate = setup.train("strong")
    report = setup.benchmark(candidate)
    other = setup.train("strong")
    setup.promote(other, setup.benchmark(other))
    assert _champion_of(setup) == "2"
    before = setup.aliases()

    # when the stale report is used to promote
    with pytest.raises(StaleReportError, match="changed since the benchmark") as caught:
        setup.promote(candidate, report)

    # then nothing changed: no new version, same aliases
    promotion_matrix.record(setup.backend, "champion changed before", "refused", "2", "2")
    assert "v1" in str(caught.value) and "v2" in str(caught.value)
    assert setup.aliases() == before
    assert setup.versions() == ["1", "2"]


def test_champion_changed_during_promotion_is_detected_and_undone(setup, promotion_matrix):
    # given champion v1, a version v2 registered by another pipeline, and a passing
    # benchmark of a stronger candidate against v1
    import mlflow

    first = setup.train("stump")
    setup.promote(first, setup.benchmark(first))
    other = setup.train("strong")
    connect(setup.uri)
    mlflow.register_model(other["model_uri"], setup.name)
    candidate = setup.train("strong")
    report = setup.benchmark(candidate)
    client = connect(setup.uri).client

    def concurrent_move(step: str) -> None:
        # the other pipeline makes v2 champion while this promotion is under way
        if step == "challenger":
            client.set_registered_model_alias(setup.name, CHAMPION, "2")

    # when promote runs and the champion moves between registration and the alias moves
    with pytest.raises(StaleReportError):
        setup.promote(candidate, report, on_step=concurrent_move)

    # then the candidate's version and challenger alias are undone; champion stays as moved
    promotion_matrix.record(setup.backend, "champion changed during", "refused", "1", "2")
    assert setup.versions() == ["1", "2"]
    assert setup.aliases() == {CHAMPION: "2", CHALLENGER: "1"}


def test_report_for_another_candidate_is_refused(setup):
    # given a report for one candidate
    one = setup.train("strong")
    report = setup.benchmark(one)
    two = setup.train("strong")

    # when another candidate is promoted with it
    with pytest.raises(InputError, match="not the candidate"):
        setup.promote(two, report)

    # then the registry has no such model
    assert setup.aliases() == {}


@pytest.mark.server
def test_server_stopped_mid_promotion_leaves_champion_where_it_was(
    mlflow_server, mlflow_server_factory, breast_cancer_split, tmp_path, promotion_matrix
):
    # given champion v1 on a server, and a passing benchmark of a better candidate
    doomed = mlflow_server_factory()
    setup = Setup(
        "server", doomed.uri, f"bc-{uuid.uuid4().hex[:10]}", breast_cancer_split, tmp_path
    )
    stump = setup.train("stump")
    setup.promote(stump, setup.benchmark(stump))
    strong = setup.train("strong")
    report = setup.benchmark(strong)

    def stop_server(step: str) -> None:
        if step == CHAMPION:
            doomed.stop()

    # when the server stops right before the champion alias moves
    with pytest.raises(ServiceError) as caught:
        setup.promote(strong, report, on_step=stop_server)

    # then the error says so, and (seen through another server on the same database) the
    # champion is still v1
    message = str(caught.value)
    assert doomed.uri in message and "should still be v1" in message
    survivor = aliases(connect(mlflow_server), setup.name)
    promotion_matrix.record(
        "server", "server stopped mid-promotion", "refused", "1", survivor[CHAMPION]
    )
    assert survivor[CHAMPION] == "1"

    # and the lock it could not remove is named, with the way to break it
    left = read_lock(connect(mlflow_server), setup.name)
    assert left is not None and f"--break-lock {left.id}" in message

    # and promoting again through a live server, breaking that lock, completes the promotion
    outcome = promote(
        strong["model_uri"], report, name=setup.name, tracking_uri=mlflow_server, break_lock=left.id
    )
    assert outcome.outcome == "promoted"
    assert aliases(connect(mlflow_server), setup.name)[CHAMPION] == "2"
    assert read_lock(connect(mlflow_server), setup.name) is None


def test_a_rolled_back_version_is_promoted_again_only_when_forced(setup, promotion_matrix):
    # given a stump champion v1 replaced by a strong v2, then rolled back to v1
    stump = setup.train("stump")
    setup.promote(stump, setup.benchmark(stump))
    strong = setup.train("strong")
    report = setup.benchmark(strong)
    setup.promote(strong, report)
    rollback(setup.name, tracking_uri=setup.uri)
    before = setup.aliases()

    # when the rolled-back version is promoted again (its report is against v1, valid again)
    refused = setup.promote(strong, report)

    # then it is refused, naming the version and --force, and nothing changed
    promotion_matrix.record(setup.backend, "rolled back, promoted again", "refused", "1", "1")
    assert refused.outcome == "refused" and not refused.passed
    assert "v2 was rolled back at" in refused.reasons[0] and "--force" in refused.reasons[0]
    assert refused.to_result().exit_code == 1
    assert setup.aliases() == before == {CHAMPION: "1", CHALLENGER: "2", ROLLED_BACK: "2"}

    # when it is forced
    forced = setup.promote(strong, report, force=True)

    # then it is champion, v1 is previous, the output and the version's tags say it was forced
    promotion_matrix.record(setup.backend, "rolled back, forced", forced.outcome, "1", "2")
    assert forced.outcome == "promoted" and forced.forced
    assert "FORCED: v2 was rolled back at" in forced.lines()[0]
    assert setup.aliases() == {CHAMPION: "2", CHALLENGER: "2", PREVIOUS: "1"}
    tags = connect(setup.uri).client.get_model_version(setup.name, "2").tags
    assert tags[TAG_FORCED] == "true"
    assert "rolled back" in tags[TAG_FORCED_WHY] and "--force" in tags[TAG_FORCED_WHY]
    assert setup.versions() == ["1", "2"]


def test_force_does_not_override_a_failed_benchmark(setup):
    # given a strong champion v1 replaced by a stump v2 (benchmarked as a bootstrap), rolled
    # back, and a benchmark of the stump against the strong champion, which fails
    strong = setup.train("strong")
    stump = setup.train("stump")
    bootstrap = setup.benchmark(stump)
    setup.promote(strong, setup.benchmark(strong))
    against_strong = setup.benchmark(stump)
    bootstrap["champion"] = against_strong["champion"]
    setup.promote(stump, bootstrap)
    rollback(setup.name, tracking_uri=setup.uri)
    assert against_strong["verdict"] == "fail"

    # when the rolled-back stump is promoted with force on its failed benchmark
    outcome = setup.promote(stump, against_strong, force=True)

    # then it is only registered, and not tagged as forced
    assert outcome.outcome == "registered" and not outcome.forced
    assert setup.aliases()[CHAMPION] == "1"
    tags = connect(setup.uri).client.get_model_version(setup.name, "2").tags
    assert TAG_FORCED not in tags


def test_a_held_lock_makes_promote_wait_then_refuse_and_a_dead_holders_lock_can_be_broken(setup):
    # given a candidate, and the model's lock held by a process that died
    strong = setup.train("strong")
    report = setup.benchmark(strong)
    held = acquire_lock(connect(setup.uri), setup.name, "promote of a dead job", who="ci")

    # when promote runs with no time to wait, then it refuses naming the holder and the way
    # out, and writes nothing
    with pytest.raises(RegistryLockedError) as caught:
        setup.promote(strong, report, wait_s=0)
    message = str(caught.value)
    assert "promote of a dead job by ci" in message and f"--break-lock {held.id}" in message
    assert setup.aliases() == {} and setup.versions() == []

    # when it breaks a lock by another id, then nothing is removed
    with pytest.raises(InputError, match="nothing was removed"):
        setup.promote(strong, report, break_lock="not-that-one")
    assert read_lock(connect(setup.uri), setup.name) == held

    # when it breaks that lock by its id, then it promotes, and leaves no lock
    outcome = setup.promote(strong, report, break_lock=held.id)
    assert outcome.outcome == "promoted"
    assert read_lock(connect(setup.uri), setup.name) is None


def test_rollback_waits_for_the_lock_too(setup):
    # given a champion replaced once, and the lock held by another promotion
    for kind in ("stump", "strong"):
        record = setup.train(kind)
        setup.promote(record, setup.benchmark(record))
    acquire_lock(connect(setup.uri), setup.name, "another promotion", who="ci")

    # when rollback runs with no time to wait, then it refuses and changes nothing
    with pytest.raises(RegistryLockedError, match="another promotion by ci"):
        rollback(setup.name, tracking_uri=setup.uri, wait_s=0)
    assert setup.aliases()[CHAMPION] == "2"


_SIGNAL_AT_STEP = """
import os, sys
from mlgate.promotion import promote

uri, name, candidate, report, step, signum = sys.argv[1:]


def on_step(current):
    if current == step:
        os.kill(os.getpid(), int(signum))


promote(candidate, report, name=name, tracking_uri=uri, on_step=on_step)
"""


def _promote_in_a_process_signalled(setup: Setup, record, report, step: str, signum: int) -> int:
    """Run promote in its own process, which sends itself ``signum`` when ``step`` begins."""
    path = setup.workdir / f"report-{uuid.uuid4().hex[:6]}.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    argv = [setup.uri, setup.name, record["model_uri"], str(path), step, str(int(signum))]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-c", _SIGNAL_AT_STEP, *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return done.returncode


def test_a_promotion_terminated_mid_way_undoes_its_writes_and_releases_the_lock(
    setup, promotion_matrix
):
    # given champion v1 and a passing benchmark of a better candidate
    stump = setup.train("stump")
    setup.promote(stump, setup.benchmark(stump))
    strong = setup.train("strong")
    report = setup.benchmark(strong)
    before = setup.aliases()

    # when its process gets SIGTERM (a cancelled CI job) right before champion moves
    code = _promote_in_a_process_signalled(setup, strong, report, CHAMPION, signal.SIGTERM)

    # then challenger, previous and the new version are undone, and the lock is released
    promotion_matrix.record(setup.backend, "terminated mid-promotion", "refused", "1", "1")
    assert code != 0
    assert setup.aliases() == before
    assert setup.versions() == ["1"]
    assert read_lock(connect(setup.uri), setup.name) is None


def test_a_promotion_killed_mid_way_leaves_its_lock_which_the_next_one_names(
    setup, promotion_matrix
):
    # given champion v1 and a passing benchmark of a better candidate
    stump = setup.train("stump")
    setup.promote(stump, setup.benchmark(stump))
    strong = setup.train("strong")
    report = setup.benchmark(strong)

    # when its process is killed outright (SIGKILL) before it moves previous
    code = _promote_in_a_process_signalled(setup, strong, report, PREVIOUS, signal.SIGKILL)

    # then champion is untouched and the lock left behind says which promotion died
    assert code == -signal.SIGKILL
    assert setup.aliases() == {CHAMPION: "1", CHALLENGER: "2"}
    left = read_lock(connect(setup.uri), setup.name)
    assert left is not None and strong["model_uri"] in left.action

    # and the next promotion refuses, naming it; breaking it completes the promotion
    with pytest.raises(RegistryLockedError, match=f"--break-lock {left.id}"):
        setup.promote(strong, report, wait_s=0)
    outcome = setup.promote(strong, report, break_lock=left.id)
    promotion_matrix.record(setup.backend, "killed, then lock broken", outcome.outcome, "1", "2")
    assert setup.aliases() == {CHAMPION: "2", CHALLENGER: "2", PREVIOUS: "1"}
    assert setup.versions() == ["1", "2"]
