"""Warm stage processes: pipeline stages that do not pay for importing their libraries.

Every DVC stage is a new Python process, and the stages of a generated project spent more time
importing pandas, scikit-learn, scipy, pandera and MLflow than doing their work. Inside a DVC
stage (DVC sets ``DVC_STAGE``), an ``mlgate`` command, ``mlgate run MODULE`` included, hands its
work to a *warm server*: one background process per virtual environment that has imported those
libraries, and none of the project's or mlgate's own modules. For each stage it forks a child
that takes over the stage's arguments, environment, working folder, umask and standard streams,
imports the project and mlgate fresh, runs the command and exits; the stage's process waits for
it, forwards signals (Ctrl-C) to it, and exits with its code. DVC still runs one process per
stage, so each stage keeps its dependencies, outputs and cache.

The first stage that finds no server starts one in the background and runs itself as before;
the next stages use it once it is ready. Outside DVC stages an ``mlgate`` command uses a server
that is already running (after ``dvc repro``, or in a CI job after the pipeline's steps) but
never starts one. A server stops after ``MLGATE_WARM_IDLE`` seconds
without work (default 900), when its environment changes or disappears, or on
``mlgate warm stop``. Anything unusual (no server and none starting, an unsafe runtime folder,
a platform without Unix sockets or pidfds) means the stage simply runs in its own process.

``MLGATE_WARM``: unset, as above; ``0``/``off``: never; ``1``/``on``: every ``mlgate``
command may start a server, as a DVC stage does.

A server serves only processes whose interpreter, interpreter flags, installed packages
(the modification times of the ``sys.path`` folders) and import-relevant environment variables
(:data:`IDENTITY_ENV_PREFIXES`) are its own: these make up its identity, and a process with
another identity starts or finds another server.

This module and :mod:`mlgate.warm.client` use the standard library only, so a stage that hands
its work over costs a bare interpreter start.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

PROTOCOL = 1
"""Bumped whenever client and server change how they talk."""

MODE_ENV = "MLGATE_WARM"
IDLE_ENV = "MLGATE_WARM_IDLE"
DIR_ENV = "MLGATE_WARM_DIR"
PRELOAD_ENV = "MLGATE_WARM_PRELOAD"

DEFAULT_IDLE_S = 900.0
"""How long a server without work stays up: a working session of `dvc repro` runs."""

IDENTITY_ENV_PREFIXES = (
    "PYTHON",
    "LD_",
    "LC_",
    "LANG",
    "TZ",
    "TMPDIR",
    "HOME",
    "OMP_",
    "MKL_",
    "OPENBLAS_",
    "GOTO_",
    "BLIS_",
    "VECLIB_",
    "NUMEXPR_",
    "NUMPY_",
    "SCIPY_",
    "SKLEARN_",
    "PANDAS_",
    "ARROW_",
    "PANDERA_",
    "MLFLOW_",
    "GIT_PYTHON_",
    "JOBLIB_",
    "LOKY_",
    "MLGATE_WARM_PRELOAD",
)
"""Environment variables that libraries read when they are imported (thread pools, locale,
logging, plugin paths); a stage whose values differ gets a server started with its own."""

_OFF = {"0", "off", "false", "no"}
_ON = {"1", "on", "true", "yes"}


START = "start"
"""Use this environment's server, starting one when there is none."""
USE = "use"
"""Use this environment's server when one is running; never start one."""


def wanted(environ: dict[str, str] | os._Environ[str]) -> str | None:
    """How this command may use a warm process: :data:`START`, :data:`USE` or None (never).

    Inside a DVC stage, or with ``MLGATE_WARM=1``: start. Otherwise (a command typed after
    ``dvc repro``, a CI step after the pipeline's): use a server that is already up. With
    ``MLGATE_WARM=0``: never.
    """
    mode = environ.get(MODE_ENV, "").strip().lower()
    if mode in _OFF:
        return None
    if mode in _ON or environ.get("DVC_STAGE"):
        return START
    return USE


