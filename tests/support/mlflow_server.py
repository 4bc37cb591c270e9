"""Real MLflow backends for tests: a fresh sqlite database, and a real ``mlflow server``.

Fixtures:

* ``sqlite_tracking``: a ``sqlite:///`` URI in the test's ``tmp_path``;
* ``mlflow_server``: the URI of an ``mlflow server`` on 127.0.0.1, backed by a throwaway
  PostgreSQL cluster; one per test session (tests use fresh model names);
* ``mlflow_server_factory``: starts further servers on the same database, for tests that stop
  a server on purpose without taking the shared one down.

PostgreSQL binaries are looked for under ``/usr/lib/postgresql/*/bin``. Without them the
server tests are skipped with the reason, except when ``CI=true``: there they fail, so CI can
never skip them silently.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

START_TIMEOUT_S = 90


def _pg_bin() -> Path | None:
    """The newest PostgreSQL bin folder that has initdb and pg_ctl, or None."""
    found = [
        folder
        for folder in Path("/usr/lib/postgresql").glob("*/bin")
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file()
    ]

    def version(folder: Path) -> float:
        try:
            return float(folder.parent.name)
        except ValueError:
            return 0.0

    return max(found, key=version) if found else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _no_postgres(reason: str) -> None:
    """Skip the test, or fail it under CI=true so that CI never skips server tests."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


@dataclass
class PostgresCluster:
    """A PostgreSQL cluster in a temporary folder, on a free loopback port."""

    bin_dir: Path
    root: Path
    port: int = field(default_factory=_free_port)
    as_postgres: bool = field(default_factory=lambda: os.geteuid() == 0)

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def _run(self, *command: str) -> subprocess.CompletedProcess:
        argv = list(command)
        if self.as_postgres:  # initdb and postgres refuse to run as root
            argv = ["runuser", "-u", "postgres", "--", *argv]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            pytest.fail(
                f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}",
                pytrace=False,
            )
        return done

    def start(self) -> None:
        if self.as_postgres:
            shutil.chown(self.root, user="postgres", group="postgres")
        self._run(
            str(self.bin_dir / "initdb"),
            "-D",
            str(self.data_dir),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(self.bin_dir / "pg_ctl"),
            "-D",
            str(self.data_dir),
            "-o",
            options,
            "-l",
            str(self.root / "postgres.log"),
            "-w",
            "start",
        )

    def create_database(self, name: str) -> str:
        self._run(
            str(self.bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
            "postgres", name,
        )  # fmt: skip
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        if (self.data_dir / "postmaster.pid").exists():
            argv = [str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "stop"]
            if self.as_postgres:
                argv = ["runuser", "-u", "postgres", "--", *argv]
            subprocess.run(argv, capture_output=True, timeout=60, check=False)


@dataclass
class MlflowServer:
    """One ``mlflow server`` process over HTTP on 127.0.0.1."""

    backend_uri: str
    artifacts: Path
    log_path: Path
    port: int = field(default_factory=_free_port)
    process: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> MlflowServer:
        env = dict(os.environ)
        env.update(
            MLFLOW_SERVER_ENABLE_JOB_EXECUTION="false",
            MLFLOW_DISABLE_TELEMETRY="true",
        )
        env.pop("MLFLOW_TRACKING_URI", None)
        command = [
            sys.executable, "-m", "mlflow", "server",
            "--backend-store-uri", self.backend_uri,
            "--artifacts-destination", str(self.artifacts),
            "--host", "127.0.0.1", "--port", str(self.port), "--workers", "1",
        ]  # fmt: skip
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"mlflow server exited at start:\n{self._log_tail()}", pytrace=False)
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{self.uri}/health", timeout=2) as response,
            ):
                if response.status == 200:
                    return self
            time.sleep(0.3)
        self.stop()
        pytest.fail(f"mlflow server not healthy after {START_TIMEOUT_S} s:\n{self._log_tail()}")
        return self

    def stop(self) -> None:
        """Stop the server and its workers (its own process group), waiting for them to exit."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=20)

    def _log_tail(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return "(no log)"


@dataclass
class ServerBackend:
    """The database and artifact folder that every server of the session shares."""

    backend_uri: str
    artifacts: Path
    logs: Path

    def server(self) -> MlflowServer:
        log = self.logs / f"mlflow-{time.monotonic_ns()}.log"
        return MlflowServer(self.backend_uri, self.artifacts, log)


@pytest.fixture
def sqlite_tracking(tmp_path: Path) -> str:
    """A fresh sqlite tracking and registry URI in the test's temporary folder, its store
    created as a project's first train stage creates it (mlgate.sqlite_store)."""
    from mlgate.sqlite_store import prepare

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    prepare(uri)
    return uri


@pytest.fixture(scope="session")
def mlflow_backend() -> Iterator[ServerBackend]:
    """A throwaway PostgreSQL cluster with one database for MLflow, stopped at session end."""
    bin_dir = _pg_bin()
    if bin_dir is None:
        _no_postgres("PostgreSQL binaries not found under /usr/lib/postgresql/*/bin")
    root = Path(tempfile.mkdtemp(prefix="mlgate-pg-"))
    root.chmod(0o711)  # the postgres user must reach its cluster folder inside
    cluster = PostgresCluster(bin_dir=bin_dir, root=root / "pg")
    cluster.root.mkdir()
    try:
        cluster.start()
        backend_uri = cluster.create_database("mlflow")
        artifacts = root / "artifacts"
        artifacts.mkdir()
        yield ServerBackend(backend_uri=backend_uri, artifacts=artifacts, logs=root)
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def mlflow_server(mlflow_backend: ServerBackend) -> Iterator[str]:
    """The URI of a real ``mlflow server`` (PostgreSQL backend), shared by the session."""
    server = mlflow_backend.server().start()
    try:
        yield server.uri
    finally:
        server.stop()


@pytest.fixture
def mlflow_server_factory(mlflow_backend: ServerBackend) -> Iterator[Callable[[], MlflowServer]]:
    """Start extra servers on the shared database; each is stopped after the test."""
    started: list[MlflowServer] = []

    def start() -> MlflowServer:
        server = mlflow_backend.server().start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
