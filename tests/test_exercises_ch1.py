"""Tests of chapter 1's exercise check, ``ch1.count_params``: the reference passes with its fixed
line, every catalogued wrong answer fails with its own hint, a blank answer is "not answered
yet", and other correct answers (a loop, NumPy, integral floats) pass too."""

from __future__ import annotations

import numpy as np
import pytest

import dlcourse.exercises as exercises
from dlcourse.exercises import CHECKS, ch1
from dlcourse.nn.layers import Dense
from dlcourse.nn.models import Sequential

FIXED_LINE = "check count_params: 6/6 passed\n"


def _message(function) -> str:
    with pytest.raises(AssertionError) as info:
        ch1.check_count_params(function)
    return str(info.value)


def test_registered_in_the_exercise_registry():
    exercise = CHECKS["ch1.count_params"]
    assert exercise.check is ch1.check_count_params
    assert exercise.solution is ch1.count_params
    assert exercise.wrong_answers == ch1.WRONG_ANSWERS
    assert len(exercise.wrong_answers) >= 2
    assert exercises.ch1 is ch1


def test_reference_passes_with_its_fixed_line(capsys):
    ch1.check_count_params(ch1.count_params)
    exercises.check("ch1.count_params", ch1.count_params)
    assert capsys.readouterr().out == FIXED_LINE * 2


def test_reference_counts_match_the_documents_models_by_hand():
    assert ch1.count_params([784, 32, 10]) == 785 * 32 + 33 * 10 == 25_450  # [0]
    assert ch1.count_params([2, 10, 1]) == 41  # [1] XOR
    assert ch1.count_params([100, 64, 64, 10]) == 101 * 64 + 65 * 64 + 65 * 10  # [2]
    assert ch1.count_params([8, 16, 16, 1]) == 9 * 16 + 17 * 16 + 17  # [3]
    assert ch1.count_params([7]) == 0


def test_check_expectations_come_from_dlcourse_nn():
    """The sizes the check uses give the same counts in a dlcourse.nn model as by formula."""
    for sizes in ch1._random_networks():
        model = Sequential([Dense(sizes[1], input_dim=sizes[0]), *map(Dense, sizes[2:])])
        assert ch1._numpy_count(sizes) == model.count_params() == ch1.count_params(sizes)
    assert len({len(s) for s in ch1._random_networks()}) >= 3  # several depths


@pytest.mark.parametrize("wrong", ch1.WRONG_ANSWERS, ids=[w.name for w in ch1.WRONG_ANSWERS])
def test_each_wrong_answer_fails_with_its_own_hint(wrong, capsys):
    message = _message(wrong.function)
    assert message.startswith("check count_params failed property ")
    assert message.endswith(f"\n  hint: {wrong.hint}")
    assert capsys.readouterr().out == ""


def test_wrong_answers_have_distinct_names_and_hints():
    names = [w.name for w in ch1.WRONG_ANSWERS]
    hints = [w.hint for w in ch1.WRONG_ANSWERS]
    assert len(set(names)) == len(names) and len(set(hints)) == len(hints)
    assert {"no_bias", "input_layer_counted"} <= set(names)


def test_forgetting_the_bias_is_recognised_when_written_differently():
    def count_params(sizes):  # a loop instead of the catalogued generator expression
        total = 0
        for i in range(len(sizes) - 1):
            total += sizes[i] * sizes[i + 1]
        return total

    message = _message(count_params)
    assert "property 2/6: one Dense layer, [3, 2]" in message
    assert "expected: count_params([3, 2]) = 8\n  received: 6\n" in message
    assert message.endswith("hint: " + ch1.WRONG_ANSWERS[0].hint)


def test_other_correct_answers_pass(capsys):
    def with_loop(sizes):
        total = 0
        for n_in, units in zip(sizes, sizes[1:], strict=False):
            total += n_in * units + units
        return total

    def with_numpy(sizes):
        s = np.asarray(sizes)
        return ((s[:-1] + 1) * s[1:]).sum()  # a NumPy integer

    def as_float(sizes):
        return float(ch1.count_params(sizes))

    for answer in (with_loop, with_numpy, as_float):
        ch1.check_count_params(answer)
    assert capsys.readouterr().out == FIXED_LINE * 3


@pytest.mark.parametrize(
    ("answer", "received"),
    [
        (lambda sizes: None, "None (did you forget `return`?)"),
        (lambda sizes: 41.5, "41.5"),
        (lambda sizes: True, "True"),
        (lambda sizes: [41], "[41]"),
    ],
    ids=["none", "fraction", "bool", "list"],
)
def test_results_that_are_not_whole_numbers_fail_the_first_property(answer, received):
    message = _message(answer)
    assert "failed property 1/6: returns one whole number for [2, 10, 1]" in message
    assert f"received: {received}\n" in message


def test_an_off_count_on_the_random_networks_names_the_sizes():
    def off_for_deep(sizes):  # right for 1 or 2 layers, wrong for deeper networks
        extra = 1 if len(sizes) > 3 else 0
        return ch1.count_params(sizes) + extra

    message = _message(off_for_deep)
    assert "property 5/6: five seeded random MLPs" in message
    assert "expected: count_params([9, 24, 55, 33, 5]) = " in message


def test_the_input_layer_alone_has_no_parameters():
    def crashes_without_layers(sizes):
        return sum((sizes[i] + 1) * sizes[i + 1] for i in range(len(sizes) - 1)) + 0 * sizes[1]

    message = _message(crashes_without_layers)
    assert "property 6/6: an input alone, [5], has no parameters" in message
    assert "IndexError" in message


def test_blank_answer_is_not_answered_yet(capsys):
    def count_params(sizes):
        raise NotImplementedError()

    message = _message(count_params)
    assert message.startswith("check count_params: not answered yet.")
    assert "raise NotImplementedError()" in message
    assert capsys.readouterr().out == ""


def test_non_callable_is_a_type_error_naming_the_argument():
    with pytest.raises(TypeError, match=r"Argument `count_params` must be the function you wrote"):
        ch1.check_count_params(25450)
