"""Classroom exercises: checks with hints, and the student-notebook generator.

Each chapter's reference notebook holds exercises between ``### BEGIN SOLUTION`` and
``### END SOLUTION`` (nbgrader's markers). The cell after each exercise calls its check::

    from dlcourse.exercises import ch3
    ch3.check_sigmoid(sigmoid)

A check runs the function on seeded float64 inputs and tests properties (shape, dtype, values
against the package's reference, gradients against finite differences, extreme inputs). It
prints one fixed line, ``check sigmoid: 5/5 passed``, or raises an ``AssertionError`` that says
which property failed, what was expected and received, and a hint; known wrong answers (a
softmax without the max shift, a transposed weight gradient, Adam without bias correction, …)
get their own hint.

:data:`CHECKS` maps every exercise id (``"ch3.sigmoid"``) to its :class:`Exercise`: check,
reference solution and catalogue of wrong answers. ``python -m dlcourse.exercises list`` prints
them; ``python -m dlcourse.exercises student chapters --out student`` writes the student
notebooks (:mod:`dlcourse.exercises.generator`).
"""

from __future__ import annotations

from collections.abc import Callable

from dlcourse.exercises import ch1, ch2, ch3, ch4, ch5, ch6
from dlcourse.exercises._core import Check, Exercise, WrongAnswer

__all__ = [
    "CHECKS",
    "Check",
    "Exercise",
    "WrongAnswer",
    "ch1",
    "ch2",
    "ch3",
    "ch4",
    "ch5",
    "ch6",
    "check",
]

CHECKS: dict[str, Exercise] = {
    exercise.id: exercise
    for module in (ch1, ch2, ch3, ch4, ch5, ch6)
    for exercise in module.EXERCISES
}


def check(exercise_id: str, function: Callable) -> None:
    """Run the check of exercise ``exercise_id`` (e.g. ``"ch3.sigmoid"``) on ``function``.

    Raises:
        ValueError: for an unknown exercise id (the message lists the known ones).
        AssertionError: when ``function`` fails a property (from the check itself).
    """
    if exercise_id not in CHECKS:
        raise ValueError(
            f"Unknown exercise {exercise_id!r}. Expected one of {sorted(CHECKS)}. "
            f"Received: exercise_id={exercise_id!r}"
        )
    CHECKS[exercise_id].check(function)
