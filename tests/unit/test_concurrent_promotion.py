"""Two ``mlgate promote`` processes at once: exactly one wins, and the other says what happened.

Each trial gives a fresh registered model a champion (v1, a decision stump), then runs two
``mlgate promote`` command lines in two processes released together by a barrier, in two
flavours: the same candidate run twice, and two different candidates benchmarked against the
same champion. Afterwards exactly one process has exited 0 saying "promoted", the other has
exited non-zero saying it lost to that version (or that the champion changed), each run has
at most one version, ``champion`` is the winner's version, ``previous`` is v1, ``challenger``
names an existing version, and no lock is left.

The processes are forked from a server that has already imported mlgate and MLflow
(multiprocessing's forkserver): a fresh process pays two seconds of imports, and how long
imports take on a busy machine would otherwise decide whether the two promotions overlap at
all. A table of the trials is printed at the end of the module and written to
``build/test-reports/concurrent-promotion.json``.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from mlgate.benchmarking import benchmark
from mlgate.registry import CHALLENGER, CHAMPION, PREVIOUS, aliases, connect, read_lock
from tests.support.training import TARGET, train_and_log

TRIALS = 20
SAME = "same candidate twice"
TWO = "two candidates"
GOALS = {"min": {"roc_auc": 0.85}, "max_regression": {"roc_auc": 0.01}}
PROCESS_TIMEOUT_S = 300
_PRELOAD = [
    "mlflow",
    "mlflow.store.model_registry.sqlalchemy_store",
    "mlflow.store.tracking.sqlalchemy_store",
    "mlgate.cli",
    "mlgate.commands.promote",
    "mlgate.context",
    "mlgate.promotion",
    __name__,
]
_CLAIM = re.compile(r"promoted (\S+) v(\d+) to champion")
_LOST = re.compile(r"lost to v(\d+)")
_STALE = re.compile(r"changed since the benchmark ran: .* the registry now has v(\d+)")
_ROWS: list[dict[str, Any]] = []
_OUTPUT = Path("build/test-reports/concurrent-promotion.json")


def _promote_process(argv: list[str], workdir: str, barrier: Any) -> None:
    """One process of a trial: its output goes to files in ``workdir``; it waits for the other
    at the barrier, then runs the ``mlgate`` command line and exits with its code."""
    from mlgate.cli import main

    os.chdir(workdir)
    out = open("stdout.txt", "w", encoding="utf-8")  # noqa: SIM115 (closed by the exit)
    err = open("stderr.txt", "w", encoding="utf-8")  # noqa: SIM115
    os.dup2(out.fileno(), 1)
    os.dup2(err.fileno(), 2)
    sys.stdout, sys.stderr = out, err
    barrier.wait(timeout=PROCESS_TIMEOUT_S)
    code = main(argv)
    out.flush()
    err.flush()
    sys.exit(code)


@dataclass
class Backend:
    """A registry with a champion run and two candidate runs, each candidate benchmarked
    (for real, once) against the champion."""

    label: str
    uri: str
    root: Path
    champion: dict[str, Any]
    candidates: list[dict[str, Any]]
    reports: list[dict[str, Any]] = field(default_factory=list)

    def report_for(self, index: int, name: str) -> dict[str, Any]:
        """Candidate ``index``'s benchmark report, naming model ``name`` as the champion's:
        every trial's model has the same champion run as v1, so the numbers still hold."""
        report = json.loads(json.dumps(self.reports[index]))
        report["champion"].update(name=name, uri=f"models:/{name}@{CHAMPION}")
        return report


