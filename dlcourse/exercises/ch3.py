"""Checks for the exercises of chapter 3, "Algorithms and maths (核心算法原理…)".

A chapter cell reads::

    from dlcourse.exercises import ch3
    ch3.check_sigmoid(sigmoid)        # prints "check sigmoid: 5/5 passed" or explains the error

========================  ================================================================
exercise id               what the student writes
========================  ================================================================
``ch3.sigmoid``           ``sigmoid(x)``, numerically stable
``ch3.softmax``           ``softmax(x)`` over the last axis, numerically stable
``ch3.cross_entropy``     ``cross_entropy(y_true, y_pred)``, per sample, clipped
``ch3.gd_step``           ``gd_step(w, b, x, y, learning_rate)`` for linear regression
``ch3.dense_forward``     ``dense_forward(x, W, b) = x @ W + b``
``ch3.dense_backward``    ``dense_backward(dout, x, W) -> (dx, dW, db)``
``ch3.momentum_step``     ``momentum_step(w, grad, velocity, learning_rate, momentum)``
``ch3.adam_step``         ``adam_step(w, grad, m, v, t, learning_rate, beta_1, …)``
``ch3.l2_penalty``        ``l2_penalty(W, l2) -> (penalty, dW)``
``ch3.dropout``           ``dropout(x, rate, rng)``, inverted dropout
``ch3.conv2d_forward``    ``conv2d_forward(x, W, b)``, stride 1, valid padding
``ch3.max_pool``          ``max_pool(x, pool_size)``, non-overlapping windows
========================  ================================================================

The values are compared with the package's reference (:mod:`dlcourse.nn`), gradients with
finite differences (:func:`dlcourse.gradcheck.numerical_gradient`) under a random upstream
gradient.
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
    expect_gradient,
    expect_scalar,
)
from dlcourse.exercises.wrong_answers import WRONG_ANSWERS
from dlcourse.gradcheck import numerical_gradient
from dlcourse.nn import activations, losses, optimizers, regularizers
from dlcourse.nn.layers import Conv2D, Dense, MaxPooling2D

__all__ = [
    "EXERCISES",
    "check_adam_step",
    "check_conv2d_forward",
    "check_cross_entropy",
    "check_dense_backward",
    "check_dense_forward",
    "check_dropout",
    "check_gd_step",
    "check_l2_penalty",
    "check_max_pool",
    "check_momentum_step",
    "check_sigmoid",
    "check_softmax",
]


def _items(value: object, count: int, names: str) -> tuple:
    """``value`` as a tuple of ``count`` items, or :class:`Mismatch`."""
    if not isinstance(value, (tuple, list)) or len(value) != count:
        got = f"{len(value)} items" if isinstance(value, (tuple, list)) else type(value).__name__
        raise Mismatch(f"a tuple of {count}: ({names})", got)
    return tuple(value)


def check_sigmoid(sigmoid: Callable) -> None:
    """Check a numerically stable ``sigmoid(x) = 1 / (1 + e^{-x})``.

    Properties: shape; float64 kept; values against :func:`dlcourse.nn.activations.sigmoid`;
    ``σ(−x) = 1 − σ(x)`` and ``σ(0) = 1/2``; inputs of ±1e4 give exact 0 and 1 with no overflow.
    """
    check = Check("sigmoid", sigmoid, WRONG_ANSWERS["ch3.sigmoid"], argument="sigmoid")
    x = np.random.default_rng(31).normal(0.0, 4.0, size=(3, 4))
    extreme = np.array([-1e4, -750.0, -30.0, 0.0, 30.0, 750.0, 1e4])
    check.add(
        "output shape equals input shape (3, 4)",
        lambda out: expect_array(out, (3, 4)),
        "apply the formula elementwise; do not sum or reshape.",
        args=(x,),
    )
    check.add(
        "float64 input gives a float64 output",
        lambda out: expect_array(out, (3, 4), dtype=np.float64),
        "compute in NumPy; do not convert the dtype.",
        args=(x,),
    )
    check.add(
        "values equal 1 / (1 + exp(-x))",
        lambda out: expect_close(out, activations.sigmoid(x), rtol=1e-9, atol=1e-15),
        "σ(x) = 1 / (1 + exp(-x)).",
        args=(x,),
    )
    check.add(
        "σ(-x) = 1 - σ(x) and σ(0) = 1/2",
        lambda out: (
            expect_close(out[0], np.ones_like(x), "σ(-x) + σ(x)", atol=1e-12),
            expect_close(out[1], np.full(2, 0.5), "σ(0)", atol=1e-12),
        ),
        "σ(x) = 1 / (1 + exp(-x)); check the sign of the exponent.",
        call=lambda f, x_: (f(-x_) + f(x_.copy()), f(np.zeros(2))),
        args=(x,),
    )
    check.add(
        "inputs of ±1e4 give exactly 0 and 1, with no overflow",
        lambda out: expect_close(out, activations.sigmoid(extreme), rtol=1e-9, atol=1e-15),
        "exp(-x) overflows for large negative x: compute e = np.exp(-np.abs(x)), then "
        "1 / (1 + e) where x >= 0 and e / (1 + e) elsewhere.",
        args=(extreme,),
    )
    check.run()


def check_softmax(softmax: Callable) -> None:
    """Check a numerically stable ``softmax(x)`` over the last axis of ``x (N, C)``.

    Properties: shape; float64; rows sum to 1; values against
    :func:`dlcourse.nn.activations.softmax`; the input is not modified; logits of ±1e4 work.
    """
    check = Check("softmax", softmax, WRONG_ANSWERS["ch3.softmax"], argument="softmax")
    x = np.random.default_rng(32).normal(0.0, 2.0, size=(4, 3))
    extreme = np.array([[1e4, 0.0, -1e4], [-1e4, -1e4 + 1, -1e4 + 2]])
    check.add(
        "output shape equals input shape (4, 3)",
        lambda out: expect_array(out, (4, 3)),
        "normalise e^x by its row sums, keeping the shape (use keepdims=True).",
        args=(x,),
    )
    check.add(
        "float64 input gives a float64 output",
        lambda out: expect_array(out, (4, 3), dtype=np.float64),
        "compute in NumPy; do not convert the dtype.",
        args=(x,),
    )
    check.add(
        "each row sums to 1",
        lambda out: expect_close(np.sum(out, axis=-1), np.ones(4), "row sums", atol=1e-12),
        "divide by the sum over the last axis (the classes).",
        args=(x,),
    )
    check.add(
        "values equal e^x / Σ e^x",
        lambda out: expect_close(out, activations.softmax(x), rtol=1e-12),
        "softmax(x)_i = e^{x_i} / Σ_j e^{x_j}.",
        args=(x,),
    )
    check.add(
        "the input array is not modified",
        lambda after: expect_close(after, x, "x after the call", rtol=0.0),
        "compute z = x - ... into a new array; do not write into x.",
        call=lambda f, x_: (f(x_), x_)[1],
        args=(x,),
    )
    check.add(
        "logits of ±1e4 give finite probabilities, with no overflow",
        lambda out: expect_close(out, activations.softmax(extreme), atol=1e-12),
        "subtract each row's maximum before exp: x - x.max(axis=-1, keepdims=True).",
        args=(extreme,),
    )
    check.run()


def check_cross_entropy(cross_entropy: Callable) -> None:
    """Check ``cross_entropy(y_true, y_pred) -> (N,)``, ``−Σ y log p`` with p clipped to
    ``[1e-7, 1 − 1e-7]``.

    Properties: shape ``(N,)``; float64; values against
    :func:`dlcourse.nn.losses.categorical_crossentropy`; a true-class probability of 0 gives the
    finite loss ``−log(1e-7)``.
    """
    check = Check(
        "cross_entropy", cross_entropy, WRONG_ANSWERS["ch3.cross_entropy"], argument="cross_entropy"
    )
    rng = np.random.default_rng(33)
    y = np.eye(4)[rng.integers(0, 4, size=5)]
    p = activations.softmax(rng.normal(0.0, 1.5, size=(5, 4)))
    p_zero = p.copy()
    p_zero[0] = np.where(y[0] == 1, 0.0, 1.0 / 3)
    check.add(
        "one loss per sample: shape (5,) for 5 samples of 4 classes",
        lambda out: expect_array(out, (5,)),
        "sum over the classes (axis=-1) only.",
        args=(y, p),
    )
    check.add(
        "float64 inputs give a float64 output",
        lambda out: expect_array(out, (5,), dtype=np.float64),
        "compute in NumPy; do not convert the dtype.",
        args=(y, p),
    )
    check.add(
        "values equal -Σ y log p",
        lambda out: expect_close(out, losses.categorical_crossentropy(y, p), rtol=1e-10),
        "H(p, q) = -Σ_i p_i log q_i, summed over the classes.",
        args=(y, p),
    )
    check.add(
        "a true-class probability of 0 gives the finite loss -log(1e-7) ≈ 16.12",
        lambda out: expect_close(out, losses.categorical_crossentropy(y, p_zero), rtol=1e-10),
        "clip the probabilities to [1e-7, 1 - 1e-7] before taking the log.",
        args=(y, p_zero),
    )
    check.run()


def _mse_half(theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((theta[0] * x + theta[1] - y) ** 2) / 2)


def check_gd_step(gd_step: Callable) -> None:
    """Check ``gd_step(w, b, x, y, learning_rate) -> (w, b)`` for ``ŷ = w x + b`` on
    ``J = 1/(2m) Σ (ŷ − y)²``.

    Properties: two numbers returned; the step is ``−α ∇J`` with ``∇J`` from finite
    differences; repeated steps reach the least-squares line (``np.polyfit``).
    """
    check = Check("gd_step", gd_step, WRONG_ANSWERS["ch3.gd_step"], argument="gd_step")
    rng = np.random.default_rng(34)
    x = rng.normal(size=20)
    y = 3.0 * x - 1.0 + 0.1 * rng.normal(size=20)
    w, b, lr = 0.5, 0.2, 0.1
    grad = numerical_gradient(lambda t: _mse_half(t, x, y), np.array([w, b]))
    fit = np.polyfit(x, y, 1)

    def verify_pair(out):
        new_w, new_b = _items(out, 2, "w, b")
        expect_scalar(new_w, "w"), expect_scalar(new_b, "b")

    def descend(f, x_, y_):
        theta = (0.0, 0.0)
        for _ in range(200):
            theta = f(theta[0], theta[1], x_, y_, 0.5)
        return np.array(theta, dtype=np.float64)

    check.add(
        "returns the new (w, b), two numbers",
        verify_pair,
        "return w - α ∂J/∂w and b - α ∂J/∂b as a tuple.",
        args=(w, b, x, y, lr),
    )
    check.add(
        "the step is -α ∇J, with ∇J from finite differences",
        lambda out: expect_gradient(
            (np.array([w, b]) - np.asarray(out, float)) / lr,
            grad,
            "the gradient implied by (θ - θ_new) / α",
        ),
        "∂J/∂w = mean((ŷ - y) x), ∂J/∂b = mean(ŷ - y); θ := θ - α ∇J.",
        args=(w, b, x, y, lr),
    )
    check.add(
        "200 steps with α = 0.5 from (0, 0) reach the least-squares line",
        lambda theta: expect_close(theta, fit, "(w, b)", rtol=1e-6),
        "each step must move against the gradient of the mean squared error.",
        call=descend,
        args=(x, y),
    )
    check.run()


def _dense_reference(x: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    layer = Dense(W.shape[1])
    layer.ensure_built((None, W.shape[0]), dtype=np.float64, rng=np.random.default_rng(0))
    layer.set_weights([W, b])
    return layer.forward(x)


def check_dense_forward(dense_forward: Callable) -> None:
    """Check ``dense_forward(x, W, b) = x @ W + b`` with Keras' kernel layout ``W (in, units)``.

    Properties: shape ``(N, units)``; float64; values against
    :class:`dlcourse.nn.layers.Dense`; a batch of one sample.
    """
    check = Check(
        "dense_forward", dense_forward, WRONG_ANSWERS["ch3.dense_forward"], argument="dense_forward"
    )
    rng = np.random.default_rng(35)
    x, W, b = rng.normal(size=(5, 4)), rng.normal(size=(4, 3)), rng.normal(size=3)
    check.add(
        "output shape (N, units) = (5, 3) for x (5, 4), W (4, 3)",
        lambda out: expect_array(out, (5, 3)),
        "z = x @ W + b: (N, in) @ (in, units) gives (N, units).",
        args=(x, W, b),
    )
    check.add(
        "float64 inputs give a float64 output",
        lambda out: expect_array(out, (5, 3), dtype=np.float64),
        "compute in NumPy; do not convert the dtype.",
        args=(x, W, b),
    )
    check.add(
        "values equal Dense's x @ W + b",
        lambda out: expect_close(out, _dense_reference(x, W, b), rtol=1e-12),
        "z = x @ W + b, the bias broadcast over the rows.",
        args=(x, W, b),
    )
    check.add(
        "a batch of one sample, x (1, 4)",
        lambda out: expect_close(out, _dense_reference(x[:1], W, b), rtol=1e-12),
        "do not assume a batch size: x @ W + b works for any N.",
        args=(x[:1], W, b),
    )
    check.run()


def check_dense_backward(dense_backward: Callable) -> None:
    """Check ``dense_backward(dout, x, W) -> (dx, dW, db)`` for ``z = x W + b``.

    Properties: three arrays of the shapes of ``x``, ``W`` and ``b``; each equal to finite
    differences of ``sum(z · dout)`` under a random upstream gradient ``dout``.
    """
    check = Check(
        "dense_backward",
        dense_backward,
        WRONG_ANSWERS["ch3.dense_backward"],
        argument="dense_backward",
    )
    rng = np.random.default_rng(36)
    x, W, b = rng.normal(size=(5, 4)), rng.normal(size=(4, 3)), rng.normal(size=3)
    dout = rng.normal(size=(5, 3))
    fd = {
        "dx": numerical_gradient(lambda x_: x_ @ W + b, x.copy(), dout),
        "dW": numerical_gradient(lambda W_: x @ W_ + b, W.copy(), dout),
        "db": numerical_gradient(lambda b_: x @ W + b_, b.copy(), dout),
    }

    def verify_shapes(out):
        dx, dW, db = _items(out, 3, "dx, dW, db")
        expect_array(dx, x.shape, "dx (the shape of x)")
        expect_array(dW, W.shape, "dW (the shape of W)")
        expect_array(db, b.shape, "db (the shape of b)")

    check.add(
        "returns (dx, dW, db) shaped like x (5, 4), W (4, 3) and b (3,)",
        verify_shapes,
        "each gradient has the shape of what it is the gradient of.",
        args=(dout, x, W),
    )
    for index, name in enumerate(("dx", "dW", "db")):
        check.add(
            f"{name} equals finite differences under a random upstream gradient",
            lambda out, i=index, n=name: expect_gradient(out[i], fd[n], n),
            "dx = dout @ W.T, dW = x.T @ dout, db = dout.sum(axis=0).",
            args=(dout, x, W),
        )
    check.run()


def _trajectory(step: Callable, w0: np.ndarray, grads: Callable, steps: int, **kwargs):
    """Apply a student's momentum step ``steps`` times; the weights after each step."""
    w, velocity = w0.copy(), np.zeros_like(w0)
    path = [w.copy()]
    for _ in range(steps):
        w, velocity = step(w, grads(w), velocity, **kwargs)
        path.append(np.array(w, dtype=np.float64))
    return np.array(path)


