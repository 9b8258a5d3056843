"""Checks for the exercises of chapter 4, "Code examples (具体代码实例和详细解释说明)".

A chapter cell reads::

    from dlcourse.exercises import ch4
    ch4.check_build_mlp(build_mlp)    # prints "check build_mlp: 6/6 passed" or explains

==================  ========================================================================
exercise id         what the student writes
==================  ========================================================================
``ch4.build_mlp``   ``build_mlp(input_dim)``: document [0]'s model, Dense(32, relu) →
                    Dense(10, softmax), as a ``dlcourse.nn.Sequential`` (or a Keras model)
``ch4.accuracy``    ``accuracy(y_true, probs)``: the fraction of correct predictions
==================  ========================================================================
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from dlcourse._checks import describe
from dlcourse.exercises import solutions
from dlcourse.exercises._core import Check, Exercise, expect, expect_close, expect_scalar
from dlcourse.exercises.wrong_answers import WRONG_ANSWERS
from dlcourse.nn import activations

__all__ = ["EXERCISES", "check_accuracy", "check_build_mlp"]


def _activation_name(layer: Any) -> str | None:
    act = getattr(layer, "activation", None)
    if act is None:
        return None
    return str(getattr(act, "name", None) or getattr(act, "__name__", None) or act)


def _describe_model(build_mlp: Callable, input_dim: int) -> tuple:
    """``((class, units, activation) per layer, parameter count)`` of ``build_mlp(input_dim)``.

    Works for a ``dlcourse.nn.Sequential`` and for a Keras model (both have ``layers`` and
    ``count_params``); an unbuilt model is built for inputs of ``input_dim`` features.
    """
    model = build_mlp(input_dim)
    if not hasattr(model, "layers") or not hasattr(model, "count_params"):
        return ("not a model", describe(model)), None
    if not getattr(model, "built", True):
        model.build((None, input_dim))
    rows = tuple(
        (type(layer).__name__, getattr(layer, "units", None), _activation_name(layer))
        for layer in model.layers
    )
    return rows, int(model.count_params())


def _dense_rows(described: tuple) -> list[tuple]:
    rows, _ = described
    return [row for row in rows if row[1] is not None]


def check_build_mlp(build_mlp: Callable) -> None:
    """Check ``build_mlp(input_dim=784)``: document [0]'s MLP ``input_dim → 32 (relu) → 10
    (softmax)``.

    Properties: a model is returned; it has two Dense layers (the input layer has no weights);
    the hidden layer is Dense(32, relu); the output layer Dense(10, softmax); it has
    ``64·32 + 32 + 32·10 + 10 = 2410`` parameters for 64 inputs and 25,450 for 784.
    """
    check = Check("build_mlp", build_mlp, WRONG_ANSWERS["ch4.build_mlp"], argument="build_mlp")
    layers_hint = (
        "Sequential([Dense(32, activation='relu', input_shape=(input_dim,)), "
        "Dense(10, activation='softmax')])."
    )

    def verify_model(described):
        rows, _ = described
        expect(
            rows[0] != "not a model",
            "a model with layers (e.g. dlcourse.nn.Sequential)",
            str(rows[-1]),
        )

    def verify_two(described):
        dense = _dense_rows(described)
        expect(
            len(dense) == 2,
            "two Dense layers (hidden and output)",
            f"{len(dense)} layers with units {[row[1] for row in dense]}",
        )

    def verify_layer(index: int, units: int, activation: str):
        def verify(described):
            row = _dense_rows(described)[index]
            expect(
                row[1:] == (units, activation),
                f"Dense({units}, activation='{activation}')",
                f"Dense({row[1]}, activation='{row[2]}')",
            )

        return verify

    def verify_count(expected: int):
        def verify(described):
            expect(
                described[1] == expected, f"{expected:,} parameters", f"{described[1]:,} parameters"
            )

        return verify

    check.add(
        "returns a model",
        verify_model,
        "return the model you built.",
        call=_describe_model,
        args=(64,),
    )
    check.add(
        "two Dense layers: the input layer has no weights",
        verify_two,
        layers_hint,
        call=_describe_model,
        args=(64,),
    )
    check.add(
        "the hidden layer is Dense(32, activation='relu')",
        verify_layer(0, 32, "relu"),
        layers_hint,
        call=_describe_model,
        args=(64,),
    )
    check.add(
        "the output layer is Dense(10, activation='softmax')",
        verify_layer(1, 10, "softmax"),
        layers_hint,
        call=_describe_model,
        args=(64,),
    )
    check.add(
        "2,410 parameters for 64 inputs (64·32 + 32 + 32·10 + 10)",
        verify_count(2410),
        "each Dense layer has in × units weights plus units biases.",
        call=_describe_model,
        args=(64,),
    )
    check.add(
        "25,450 parameters for 784 inputs, as in document [0]",
        verify_count(25450),
        "the first layer's input_shape is (input_dim,).",
        call=_describe_model,
        args=(784,),
    )
    check.run()


def check_accuracy(accuracy: Callable) -> None:
    """Check ``accuracy(y_true, probs)``: the fraction of samples whose most probable class is
    the label.

    Properties: one number in [0, 1]; the value on 6 samples of 4 classes; perfect predictions
    give 1.0.
    """
    check = Check("accuracy", accuracy, WRONG_ANSWERS["ch4.accuracy"], argument="accuracy")
    rng = np.random.default_rng(44)
    probs = activations.softmax(rng.normal(0.0, 2.0, size=(6, 4)))
    predicted = probs.argmax(axis=1)
    y = np.concatenate([predicted[:3], (predicted[3:] + 1) % 4])

    def verify_fraction(out):
        value = expect_scalar(out, "the accuracy")
        expect(0.0 <= value <= 1.0, "a fraction between 0 and 1", f"{value:g}")

    check.add(
        "returns one number between 0 and 1",
        verify_fraction,
        "return the mean of the correct predictions.",
        args=(y, probs),
    )
    check.add(
        "3 of 6 samples right gives 0.5",
        lambda out: expect_close(out, solutions.accuracy(y, probs), "the accuracy", rtol=1e-12),
        "compare probs.argmax(axis=1) with y_true and take the mean.",
        args=(y, probs),
    )
    check.add(
        "perfect predictions give 1.0",
        lambda out: expect_close(out, 1.0, "the accuracy", rtol=1e-12),
        "a sample is right when its most probable class is its label.",
        args=(predicted, probs),
    )
    check.run()


EXERCISES = (
    Exercise(
        "ch4.build_mlp",
        "document [0]'s MLP: Dense(32, relu) → Dense(10, softmax)",
        check_build_mlp,
        solutions.build_mlp,
        WRONG_ANSWERS["ch4.build_mlp"],
    ),
    Exercise(
        "ch4.accuracy",
        "accuracy from predicted probabilities",
        check_accuracy,
        solutions.accuracy,
        WRONG_ANSWERS["ch4.accuracy"],
    ),
)
