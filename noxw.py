#!/usr/bin/env python3
"""Run a nox session on a machine that has only Python 3.11+ and git.

    python3 noxw.py -s demo      generate a project with the defaults and run its pipeline
    python3 noxw.py -s tests     the whole test suite

The first call makes a private environment in .nox-bootstrap/ with nox and uv (from the
package index); later calls reuse it. Arguments are passed to nox unchanged.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
BOOTSTRAP = ROOT / ".nox-bootstrap"
REQUIREMENTS = ["nox>=2025.2.9", "uv>=0.5"]


def _bin(name: str) -> Path:
    folder = "Scripts" if os.name == "nt" else "bin"
    return BOOTSTRAP / folder / name


def ensure_bootstrap() -> None:
    marker = BOOTSTRAP / "requirements.txt"
    wanted = "\n".join(REQUIREMENTS) + "\n"
    if marker.is_file() and marker.read_text() == wanted and _bin("nox").exists():
        return
    if sys.version_info < (3, 11):  # noqa: UP036 - this script may be run by any python3
        sys.exit(f"noxw.py: Python 3.11 or newer is needed, this is {sys.version.split()[0]}")
    print(f"noxw.py: creating {BOOTSTRAP.name}/ with {', '.join(REQUIREMENTS)}", flush=True)
    venv.EnvBuilder(with_pip=True, clear=True).create(BOOTSTRAP)
    python = _bin("python")
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            *REQUIREMENTS,
        ],
        check=True,
    )
    marker.write_text(wanted)


def main() -> int:
    ensure_bootstrap()
    env = dict(os.environ)
    # nox finds uv (its fast backend) and the interpreters through PATH.
    env["PATH"] = f"{_bin('nox').parent}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run([str(_bin("nox")), *sys.argv[1:]], cwd=ROOT, env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