def supported() -> bool:
    """Unix sockets that carry file descriptors and pidfds: Linux with Python 3.9+."""
    return (
        sys.platform.startswith("linux")
        and hasattr(socket, "AF_UNIX")
        and hasattr(socket, "send_fds")
        and hasattr(os, "pidfd_open")
        and hasattr(os, "fork")
    )


def idle_seconds(environ: dict[str, str] | os._Environ[str]) -> float:
    """The idle timeout from ``MLGATE_WARM_IDLE`` (seconds), else :data:`DEFAULT_IDLE_S`."""
    try:
        value = float(environ.get(IDLE_ENV, ""))
    except ValueError:
        return DEFAULT_IDLE_S
    return value if value > 0 else DEFAULT_IDLE_S


def identity(environ: dict[str, str] | os._Environ[str]) -> str:
    """The identity a server must share with a stage to serve it, as a short hex digest."""
    paths = []
    for entry in sys.path[1:]:  # sys.path[0] is the script's folder or the cwd: per command
        try:
            paths.append((entry, os.stat(entry or ".").st_mtime_ns))
        except OSError:
            paths.append((entry, None))
    server = Path(__file__).with_name("server.py")
    try:
        server_mtime = server.stat().st_mtime_ns
    except OSError:
        server_mtime = None
    parts = {
        "protocol": PROTOCOL,
        "executable": sys.executable,
        "prefix": sys.prefix,
        "version": sys.version,
        "flags": list(sys.flags),
        "warnoptions": sys.warnoptions,
        "xoptions": sorted(map(str, sys._xoptions.items())),
        "paths": paths,
        "server": [str(server), server_mtime],
        "env": sorted(
            (key, value)
            for key, value in environ.items()
            if key.startswith(IDENTITY_ENV_PREFIXES) and key != IDLE_ENV
        ),
    }
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
    return digest[:20]


@dataclass(frozen=True)
class Place:
    """Where the server of one identity listens and keeps its lock, state and log."""

    folder: Path
    key: str

    @property
    def socket(self) -> Path:
        return self.folder / f"{self.key}.sock"

    @property
    def lock(self) -> Path:
        return self.folder / f"{self.key}.lock"

    @property
    def state(self) -> Path:
        return self.folder / f"{self.key}.json"

    @property
    def log(self) -> Path:
        return self.folder / f"{self.key}.log"


def runtime_folder(environ: dict[str, str] | os._Environ[str], create: bool = True) -> Path | None:
    """The private folder for sockets and locks (``MLGATE_WARM_DIR``, else
    ``$XDG_RUNTIME_DIR/mlgate-warm``, else ``<tmp>/mlgate-warm-<uid>``), created when missing
    unless ``create`` is false.

    None when it is missing (and not created), or not a folder owned by this user and closed to
    everyone else: another user could then put a socket of their own in our way.
    """
    if environ.get(DIR_ENV):
        folder = Path(environ[DIR_ENV])
    elif environ.get("XDG_RUNTIME_DIR"):
        folder = Path(environ["XDG_RUNTIME_DIR"]) / "mlgate-warm"
    else:
        tmp = environ.get("TMPDIR") or "/tmp"
        folder = Path(tmp) / f"mlgate-warm-{os.getuid()}"
    try:
        if create:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        return None
    if info.st_mode & 0o077:
        return None
    return folder


def place(environ: dict[str, str] | os._Environ[str], create: bool = True) -> Place | None:
    """The server place for this process's identity, or None without a safe folder."""
    folder = runtime_folder(environ, create)
    if folder is None:
        return None
    return Place(folder, identity(environ))


def send_message(sock: socket.socket, message: dict) -> None:
    """One JSON message, newline-terminated."""
    sock.sendall(json.dumps(message).encode() + b"\n")
