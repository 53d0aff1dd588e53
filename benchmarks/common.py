"""Shared helpers for the benchmarks: interleaved timing and a plain-text table."""

from __future__ import annotations

import gc
import platform
import statistics
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def interleaved(
    runners: dict[str, Callable[[], object]], repeats: int, collect_inside: bool
) -> dict[str, list[float]]:
    """Time each runner ``repeats`` times, taking turns, so machine noise hits all alike.

    Every run starts after a ``gc.collect()``, so no engine pays for another's garbage.
    With ``collect_inside`` the timing also includes a ``gc.collect()`` at the end: the
    workload then includes freeing everything, and an engine whose graphs hold reference
    cycles pays for collecting them. Without it, automatic collections during the run are
    billed as they happen and what is left at the end is collected untimed, which
    favours an engine that leaves cyclic garbage behind.
    """
    times: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(repeats):
        for name, run in runners.items():
            gc.collect()
            start = time.perf_counter()
            run()
            if collect_inside:
                gc.collect()
            times[name].append(time.perf_counter() - start)
    return times


def table(rows: list[list[str]], header: list[str]) -> str:
    """Rows as an aligned plain-text table."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip() for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def median_ms(samples: list[float]) -> float:
    """The median of the samples, in milliseconds."""
    return 1000.0 * statistics.median(samples)


def python_line() -> str:
    """The interpreter and its garbage-collector thresholds: the ratios depend on both
    (Python 3.13 runs young collections every 2,000 allocations instead of every 700, which
    helps an engine that allocates many objects per node the most)."""
    return f"Python {platform.python_version()}, gc thresholds {gc.get_threshold()}"


def paused(run: Callable[[], T]) -> T:
    """``run()`` with the cyclic garbage collector switched off (micrograd's fairest case)."""
    from micrograd_notes import gc_paused

    with gc_paused():
        return run()
