"""Checks for the exercises of chapter 6, "FAQ (附录常见问题与解答)".

A chapter cell reads::

    from dlcourse.exercises import ch6
    ch6.check_class_weights(class_weights)   # prints "check class_weights: 4/4 passed"

============================  ==============================================================
exercise id                   what the student writes
============================  ==============================================================
``ch6.class_weights``         ``class_weights(y)``: balanced weights ``n / (k · n_c)``
``ch6.impute_median``         ``impute_median(X)``: NaN → the column's median
``ch6.precision_recall_f1``   ``precision_recall_f1(y_true, y_pred)`` for 0/1 labels
============================  ==============================================================
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from dlcourse.exercises import solutions
from dlcourse.exercises._core import (
    Check,
    Exercise,
    Mismatch,
    expect,
    expect_array,
    expect_close,
    expect_scalar,
)
from dlcourse.exercises.wrong_answers import WRONG_ANSWERS

__all__ = ["EXERCISES", "check_class_weights", "check_impute_median", "check_precision_recall_f1"]


def _as_weights(out: object) -> dict[int, float]:
    """The student's ``{label: weight}`` with int keys and float values, or :class:`Mismatch`."""
    if not isinstance(out, dict):
        raise Mismatch("a dict {label: weight}", type(out).__name__)
    try:
        return {int(k): float(v) for k, v in out.items()}
    except (TypeError, ValueError):
        raise Mismatch("integer labels and numeric weights", repr(out)[:80]) from None


def _expect_weights(out: object, expected: dict[int, float]) -> None:
    weights = _as_weights(out)
    expect(
        sorted(weights) == sorted(expected),
        f"one weight per label {sorted(expected)}",
        f"labels {sorted(weights)}",
    )
    labels = sorted(expected)
    expect_close(
        [weights[c] for c in labels],
        [expected[c] for c in labels],
        f"the weights of labels {labels}",
        rtol=1e-12,
    )


def check_class_weights(class_weights: Callable) -> None:
    """Check ``class_weights(y) -> {label: n / (k · n_c)}`` (scikit-learn's 'balanced').

    Properties: a dict with one key per label; the weights for counts 50/30/20; balanced labels
    get 1.0; labels that are not 0 … k−1 (3 and 7).
    """
    check = Check(
        "class_weights", class_weights, WRONG_ANSWERS["ch6.class_weights"], argument="class_weights"
    )
    rng = np.random.default_rng(60)
    y = rng.permutation(np.repeat([0, 1, 2], [50, 30, 20]))
    balanced = rng.permutation(np.repeat([0, 1, 2, 3], 25))
    sparse = rng.permutation(np.repeat([3, 7], [30, 10]))

    def verify_keys(out):
        keys = sorted(_as_weights(out))
        expect(keys == [0, 1, 2], "the keys 0, 1, 2 (one per label)", f"keys {keys}")

    check.add(
        "returns a dict with one key per class label",
        verify_keys,
        "return {label: weight for each label}.",
        args=(y,),
    )
    check.add(
        "counts 50, 30, 20 give weights n / (k · n_c) = 0.667, 1.111, 1.667",
        lambda out: _expect_weights(out, solutions.class_weights(y)),
        "w_c = n / (k · n_c): n samples, k classes, n_c samples of class c.",
        args=(y,),
    )
    check.add(
        "balanced labels get weight 1.0 for every class",
        lambda out: _expect_weights(out, dict.fromkeys(range(4), 1.0)),
        "with n_c = n / k every weight is n / (k · n / k) = 1.",
        args=(balanced,),
    )
    check.add(
        "labels 3 and 7 (not 0 … k-1) with counts 30 and 10",
        lambda out: _expect_weights(out, {3: 40 / 60, 7: 40 / 20}),
        "use the labels that occur (np.unique), not range(k).",
        args=(sparse,),
    )
    check.run()


