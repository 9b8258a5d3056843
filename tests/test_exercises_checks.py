"""Tests of the exercise checks: every reference solution passes with the fixed line, every
catalogued wrong answer fails with its own hint, a blank exercise is "not answered yet"."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import dlcourse.exercises as exercises
from dlcourse.exercises import CHECKS, ch3
from dlcourse.exercises._core import Check, Mismatch, expect_close, fmt

IDS = sorted(CHECKS)
WRONG = [(eid, wrong) for eid in IDS for wrong in CHECKS[eid].wrong_answers]


def _message(exercise_id: str, function) -> str:
    with pytest.raises(AssertionError) as info:
        CHECKS[exercise_id].check(function)
    return str(info.value)


# ------------------------------------------------------------------------------ the registry


def test_registry_has_at_least_15_checks_across_chapters_2_to_6():
    assert len(CHECKS) >= 15
    chapters = {eid.split(".")[0] for eid in CHECKS}
    assert chapters >= {"ch2", "ch3", "ch4", "ch5", "ch6"}
    for eid, exercise in CHECKS.items():
        assert exercise.id == eid
        chapter, name = eid.split(".")
        module = getattr(exercises, chapter)
        assert getattr(module, f"check_{name}") is exercise.check
        assert exercise.summary


def test_every_exercise_catalogues_wrong_answers_with_distinct_names():
    for eid, exercise in CHECKS.items():
        names = [w.name for w in exercise.wrong_answers]
        assert len(names) >= 1, eid
        assert len(set(names)) == len(names), eid
    for classic in (
        "ch3.sigmoid",
        "ch3.softmax",
        "ch3.cross_entropy",
        "ch3.dense_backward",
        "ch3.adam_step",
        "ch3.momentum_step",
    ):
        assert len(CHECKS[classic].wrong_answers) >= 2, classic


def test_the_issues_examples_are_catalogued():
    names = {eid: {w.name for w in CHECKS[eid].wrong_answers} for eid in CHECKS}
    assert "no_max_shift" in names["ch3.softmax"]
    assert "naive" in names["ch3.sigmoid"]
    assert "dW_transposed" in names["ch3.dense_backward"]
    assert "db_not_summed" in names["ch3.dense_backward"]
    assert "no_bias_correction" in names["ch3.adam_step"]


# ------------------------------------------------------------------------- solutions pass


@pytest.mark.parametrize("exercise_id", IDS)
def test_reference_solution_passes_with_one_fixed_line(exercise_id, capsys):
    exercise = CHECKS[exercise_id]
    exercise.check(exercise.solution)
    first = capsys.readouterr().out
    exercise.check(exercise.solution)
    second = capsys.readouterr().out
    name = exercise_id.split(".")[1]
    lines = first.splitlines()
    assert len(lines) == 1 and first.endswith("\n")
    prefix, counts = lines[0].rsplit(": ", 1)
    passed, total = counts.removesuffix(" passed").split("/")
    assert prefix == f"check {name}" and counts.endswith(" passed")
    assert passed == total and int(total) >= 3
    assert second == first  # deterministic: nbval compares it


def test_sigmoid_line_is_the_issues_example(capsys):
    ch3.check_sigmoid(CHECKS["ch3.sigmoid"].solution)
    assert capsys.readouterr().out == "check sigmoid: 5/5 passed\n"


def test_check_by_id(capsys):
    exercises.check("ch3.softmax", CHECKS["ch3.softmax"].solution)
    assert capsys.readouterr().out == "check softmax: 6/6 passed\n"
    with pytest.raises(ValueError, match=r"Unknown exercise 'ch3\.nope'.*ch3\.sigmoid"):
        exercises.check("ch3.nope", print)


# ---------------------------------------------------------------------- wrong answers fail


@pytest.mark.parametrize(
    ("exercise_id", "wrong"), WRONG, ids=[f"{eid}-{w.name}" for eid, w in WRONG]
)
def test_catalogued_wrong_answer_fails_with_its_own_hint(exercise_id, wrong, capsys):
    message = _message(exercise_id, wrong.function)
    name = exercise_id.split(".")[1]
    assert message.startswith(f"check {name} failed property ")
    assert "\n  expected: " in message and "\n  received: " in message
    assert message.endswith(f"\n  hint: {wrong.hint}")
    assert capsys.readouterr().out == ""  # no "passed" line


def test_hints_are_specific_to_each_wrong_answer():
    """Two wrong answers share a hint only where they make the same mistake (both overflow)."""
    for eid, exercise in CHECKS.items():
        hints = [w.hint for w in exercise.wrong_answers]
        shared = {h for h in hints if hints.count(h) > 1}
        if eid == "ch3.sigmoid":
            assert {w.name for w in exercise.wrong_answers if w.hint in shared} == {
                "naive",
                "where_both_branches",
            }
        else:
            assert not shared, eid


def test_issue_softmax_hint_text():
    message = _message("ch3.softmax", lambda x: np.exp(x) / np.exp(x).sum(-1, keepdims=True))
    assert "your softmax overflows for large inputs: subtract the row maximum first" in message
    assert "property 6/6" in message and "FloatingPointError: overflow" in message


def test_student_error_is_chained_for_its_traceback():
    with pytest.raises(AssertionError) as info:
        ch3.check_sigmoid(lambda x: 1 / (1 + np.exp(-x)))
    assert isinstance(info.value.__cause__, FloatingPointError)


def test_unknown_wrong_answer_gets_the_property_hint():
    # Normalising by the sum of the whole array is not catalogued: the general hint applies.
    message = _message("ch3.softmax", lambda x: np.exp(x) / np.exp(x).sum())
    assert "property 3/6: each row sums to 1" in message
    assert message.endswith("hint: divide by the sum over the last axis (the classes).")


def test_gradient_slightly_off_is_caught_by_finite_differences():
    def dense_backward(dout, x, W):
        return dout @ W.T, x.T @ dout * (1 + 1e-4), dout.sum(axis=0)

    message = _message("ch3.dense_backward", dense_backward)
    assert "property 3/4: dW equals finite differences" in message
    assert "relative error 5e-05" in message


def test_unreadable_result_and_nan_are_reported_without_warnings(recwarn):
    message = _message("ch3.softmax", lambda x: np.full(x.shape[::-1], np.nan).T.copy())
    assert (
        "property 3/6: each row sums to 1" in message
        and "received: shape (4,), values [nan" in message
    )
    check = Check("demo", lambda: 3.0)
    check.add("a row", lambda out: np.sum(out, axis=1), "return rows")
    with pytest.raises(
        AssertionError,
        match=r"expected: a result this check can read\n"
        r"  received: 3 \(AxisError: ",
    ):
        check.run()
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_missing_return_is_named():
    message = _message("ch3.sigmoid", lambda x: None)
    assert "received: None (did you forget `return`?)" in message


def test_the_textbook_forms_pass_too(capsys):
    """Momentum's textbook form moves w like Keras' form; Adam's Algorithm 1 is accepted."""

    def textbook_momentum(w, grad, velocity, learning_rate=0.01, momentum=0.9):
        velocity = momentum * velocity + grad
        return w - learning_rate * velocity, velocity

    def keras_adam(w, grad, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        m = m + (grad - m) * (1 - beta_1)
        v = v + (grad**2 - v) * (1 - beta_2)
        alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        return w - alpha * m / (np.sqrt(v) + epsilon), m, v

    ch3.check_momentum_step(textbook_momentum)
    ch3.check_adam_step(keras_adam)
    assert capsys.readouterr().out == (
        "check momentum_step: 4/4 passed\ncheck adam_step: 4/4 passed\n"
    )


# --------------------------------------------------------------------- not answered, bad input


def _stub(*args, **kwargs):
    raise NotImplementedError()


@pytest.mark.parametrize("exercise_id", IDS)
def test_blank_exercise_is_not_answered_yet(exercise_id, capsys):
    message = _message(exercise_id, _stub)
    name = exercise_id.split(".")[1]
    assert message.startswith(f"check {name}: not answered yet.")
    assert "raise NotImplementedError()" in message
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("exercise_id", ["ch2.neuron", "ch3.sigmoid", "ch6.class_weights"])
def test_non_callable_is_a_type_error_naming_the_argument(exercise_id):
    name = exercise_id.split(".")[1]
    with pytest.raises(
        TypeError,
        match=rf"Argument `{name}` must be the function you wrote.*"
        r"Received: array of shape \(3,\)",
    ):
        CHECKS[exercise_id].check(np.zeros(3))


def test_numpy_error_state_and_warning_filters_are_restored():
    before_err, before_filters = np.geterr(), list(warnings.filters)
    with pytest.raises(AssertionError):
        ch3.check_sigmoid(lambda x: 1 / (1 + np.exp(-x)))
    assert np.geterr() == before_err
    assert list(warnings.filters) == before_filters


def test_inputs_are_copied_for_each_property(capsys):
    """A function that scribbles on its input only fails the property that looks at it."""

    def sigmoid_in_place(x):
        e = np.exp(-np.abs(x))
        out = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
        x[...] = 0.0
        return out

    ch3.check_sigmoid(sigmoid_in_place)
    assert capsys.readouterr().out == "check sigmoid: 5/5 passed\n"


# -------------------------------------------------------------------------- the machinery


def test_check_counts_properties_and_reports_the_failing_one(capsys):
    check = Check("demo", lambda x: x + 1)
    check.add("adds one", lambda out: expect_close(out, 3.0), "add 1", args=(2.0,))
    check.add("doubles", lambda out: expect_close(out, 4.0), "multiply by 2", args=(2.0,))
    with pytest.raises(AssertionError) as info:
        check.run()
    assert str(info.value) == (
        "check demo failed property 2/2: doubles\n"
        "  expected: the values 4 (rtol 1e-07)\n"
        "  received: 3; 1 of 1 differ, first expected 4, received 3; largest difference 1\n"
        "  hint: multiply by 2"
    )
    assert capsys.readouterr().out == ""


def test_mismatch_and_fmt():
    with pytest.raises(Mismatch) as info:
        expect_close(np.array([1.0, 2.0, 3.5]), np.array([1.0, 2.0, 3.0]), "v", rtol=1e-9)
    assert info.value.expected == "v shape (3,), values [1, 2, 3] (rtol 1e-09)"
    assert info.value.received.startswith(
        "shape (3,), values [1, 2, 3.5]; 1 of 3 differ, "
        "first at index (2,) expected 3, received 3.5"
    )
    assert fmt(np.arange(6.0)) == "shape (6,), values [0, 1, 2, 3, ...]"


def test_build_mlp_accepts_a_keras_model(keras, capsys):
    def build_mlp(input_dim=784):
        return keras.Sequential(
            [
                keras.Input((input_dim,)),
                keras.layers.Dense(32, activation="relu"),
                keras.layers.Dense(10, activation="softmax"),
            ]
        )

    def with_input_layer(input_dim=784):
        return keras.Sequential(
            [
                keras.Input((input_dim,)),
                keras.layers.Dense(input_dim, activation="relu"),
                keras.layers.Dense(32, activation="relu"),
                keras.layers.Dense(10, activation="softmax"),
            ]
        )

    exercises.check("ch4.build_mlp", build_mlp)
    assert capsys.readouterr().out == "check build_mlp: 6/6 passed\n"
    message = _message("ch4.build_mlp", with_input_layer)
    hint = {w.name: w.hint for w in CHECKS["ch4.build_mlp"].wrong_answers}["extra_input_layer"]
    assert message.endswith(hint)
