"""Other processes competing for the CPU, for the tests of timing under load.

The benchmark gate must give the same verdict on a busy machine as on an idle one. These
helpers make the machine busy on purpose: CPU-bound processes that never sleep, started
before and killed after the block, by their own process handles.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

BURN = "while True: pass"


@contextmanager
def competing_processes(count: int = 2) -> Iterator[list[subprocess.Popen]]:
    """``count`` CPU-bound Python processes running for the duration of the block."""
    hogs = [subprocess.Popen([sys.executable, "-c", BURN]) for _ in range(count)]
    try:
        time.sleep(0.2)  # let them start spinning
        for hog in hogs:
            assert hog.poll() is None, "a competing process died"
        yield hogs
    finally:
        for hog in hogs:
            hog.kill()
        for hog in hogs:
            hog.wait()
