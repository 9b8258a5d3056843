"""A Keras-style progress bar for ``fit``, ``evaluate`` and ``predict`` (``verbose=1`` and 2)."""

from __future__ import annotations

import sys
import time


def format_logs(logs: dict[str, float]) -> str:
    return " - ".join(f"{k}: {v:.4f}" for k, v in logs.items())


def _format_time(seconds: float) -> str:
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s"
    return f"{seconds * 1e3:.0f}ms"


class Progbar:
    """``12/40 ━━━━━━━━━━━━━━━━━━━━ 1s 25ms/step - accuracy: 0.81 - loss: 0.52``.

    ``verbose=1`` redraws one line with ``\\r`` (throttled to ten updates a second);
    ``verbose=2`` prints one line at the end; ``verbose=0`` prints nothing.
    """

    width = 20

    def __init__(self, total: int, verbose: int = 1, stream=None):
        self.total = total
        self.verbose = verbose
        self.stream = stream or sys.stdout
        self.start = time.perf_counter()
        self._last_draw = 0.0

    def update(self, step: int, logs: dict[str, float] | None = None, final: bool = False) -> None:
        if self.verbose == 0:
            return
        now = time.perf_counter()
        if self.verbose == 2 and not final:
            return
        if self.verbose == 1 and not final and now - self._last_draw < 0.1:
            return
        self._last_draw = now
        elapsed = now - self.start
        per_step = elapsed / max(step, 1)
        suffix = f" - {format_logs(logs)}" if logs else ""
        if self.verbose == 2:
            line = (
                f"{step}/{self.total} - {_format_time(elapsed)} - "
                f"{_format_time(per_step)}/step{suffix}"
            )
            self.stream.write(line + "\n")
        else:
            done = int(self.width * step / max(self.total, 1))
            bar = "━" * done + " " * (self.width - done)
            line = (
                f"\r{step}/{self.total} {bar} {_format_time(elapsed)} "
                f"{_format_time(per_step)}/step{suffix}"
            )
            self.stream.write(line + ("\n" if final else ""))
        self.stream.flush()
