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


class PreemptedThread:
    """A stand-in for the kernel's counters (in ns): the thread does 1 ms of work per call and
    loses its CPU for 5 ms right after the clock's ``preempt_after``-th read of a counter. As in
    the kernel, the wait reaches the wait counter when the thread gets its CPU back."""

    def __init__(self, preempt_after: int) -> None:
        self.preempt_after = preempt_after
        self.now = self.waited = self.reads = 0

    def _read(self, value: int) -> int:
        self.reads += 1
        if self.reads == self.preempt_after:
            self.now += 5_000_000
            self.waited += 5_000_000
        return value

    def perf_counter_ns(self) -> int:
        return self._read(self.now)

    def waited_ns(self) -> int:
        return self._read(self.waited)

    def work(self) -> None:
        self.now += 1_000_000


@pytest.mark.skipif(ActiveClock().kind != "active", reason="the kernel publishes no CPU wait")
@pytest.mark.parametrize("preempt_after", [1, 2, 3, 4])
def test_a_wait_next_to_a_call_is_never_taken_off_the_calls_own_time(monkeypatch, preempt_after):
    # given a thread that loses its CPU for 5 ms around a 1 ms call: before it starts, during
    # it, or after it ends, between the clock's reads of the wall clock and the wait counter
    kernel = PreemptedThread(preempt_after)
    monkeypatch.setattr(timing, "time", kernel)

    # when the call is timed
    with ActiveClock() as clock:
        monkeypatch.setattr(clock, "_waited_ns", kernel.waited_ns)
        timed = clock.time(kernel.work)

    # then its active time is at least its 1 ms of work: a wait outside the call may be
    # counted in (the conservative side), never subtracted from it
    assert timed.active >= 0.001, timed
    assert timed.wall >= timed.active