def check_impute_median(impute_median: Callable) -> None:
    """Check ``impute_median(X)``: each NaN replaced by the median of its column's observed
    values, in a copy.

    Properties: shape; ``X`` is not modified; no NaN left; observed values unchanged; filled
    values equal the column medians (one column has an even count, one an outlier).
    """
    check = Check(
        "impute_median", impute_median, WRONG_ANSWERS["ch6.impute_median"], argument="impute_median"
    )
    X = np.random.default_rng(61).normal(size=(8, 3))
    X[0, 2] = 40.0  # an outlier: its column's mean and median differ
    for row, col in ((1, 0), (4, 0), (2, 1), (5, 2)):
        X[row, col] = np.nan
    missing = np.isnan(X)
    expected = solutions.impute_median(X)
    check.add(
        "output shaped like X (8, 3)",
        lambda out: expect_array(out, X.shape),
        "return the filled array, of X's shape.",
        args=(X,),
    )
    check.add(
        "X itself is not modified",
        lambda after: expect(
            np.array_equal(after, X, equal_nan=True),
            "X unchanged (its NaN still there)",
            "X changed",
        ),
        "fill a copy of X.",
        call=lambda f, X_: (f(X_), X_)[1],
        args=(X,),
    )
    check.add(
        "no NaN is left",
        lambda out: expect(
            not np.isnan(np.asarray(out, dtype=np.float64)).any(),
            "no NaN",
            f"{int(np.isnan(np.asarray(out, dtype=np.float64)).sum())} NaN",
        ),
        "replace every NaN; ignore NaN when computing the medians.",
        args=(X,),
    )
    check.add(
        "observed values are unchanged",
        lambda out: expect_close(
            np.asarray(out)[~missing], X[~missing], "the observed values", rtol=0.0
        ),
        "only fill the NaN entries: np.where(np.isnan(X), medians, X).",
        args=(X,),
    )
    check.add(
        "each NaN becomes its column's median of the observed values",
        lambda out: expect_close(
            np.asarray(out)[missing], expected[missing], "the filled values", rtol=1e-12
        ),
        "medians = np.nanmedian(X, axis=0), one per column.",
        args=(X,),
    )
    check.run()


def check_precision_recall_f1(precision_recall_f1: Callable) -> None:
    """Check ``precision_recall_f1(y_true, y_pred) -> (P, R, F1)`` for 0/1 labels.

    Properties: three numbers in [0, 1]; the values for TP = 6, FP = 2, FN = 3; perfect
    predictions give (1, 1, 1); no positive predictions give 0 without dividing by zero.
    """
    check = Check(
        "precision_recall_f1",
        precision_recall_f1,
        WRONG_ANSWERS["ch6.precision_recall_f1"],
        argument="precision_recall_f1",
    )
    rng = np.random.default_rng(62)
    pairs = np.repeat([[1, 1], [0, 1], [1, 0], [0, 0]], [6, 2, 3, 9], axis=0)
    y_true, y_pred = rng.permutation(pairs).T
    expected = solutions.precision_recall_f1(y_true, y_pred)

    def verify_three(out):
        if not isinstance(out, (tuple, list)) or len(out) != 3:
            raise Mismatch("a tuple (precision, recall, f1)", type(out).__name__)
        values = [
            expect_scalar(v, name)
            for v, name in zip(out, ("precision", "recall", "f1"), strict=True)
        ]
        expect(all(0 <= v <= 1 for v in values), "three numbers between 0 and 1", str(values))

    check.add(
        "returns (precision, recall, f1), three numbers between 0 and 1",
        verify_three,
        "return the three scores as a tuple.",
        args=(y_true, y_pred),
    )
    check.add(
        "TP = 6, FP = 2, FN = 3 give P = 0.75, R = 0.667, F1 = 0.706",
        lambda out: expect_close(out, expected, "(precision, recall, f1)", rtol=1e-12),
        "P = TP / (TP + FP), R = TP / (TP + FN), F1 = 2 P R / (P + R).",
        args=(y_true, y_pred),
    )
    check.add(
        "perfect predictions give (1, 1, 1)",
        lambda out: expect_close(out, (1.0, 1.0, 1.0), "(precision, recall, f1)", rtol=1e-12),
        "count TP, FP and FN from y_true and y_pred.",
        args=(y_true, y_true),
    )
    check.add(
        "no positive predictions give precision 0 and F1 0, with no division by zero",
        lambda out: expect_close(out, (0.0, 0.0, 0.0), "(precision, recall, f1)", atol=1e-12),
        "when a denominator is 0, return 0 for that score.",
        args=(y_true, np.zeros_like(y_pred)),
    )
    check.run()


EXERCISES = (
    Exercise(
        "ch6.class_weights",
        "balanced class weights for imbalanced data",
        check_class_weights,
        solutions.class_weights,
        WRONG_ANSWERS["ch6.class_weights"],
    ),
    Exercise(
        "ch6.impute_median",
        "median imputation of missing values",
        check_impute_median,
        solutions.impute_median,
        WRONG_ANSWERS["ch6.impute_median"],
    ),
    Exercise(
        "ch6.precision_recall_f1",
        "precision, recall and F1 for imbalanced data",
        check_precision_recall_f1,
        solutions.precision_recall_f1,
        WRONG_ANSWERS["ch6.precision_recall_f1"],
    ),
)
