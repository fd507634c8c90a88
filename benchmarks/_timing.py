"""Timing shared by the benchmark scripts: medians, because the machines are noisy."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_time(
    fn: Callable[[], object], repeat: int = 7, number: int = 3, *, warm_up: bool = True
) -> float:
    """Median seconds per call over `repeat` batches of `number` calls (after one warm-up)."""
    if warm_up:
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t0) / number)
    return statistics.median(times)
