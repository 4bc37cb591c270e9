"""The stage side of a warm process: hand an ``mlgate`` command to the warm server and wait.

:func:`delegate` is called by ``mlgate``'s entry point before anything heavy is imported. It
returns the command's exit code when a warm child ran it, or None when the command should run
in this process (warm processes unwanted or unsupported, no server ready, the server refused
the request before starting anything). Standard library only.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence

from mlgate import warm

START_WAIT_S = 30.0
"""How long a stage waits for a server that another stage is starting, before running itself.
A starting server is importing what the stage would import itself, so waiting is never much
slower than not waiting."""

FORWARDED_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)


def delegate(argv: Sequence[str]) -> int | None:
    """Run ``mlgate ARGV`` in a warm child; its exit code, or None to run it here."""
    mode = warm.wanted(os.environ)
    if mode is None or not warm.supported() or not _standard_streams_open():
        return None
    where = warm.place(os.environ, create=mode == warm.START)
    if where is None:
        return None
    sock = connect(where) if mode == warm.START else _try_connect(where)
    if sock is None:
        return None
    with sock:
        return _run(sock, list(argv))


def connect(where: warm.Place, wait: float = START_WAIT_S) -> socket.socket | None:
    """A connection to the server at ``where``; starts one (and returns None) when there is
    none, waits up to ``wait`` seconds for one that is starting."""
    sock = _try_connect(where)
    if sock is not None:
        return sock
    if not server_running(where):
        start_server(where)
        return None
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        time.sleep(0.02)
        sock = _try_connect(where)
        if sock is not None:
            return sock
        if not server_running(where):
            return None
    return None


def server_running(where: warm.Place) -> bool:
    """Whether a server holds the lock of ``where`` (started, or starting)."""
    try:
        fd = os.open(where.lock, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)  # closing releases a lock taken here
    return False


def start_server(where: warm.Place) -> None:
    """Start a server for this process's identity in the background, detached from the stage
    (own session, no inherited streams), so that nothing waits for it to exit."""
    command = [
        sys.executable,
        "-c",
        "from mlgate.warm.server import main; main()",
        str(where.folder),
        where.key,
    ]
    with contextlib.suppress(OSError):
        subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
            cwd="/",
        )


def _try_connect(where: warm.Place) -> socket.socket | None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(str(where.socket))
    except OSError:
        sock.close()
        return None
    return sock


def _standard_streams_open() -> bool:
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            return False
    return True


def _run(sock: socket.socket, argv: list[str]) -> int | None:
    umask = os.umask(0o022)
    os.umask(umask)
    request = {
        "protocol": warm.PROTOCOL,
        "argv": argv,
        "sys_argv": sys.argv,
        "path0": sys.path[0] if sys.path else "",
        "cwd": os.getcwd(),
        "env": dict(os.environ),
        "umask": umask,
    }
    data = json.dumps(request).encode()
    # The child may start (and be seen running) before the server's first reply names it:
    # signals are caught from before the request, held until the child is known, then passed
    # on; if nothing runs there after all, they are raised here.
    forward = _Forwarder()
    wake_read, wake_write = socket.socketpair()
    wake_write.setblocking(False)
    previous_wakeup = signal.set_wakeup_fd(wake_write.fileno(), warn_on_full_buffer=False)
    previous = {sig: signal.signal(sig, forward) for sig in FORWARDED_SIGNALS}
    try:
        replies = _Replies(sock, wake_read)
        try:
            socket.send_fds(sock, [len(data).to_bytes(8, "big") + data], [0, 1, 2])
            first = replies.next()
        except OSError:
            first = None
        if first is None or "pid" not in first:
            return None  # refused before anything ran: run here
        child = int(first["pid"])
        forward.to(child)
        try:
            last = replies.next()
        except OSError:
            last = None
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        signal.set_wakeup_fd(previous_wakeup)
        wake_read.close()
        wake_write.close()
        for sig in forward.held():
            signal.raise_signal(sig)
    if last is None or "exit" not in last:
        print(
            f"mlgate: the warm server stopped while process {child} ran `mlgate "
            f"{' '.join(argv)}`; its outcome is unknown (set MLGATE_WARM=0 to run stages "
            "in their own processes)",
            file=sys.stderr,
        )
        return 1
    code = int(last["exit"])
    if code < 0:  # the child died of a signal: die of the same one
        sys.stdout.flush()
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
        return 128 - code
    return code


class _Replies:
    """The server's replies, one JSON line each, read so that no signal waits for them.

    Python runs a signal's handler between two bytecodes, and a blocking read is interrupted
    only by a signal that arrives while it blocks, in this thread: one that lands just before
    (or in another thread) would be handled when the read returns, which is when the stage has
    ended. The wait is a ``poll`` of the connection and of the socket the interpreter writes
    to as each signal arrives (``signal.set_wakeup_fd``), so every signal is handled, and
    passed on to the stage, at once.
    """

    def __init__(self, sock: socket.socket, wakeup: socket.socket) -> None:
        self._sock = sock
        self._wakeup = wakeup
        self._buffer = b""
        self._poll = select.poll()
        for each in (sock, wakeup):
            self._poll.register(each, select.POLLIN)

    def next(self) -> dict | None:
        """The next reply, or None when the server closed the connection first."""
        while b"\n" not in self._buffer:
            ready = {fd for fd, _ in self._poll.poll()}
            if self._wakeup.fileno() in ready:
                self._wakeup.recv(4096)  # the handlers run as this returns
            if self._sock.fileno() in ready:
                chunk = self._sock.recv(1 << 16)
                if not chunk:
                    return None
                self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)


class _Forwarder:
    """A signal handler that passes signals on to the stage's child once it is known, and
    holds them until then."""

    def __init__(self) -> None:
        self._child: int | None = None
        self._held: list[int] = []

    def __call__(self, signum: int, frame: object) -> None:
        del frame
        if self._child is None:
            self._held.append(signum)
        else:
            self._kill(signum)

    def to(self, child: int) -> None:
        """From now on signals go to ``child``, the ones held so far first."""
        self._child = child
        held, self._held = self._held, []
        for signum in held:
            self._kill(signum)

    def held(self) -> list[int]:
        """Signals that arrived while no child was known and were never passed on."""
        held, self._held = self._held, []
        return held

    def _kill(self, signum: int) -> None:
        assert self._child is not None
        with contextlib.suppress(OSError):
            os.kill(self._child, signum)
