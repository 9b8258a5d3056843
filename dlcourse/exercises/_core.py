"""The machinery behind every exercise check: run properties, recognise wrong answers, report.

A check runs the student's function on seeded float64 inputs and tests a list of *properties*
(the output's shape, its dtype, its values against the package's reference, a gradient against
finite differences, extreme inputs). Each property is run in a guard that turns NumPy's
floating-point warnings (overflow, division by zero, invalid values) into errors, so a function
that overflows on ``±1e4`` fails instead of printing a warning.

- When every property holds, the check prints exactly one line, ``check sigmoid: 5/5 passed``
  (no timings, so nbval can compare it).
- At the first property that fails, it raises an ``AssertionError`` that says which property,
  what was expected and what was received, and gives a hint. When the student's function behaves
  like a catalogued wrong answer (it passes the same earlier properties and gives the same output
  or the same error on the failing one), the hint is that wrong answer's own hint.
- A function that still raises ``NotImplementedError`` gets a friendly "not answered yet".

Every exercise's check is built like this (see :mod:`dlcourse.exercises.ch3`)::

    check = Check("sigmoid", student_fn, WRONG_ANSWERS["ch3.sigmoid"])
    check.add("output shape equals input shape", verify, hint="...", args=(x,))
    ...
    check.run()
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dlcourse._checks import describe

__all__ = [
    "Check",
    "Exercise",
    "Mismatch",
    "WrongAnswer",
    "expect",
    "expect_array",
    "expect_close",
    "expect_gradient",
    "expect_scalar",
    "fmt",
]


@dataclass(frozen=True)
class WrongAnswer:
    """A known wrong answer to an exercise, with the hint that a student who wrote it needs.

    Attributes:
        name: short identifier, e.g. ``"no_max_shift"``.
        function: an implementation that makes this mistake (same signature as the exercise).
        hint: what to change, shown when the student's function behaves like ``function``.
    """

    name: str
    function: Callable[..., Any]
    hint: str


@dataclass(frozen=True)
class Exercise:
    """One exercise of the registry :data:`dlcourse.exercises.CHECKS`.

    Attributes:
        id: ``"chN.name"``, e.g. ``"ch3.sigmoid"``.
        summary: one line saying what the student writes.
        check: ``check(student_fn)``, prints the fixed line or raises ``AssertionError``.
        solution: the reference solution (passes ``check``).
        wrong_answers: the catalogue of known wrong answers, each recognised by ``check``.
    """

    id: str
    summary: str
    check: Callable[[Callable[..., Any]], None]
    solution: Callable[..., Any]
    wrong_answers: tuple[WrongAnswer, ...] = field(default=())


class Mismatch(Exception):
    """Raised by a property's ``verify`` function: what was expected and what was received."""

    def __init__(self, expected: str, received: str) -> None:
        super().__init__(f"expected {expected}; received {received}")
        self.expected = expected
        self.received = received


@dataclass(frozen=True)
class _Property:
    label: str
    verify: Callable[[Any], None]
    hint: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    call: Callable[..., Any] | None


@dataclass(frozen=True)
class _Outcome:
    value: Any = None
    error: Exception | None = None


