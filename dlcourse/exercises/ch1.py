"""Checks for the exercises of chapter 1, "Background (背景介绍)".

A chapter cell reads::

    from dlcourse.exercises import ch1
    ch1.check_count_params(count_params)   # prints "check count_params: 6/6 passed" or explains

======================  ==================================================================
exercise id             what the student writes
======================  ==================================================================
``ch1.count_params``    ``count_params(sizes)``: the number of weights and biases of an MLP
                        with layer sizes ``[n_in, units_1, ..., units_L]``
======================  ==================================================================

The reference solution (:func:`count_params`) and the catalogue of wrong answers
(:data:`WRONG_ANSWERS`) live in this module, beside the check.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from dlcourse.exercises._core import Check, Exercise, Mismatch, WrongAnswer, expect, fmt
from dlcourse.nn.layers import Dense, InputLayer
from dlcourse.nn.models import Sequential

__all__ = ["EXERCISES", "WRONG_ANSWERS", "check_count_params", "count_params"]


def count_params(sizes: Sequence[int]) -> int:
    """Parameters of an MLP with layer sizes ``[n_in, units_1, ..., units_L]`` (chapter 1).

    Each Dense layer from ``a`` inputs to ``b`` units has ``a · b`` weights (its kernel
    ``(a, b)``) and ``b`` biases, ``(a + 1) · b`` in all; the input layer has none. So
    ``count_params([784, 32, 10]) = 785 · 32 + 33 · 10 = 25,450``, as ``model.count_params()``
    says for [0]'s model. The reference solution of exercise ``ch1.count_params``.
    """
    return sum((n_in + 1) * units for n_in, units in zip(sizes[:-1], sizes[1:], strict=True))


def _pairs(sizes: Sequence[int]) -> list[tuple[int, int]]:
    return list(zip(sizes[:-1], sizes[1:], strict=True))


WRONG_ANSWERS: tuple[WrongAnswer, ...] = (
    WrongAnswer(
        "no_bias",
        lambda sizes: sum(a * b for a, b in _pairs(sizes)),
        "count the biases too: each Dense layer has one bias per unit, so a layer from n_in "
        "inputs to units outputs has n_in * units weights plus units biases.",
    ),
    WrongAnswer(
        "input_layer_counted",
        lambda sizes: sum(a * b for a, b in _pairs(sizes)) + sum(sizes),
        "the input layer is the data itself: it has no weights and no biases. Only the Dense "
        "layers (one per pair of consecutive sizes) have biases, one per unit.",
    ),
    WrongAnswer(
        "bias_per_input",
        lambda sizes: sum(a * b + a for a, b in _pairs(sizes)),
        "a bias belongs to a unit (an output), not to an input: a layer has (n_in + 1) * units "
        "parameters, not n_in * (units + 1).",
    ),
    WrongAnswer(
        "first_layer_only",
        lambda sizes: (sizes[0] + 1) * sizes[1] if len(sizes) > 1 else 0,
        "add up every Dense layer, not only the first: one layer per pair of consecutive sizes "
        "(sizes[i], sizes[i + 1]).",
    ),
    WrongAnswer(
        "last_layer_missing",
        lambda sizes: sum((sizes[i] + 1) * sizes[i + 1] for i in range(len(sizes) - 2)),
        "your loop stops one layer early: with len(sizes) sizes there are len(sizes) - 1 "
        "Dense layers (range(len(sizes) - 1)), the output layer included.",
    ),
)
"""Known wrong answers of ``ch1.count_params``, each with its own hint."""


def _numpy_count(sizes: Sequence[int]) -> int:
    """What ``dlcourse.nn`` counts for the MLP ``sizes`` (the check's reference)."""
    model = Sequential([InputLayer((sizes[0],)), *(Dense(units) for units in sizes[1:])], seed=0)
    return model.count_params() if len(sizes) > 1 else 0


def _whole_number(value: Any, what: str) -> int:
    """``value`` as an int, checking that it is one whole number (an int or an integral float)."""
    if value is None:
        raise Mismatch(f"{what}: a whole number", "None (did you forget `return`?)")
    ok = not isinstance(value, (bool, np.bool_)) and isinstance(
        value, (int, float, np.integer, np.floating)
    )
    if not ok or not np.isfinite(value) or float(value) != int(value):
        raise Mismatch(f"{what}: a whole number (int)", fmt(value))
    return int(value)


def _expect_count(value: Any, expected: int, what: str) -> None:
    count = _whole_number(value, what)
    expect(count == expected, f"{what} = {expected:,}", f"{count:,}")


def _random_networks(seed: int = 11, count: int = 5) -> list[list[int]]:
    rng = np.random.default_rng(seed)
    return [
        [int(n) for n in rng.integers(1, 60, size=depth + 1)]
        for depth in rng.integers(1, 5, size=count)
    ]


def _counts(function: Callable, networks: list[list[int]]) -> list[Any]:
    return [function(list(sizes)) for sizes in networks]


def check_count_params(count_params: Callable) -> None:
    """Check ``count_params(sizes) -> int``, the parameters of an MLP ``[n_in, ..., units_L]``.

    Properties: a whole number for [1]'s XOR model ``[2, 10, 1]``; one Dense layer ``[3, 2]``
    has ``3 · 2 + 2 = 8``; ``[2, 10, 1]`` has 41; [0]'s ``[784, 32, 10]`` has 25,450; five
    seeded random MLPs of 1 to 4 layers agree with ``dlcourse.nn``'s ``count_params()``; an
    input alone, ``[5]``, has 0 (the input layer has no weights). Every expected count comes
    from a ``dlcourse.nn.Sequential`` built with those sizes.

    Raises:
        AssertionError: naming the property that fails, with a hint.
    """
    check = Check("count_params", count_params, WRONG_ANSWERS, argument="count_params")
    networks = _random_networks()
    expected = [_numpy_count(sizes) for sizes in networks]
    check.add(
        "returns one whole number for [2, 10, 1]",
        lambda value: _whole_number(value, "count_params([2, 10, 1])"),
        "return the count as an int: a sum of products of the sizes.",
        args=([2, 10, 1],),
    )
    check.add(
        "one Dense layer, [3, 2]: 3·2 weights + 2 biases",
        lambda value: _expect_count(value, _numpy_count([3, 2]), "count_params([3, 2])"),
        "a Dense layer from n_in inputs to units outputs has a kernel (n_in, units) and a bias "
        "(units,).",
        args=([3, 2],),
    )
    check.add(
        "[1]'s XOR model, [2, 10, 1]",
        lambda value: _expect_count(value, _numpy_count([2, 10, 1]), "count_params([2, 10, 1])"),
        "add the parameters of every Dense layer: (2 + 1)·10 + (10 + 1)·1.",
        args=([2, 10, 1],),
    )
    check.add(
        "[0]'s MNIST model, [784, 32, 10]",
        lambda value: _expect_count(
            value, _numpy_count([784, 32, 10]), "count_params([784, 32, 10])"
        ),
        "(784 + 1)·32 + (32 + 1)·10: each layer's inputs plus one bias, times its units.",
        args=([784, 32, 10],),
    )
    check.add(
        "five seeded random MLPs of 1 to 4 layers agree with dlcourse.nn's count_params()",
        lambda values: _expect_list(values, expected, networks),
        "the count must hold for any depth: loop over all pairs of consecutive sizes.",
        call=lambda fn: _counts(fn, networks),
    )
    check.add(
        "an input alone, [5], has no parameters",
        lambda value: _expect_count(value, 0, "count_params([5])"),
        "with no Dense layer there is nothing to count: the input layer has no weights.",
        args=([5],),
    )
    check.run()


def _expect_list(values: Any, expected: list[int], networks: list[list[int]]) -> None:
    for value, count, sizes in zip(values, expected, networks, strict=True):
        _expect_count(value, count, f"count_params({sizes})")


EXERCISES = (
    Exercise(
        "ch1.count_params",
        "the number of weights and biases of an MLP with the given layer sizes",
        check_count_params,
        count_params,
        WRONG_ANSWERS,
    ),
)
