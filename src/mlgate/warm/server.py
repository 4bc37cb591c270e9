"""The warm server: one process per environment that has imported the heavy libraries and
forks a child for each stage (see :mod:`mlgate.warm`).

Started by :func:`mlgate.warm.client.start_server` as
``python -c "from mlgate.warm.server import main; main()" FOLDER KEY``, it

1. checks that its own identity is KEY (else exits: the stage that started it had interpreter
   flags a server cannot copy) and takes the lock of KEY (else exits: another server has it);
2. imports :data:`PRELOAD` (or ``MLGATE_WARM_PRELOAD``, comma-separated), each failure logged
   and skipped, then freezes the garbage collector so that children do not copy those objects;
3. listens on ``KEY.sock`` (mode 0600) and accepts requests from processes of the same user:
   the arguments of an ``mlgate`` command, the environment, working folder and umask, and the
   stage's stdin, stdout and stderr as file descriptors;
4. forks a child for each: the child takes all of that over, forgets every ``mlgate`` module
   the server imported (so mlgate and the project are imported fresh, from the files as they
   are now), runs :func:`mlgate.cli.main`, and exits as Python would (threads joined, atexit
   handlers run, streams flushed) without tearing down the libraries it shares with the
   server (:func:`run_stage`);
5. tells the stage the child's pid (to forward signals to) and then its exit status; a stage
   that goes away before its child ends gets its child terminated;
6. exits after the idle timeout, on SIGTERM (after the running children end), or when its
   interpreter is gone, removing its socket and state.

Its log is ``KEY.log`` next to the socket: the preload, each stage served, why it stopped.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import selectors
import signal
import socket
import struct
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from mlgate import warm

PRELOAD = (
    "numpy",
    "pandas",
    "pyarrow",
    "pyarrow.parquet",
    "yaml",
    "joblib",
    "scipy.stats",
    "sklearn.base",
    "sklearn.pipeline",
    "sklearn.compose",
    "sklearn.preprocessing",
    "sklearn.impute",
    "sklearn.linear_model",
    "sklearn.ensemble",
    "sklearn.dummy",
    "sklearn.model_selection",
    "sklearn.metrics",
    "pandera.pandas",
    "mlflow",
    "mlflow.sklearn",
    "mlflow.pyfunc",
    "mlflow.models",
    "mlflow.data.pandas_dataset",
    "mlflow.tracking",
    "mlflow.artifacts",
    "mlflow.store.tracking.sqlalchemy_store",
    "mlflow.store.model_registry.sqlalchemy_store",
    "skops.io",
    "git",
)
"""What a generated project's stages import; anything else a stage needs it imports itself."""

TICK_S = 2.0
"""How often an idle server looks at its clock and its interpreter."""
CHILD_TERM_GRACE_S = 5.0
"""After a stage went away: time its child gets between SIGTERM and SIGKILL."""


@dataclass
class Job:
    """One stage being run by a child."""

    pid: int
    pidfd: int
    conn: socket.socket
    argv: list[str]
    started: float = field(default_factory=time.monotonic)
    terminated_at: float | None = None


@dataclass
class Request:
    """What a child needs to become the stage: the decoded request and the stage's streams."""

    message: dict
    fds: list[int]


class Log:
    """Lines of ``KEY.log``: when, and what happened."""

    def __init__(self, path: Path) -> None:
        self.handle = open(path, "w", encoding="utf-8", buffering=1)  # noqa: SIM115

    def __call__(self, text: str) -> None:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        self.handle.write(f"{stamp} [{os.getpid()}] {text}\n")

    def close(self) -> None:
        self.handle.close()


def main() -> None:
    """Entry point (``FOLDER KEY`` in ``sys.argv``); returns only in a child, by exiting."""
    folder, key = Path(sys.argv[1]), sys.argv[2]
    where = warm.Place(folder, key)
    if warm.identity(os.environ) != key:
        return  # started with flags or an environment it cannot reproduce: nothing to serve
    lock = _take_lock(where)
    if lock is None:
        return
    log = Log(where.log)
    _redirect_output(where.log)
    log(f"starting for {sys.executable} (identity {key})")
    preload_s = preload(log)
    request = serve(where, lock, log, preload_s)
    if request is None:
        return
    run_stage(request)


