"""Wall time of the generated project's whole CI workflow under act, with warm caches.

A default project is generated and committed on main; an ``mlflow server`` (sqlite backend) is
started on loopback and passed as the tracking secret, as a repository would. The workflow runs
once to warm the package caches (uv, pre-commit), then is timed on a push to main: checks and
pipeline in parallel, then promote. The baseline, measured in the same run, is the pipeline done
by hand in one shell: a fresh venv with the project, then ``dvc repro`` and ``mlgate promote``.

    python benchmarks/bench_workflow.py

Writes build/bench/workflow.json.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from _harness import row, write_result

from tests.support.project import install, project_env, render, run_checked
from tests.workflows.act_runner import git, run_act

TARGET_S = 90.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    """An mlflow server on loopback with a sqlite backend; its process and URI."""
    port = _free_port()
    env = {
        **os.environ,
        "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false",
        "MLFLOW_DISABLE_TELEMETRY": "true",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mlflow",
            "server",
            "--backend-store-uri",
            f"sqlite:///{folder / 'server.db'}",
            "--artifacts-destination",
            str(folder / "artifacts"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    )
    uri = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{uri}/health", timeout=2):
                return process, uri
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError("mlflow server did not become healthy in 90 s")


def workflow_run(project: Path, work: Path, uri: str, label: str) -> float:
    """One push to main under act; its wall time, after checking every job passed."""
    copy = work / label / project.name
    shutil.copytree(project, copy, symlinks=True)
    payload = {
        "ref": "refs/heads/main",
        "repository": {"full_name": "octo/bench", "default_branch": "main"},
    }
    run = run_act(
        copy, "push", payload, work / label / "artifacts", secrets={"MLFLOW_TRACKING_URI": uri}
    )
    jobs = run.jobs()
    if run.returncode != 0 or set(jobs.values()) != {"succeeded"} or len(jobs) != 3:
        raise RuntimeError(f"workflow failed: {jobs}\n{run.log[-4000:]}")
    return run.seconds


def by_hand(project: Path, work: Path, uri: str) -> float:
    """The pipeline job's and the promote job's work in one shell, without act or jobs."""
    copy = work / "by-hand" / project.name
    shutil.copytree(project, copy, symlinks=True)
    started = time.perf_counter()
    install(copy)
    env = project_env(copy, {"MLFLOW_TRACKING_URI": uri})
    run_checked(["dvc", "repro"], copy, env)
    run_checked(["mlgate", "promote"], copy, env)
    return time.perf_counter() - started


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-workflow-"))
    server, uri = start_server(work / "server")
    try:
        project = render(work / "project", project_name="Bench Workflow")
        git(project, "add", "-A")
        git(project, "commit", "--quiet", "-m", "Generated project")
        git(project, "branch", "-M", "main")
        cold = workflow_run(project, work, uri, "warm-up")
        warm = workflow_run(project, work, uri, "measured")
        hand = by_hand(project, work, uri)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    print("generated workflow under act (push to main, promote included)")
    print(row("pipeline + promote by hand (baseline)", hand))
    print(row("workflow, first run (caches warming)", cold, hand))
    print(row("workflow, warm caches", warm, hand))
    verdict = "met" if warm < TARGET_S else "NOT met"
    print(f"  target: warm workflow under {TARGET_S:.0f} s -> {verdict}")
    path = write_result(
        "workflow",
        {
            "by_hand_s": hand,
            "workflow_first_s": cold,
            "workflow_warm_s": warm,
            "ratio_warm_to_by_hand": warm / hand,
            "target_s": TARGET_S,
            "target_met": warm < TARGET_S,
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