def check_momentum_step(momentum_step: Callable) -> None:
    """Check ``momentum_step(w, grad, velocity, learning_rate, momentum) -> (w, velocity)``.

    Keras' form ``v := μ v − α g``, ``w := w + v`` (the textbook form ``v := μ v + g``,
    ``w := w − α v`` moves ``w`` identically and passes too). Properties: shapes; the first
    step from zero velocity; 20 steps on a quadratic bowl against
    :class:`dlcourse.nn.optimizers.SGD` with momentum; ``momentum=0`` is gradient descent.
    """
    check = Check(
        "momentum_step", momentum_step, WRONG_ANSWERS["ch3.momentum_step"], argument="momentum_step"
    )
    rng = np.random.default_rng(37)
    w0 = rng.normal(size=4)
    A = np.diag([1.0, 3.0, 0.5, 2.0])
    lr, mu = 0.05, 0.9
    reference = [w0.copy()]
    w, sgd = w0.copy(), optimizers.SGD(learning_rate=lr, momentum=mu)
    for _ in range(20):
        sgd.apply_gradients([(A @ w, w)])
        reference.append(w.copy())

    def verify_shapes(out):
        new_w, velocity = _items(out, 2, "w, velocity")
        expect_array(new_w, (4,), "w"), expect_array(velocity, (4,), "velocity")

    kwargs = {"learning_rate": lr, "momentum": mu}
    check.add(
        "returns (w, velocity), both shaped like w",
        verify_shapes,
        "return the new weights and the new velocity.",
        args=(w0, A @ w0, np.zeros(4)),
        kwargs=kwargs,
    )
    check.add(
        "from zero velocity the first step is w - α g",
        lambda path: expect_close(path[1], reference[1], "w after one step", rtol=1e-12),
        "v := μ v - α g, then w := w + v.",
        call=_trajectory,
        args=(w0, lambda w_: A @ w_, 1),
        kwargs=kwargs,
    )
    check.add(
        "20 steps on a quadratic bowl match Keras' SGD(momentum=0.9)",
        lambda path: expect_close(
            path, np.array(reference), "the weights after each step", rtol=1e-10
        ),
        "v := μ v - α g carries the previous steps; w := w + v.",
        call=_trajectory,
        args=(w0, lambda w_: A @ w_, 20),
        kwargs=kwargs,
    )
    plain = [w0 - lr * A @ w0]
    for _ in range(4):
        plain.append(plain[-1] - lr * A @ plain[-1])
    check.add(
        "momentum=0 is plain gradient descent",
        lambda path: expect_close(path[1:], np.array(plain), "the weights", rtol=1e-12),
        "with μ = 0 the velocity is just -α g.",
        call=_trajectory,
        args=(w0, lambda w_: A @ w_, 5),
        kwargs={"learning_rate": lr, "momentum": 0.0},
    )
    check.run()


