"""The environment `nox -s tests` gives the suite: what its processes may do to stay fast."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.skipif(
    os.environ.get("NOX_CURRENT_SESSION") != "tests", reason="checks the nox tests session"
)
def test_the_suites_processes_cache_the_bytecode_they_compile() -> None:
    # given the processes the suite starts from its own interpreter (as it starts mlflow
    # server, the CLI and the promotion trials), whatever the calling shell sets
    child = subprocess.run(
        [sys.executable, "-c", "import sys; print(sys.dont_write_bytecode)"],
        capture_output=True,
        text=True,
        check=True,
    )

    # then neither this worker nor its children compile every import from source again
    assert sys.dont_write_bytecode is False
    assert child.stdout.strip() == "False"
