"""Checks for the exercises of chapter 2, "Core concepts (核心概念与联系)".

A chapter cell reads::

    from dlcourse.exercises import ch2
    ch2.check_neuron(neuron)          # prints "check neuron: 4/4 passed" or explains the error

===================  =====================================================================
exercise id          what the student writes
===================  =====================================================================
``ch2.neuron``       ``neuron(x, w, b)``: a sigmoid neuron, ``σ(x @ w + b)``
``ch2.value_mul``    ``mul(a, b)``: the product node of the autodiff engine, with backward
===================  =====================================================================
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from dlcourse.autodiff import Value
from dlcourse.exercises import solutions
from dlcourse.exercises._core import Check, Exercise, expect, expect_array, expect_close
from dlcourse.exercises.wrong_answers import WRONG_ANSWERS
from dlcourse.gradcheck import numerical_gradient
from dlcourse.nn.activations import sigmoid

__all__ = ["EXERCISES", "check_neuron", "check_value_mul"]


def check_neuron(neuron: Callable) -> None:
    """Check ``neuron(x, w, b) -> σ(x @ w + b)`` on seeded inputs ``x (5, 3)``, ``w (3,)``.

    Properties: output shape ``(N,)``; float64; values against
    :func:`dlcourse.nn.activations.sigmoid`; with zero weights every output is ``σ(b)``.

    Raises:
        AssertionError: naming the property that fails, with a hint.
    """
    check = Check("neuron", neuron, WRONG_ANSWERS["ch2.neuron"], argument="neuron")
    rng = np.random.default_rng(20)
    x, w, b = rng.normal(size=(5, 3)), rng.normal(size=3), 0.4
    shape_hint = "the neuron returns one number per sample: σ(x @ w + b) has shape (N,)."
    check.add(
        "output shape (N,) = (5,) for x (5, 3) and w (3,)",
        lambda out: expect_array(out, (5,)),
        shape_hint,
        args=(x, w, b),
    )
    check.add(
        "float64 input gives a float64 output",
        lambda out: expect_array(out, (5,), dtype=np.float64),
        "compute in NumPy without converting to another dtype.",
        args=(x, w, b),
    )
    check.add(
        "values equal σ(x @ w + b)",
        lambda out: expect_close(out, sigmoid(x @ w + b), rtol=1e-10),
        "weighted sum, plus bias, then the sigmoid: 1 / (1 + np.exp(-(x @ w + b))).",
        args=(x, w, b),
    )
    check.add(
        "with zero weights every output is σ(b)",
        lambda out: expect_close(out, np.full(5, sigmoid(np.array(0.4))), rtol=1e-10),
        "the bias is added to the weighted sum before the activation.",
        args=(x, np.zeros(3), b),
    )
    check.run()


# ------------------------------------------------------------------------------ value_mul


def _node(mul: Callable, a: Value, b: Value) -> Value:
    out = mul(a, b)
    if not isinstance(out, Value):
        raise TypeError(f"mul must return a Value; it returned {type(out).__name__}")
    return out


def _product(mul: Callable) -> float:
    return _node(mul, Value(3.0), Value(-2.0)).data


def _records_inputs(mul: Callable) -> bool:
    a, b = Value(3.0), Value(-2.0)
    prev = tuple(getattr(_node(mul, a, b), "_prev", ()))
    return len(prev) == 2 and any(p is a for p in prev) and any(p is b for p in prev)


def _grads_of_product(mul: Callable) -> tuple[float, float]:
    a, b = Value(3.0), Value(-2.0)
    _node(mul, a, b).backward()
    return a.grad, b.grad


def _grad_of_square(mul: Callable) -> float:
    x = Value(1.5)
    _node(mul, x, x).backward()
    return x.grad


def _grads_through_tanh(mul: Callable) -> tuple[float, float]:
    a, b = Value(0.7), Value(-1.3)
    _node(mul, a, b).tanh().backward()
    return a.grad, b.grad


def _grads_of_graph(mul: Callable) -> tuple[float, float]:
    a, b = Value(0.8), Value(-1.1)
    (_node(mul, _node(mul, a, b), a) + b).backward()
    return a.grad, b.grad


def check_value_mul(mul: Callable) -> None:
    """Check ``mul(a, b) -> Value``, the autodiff product node with its ``_backward`` closure.

    Properties: the output holds ``a·b``; it records its inputs in ``_prev``; after
    ``out.backward()``, ``a.grad = b`` and ``b.grad = a``; ``mul(x, x)`` gives ``x.grad = 2x``
    (gradients accumulate); under ``tanh`` and inside a larger graph the gradients equal
    finite differences (:func:`dlcourse.gradcheck.numerical_gradient`).

    Raises:
        AssertionError: naming the property that fails, with a hint.
    """
    check = Check("value_mul", mul, WRONG_ANSWERS["ch2.value_mul"], argument="mul")
    tanh_fd = numerical_gradient(lambda v: np.tanh(v[0] * v[1]), np.array([0.7, -1.3]))
    graph_fd = numerical_gradient(lambda v: v[0] * v[1] * v[0] + v[1], np.array([0.8, -1.1]))
    check.add(
        "mul(Value(3), Value(-2)) returns a Value holding -6",
        lambda data: expect_close(data, -6.0, "out.data", rtol=1e-12),
        "create the output node with out = Value(a.data * b.data) and return it.",
        call=_product,
    )
    check.add(
        "the output records its inputs: out._prev holds a and b",
        lambda ok: expect(ok, "out._prev == (a, b)", "another _prev"),
        "set out._prev = (a, b) so that backward() can find the inputs.",
        call=_records_inputs,
    )
    check.add(
        "after out.backward(): a.grad = b.data and b.grad = a.data",
        lambda grads: expect_close(grads, (-2.0, 3.0), "(a.grad, b.grad)", rtol=1e-12),
        "∂(a·b)/∂a = b and ∂(a·b)/∂b = a: a.grad += b.data * out.grad.",
        call=_grads_of_product,
    )
    check.add(
        "a value used twice: mul(x, x) gives x.grad = 2x",
        lambda grad: expect_close(grad, 3.0, "x.grad for x = 1.5", rtol=1e-12),
        "accumulate with +=: each use of a value adds its contribution.",
        call=_grad_of_square,
    )
    check.add(
        "the chain rule: gradients of tanh(a·b) equal finite differences",
        lambda grads: expect_close(grads, tanh_fd, "(a.grad, b.grad)", rtol=1e-6),
        "multiply the local derivative by out.grad, the gradient arriving from above.",
        call=_grads_through_tanh,
    )
    check.add(
        "inside a graph: gradients of a·b·a + b equal finite differences",
        lambda grads: expect_close(grads, graph_fd, "(a.grad, b.grad)", rtol=1e-6),
        "each node adds local derivative × out.grad to its inputs' grad.",
        call=_grads_of_graph,
    )
    check.run()


EXERCISES = (
    Exercise(
        "ch2.neuron",
        "a sigmoid neuron's forward pass, σ(x @ w + b)",
        check_neuron,
        solutions.neuron,
        WRONG_ANSWERS["ch2.neuron"],
    ),
    Exercise(
        "ch2.value_mul",
        "the autodiff product node mul(a, b) and its backward",
        check_value_mul,
        solutions.mul,
        WRONG_ANSWERS["ch2.value_mul"],
    ),
)