def _adam_path(step: Callable, w0: np.ndarray, grads: np.ndarray, lr: float) -> np.ndarray:
    w, m, v = w0.copy(), np.zeros_like(w0), np.zeros_like(w0)
    path = []
    for t, g in enumerate(grads, start=1):
        w, m, v = step(w, g, m, v, t, learning_rate=lr)
        path.append(np.array(w, dtype=np.float64))
    return np.array(path)


def _expect_either(value, keras: np.ndarray, textbook: np.ndarray, what: str) -> None:
    try:
        expect_close(value, keras, what + " (Keras' form)", rtol=1e-10)
    except Mismatch:
        expect_close(value, textbook, what + " (Keras' or Kingma and Ba's form)", rtol=1e-10)


def check_adam_step(adam_step: Callable) -> None:
    """Check ``adam_step(w, grad, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999,
    epsilon=1e-7) -> (w, m, v)`` at steps ``t = 1, 2, …``.

    Both Keras' form (:class:`dlcourse.nn.optimizers.Adam`) and Kingma and Ba's Algorithm 1
    pass (they differ only in where ε enters). Properties: shapes; the moments after one step;
    the first step (≈ α against the gradient's sign, thanks to the bias correction); 20 steps.
    """
    check = Check("adam_step", adam_step, WRONG_ANSWERS["ch3.adam_step"], argument="adam_step")
    rng = np.random.default_rng(38)
    w0, grads, lr = rng.normal(size=5), rng.normal(size=(20, 5)), 0.01
    keras, w, adam = [], w0.copy(), optimizers.Adam(learning_rate=lr)
    for g in grads:
        adam.apply_gradients([(g, w)])
        keras.append(w.copy())
    textbook = _adam_path(solutions.adam_step, w0, grads, lr)
    g1 = grads[0]

    def verify_shapes(out):
        new_w, m, v = _items(out, 3, "w, m, v")
        for value, name in ((new_w, "w"), (m, "m"), (v, "v")):
            expect_array(value, (5,), name)

    first = {"args": (w0, g1, np.zeros(5), np.zeros(5), 1), "kwargs": {"learning_rate": lr}}
    check.add(
        "returns (w, m, v), each shaped like w",
        verify_shapes,
        "return the new weights and both new moments.",
        **first,
    )
    check.add(
        "after one step m = (1 - β₁) g and v = (1 - β₂) g²",
        lambda out: expect_close(out[1:], (0.1 * g1, 0.001 * g1**2), "(m, v)", rtol=1e-12),
        "m := β₁ m + (1 - β₁) g, v := β₂ v + (1 - β₂) g².",
        **first,
    )
    check.add(
        "the first step moves each weight by about α against its gradient",
        lambda out: _expect_either(out[0], keras[0], textbook[0], "w after one step"),
        "w := w - α m̂ / (√v̂ + ε) with m̂ = m / (1 - β₁ᵗ), v̂ = v / (1 - β₂ᵗ).",
        **first,
    )
    check.add(
        "20 steps match Adam",
        lambda path: _expect_either(path, np.array(keras), textbook, "w after each step"),
        "use the step count t in the bias correction, and return the updated moments.",
        call=_adam_path,
        args=(w0, grads, lr),
    )
    check.run()