def preload(log: Log) -> float:
    """Import :data:`PRELOAD` (or the modules named by ``MLGATE_WARM_PRELOAD``)."""
    names = os.environ.get(warm.PRELOAD_ENV)
    modules = [n.strip() for n in names.split(",") if n.strip()] if names else list(PRELOAD)
    start = time.perf_counter()
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception as error:  # a missing optional library: its stages import it themselves
            log(f"preload {name}: {type(error).__name__}: {error}")
    _fill_caches(log)
    seconds = time.perf_counter() - start
    gc.collect()
    gc.freeze()
    log(f"preloaded {len(modules)} modules in {seconds:.2f} s")
    return seconds


def _fill_caches(log: Log) -> None:
    """Fill the per-process caches every training and benchmark stage would fill again.

    MLflow maps every installed module to its distribution (``packages_distributions()``, a
    walk over all package metadata, ~0.14 s) the first time a process logs or loads a model,
    to write and check the model's requirements. A server's children inherit the map; it
    cannot go stale, because installing a package changes the server's identity (the
    modification time of its ``sys.path`` folders). MLflow keeps the map in a private
    function: if it is gone or fails, each stage builds the map itself as before.
    """
    if "mlflow" not in sys.modules:  # not preloaded: its stages would not share the map
        return
    try:
        from mlflow.utils import requirements_utils

        requirements_utils._init_packages_to_modules_map()
    except Exception as error:  # an MLflow without it: each stage fills its own
        log(f"MLflow package map: {type(error).__name__}: {error}")


def serve(where: warm.Place, lock: int, log: Log, preload_s: float) -> Request | None:
    """Accept and run stages until idle or stopped. Returns None in the server when it stops,
    and the request in each forked child."""
    listener = _listen(where)
    idle_s = warm.idle_seconds(os.environ)
    _write_state(where, preload_s, idle_s)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append("SIGTERM"))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ, "accept")
    # A signal wakes the loop at once (SIGTERM: `mlgate warm stop`), not at the next tick.
    wake_read, wake_write = socket.socketpair()
    wake_write.setblocking(False)
    signal.set_wakeup_fd(wake_write.fileno(), warn_on_full_buffer=False)
    selector.register(wake_read, selectors.EVENT_READ, "signal")
    jobs: dict[int, Job] = {}
    last_work = time.monotonic()
    listening = True
    served = 0
    reason = ""
    log(f"listening on {where.socket}; idle timeout {idle_s:g} s")
    while True:
        wait = TICK_S if jobs else max(0.0, min(TICK_S, last_work + idle_s - time.monotonic()))
        for selected, _ in selector.select(timeout=wait):
            what = selected.data
            if what == "signal":
                with contextlib.suppress(OSError):
                    wake_read.recv(4096)
            elif what == "accept":
                try:
                    conn, _ = listener.accept()
                except OSError:
                    continue
                outcome = _accept(conn, log)
                if outcome is None:
                    continue
                sys.stdout.flush()  # nothing the server printed may reach the stage's output
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:
                    signal.set_wakeup_fd(-1)
                    for end in (wake_read, wake_write):
                        end.close()
                    _close_server_side(selector, listener, lock, jobs, conn, log)
                    return outcome
                served += 1
                _start_job(selector, jobs, conn, pid, outcome, log)
            elif isinstance(what, tuple) and what[0] == "child":
                _finish_job(selector, jobs, jobs[what[1]], log)
                last_work = time.monotonic()
            elif isinstance(what, tuple) and what[0] == "client":
                _client_gone(selector, jobs[what[1]], log)
        _escalate(jobs)
        if stopping and listening:
            # No new stages: they run in their own processes until this server has gone.
            selector.unregister(listener)
            where.socket.unlink(missing_ok=True)
            listening = False
        if stopping and not jobs:
            reason = stopping[0]
            break
        if not jobs and time.monotonic() - last_work >= idle_s:
            reason = f"idle for {idle_s:g} s"
            break
        if not os.path.exists(sys.executable):
            stopping.append(f"{sys.executable} is gone")
    signal.set_wakeup_fd(-1)
    selector.close()
    for end in (wake_read, wake_write, listener):
        end.close()
    where.socket.unlink(missing_ok=True)  # ours: this server holds the lock
    where.state.unlink(missing_ok=True)
    log(f"stopping after {served} stages: {reason}")
    log.close()
    os.close(lock)
    return None


