"""Wall time of the README's test command on a fresh clone, the way CI runs it.

Clones this repository's committed HEAD into build/bench/suite/mlgate and runs
``python3 noxw.py -s tests`` there with ``CI=true``: the first call makes the clone's own
environments (nox and uv, then the test environment), as on a new machine; package downloads
come from uv's cache when this machine has one. Needs what ``.ci/run`` installs first
(PostgreSQL's server binaries).

The baseline, measured in the same run, is the CPU time the command used (user + system of
every process it waited for) spread evenly over the machine's cores: the wall time the suite
would take if no worker ever waited. Prints the wall time of the whole command and of pytest,
the goal (10 minutes), the ratio to the baseline, the busy cores it averaged, and the 15 slowest
tests; writes build/bench/suite.json.

    python benchmarks/bench_suite.py
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from _harness import BUILD, ROOT, row, write_result

GOAL_S = 600.0
CLONE = BUILD / "suite" / "mlgate"

_PASSED = re.compile(r"(?P<passed>\d+) passed.* in (?P<seconds>[\d.]+)s")
_FAILED = re.compile(r"(?P<failed>\d+) failed")
_SLOW = re.compile(r"^(?P<seconds>[\d.]+)s (?P<phase>setup|call|teardown)\s+(?P<test>\S+)$")


def _environment() -> dict[str, str]:
    """This shell's environment as a new CI machine would have it: nothing of this working tree
    on PATH (its environments), no nox or uv settings of this session (``UV_COMPILE_BYTECODE``
    would change the test install)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("NOX_", "UV_", "VIRTUAL_ENV", "PYTHONPATH", "PYTEST_"))
    }
    folders = env.get("PATH", "").split(os.pathsep)
    env["PATH"] = os.pathsep.join(f for f in folders if not Path(f).is_relative_to(ROOT))
    env["CI"] = "true"
    return env


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def slowest(output: str) -> list[dict[str, object]]:
    """The ``--durations`` table of pytest's output, slowest first."""
    rows = []
    for line in output.splitlines():
        found = _SLOW.match(line.strip())
        if found:
            rows.append(
                {
                    "seconds": float(found.group("seconds")),
                    "phase": found.group("phase"),
                    "test": found.group("test"),
                }
            )
    return rows


def main() -> int:
    shutil.rmtree(CLONE.parent, ignore_errors=True)
    CLONE.parent.mkdir(parents=True)
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(CLONE)], check=True)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=CLONE, capture_output=True, text=True
    ).stdout.strip()
    env = _environment()
    python = shutil.which("python3", path=env["PATH"]) or sys.executable
    print(f"suite: {python} noxw.py -s tests in a fresh clone of {commit}", flush=True)

    cpu_before = _children_cpu_s()
    started = time.perf_counter()
    done = subprocess.run(
        [python, "noxw.py", "-s", "tests"],
        cwd=CLONE,
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    cpu = _children_cpu_s() - cpu_before
    output = done.stdout + done.stderr

    summary = _PASSED.search(output)
    failed = _FAILED.search(output)
    if done.returncode != 0 or not summary or failed:
        print(output[-6000:], file=sys.stderr)
        print("suite: the test command failed; no timing written", file=sys.stderr)
        return 1

    cores = os.cpu_count() or 1
    baseline = cpu / cores
    pytest_s = float(summary.group("seconds"))
    table = slowest(output)
    print(row("README test command, fresh clone (wall)", wall, baseline))
    print(row("of which pytest", pytest_s, baseline))
    print(row(f"baseline: CPU time / {cores} cores", baseline))
    print(f"  goal {GOAL_S / 60:.0f} min: {'met' if wall <= GOAL_S else 'not met'}")
    print(f"  busy cores on average: {cpu / wall:.2f} of {cores}")
    print("  slowest tests:")
    for entry in table:
        print(f"    {entry['seconds']:7.2f} s {entry['phase']:<8} {entry['test']}")
    path = write_result(
        "suite",
        {
            "commit": commit,
            "passed": int(summary.group("passed")),
            "wall_s": wall,
            "pytest_s": pytest_s,
            "cpu_s": cpu,
            "baseline_s": baseline,
            "ratio_to_baseline": wall / baseline,
            "busy_cores": cpu / wall,
            "goal_s": GOAL_S,
            "goal_met": wall <= GOAL_S,
            "slowest": table,
        },
    )
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
