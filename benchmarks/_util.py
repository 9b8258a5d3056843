"""Shared helpers of the benchmark scripts: timing by best-of-N and a plain table printer.

Benchmarks print ratios measured in one run on one machine; they assert nothing, because shared
machines are noisy. Run them with ``make benchmarks`` or ``python benchmarks/<name>.py``.
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable


def best_of(fn: Callable[[], object], repeat: int = 3, warmup: int = 1) -> float:
    """Seconds of the fastest of ``repeat`` runs of ``fn`` after ``warmup`` runs."""
    return race({"fn": fn}, repeat, warmup)["fn"][0]


def race(
    fns: dict[str, Callable[[], object]], repeat: int = 3, warmup: int = 1
) -> dict[str, tuple[float, float]]:
    """Best wall-clock and best CPU seconds of each function, runs interleaved.

    Interleaving (a, b, c, a, b, c, …) exposes every contender to the same background load, and
    the minimum over repeats is the least disturbed run. CPU time (this process, all threads)
    is also reported because it varies less than wall time on a shared machine.
    """
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    wall = {k: [] for k in fns}
    cpu = {k: [] for k in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            w0, c0 = time.perf_counter(), time.process_time()
            fn()
            wall[name].append(time.perf_counter() - w0)
            cpu[name].append(time.process_time() - c0)
    return {k: (min(wall[k]), min(cpu[k])) for k in fns}


def machine() -> str:
    """One line describing where the numbers were measured."""
    return (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )


def table(rows: list[list[str]], header: list[str]) -> str:
    """A Markdown table (the README quotes these)."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(r: list[str]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) + " |"

    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), sep, *(line(r) for r in rows)])
