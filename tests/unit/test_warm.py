"""Warm stage processes (mlgate.warm): a stage handed to the warm server behaves as if it ran in
its own process (arguments, environment, folder, streams, exit code, signals), and anything
unusual makes it run in its own process instead.

Each test runs real ``python -m mlgate`` processes against a real server in a private runtime
folder; the server preloads two small standard-library modules instead of the scientific stack,
so that it starts in a fraction of a second.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from mlgate import warm
from tests.unit.contention import competing_processes

PRELOADED = "fractions"

STAGE = textwrap.dedent(
    """
    import json, os, sys
    preloaded = {preloaded!r} in sys.modules
    if len(sys.argv) > 1 and sys.argv[1] == "sleep":
        open("pid", "w").write(str(os.getpid()))
        print("ready", flush=True)
        import time
        # Short sleeps, as a stage's work is made of many calls: Python handles a signal between
        # bytecodes, and one that lands just before a single long sleep begins waits for its end.
        for _ in range(600):
            time.sleep(0.1)
    report = {{
        "pid": os.getpid(),
        "ppid": os.getppid(),
        "cwd": os.getcwd(),
        "argv": sys.argv[1:],
        "value": os.environ.get("STAGE_VALUE"),
        "stdin": sys.stdin.read(),
        "preloaded": preloaded,
        "version": {version!r},
    }}
    print(json.dumps(report))
    print("to stderr", file=sys.stderr)
    if len(sys.argv) > 1 and sys.argv[1] == "fail":
        raise RuntimeError("the stage broke")
    if len(sys.argv) > 1 and sys.argv[1] == "message":
        sys.exit("stopped with a message")
    if len(sys.argv) > 1:
        raise SystemExit(int(sys.argv[1]))
    """
)


class Stages:
    """A folder with a stage module, a private runtime folder, and a way to run the stage."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root = root
        self.project = root / "project"
        self.project.mkdir()
        self.env = env
        self.write_stage(version=1)

    def write_stage(self, version: int) -> None:
        source = STAGE.format(preloaded=PRELOADED, version=version)
        path = self.project / "stage_mod.py"
        previous = path.stat().st_mtime if path.exists() else None
        path.write_text(source, encoding="utf-8")
        if previous is not None:
            # An edit as a person makes it, seconds after the last: Python trusts cached
            # bytecode whose source has the same size and the same whole-second mtime.
            os.utime(path, (previous + 2, previous + 2))

    @property
    def folder(self) -> Path:
        return Path(self.env[warm.DIR_ENV])

    def start(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "mlgate", "run", "stage_mod", *args],
            cwd=self.project,
            env=env or self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(self, *args: str, stdin: str = "", env: dict[str, str] | None = None):
        process = self.start(*args, env=env)
        out, err = process.communicate(stdin, timeout=60)
        lines = [line for line in out.splitlines() if line.startswith("{")]
        report = json.loads(lines[-1]) if lines else None
        return process, report, err

    def server_pids(self) -> list[int]:
        pids = []
        for state in self.folder.glob("*.json"):
            try:
                text = state.read_text(encoding="utf-8")
            except FileNotFoundError:  # removed since the listing: that server has stopped
                continue
            pid = json.loads(text)["pid"]
            if _alive(pid):
                pids.append(pid)
        return pids

    def wait_for_server(self, exclude: tuple[int, ...] = (), timeout: float = 60) -> int:
        """The pid of a server (not one of ``exclude``) once it accepts stages.

        Servers are found by their state files: the identity that names them depends on the
        stage process's interpreter and paths, which are not this test process's.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for state in self.folder.glob("*.json"):
                try:
                    info = json.loads(state.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    continue
                if info["pid"] in exclude or not _alive(info["pid"]):
                    continue
                with socket.socket(socket.AF_UNIX) as probe:
                    try:
                        probe.connect(info["socket"])
                    except OSError:
                        continue
                return info["pid"]
            time.sleep(0.05)
        logs = "\n".join(p.read_text() for p in self.folder.glob("*.log"))
        raise AssertionError(f"no warm server came up within {timeout} s; logs:\n{logs}")

    def stop_servers(self) -> None:
        for pid in self.server_pids():
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        while self.server_pids() and time.monotonic() < deadline:
            time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie is not alive: its server has exited and waits to be reaped by its parent
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as handle:
            return handle.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def _python_path() -> list[str]:
    return [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]


@pytest.fixture
def stages(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLGATE_", "DVC_"))}
    src = str(Path(warm.__file__).resolve().parents[2])
    env.update(
        {
            "MLGATE_WARM": "1",
            warm.DIR_ENV: str(tmp_path / "run"),
            warm.PRELOAD_ENV: f"decimal,{PRELOADED}",
            warm.IDLE_ENV: "60",
            # absolute: a server (started in /) shares only an identical sys.path
            "PYTHONPATH": os.pathsep.join([src, *map(os.path.abspath, _python_path())]),
        }
    )
    made = Stages(tmp_path, env)
    yield made
    made.stop_servers()


def test_the_first_stage_runs_itself_and_starts_a_server_that_runs_the_next(stages) -> None:
    first, report, _ = stages.run()

    assert first.returncode == 0
    assert report["pid"] == first.pid, "no server yet: the stage ran in its own process"
    server = stages.wait_for_server()

    second, report, err = stages.run(
        "0", stdin="rows on stdin\n", env={**stages.env, "STAGE_VALUE": "x"}
    )

    assert second.returncode == 0
    assert report["pid"] != second.pid and report["ppid"] == server
    assert report["preloaded"], "the server had imported what it preloads"
    assert report["cwd"] == str(stages.project)
    assert report["argv"] == ["0"]
    assert report["value"] == "x", "the stage's own environment, not the server's"
    assert report["stdin"] == "rows on stdin\n"
    assert "to stderr" in err


def test_exit_codes_and_errors_come_back_as_the_stage_s_own(stages) -> None:
    stages.run()
    stages.wait_for_server()

    code, report, _ = stages.run("3")
    failed, _, failed_err = stages.run("fail")
    message, _, message_err = stages.run("message")

    assert code.returncode == 3 and report["ppid"] != code.pid
    assert failed.returncode == 1
    assert "RuntimeError: the stage broke" in failed_err and "Traceback" in failed_err
    assert message.returncode == 1 and "stopped with a message" in message_err


def test_the_project_is_imported_fresh_for_every_stage(stages) -> None:
    stages.run()
    server = stages.wait_for_server()
    _, before, _ = stages.run()

    stages.write_stage(version=2)
    _, after, _ = stages.run()

    assert before["ppid"] == after["ppid"] == server
    assert (before["version"], after["version"]) == (1, 2)


def test_ctrl_c_reaches_the_stage(stages) -> None:
    stages.run()
    stages.wait_for_server()
    process = stages.start("sleep")
    try:
        assert process.stdout.readline().strip() == "ready"
        child = int((stages.project / "pid").read_text())
        assert child != process.pid

        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:  # leave no process behind for the next test to trip on
            process.kill()
            process.communicate()

    assert process.returncode == 130 and "interrupted" in err
    assert not _alive(child)


def test_a_stage_that_goes_away_takes_its_child_with_it(stages) -> None:
    stages.run()
    stages.wait_for_server()
    process = stages.start("sleep")
    assert process.stdout.readline().strip() == "ready"
    child = int((stages.project / "pid").read_text())

    process.kill()
    process.communicate(timeout=30)

    deadline = time.monotonic() + 15
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)


def test_outside_dvc_stages_a_running_server_is_used_but_none_is_started(stages) -> None:
    plain = {k: v for k, v in stages.env.items() if k != "MLGATE_WARM"}

    alone, alone_report, _ = stages.run(env=plain)
    time.sleep(0.5)
    assert alone_report["pid"] == alone.pid and stages.server_pids() == []

    in_dvc, dvc_report, _ = stages.run(env={**plain, "DVC_STAGE": "train"})  # starts one
    server = stages.wait_for_server()
    after, after_report, _ = stages.run(env=plain)
    off, off_report, _ = stages.run(env={**stages.env, "MLGATE_WARM": "0"})

    assert dvc_report["pid"] == in_dvc.pid, "the first stage runs itself"
    assert after_report["pid"] != after.pid and after_report["ppid"] == server
    assert off_report["pid"] == off.pid


def test_an_unsafe_runtime_folder_means_no_server(stages) -> None:
    stages.folder.mkdir(mode=0o700)
    stages.folder.chmod(0o777)

    for _ in range(2):
        process, report, _ = stages.run()
        assert process.returncode == 0 and report["pid"] == process.pid
    time.sleep(0.5)
    assert not list(stages.folder.glob("*.sock")) and not stages.server_pids()


def test_another_environment_gets_another_server(stages) -> None:
    stages.run()
    first = stages.wait_for_server()
    other = {**stages.env, "PYTHONHASHSEED": "7"}

    process, report, _ = stages.run(env=other)

    assert report["pid"] == process.pid, "the other environment's first stage runs itself"
    second = stages.wait_for_server(exclude=(first,))
    assert second != first and set(stages.server_pids()) == {first, second}


def test_an_idle_server_stops_and_removes_its_socket(stages) -> None:
    stages.env[warm.IDLE_ENV] = "0.5"
    stages.run()
    server = stages.wait_for_server()

    deadline = time.monotonic() + 20
    while _alive(server) and time.monotonic() < deadline:
        time.sleep(0.1)

    assert not _alive(server)
    assert not list(stages.folder.glob("*.sock")) and not list(stages.folder.glob("*.json"))
    (log,) = stages.folder.glob("*.log")
    assert "idle for 0.5 s" in log.read_text()


def test_a_killed_server_is_replaced(stages) -> None:
    stages.run()
    server = stages.wait_for_server()
    os.kill(server, signal.SIGKILL)
    while _alive(server):
        time.sleep(0.05)

    process, report, _ = stages.run()
    assert report["pid"] == process.pid, "a dead server's socket is not used"
    replacement = stages.wait_for_server(exclude=(server,))
    _, report, _ = stages.run()

    assert replacement != server and report["ppid"] == replacement


def test_warm_status_and_stop(stages) -> None:
    stages.run()
    server = stages.wait_for_server()
    command = [sys.executable, "-m", "mlgate", "warm"]
    plain = {k: v for k, v in stages.env.items() if k != "MLGATE_WARM"}

    status = subprocess.run(command, env=plain, capture_output=True, text=True, check=True)
    stop = subprocess.run([*command, "stop"], env=plain, capture_output=True, text=True, check=True)

    assert f"pid {server}" in status.stdout and "(this environment)" in status.stdout
    assert f"asked pid {server} to stop" in stop.stdout
    deadline = time.monotonic() + 20
    while _alive(server) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(server)


def test_identity_covers_interpreter_packages_and_import_time_environment(tmp_path) -> None:
    base = {"PATH": "/usr/bin", "HOME": "/root"}

    assert warm.identity(base) == warm.identity(dict(base))
    assert warm.identity(base) == warm.identity({**base, "DVC_STAGE": "train", "PATH": "/x"})
    assert warm.identity(base) != warm.identity({**base, "OMP_NUM_THREADS": "1"})
    assert warm.identity(base) != warm.identity({**base, "PYTHONPATH": str(tmp_path)})
    assert warm.identity(base) == warm.identity({**base, warm.IDLE_ENV: "5"})


def test_wanted() -> None:
    assert warm.wanted({}) == warm.USE
    assert warm.wanted({"DVC_STAGE": "train"}) == warm.START
    assert warm.wanted({"MLGATE_WARM": "1"}) == warm.START
    assert warm.wanted({"DVC_STAGE": "train", "MLGATE_WARM": "0"}) is None
    assert warm.wanted({"MLGATE_WARM": "off"}) is None


def test_a_server_with_mlflow_hands_its_package_map_to_every_stage(stages) -> None:
    # MLflow builds a map of every installed package the first time a process logs or loads
    # a model; a server that preloads MLflow builds it once for all its stages
    stages.env[warm.PRELOAD_ENV] = "mlflow.utils.requirements_utils"
    (stages.project / "map_stage.py").write_text(
        "import os\n"
        "from mlflow.utils import requirements_utils\n"
        "filled = requirements_utils._PACKAGES_TO_MODULES is not None\n"
        "print(os.getppid(), 'filled' if filled else 'empty')\n",
        encoding="utf-8",
    )

    def run() -> tuple[int, str]:
        done = subprocess.run(
            [sys.executable, "-m", "mlgate", "run", "map_stage"],
            cwd=stages.project,
            env=stages.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        parent, state = done.stdout.split()
        return int(parent), state

    _, first = run()
    server = stages.wait_for_server()
    parent, second = run()

    assert first == "empty", "a stage in its own process builds the map itself"
    assert parent == server and second == "filled"


def test_a_signal_that_comes_before_the_child_is_known_reaches_it_once_it_is():
    from mlgate.warm.client import _Forwarder

    # given a stage's child that the server has started but not yet named to the client
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    forward = _Forwarder()
    try:
        # when a stop signal reaches the client in that moment (SIGTERM: a SIGINT could be
        # ignored by a child started from a background job)
        forward(signal.SIGTERM, None)
        assert child.poll() is None, "held, not lost and not sent anywhere yet"

        # then the child gets it as soon as the server's reply names it
        forward.to(child.pid)
        assert child.wait(timeout=30) == -signal.SIGTERM
        assert forward.held() == []
    finally:
        child.kill()
        child.wait()


def test_a_signal_held_for_a_child_that_never_ran_is_handed_back():
    from mlgate.warm.client import _Forwarder

    # given Ctrl-C caught while the request was on its way, and a server that then refused it
    forward = _Forwarder()
    forward(signal.SIGINT, None)

    # then the client gets the signal back, to raise where it now runs the stage itself
    assert forward.held() == [signal.SIGINT]
    assert forward.held() == []


CLIENT_WITH_A_LATE_SIGNAL = textwrap.dedent(
    """
    import json, os, signal, socket, subprocess, sys, threading, time
    from mlgate.warm import client

    # the stage's child: a minute of work, stopped at once by SIGTERM
    child = subprocess.Popen(
        [sys.executable, "-c", "import time\\nfor _ in range(600): time.sleep(0.1)"]
    )
    ours, theirs = socket.socketpair()

    def server():
        _, fds, _, _ = socket.recv_fds(theirs, 1 << 20, 3)
        for fd in fds:
            os.close(fd)
        theirs.sendall(json.dumps({"pid": child.pid}).encode() + b"\\n")
        time.sleep(0.5)  # the client is now waiting for the stage to end
        # A stop signal the client's wait is not interrupted by: delivered to this thread,
        # as one that lands just before the wait begins is delivered to nobody's wait.
        signal.pthread_kill(threading.get_ident(), signal.SIGTERM)
        theirs.sendall(json.dumps({"exit": child.wait()}).encode() + b"\\n")

    threading.Thread(target=server, daemon=True).start()
    print(client._run(ours, ["run", "stage"]), flush=True)
    """
)


def test_a_signal_that_does_not_interrupt_the_client_s_wait_still_reaches_the_stage(tmp_path):
    # given a client waiting for its stage, and a stop signal that arrives while no blocking
    # call of its main thread can be interrupted by it (Python handles signals between bytecodes),
    # on a machine where other processes compete for the CPU
    script = tmp_path / "client.py"
    script.write_text(CLIENT_WITH_A_LATE_SIGNAL, encoding="utf-8")
    src = str(Path(warm.__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, *_python_path()])}
    with competing_processes(2):
        process = subprocess.Popen(
            [sys.executable, str(script)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:
            # when the stage's minute of work is far from over
            out, err = process.communicate(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()

    # then the stage was stopped by the signal, and the client died of it as the stage did
    assert process.returncode == -signal.SIGTERM, (out, err)