@pytest.fixture(scope="module", params=["sqlite", pytest.param("server", marks=pytest.mark.server)])
def race_backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, breast_cancer_split
) -> Backend:
    """One trained champion and two candidates per backend, reused by every trial."""
    root = tmp_path_factory.mktemp(f"race-{request.param}")
    if request.param == "sqlite":
        uri = f"sqlite:///{root / 'mlflow.db'}"
    else:
        uri = request.getfixturevalue("mlflow_server")
    champion = train_and_log(uri, breast_cancer_split, "stump", root)
    candidates = [train_and_log(uri, breast_cancer_split, "strong", root) for _ in range(2)]
    backend = Backend(request.param, uri, root, champion, candidates)
    template = _model_with_champion(backend)
    for candidate in candidates:
        report = benchmark(
            candidate["model_uri"],
            breast_cancer_split.test_path,
            TARGET,
            champion=f"models:/{template}@{CHAMPION}",
            goals=GOALS,
            tracking_uri=uri,
            latency_runs=10,
        ).to_dict()
        assert report["verdict"] == "pass", report["reasons"]
        backend.reports.append(report)
    return backend


@pytest.fixture(scope="module")
def forkserver() -> Any:
    """The multiprocessing context whose processes fork from a server with mlgate imported."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    return context


@pytest.fixture(scope="module")
def race_table(request: pytest.FixtureRequest) -> list[dict[str, Any]]:
    """The trials' summary rows, printed and written after the module's tests."""
    yield _ROWS
    if not _ROWS:
        return
    headers = list(_ROWS[0])
    widths = {h: max(len(h), *(len(str(row[h])) for row in _ROWS)) for h in headers}
    path = Path(request.config.rootpath) / _OUTPUT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(_ROWS, indent=2) + "\n", encoding="utf-8")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():  # teardown output is captured otherwise
        reporter.write_line("")
        reporter.write_sep("=", "concurrent promotion")
        reporter.write_line("  ".join(h.ljust(widths[h]) for h in headers))
        for row in _ROWS:
            reporter.write_line("  ".join(str(row[h]).ljust(widths[h]) for h in headers))
        reporter.write_line(f"written to {path}")


def _model_with_champion(backend: Backend) -> str:
    """A fresh registered model whose v1 is the champion run, aliased champion."""
    name = f"race-{uuid.uuid4().hex[:10]}"
    registry = connect(backend.uri)
    version = registry.register(backend.champion["model_uri"], name, {})
    assert version == "1"
    registry.client.set_registered_model_alias(name, CHAMPION, version)
    return name


@dataclass
class Trial:
    """What one race did: each process's exit code and output, and the registry afterwards."""

    name: str
    run_ids: list[str]
    codes: list[int | None]
    outputs: list[str]
    errors: list[str]
    aliases: dict[str, str]
    versions: dict[str, str]  # version -> run id, of the live versions
    lock_left: bool

    def claim(self, index: int) -> str | None:
        """The version process ``index`` said it promoted, or None."""
        match = _CLAIM.search(self.outputs[index])
        return match.group(2) if match else None

    def false_claims(self) -> int:
        """Claims of a promotion that did not happen: by a process that did not exit 0 alone,
        or of a version that is not the champion."""
        winners = [i for i, code in enumerate(self.codes) if code == 0]
        champion = self.aliases.get(CHAMPION)
        return sum(
            self.claim(i) is not None and (winners != [i] or self.claim(i) != champion)
            for i in range(2)
        )

    def problems(self) -> list[str]:
        """Everything that breaks the promise; empty when exactly one process truthfully won."""
        found = []
        winners = [i for i, code in enumerate(self.codes) if code == 0]
        champion = self.aliases.get(CHAMPION)
        if len(winners) != 1:
            found.append(f"{len(winners)} processes exited 0 (codes {self.codes})")
        elif self.claim(winners[0]) != champion:
            found.append(f"the winner said {self.outputs[winners[0]]!r}, champion is v{champion}")
        if self.false_claims():
            found.append(f"{self.false_claims()} false claims: {self.outputs}")
        for i in range(2):
            if i not in winners and self._loss_names(i) != champion:
                found.append(f"loser {i} did not name the champion v{champion}: {self.errors[i]}")
        if self.duplicates():
            found.append(f"runs with more than one version: {self.duplicates()}")
        if len(winners) == 1 and self.versions.get(champion) != self.run_ids[winners[0]]:
            found.append(f"champion v{champion} is not the winner's run")
        if self.aliases.get(PREVIOUS) != "1":
            found.append(f"previous is {self.aliases.get(PREVIOUS)}, not the old champion v1")
        if self.aliases.get(CHALLENGER) not in self.versions:
            found.append(f"challenger names v{self.aliases.get(CHALLENGER)}, not a live version")
        if self.lock_left:
            found.append("the lock was left behind")
        return found

    def _loss_names(self, index: int) -> str | None:
        match = _LOST.search(self.errors[index]) or _STALE.search(self.errors[index])
        return match.group(1) if match else None

    def lost_while_waiting(self) -> int:
        return sum(bool(_LOST.search(err)) for err in self.errors)

    def duplicates(self) -> list[str]:
        runs = list(self.versions.values())
        return sorted({run for run in runs if runs.count(run) > 1})