class Check:
    """The properties of one exercise, run on a student's function.

    Args:
        name: the exercise's short name, printed in ``check <name>: N/N passed``.
        function: the student's function.
        wrong_answers: the exercise's catalogue of known wrong answers.
        argument: the name of ``function`` in error messages. Default ``"function"``.

    Raises:
        TypeError: if ``function`` is not callable.
    """

    def __init__(
        self,
        name: str,
        function: Any,
        wrong_answers: Sequence[WrongAnswer] = (),
        argument: str = "function",
    ) -> None:
        if not callable(function):
            raise TypeError(
                f"Argument `{argument}` must be the function you wrote (pass the function itself, "
                f"not its result). Received: {describe(function)}"
            )
        self.name = name
        self.function = function
        self.wrong_answers = tuple(wrong_answers)
        self._properties: list[_Property] = []

    def add(
        self,
        label: str,
        verify: Callable[[Any], None],
        hint: str,
        *,
        args: tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
        call: Callable[..., Any] | None = None,
    ) -> None:
        """Add a property.

        Args:
            label: what the property says, e.g. ``"rows sum to 1"``.
            verify: ``verify(value)`` raises :class:`Mismatch` when ``value`` is wrong.
            hint: the general hint when no catalogued wrong answer matches.
            args, kwargs: inputs, deep-copied before every call (so a function that modifies
                its input cannot disturb the next property).
            call: ``call(fn, *args, **kwargs) -> value``; default ``fn(*args, **kwargs)``.
        """
        self._properties.append(_Property(label, verify, hint, args, dict(kwargs or {}), call))

    def run(self) -> None:
        """Run every property in order; print the fixed line, or raise at the first failure."""
        total = len(self._properties)
        for index, prop in enumerate(self._properties):
            outcome = _execute(prop, self.function)
            if isinstance(outcome.error, NotImplementedError):
                raise AssertionError(
                    f"check {self.name}: not answered yet. Your function still raises "
                    "NotImplementedError: replace `raise NotImplementedError()` with your answer, "
                    "run that cell, then run this check again."
                ) from None
            problem = _problem(prop, outcome)
            if problem is not None:
                hint = self._known_hint(index, outcome) or prop.hint
                expected, received = problem
                message = (
                    f"check {self.name} failed property {index + 1}/{total}: {prop.label}\n"
                    f"  expected: {expected}\n"
                    f"  received: {received}\n"
                    f"  hint: {hint}"
                )
                raise AssertionError(message) from outcome.error
        print(f"check {self.name}: {total}/{total} passed")

    def _known_hint(self, failed: int, outcome: _Outcome) -> str | None:
        """The hint of the first wrong answer that passes the properties before ``failed``
        and gives the same output (or the same error) as the student's on ``failed``."""
        for wrong in self.wrong_answers:
            earlier_pass = all(
                _problem(prop, _execute(prop, wrong.function)) is None
                for prop in self._properties[:failed]
            )
            if earlier_pass and _same_outcome(
                _execute(self._properties[failed], wrong.function), outcome
            ):
                return wrong.hint
        return None


def _execute(prop: _Property, function: Callable[..., Any]) -> _Outcome:
    """Call ``function`` on fresh copies of the property's inputs, NumPy warnings as errors."""
    args, kwargs = copy.deepcopy(prop.args), copy.deepcopy(prop.kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            try:
                if prop.call is None:
                    value = function(*args, **kwargs)
                else:
                    value = prop.call(function, *args, **kwargs)
            except Exception as exc:  # any error of the student's code is reported, not raised
                return _Outcome(error=exc)
    return _Outcome(value=value)


def _problem(prop: _Property, outcome: _Outcome) -> tuple[str, str] | None:
    """``(expected, received)`` if the outcome fails the property, else None."""
    if outcome.error is not None:
        error = outcome.error
        received = f"{type(error).__name__}: {error}"
        if isinstance(error, (FloatingPointError, RuntimeWarning)):
            received += " (inside a check NumPy's overflow and division warnings are errors)"
        return "no error", received
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)  # NaN or inf in a wrong answer
            prop.verify(outcome.value)
    except Mismatch as mismatch:
        return mismatch.expected, mismatch.received
    except Exception as exc:  # a result of an unexpected kind or shape
        return "a result this check can read", f"{fmt(outcome.value)} ({type(exc).__name__}: {exc})"
    return None


def _same_outcome(a: _Outcome, b: _Outcome) -> bool:
    if a.error is not None or b.error is not None:
        return (
            a.error is not None
            and b.error is not None
            and type(a.error) is type(b.error)
            and str(a.error) == str(b.error)
        )
    return _same_value(a.value, b.value)


def _sorted_keys(d: dict) -> list:
    try:
        return sorted(d)
    except TypeError:  # keys of several kinds
        return sorted(d, key=repr)


def _same_value(a: Any, b: Any) -> bool:
    """Equal up to rounding: arrays and numbers elementwise, containers item by item."""
    if isinstance(a, dict) or isinstance(b, dict):
        if not (isinstance(a, dict) and isinstance(b, dict)) or len(a) != len(b):
            return False
        keys_a, keys_b = _sorted_keys(a), _sorted_keys(b)
        return all(
            _same_value(ka, kb) and _same_value(a[ka], b[kb])
            for ka, kb in zip(keys_a, keys_b, strict=True)
        )
    if isinstance(a, (tuple, list)) or isinstance(b, (tuple, list)):
        if not (isinstance(a, (tuple, list)) and isinstance(b, (tuple, list))):
            return False
        return len(a) == len(b) and all(_same_value(x, y) for x, y in zip(a, b, strict=True))
    try:
        arr_a, arr_b = np.asarray(a), np.asarray(b)
    except Exception:  # pragma: no cover - exotic objects
        return a is b
    numeric = all(
        np.issubdtype(arr.dtype, np.number) or arr.dtype == bool for arr in (arr_a, arr_b)
    )
    if not numeric:
        try:
            return bool(a == b)
        except Exception:  # pragma: no cover - objects whose == fails
            return False
    if arr_a.shape != arr_b.shape:
        return False
    return bool(
        np.allclose(
            arr_a.astype(np.float64),
            arr_b.astype(np.float64),
            rtol=1e-6,
            atol=1e-12,
            equal_nan=True,
        )
    )


