"""What each step of a matching run costs: wall seconds, CPU seconds and peak memory.

CPU seconds (user + system, every thread of the process) are the figure to compare on a shared
machine: wall time there says as much about the neighbours as about the code.
"""

from __future__ import annotations

import resource
import sys
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class StepUsage:
    """The cost of one step."""

    wall_s: float
    cpu_s: float
    """User + system seconds of every thread (Polars and numpy run on several)."""
    peak_mb: float
    """The process's resident-memory high-water mark when the step ended: it only grows, so the
    step where it jumps is the one that set it."""

    def __str__(self) -> str:
        return f"{self.wall_s:.2f}s wall, {self.cpu_s:.2f}s CPU, {self.peak_mb:.0f} MB"


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_mb() -> float:
    """Resident high-water mark of this process so far, in MB (read from the kernel: no
    allocation tracing, which would cost more than the steps it measures)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux counts kilobytes, macOS bytes.
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


class Meter:
    """Laps of a run: each `lap` is what was spent since the previous one (or the start)."""

    def __init__(self) -> None:
        self._wall, self._cpu = time.perf_counter(), _cpu_s()

    def lap(self) -> StepUsage:
        wall, cpu = time.perf_counter(), _cpu_s()
        step = StepUsage(wall - self._wall, cpu - self._cpu, peak_mb())
        self._wall, self._cpu = wall, cpu
        return step