def check_l2_penalty(l2_penalty: Callable) -> None:
    """Check ``l2_penalty(W, l2=0.01) -> (penalty, dW)``, Keras' ``l2 · Σ W²`` and ``2 l2 W``.

    Properties: a number and an array shaped like ``W``; the penalty against
    :class:`dlcourse.nn.regularizers.L2`; the gradient against finite differences; a 4-D kernel.
    """
    check = Check("l2_penalty", l2_penalty, WRONG_ANSWERS["ch3.l2_penalty"], argument="l2_penalty")
    rng = np.random.default_rng(39)
    W, kernel, l2 = rng.normal(size=(4, 3)), rng.normal(size=(3, 3, 2, 2)), 0.05
    reg = regularizers.L2(l2)

    def verify_pair(out):
        penalty, dW = _items(out, 2, "penalty, dW")
        expect_scalar(penalty, "penalty"), expect_array(dW, W.shape, "dW (the shape of W)")

    check.add(
        "returns (penalty, dW): a number and an array shaped like W",
        verify_pair,
        "return the penalty (one number) and its gradient (W's shape).",
        args=(W, l2),
    )
    check.add(
        "the penalty equals Keras' L2: l2 · Σ W²",
        lambda out: expect_close(out[0], reg(W), "the penalty", rtol=1e-12),
        "penalty = l2 * np.sum(W ** 2).",
        args=(W, l2),
    )
    check.add(
        "dW equals finite differences of the penalty",
        lambda out: expect_gradient(out[1], numerical_gradient(reg, W.copy()), "dW"),
        "∂(l2 · Σ w²)/∂w = 2 · l2 · w.",
        args=(W, l2),
    )
    check.add(
        "works for a 4-D conv kernel (3, 3, 2, 2)",
        lambda out: expect_close(out[1], regularizers.L2(l2).gradient(kernel), "dW", rtol=1e-12),
        "use elementwise operations and np.sum over every axis.",
        args=(kernel, l2),
    )
    check.run()


