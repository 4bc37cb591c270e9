"""The active clock: a call's time without its wait for a CPU held by other processes."""

from __future__ import annotations

import statistics
import time

import pytest

from mlgate import timing
from mlgate.timing import ActiveClock
from tests.unit.contention import competing_processes


def burn(seconds: float) -> float:
    """Spin the CPU for ``seconds`` of this thread's CPU time; return the CPU time spent."""
    start = time.thread_time()
    while time.thread_time() - start < seconds:
        pass
    return time.thread_time() - start


def test_a_sleeping_call_counts_in_full():
    # given the clock, when a call sleeps 50 ms, then all of it is the call's time
    with ActiveClock() as clock:
        timed = clock.time(time.sleep, 0.05)
    assert timed.active >= 0.05
    assert timed.wall >= timed.active


@pytest.mark.skipif(ActiveClock().kind != "active", reason="the kernel publishes no CPU wait")
def test_waiting_for_a_cpu_is_not_counted_when_other_processes_hold_the_cores():
    # given two CPU-bound processes competing with this one for the two cores
    with competing_processes(2), ActiveClock() as clock:
        # when CPU-bound calls of 50 ms each are timed
        spent, calls = [], []
        for _ in range(10):
            calls.append(clock.time(lambda: spent.append(burn(0.05))))

    # then the wall clock saw the wait, and the active time is the CPU time, not the wall time
    assert sum(c.waited for c in calls) > 0.05
    assert sum(c.wall for c in calls) > sum(spent) + 0.05
    ratios = [c.active / cpu for c, cpu in zip(calls, spent, strict=True)]
    assert 0.8 < statistics.median(ratios) < 1.25, ratios


def test_without_the_kernel_wait_the_clock_falls_back_to_cpu_time(monkeypatch):
    # given a system whose kernel publishes no wait for a CPU
    real_open = timing.os.open

    def no_schedstat(path, *args, **kwargs):
        if "schedstat" in str(path):
            raise FileNotFoundError(path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(timing.os, "open", no_schedstat)

    # when calls are timed, then the clock says it measures CPU time, and a sleep is not counted
    with ActiveClock() as clock:
        assert clock.kind == "cpu"
        slept = clock.time(time.sleep, 0.05)
        worked = clock.time(burn, 0.05)
    assert slept.active < 0.02 and slept.waited is None
    assert worked.active >= 0.05
