"""Benchmark: the optimizer race's precomputation, against DESIGN.md's 50 ms budget.

Times ``dlcourse.widgets.trajectories`` for 5 optimizers × 300 steps on each teaching surface
(best of several runs), and one frame of the race widget (set the step, blit, encode the PNG).
Prints times and their ratio to the budget; it asserts nothing.

    python benchmarks/race.py
"""

from __future__ import annotations

import time

from dlcourse.widgets import SURFACES, optimizer_race, trajectories
from dlcourse.widgets.race import DEFAULT_RACERS

BUDGET_S = 0.050
STEPS = 300
REPEATS = 7


def best_of(fn, repeats: int = REPEATS) -> float:
    """The fastest of ``repeats`` runs of ``fn()``, in seconds."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    print(
        f"trajectories: {len(DEFAULT_RACERS)} optimizers x {STEPS} steps, "
        f"budget {BUDGET_S * 1e3:.0f} ms"
    )
    worst = 0.0
    for name in SURFACES:
        seconds = best_of(lambda name=name: trajectories(name, STEPS, list(DEFAULT_RACERS)))
        worst = max(worst, seconds)
        print(f"  {name:<11} {seconds * 1e3:6.1f} ms   ratio to budget {seconds / BUDGET_S:.2f}")
    print(f"  worst       {worst * 1e3:6.1f} ms   ratio to budget {worst / BUDGET_S:.2f}")

    race = optimizer_race("rosenbrock", steps=STEPS)
    frames = range(0, STEPS + 1, 3)

    def play() -> None:
        for k in frames:
            race.step_slider.value = k

    seconds = best_of(play, repeats=3) / len(frames)
    print(
        f"race frame (set step, blit, PNG): {seconds * 1e3:.1f} ms "
        f"({len(race._png) / 1024:.0f} KiB per frame)"
    )


if __name__ == "__main__":
    main()