# ------------------------------------------------------------------- verification helpers


def fmt(value: Any, count: int = 4) -> str:
    """A short, deterministic text of ``value``: shape and the first ``count`` numbers."""
    if isinstance(value, (np.ndarray, np.generic)) or np.isscalar(value):
        arr = np.asarray(value)
        if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
            return describe(value)
        if arr.ndim == 0:
            return _number(arr[()])
        numbers = ", ".join(_number(v) for v in arr.ravel()[:count])
        more = ", ..." if arr.size > count else ""
        return f"shape {arr.shape}, values [{numbers}{more}]"
    return describe(value)


def _number(v: Any) -> str:
    return f"{v:.6g}" if isinstance(v, (float, np.floating)) else str(v)


def expect(condition: bool, expected: str, received: str) -> None:
    """Raise :class:`Mismatch` unless ``condition``."""
    if not condition:
        raise Mismatch(expected, received)


def expect_array(
    value: Any, shape: tuple[int, ...], what: str = "the output", dtype: Any = None
) -> np.ndarray:
    """``value`` as an array, checking that it is numeric, of ``shape`` (and ``dtype``)."""
    if value is None:
        raise Mismatch(f"{what}: an array of shape {shape}", "None (did you forget `return`?)")
    if not isinstance(value, (np.ndarray, np.generic, int, float, list, tuple)):
        raise Mismatch(f"{what}: an array of shape {shape}", describe(value))
    arr = np.asarray(value)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise Mismatch(f"{what}: an array of numbers of shape {shape}", describe(value))
    if arr.shape != tuple(shape):
        raise Mismatch(f"{what} of shape {tuple(shape)}", f"shape {arr.shape}")
    if dtype is not None and arr.dtype != np.dtype(dtype):
        raise Mismatch(f"{what} of dtype {np.dtype(dtype)}", f"dtype {arr.dtype}")
    return arr


def expect_scalar(value: Any, what: str = "the result") -> float:
    """``value`` as a Python float, checking that it is one real number."""
    if value is None:
        raise Mismatch(f"{what}: a number", "None (did you forget `return`?)")
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise Mismatch(f"{what}: a number", describe(value)) from None
    if arr.size != 1 or arr.ndim > 1:
        raise Mismatch(f"{what}: one number", f"shape {arr.shape}")
    return float(arr.reshape(()))


def expect_close(
    value: Any, expected: Any, what: str = "the values", rtol: float = 1e-7, atol: float = 0.0
) -> None:
    """Raise :class:`Mismatch` unless ``value`` equals ``expected`` within the tolerances.

    The message shows the first entry that differs, its expected and received numbers, and the
    largest absolute difference.
    """
    expected = np.asarray(expected, dtype=np.float64)
    received = expect_array(value, expected.shape, what).astype(np.float64)
    bad = ~np.isclose(received, expected, rtol=rtol, atol=atol, equal_nan=False)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        worst = float(np.nanmax(np.abs(received - expected)))
        where = f"at index {index} " if index else ""
        raise Mismatch(
            f"{what} {fmt(expected)} ({_tolerance(rtol, atol)})",
            f"{fmt(received)}; {int(bad.sum())} of {bad.size} differ, first {where}expected "
            f"{expected[index]:.6g}, received {received[index]:.6g}; largest difference "
            f"{worst:.3g}",
        )


def _tolerance(rtol: float, atol: float) -> str:
    if rtol == 0 and atol == 0:
        return "exactly"
    parts = ([f"rtol {rtol:g}"] if rtol else []) + ([f"atol {atol:g}"] if atol else [])
    return ", ".join(parts)


def expect_gradient(
    analytic: Any, numerical: np.ndarray, what: str, tolerance: float = 1e-6
) -> None:
    """Compare a gradient with its finite-difference estimate by the largest relative error."""
    from dlcourse.gradcheck import rel_error

    analytic = expect_array(analytic, numerical.shape, what)
    if not np.isfinite(analytic).all():
        raise Mismatch(f"{what}: finite numbers", fmt(analytic))
    error = rel_error(analytic, numerical)
    if error > tolerance:
        raise Mismatch(
            f"{what} equal to finite differences, {fmt(numerical)} (relative error < "
            f"{tolerance:g})",
            f"{fmt(analytic)}; relative error {error:.2g}",
        )