def _reproducible(dropout: Callable, x: np.ndarray, rate: float) -> tuple[bool, bool]:
    a = np.asarray(dropout(x.copy(), rate, np.random.default_rng(1)))
    b = np.asarray(dropout(x.copy(), rate, np.random.default_rng(1)))
    c = np.asarray(dropout(x.copy(), rate, np.random.default_rng(2)))
    return bool(np.array_equal(a, b)), not bool(np.array_equal(a, c))


def check_dropout(dropout: Callable) -> None:
    """Check inverted dropout at training time, ``dropout(x, rate, rng)``.

    Properties: shape and dtype; each entry is 0 or ``x / (1 − rate)``; the fraction dropped is
    ``rate`` (within 5 standard deviations on 10,000 entries); ``rate=0`` returns ``x``; the
    mask comes from ``rng`` (same seed, same mask; another seed, another mask).
    """
    check = Check("dropout", dropout, WRONG_ANSWERS["ch3.dropout"], argument="dropout")
    x, rate = np.random.default_rng(40).normal(size=(100, 100)), 0.3
    args = (x, rate, np.random.default_rng(41))

    def verify_values(out):
        kept = expect_array(out, x.shape) != 0
        expect_close(np.asarray(out)[kept], x[kept] / (1 - rate), "the kept entries", rtol=1e-12)

    def verify_fraction(out):
        dropped = float(np.mean(np.asarray(out) == 0))
        expect(abs(dropped - rate) < 0.025, f"a fraction {rate} ± 0.025 of zeros", f"{dropped:.4f}")

    check.add(
        "output shaped like x (100, 100), float64",
        lambda out: expect_array(out, x.shape, dtype=np.float64),
        "multiply x by a mask of x's shape.",
        args=args,
    )
    check.add(
        "each entry is 0 or x / (1 - rate)",
        verify_values,
        "inverted dropout scales the kept entries by 1 / (1 - rate).",
        args=args,
    )
    check.add(
        "a fraction rate = 0.3 of the entries is dropped",
        verify_fraction,
        "drop an entry where rng.random(x.shape) < rate.",
        args=args,
    )
    check.add(
        "rate=0 returns x unchanged",
        lambda out: expect_close(out, x, rtol=1e-12),
        "with rate 0 nothing is dropped and the scale is 1.",
        args=(x, 0.0, np.random.default_rng(41)),
    )
    check.add(
        "the mask comes from rng: same seed, same output; another seed, another",
        lambda ok: expect(ok == (True, True), "(True, True)", str(ok)),
        "draw the mask with rng.random(x.shape), the generator passed in.",
        call=_reproducible,
        args=(x, rate),
    )
    check.run()


