"""DVC as a user runs it in a generated project, for the workflow tests: new raw data recorded,
pushed to the project's remote and committed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from tests.workflows.act_runner import git


def dvc(project: Path, *args: str, env: dict[str, str] | None = None) -> None:
    """Run DVC in ``project`` as a user would (from this test environment's DVC)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    done = subprocess.run(
        [sys.executable, "-m", "dvc", *args],
        cwd=project,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"dvc {' '.join(args)}: {done.stdout}{done.stderr}"


def commit_new_data(project: Path, frame: pd.DataFrame, env: dict[str, str] | None = None) -> None:
    """A user's new data: replace the raw file, record it with DVC, push it, commit the record."""
    frame.to_csv(project / "data" / "raw" / "dataset.csv", index=False)
    dvc(project, "add", "data/raw/dataset.csv", env=env)
    dvc(project, "push", env=env)
    git(project, "add", "-A")
    git(project, "commit", "--quiet", "-m", "New raw data")