def _race(backend: Backend, flavour: str, workdir: Path, forkserver: Any) -> Trial:
    """One trial: a fresh model with champion v1, two promotions released together."""
    name = _model_with_champion(backend)
    picks = [0, 0] if flavour == SAME else [0, 1]
    barrier = forkserver.Barrier(2)
    processes = []
    for i, pick in enumerate(picks):
        folder = workdir / f"p{i}"
        folder.mkdir(parents=True)
        report = folder / "benchmark.json"
        report.write_text(json.dumps(backend.report_for(pick, name)), encoding="utf-8")
        argv = [
            "promote", "--name", name, "--candidate", backend.candidates[pick]["model_uri"],
            "--report", str(report), "--tracking-uri", backend.uri,
            "--output", str(folder / "promotion.json"), "--summary", str(folder / "promotion.md"),
        ]  # fmt: skip
        process = forkserver.Process(target=_promote_process, args=(argv, str(folder), barrier))
        process.start()
        processes.append(process)
    for process in processes:
        process.join(PROCESS_TIMEOUT_S)
    for process in processes:
        if process.is_alive():
            process.kill()
            process.join()
            pytest.fail(f"a promotion of {name} did not finish in {PROCESS_TIMEOUT_S} s")
    registry = connect(backend.uri)
    live = registry.client.search_model_versions(f"name='{name}'")
    return Trial(
        name=name,
        run_ids=[backend.candidates[pick]["run_id"] for pick in picks],
        codes=[process.exitcode for process in processes],
        outputs=[(workdir / f"p{i}/stdout.txt").read_text() for i in range(2)],
        errors=[(workdir / f"p{i}/stderr.txt").read_text() for i in range(2)],
        aliases=aliases(registry, name),
        versions={str(v.version): v.run_id for v in live},
        lock_left=read_lock(registry, name) is not None,
    )


@pytest.mark.parametrize("flavour", [SAME, TWO])
def test_two_promotions_at_once_one_wins_and_the_other_says_so(
    race_backend, flavour, forkserver, race_table, tmp_path
):
    # given a champion v1 and passing benchmarks against it, when two mlgate promote
    # processes start together, TRIALS times
    start = time.monotonic()
    trials = [
        _race(race_backend, flavour, tmp_path / f"trial-{n}", forkserver) for n in range(TRIALS)
    ]
    seconds = time.monotonic() - start

    # then every trial has exactly one winner, a loser that names the winner's version, one
    # version per run, champion = the winner's version, previous = v1, and no lock left
    failed = {t.name: t.problems() for t in trials if t.problems()}
    race_table.append(
        {
            "backend": race_backend.label,
            "flavour": flavour,
            "trials": len(trials),
            "one winner": sum(t.codes.count(0) == 1 for t in trials),
            "lost while waiting": sum(t.lost_while_waiting() for t in trials),
            "duplicates": sum(len(t.duplicates()) for t in trials),
            "false claims": sum(t.false_claims() for t in trials),
            "failed trials": len(failed),
            "seconds": round(seconds, 1),
        }
    )
    assert not failed, json.dumps(failed, indent=2)
