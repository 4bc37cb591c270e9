"""Shared pieces of the benchmark scripts: timing, a generated project, result files.

Each benchmark measures its baseline in the same run as the thing it judges, prints the
ratio, and writes its numbers to build/bench/<name>.json.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build" / "bench"
sys.path.insert(0, str(ROOT))


def timed(command: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    """Wall time of one run of ``command``; raises with its output if it fails."""
    start = time.perf_counter()
    done = subprocess.run(list(command), cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return elapsed


def median_of(repeats: int, measure: Callable[[], float]) -> tuple[float, list[float]]:
    samples = [measure() for _ in range(repeats)]
    return statistics.median(samples), samples


def write_result(name: str, data: dict) -> Path:
    BUILD.mkdir(parents=True, exist_ok=True)
    data = {"benchmark": name, "machine": machine(), **data}
    path = BUILD / f"{name}.json"
    path.write_text(json.dumps(data, indent=2) + "\n")
    return path


def machine() -> dict[str, object]:
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "system": platform.system(),
    }


def row(label: str, seconds: float, baseline: float | None = None) -> str:
    ratio = f"{seconds / baseline:6.2f}x" if baseline else ""
    return f"  {label:<44} {seconds:8.2f} s  {ratio}"