def run_stage(request: Request) -> NoReturn:
    """In a forked child: run the stage, then exit as Python would, minus the teardown.

    A normal interpreter exit frees every module and object, and in a child that means writing
    to (so copying) most of the memory it shares with the server: 0.15 s or more per stage. The
    child does what that exit does for the program (join its threads, run its atexit handlers,
    flush the standard streams) and then leaves at once.
    """
    try:
        code = become_stage(request)
    except SystemExit as stop:
        code = _exit_code(stop.code)
    except KeyboardInterrupt:
        _leave(None)
    except BaseException:
        sys.excepthook(*sys.exc_info())
        code = 1
    _leave(code)


def _leave(code: int | None) -> NoReturn:
    """Exit with ``code`` (None: die of SIGINT, as Python does after an uncaught Ctrl-C)."""
    import atexit
    import threading

    threading._shutdown()  # what the interpreter's exit runs: waits for non-daemon threads
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    if code is None:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
        code = 130
    os._exit(code)


def _exit_code(code: object) -> int:
    """What Python exits with for ``SystemExit(code)``: None is 0, a message is printed and 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def become_stage(request: Request) -> int:
    """In a forked child: take over the stage's process state, then run its command."""
    message = request.message
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.setpgid(0, 0)  # its own group, so that its subprocesses can be stopped with it
    for target, fd in zip((0, 1, 2), request.fds, strict=True):
        if fd != target:
            os.dup2(fd, target)
    for fd in request.fds:
        if fd not in (0, 1, 2):
            os.close(fd)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, OSError, ValueError):
            stream.reconfigure(line_buffering=stream is sys.stderr or os.isatty(stream.fileno()))
    os.umask(int(message["umask"]))
    os.chdir(message["cwd"])
    os.environ.clear()
    os.environ.update(message["env"])
    sys.argv = list(message["sys_argv"])
    if sys.path:
        sys.path[0] = message["path0"]
    _forget_mlgate()
    importlib.invalidate_caches()
    _reseed()
    from mlgate.cli import main  # imported afresh from the files as they are now

    return main(list(message["argv"]))


