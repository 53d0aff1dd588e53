"""Shared helpers for the benchmarks: interleaved timing and a plain-text table."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable


def interleaved(runners: dict[str, Callable[[], object]], repeats: int) -> dict[str, list[float]]:
    """Time each runner ``repeats`` times, taking turns, so machine noise hits all alike.

    Each timing includes a ``gc.collect()`` at the end: an engine whose graphs hold
    reference cycles pays here for the memory it leaves behind.
    """
    times: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(repeats):
        for name, run in runners.items():
            gc.collect()
            start = time.perf_counter()
            run()
            gc.collect()
            times[name].append(time.perf_counter() - start)
    return times


def table(rows: list[list[str]], header: list[str]) -> str:
    """Rows as an aligned plain-text table."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)) for row in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def median_ms(samples: list[float]) -> float:
    """The median of the samples, in milliseconds."""
    return 1000.0 * statistics.median(samples)
