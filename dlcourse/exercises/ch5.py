"""Checks for the exercises of chapter 5, "Future trends and challenges (未来发展趋势与挑战)".

A chapter cell reads::

    from dlcourse.exercises import ch5
    ch5.check_prune(prune)            # prints "check prune: 5/5 passed" or explains

======================  ====================================================================
exercise id             what the student writes
======================  ====================================================================
``ch5.prune``           ``prune(W, sparsity)``: magnitude pruning
``ch5.quantize_int8``   ``quantize_int8(W) -> (q, scale)``: symmetric int8 quantisation
``ch5.soft_targets``    ``soft_targets(logits, temperature)``: softmax with temperature
======================  ====================================================================

Pruning and quantisation are checked against the small references in
:mod:`dlcourse.exercises.solutions`, so these checks do not depend on
:mod:`dlcourse.compression`.
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
from dlcourse.nn import activations

__all__ = ["EXERCISES", "check_prune", "check_quantize_int8", "check_soft_targets"]


def check_prune(prune: Callable) -> None:
    """Check ``prune(W, sparsity)``: a copy of ``W`` with its ``⌊sparsity · W.size⌋`` entries of
    smallest magnitude set to zero.

    Properties: shape and dtype; ``W`` itself is not modified; the number of zeros; which
    entries are zeroed (and the others unchanged); other sparsities (0.5 and 0).
    """
    check = Check("prune", prune, WRONG_ANSWERS["ch5.prune"], argument="prune")
    rng = np.random.default_rng(50)
    W, W2 = rng.normal(size=(8, 8)), rng.normal(size=(10, 10))
    expected = solutions.prune(W, 0.75)
    check.add(
        "output shaped like W (8, 8), float64",
        lambda out: expect_array(out, W.shape, dtype=np.float64),
        "return an array of W's shape.",
        args=(W, 0.75),
    )
    check.add(
        "W itself is not modified",
        lambda after: expect_close(after, W, "W after the call", rtol=0.0),
        "prune a copy, W.copy().",
        call=lambda f, W_, s: (f(W_, s), W_)[1],
        args=(W, 0.75),
    )
    check.add(
        "sparsity 0.75 of 64 weights: 48 zeros",
        lambda out: expect(
            int(np.sum(np.asarray(out) == 0)) == 48,
            "48 zeros",
            f"{int(np.sum(np.asarray(out) == 0))} zeros",
        ),
        "set k = int(sparsity * W.size) weights to zero.",
        args=(W, 0.75),
    )
    check.add(
        "the zeros are the 48 smallest |w|; the other weights are unchanged",
        lambda out: expect_close(out, expected, "the pruned weights", rtol=0.0),
        "rank by magnitude: np.argsort(np.abs(W), axis=None)[:k].",
        args=(W, 0.75),
    )
    check.add(
        "sparsity 0.5 on a (10, 10) matrix, and sparsity 0 (nothing pruned)",
        lambda out: expect_close(out, (solutions.prune(W2, 0.5), W2), rtol=0.0),
        "use the sparsity argument; with k = 0 nothing changes.",
        call=lambda f, W_: (f(W_.copy(), 0.5), f(W_.copy(), 0.0)),
        args=(W2,),
    )
    check.run()


def check_quantize_int8(quantize_int8: Callable) -> None:
    """Check ``quantize_int8(W) -> (q, scale)``: ``scale = max|W| / 127``,
    ``q = round(W / scale)`` as int8.

    Properties: an int8 array shaped like ``W`` and a number; the scale (the largest weight of
    ``W`` is negative, to catch ``max`` without ``abs``); ``q`` exactly.
    """
    check = Check(
        "quantize_int8", quantize_int8, WRONG_ANSWERS["ch5.quantize_int8"], argument="quantize_int8"
    )
    W = np.clip(np.random.default_rng(51).normal(size=(6, 5)), -3.0, 3.0)
    W[2, 3] = -3.5
    q_ref, scale_ref = solutions.quantize_int8(W)

    def verify_pair(out):
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise Mismatch("a tuple (q, scale)", type(out).__name__)
        expect_array(out[0], W.shape, "q", dtype=np.int8)
        expect_scalar(out[1], "scale")

    check.add(
        "returns (q, scale): q an int8 array shaped like W, scale a number",
        verify_pair,
        "return q = np.round(W / scale).astype(np.int8) and the scale.",
        args=(W,),
    )
    check.add(
        "scale = max|W| / 127 = 3.5 / 127",
        lambda out: expect_close(out[1], scale_ref, "scale", rtol=1e-12),
        "scale by the largest magnitude: np.abs(W).max() / 127.",
        args=(W,),
    )
    check.add(
        "q = round(W / scale)",
        lambda out: expect_close(out[0], q_ref, "q", rtol=0.0),
        "round to the nearest integer before casting to int8.",
        args=(W,),
    )
    check.run()


def check_soft_targets(soft_targets: Callable) -> None:
    """Check ``soft_targets(logits, temperature) = softmax(logits / T)`` over the last axis.

    Properties: shape; rows sum to 1; values against :func:`dlcourse.nn.activations.softmax`;
    ``T = 1`` is the softmax; logits of ±1e4 give finite probabilities.
    """
    check = Check(
        "soft_targets", soft_targets, WRONG_ANSWERS["ch5.soft_targets"], argument="soft_targets"
    )
    z = np.random.default_rng(52).normal(0.0, 3.0, size=(4, 5))
    extreme = np.array([[1e4, 0.0, -1e4, 5.0, 1e4 - 4.0]])
    check.add(
        "output shaped like the logits (4, 5)",
        lambda out: expect_array(out, (4, 5)),
        "a softmax keeps the shape.",
        args=(z, 4.0),
    )
    check.add(
        "each row sums to 1",
        lambda out: expect_close(np.sum(out, axis=-1), np.ones(4), "row sums", atol=1e-12),
        "normalise after the exponential, over the last axis.",
        args=(z, 4.0),
    )
    check.add(
        "values equal softmax(z / T) for T = 4",
        lambda out: expect_close(out, activations.softmax(z / 4.0), rtol=1e-10),
        "divide the logits by T, then apply a softmax.",
        args=(z, 4.0),
    )
    check.add(
        "T = 1 gives the plain softmax",
        lambda out: expect_close(out, activations.softmax(z), rtol=1e-10),
        "softmax(z / 1) = softmax(z).",
        args=(z, 1.0),
    )
    check.add(
        "logits of ±1e4 give finite probabilities, with no overflow",
        lambda out: expect_close(out, activations.softmax(extreme / 2.0), atol=1e-12),
        "subtract the row maximum of z / T before the exponential.",
        args=(extreme, 2.0),
    )
    check.run()


EXERCISES = (
    Exercise(
        "ch5.prune",
        "magnitude pruning to a given sparsity",
        check_prune,
        solutions.prune,
        WRONG_ANSWERS["ch5.prune"],
    ),
    Exercise(
        "ch5.quantize_int8",
        "symmetric int8 quantisation",
        check_quantize_int8,
        solutions.quantize_int8,
        WRONG_ANSWERS["ch5.quantize_int8"],
    ),
    Exercise(
        "ch5.soft_targets",
        "softmax with temperature (distillation)",
        check_soft_targets,
        solutions.soft_targets,
        WRONG_ANSWERS["ch5.soft_targets"],
    ),
)