def _take_lock(where: warm.Place) -> int | None:
    import fcntl

    fd = os.open(where.lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _redirect_output(path: Path) -> None:
    """Send what the server itself prints (warnings while importing) to its log."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)


def _listen(where: warm.Place) -> socket.socket:
    where.socket.unlink(missing_ok=True)  # a dead server's: we hold the lock
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)
    try:
        listener.bind(str(where.socket))
    finally:
        os.umask(old)
    listener.listen(16)
    return listener


def _write_state(where: warm.Place, preload_s: float, idle_s: float) -> None:
    state = {
        "pid": os.getpid(),
        "executable": sys.executable,
        "started": time.time(),
        "preload_s": round(preload_s, 3),
        "idle_s": idle_s,
        "socket": str(where.socket),
    }
    where.state.write_text(json.dumps(state) + "\n", encoding="utf-8")


def _accept(conn: socket.socket, log: Log) -> Request | None:
    """Read one request (and its three descriptors) from a same-user process, or None."""
    conn.settimeout(10)
    fds: list[int] = []
    try:
        creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
        pid, uid, _ = struct.unpack("3i", creds)
        if uid != os.getuid():
            log(f"refused a connection from uid {uid} (pid {pid})")
            conn.close()
            return None
        data, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)
        if len(data) < 8 or len(fds) != 3:
            raise ValueError("malformed request")
        size = int.from_bytes(data[:8], "big")
        body = bytearray(data[8:])
        while len(body) < size:
            chunk = conn.recv(min(1 << 20, size - len(body)))
            if not chunk:
                raise ValueError("truncated request")
            body.extend(chunk)
        message = json.loads(bytes(body))
        if message.get("protocol") != warm.PROTOCOL:
            raise ValueError(f"protocol {message.get('protocol')} (this server: {warm.PROTOCOL})")
    except (OSError, ValueError) as error:
        log(f"refused a request: {error}")
        for fd in fds:
            os.close(fd)
        with contextlib.suppress(OSError):
            warm.send_message(conn, {"error": str(error)})
        conn.close()
        return None
    conn.settimeout(None)
    return Request(message, list(fds))


def _start_job(selector, jobs: dict[int, Job], conn, pid: int, request: Request, log: Log) -> None:
    for fd in request.fds:
        os.close(fd)  # the child has them: the stage's pipes must close when it exits
    with contextlib.suppress(OSError):
        os.setpgid(pid, pid)  # also done by the child: whichever runs first
    pidfd = os.pidfd_open(pid)
    job = Job(pid=pid, pidfd=pidfd, conn=conn, argv=list(request.message["argv"]))
    jobs[pid] = job
    selector.register(pidfd, selectors.EVENT_READ, ("child", pid))
    try:
        warm.send_message(conn, {"pid": pid})
        selector.register(conn, selectors.EVENT_READ, ("client", pid))
    except OSError:
        _terminate(job)
    log(f"stage `mlgate {' '.join(job.argv)}` in child {pid}")


def _finish_job(selector, jobs: dict[int, Job], job: Job, log: Log) -> None:
    _, status = os.waitpid(job.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    selector.unregister(job.pidfd)
    os.close(job.pidfd)
    with contextlib.suppress(KeyError, ValueError):
        selector.unregister(job.conn)
    with contextlib.suppress(OSError):
        warm.send_message(job.conn, {"exit": code})
    job.conn.close()
    del jobs[job.pid]
    log(f"child {job.pid} exited {code} after {time.monotonic() - job.started:.2f} s")


def _client_gone(selector, job: Job, log: Log) -> None:
    """The stage's connection is readable: it went away (it never sends more)."""
    try:
        data = job.conn.recv(1)
    except OSError:
        data = b""
    if data:
        return
    selector.unregister(job.conn)
    log(f"stage of child {job.pid} went away: terminating it")
    _terminate(job)


def _terminate(job: Job) -> None:
    job.terminated_at = time.monotonic()
    with contextlib.suppress(OSError):
        os.killpg(job.pid, signal.SIGTERM)


def _escalate(jobs: dict[int, Job]) -> None:
    now = time.monotonic()
    for job in jobs.values():
        if job.terminated_at is not None and now - job.terminated_at > CHILD_TERM_GRACE_S:
            with contextlib.suppress(OSError):
                os.killpg(job.pid, signal.SIGKILL)


def _close_server_side(selector, listener, lock: int, jobs: dict[int, Job], conn, log) -> None:
    """In a new child: drop everything that belongs to the server."""
    selector.close()
    listener.close()
    os.close(lock)
    for job in jobs.values():
        os.close(job.pidfd)
        job.conn.close()
    conn.close()
    log.handle.close()


def _forget_mlgate() -> None:
    for name in [n for n in sys.modules if n == "mlgate" or n.startswith("mlgate.")]:
        del sys.modules[name]


def _reseed() -> None:
    """Fresh entropy for NumPy's global generator (Python's ``random`` reseeds itself on fork):
    children must not share the server's random state."""
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()