def _conv_reference(x: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    layer = Conv2D(W.shape[3], W.shape[:2])
    layer.ensure_built((None,) + x.shape[1:], dtype=np.float64, rng=np.random.default_rng(0))
    layer.set_weights([W, b])
    return layer.forward(x)


def check_conv2d_forward(conv2d_forward: Callable) -> None:
    """Check ``conv2d_forward(x, W, b)``: cross-correlation, stride 1, ``'valid'`` padding.

    ``x (N, H, W, C)``, ``W (kh, kw, C, F)`` → ``(N, H − kh + 1, W − kw + 1, F)``. Properties:
    shape; float64; values against :class:`dlcourse.nn.layers.Conv2D`; a 2 × 3 kernel on a
    one-channel image.
    """
    check = Check(
        "conv2d_forward",
        conv2d_forward,
        WRONG_ANSWERS["ch3.conv2d_forward"],
        argument="conv2d_forward",
    )
    rng = np.random.default_rng(42)
    x, W, b = rng.normal(size=(2, 5, 6, 3)), rng.normal(size=(3, 3, 3, 4)), rng.normal(size=4)
    x1, W1, b1 = rng.normal(size=(1, 4, 5, 1)), rng.normal(size=(2, 3, 1, 2)), rng.normal(size=2)
    check.add(
        "output shape (2, 3, 4, 4) for x (2, 5, 6, 3) and W (3, 3, 3, 4)",
        lambda out: expect_array(out, (2, 3, 4, 4)),
        "'valid' padding: H_out = H - kh + 1, W_out = W - kw + 1, one channel per filter.",
        args=(x, W, b),
    )
    check.add(
        "float64 inputs give a float64 output",
        lambda out: expect_array(out, (2, 3, 4, 4), dtype=np.float64),
        "compute in NumPy; do not convert the dtype.",
        args=(x, W, b),
    )
    check.add(
        "values equal Conv2D's",
        lambda out: expect_close(out, _conv_reference(x, W, b), rtol=1e-10, atol=1e-12),
        "out[n, i, j, f] = b[f] + Σ x[n, i + di, j + dj, c] · W[di, dj, c, f].",
        args=(x, W, b),
    )
    check.add(
        "a non-square 2 × 3 kernel on a one-channel image",
        lambda out: expect_close(out, _conv_reference(x1, W1, b1), rtol=1e-10, atol=1e-12),
        "W[di, dj] runs over the rows (kh) then the columns (kw) of each window.",
        args=(x1, W1, b1),
    )
    check.run()


def _pool_reference(x: np.ndarray, pool_size: int) -> np.ndarray:
    return MaxPooling2D(pool_size=pool_size).forward(x)


def check_max_pool(max_pool: Callable) -> None:
    """Check ``max_pool(x, pool_size=2)``: non-overlapping windows, ``'valid'``.

    Properties: shape; values against :class:`dlcourse.nn.layers.MaxPooling2D`; odd sizes
    (the remainder is dropped); ``pool_size=3``.
    """
    check = Check("max_pool", max_pool, WRONG_ANSWERS["ch3.max_pool"], argument="max_pool")
    rng = np.random.default_rng(43)
    x, odd, big = (
        rng.normal(size=(2, 4, 6, 3)),
        rng.normal(size=(2, 5, 7, 1)),
        rng.normal(size=(1, 6, 9, 2)),
    )
    check.add(
        "output shape (2, 2, 3, 3) for x (2, 4, 6, 3)",
        lambda out: expect_array(out, (2, 2, 3, 3)),
        "stride = pool size: (N, H // p, W // p, C).",
        args=(x, 2),
    )
    check.add(
        "values equal MaxPooling2D's",
        lambda out: expect_close(out, _pool_reference(x, 2), rtol=0.0),
        "the largest value of each p × p window, per channel.",
        args=(x, 2),
    )
    check.add(
        "odd sizes: (2, 5, 7, 1) pools to (2, 2, 3, 1), the remainder dropped",
        lambda out: expect_close(out, _pool_reference(odd, 2), rtol=0.0),
        "crop x to x[:, :H // p * p, :W // p * p] first ('valid' pooling).",
        args=(odd, 2),
    )
    check.add(
        "pool_size=3",
        lambda out: expect_close(out, _pool_reference(big, 3), rtol=0.0),
        "use pool_size, not a fixed 2.",
        args=(big, 3),
    )
    check.run()


EXERCISES = tuple(
    Exercise(f"ch3.{name}", summary, check, getattr(solutions, name), WRONG_ANSWERS[f"ch3.{name}"])
    for name, summary, check in (
        ("sigmoid", "numerically stable sigmoid", check_sigmoid),
        ("softmax", "numerically stable softmax over the last axis", check_softmax),
        ("cross_entropy", "categorical cross-entropy per sample, clipped", check_cross_entropy),
        ("gd_step", "a gradient-descent step for linear regression", check_gd_step),
        ("dense_forward", "Dense forward, x @ W + b", check_dense_forward),
        ("dense_backward", "Dense backward, (dx, dW, db)", check_dense_backward),
        ("momentum_step", "an SGD step with momentum", check_momentum_step),
        ("adam_step", "an Adam step with bias correction", check_adam_step),
        ("l2_penalty", "the L2 penalty and its gradient", check_l2_penalty),
        ("dropout", "inverted dropout with a seeded generator", check_dropout),
        ("conv2d_forward", "Conv2D forward, stride 1, valid padding", check_conv2d_forward),
        ("max_pool", "max pooling over non-overlapping windows", check_max_pool),
    )
)
