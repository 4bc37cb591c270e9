"""Timing a call so that other processes competing for the CPU cannot move the result.

The wall-clock time of a call is the time it ran, plus the time it was blocked (sleeping,
waiting on I/O or a lock), plus the time it was ready to run but waited for a CPU because
other processes held every core. Only the last part depends on the machine's load, and on a
busy machine it dominates: a one-row ``predict`` of 8 ms of work takes 30-70 ms of wall time
on two cores shared with two CPU-bound processes.

On Linux the kernel counts that wait for every thread (``/proc/thread-self/schedstat``, the
second field: nanoseconds spent runnable but not running). :class:`ActiveClock` measures a
call's *active time*, its wall time minus that wait. A model that computes shows its CPU time,
a model that sleeps or waits on I/O per call shows its full latency, and other processes
hogging the cores add nothing.

Where the kernel does not publish the wait (other systems), the clock measures the calling
thread's CPU time (:func:`time.thread_time_ns`): load cannot move it either, but time a call
spends blocked is not counted. :attr:`ActiveClock.kind` says which clock is in use.

Only the calling thread is observed: a model that scores on several threads is measured with
the waits of its worker threads included.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Timed:
    """One timed call, in seconds: its active time, its wall time, and its wait for a CPU
    (None where the kernel does not publish it)."""

    active: float
    wall: float
    waited: float | None


class ActiveClock:
    """Times calls made from the thread that opened it (see the module documentation).

    Use it as a context manager, or call :meth:`close` when done.
    """

    def __init__(self) -> None:
        self._fd: int | None = None
        own = f"/proc/self/task/{threading.get_native_id()}/schedstat"
        for path in ("/proc/thread-self/schedstat", own):
            try:
                fd = os.open(path, os.O_RDONLY)
            except OSError:
                continue
            try:
                self._fd = fd
                self._waited_ns()
                break
            except (OSError, ValueError, IndexError):
                os.close(fd)
                self._fd = None
        self.kind = "active" if self._fd is not None else "cpu"
        """``active`` (wall time minus the wait for a CPU) or ``cpu`` (thread CPU time)."""

    def _waited_ns(self) -> int:
        assert self._fd is not None
        return int(os.pread(self._fd, 128, 0).split()[1])

    def time(self, call: Callable[..., Any], *args: Any) -> Timed:
        """Call ``call(*args)`` and time it."""
        if self._fd is None:
            cpu, wall = time.thread_time_ns(), time.perf_counter_ns()
            call(*args)
            wall, cpu = time.perf_counter_ns() - wall, time.thread_time_ns() - cpu
            return Timed(cpu / 1e9, wall / 1e9, None)
        # The wall-clock reads enclose the wait reads. The kernel adds a wait to the counter
        # when the thread gets a CPU back, so a wait read between the two counts lies inside the
        # wall time: one that falls between two reads is then counted as active time (rare, and
        # the row's median of three calls absorbs it), never subtracted from a call it was not
        # part of (which could make a call's active time zero, or a slow model look fast).
        wall = time.perf_counter_ns()
        waited = self._waited_ns()
        call(*args)
        waited = self._waited_ns() - waited
        wall = time.perf_counter_ns() - wall
        return Timed(max(0, wall - waited) / 1e9, wall / 1e9, waited / 1e9)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> ActiveClock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
