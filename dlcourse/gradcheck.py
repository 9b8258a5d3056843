"""Gradient checking: compare a backward pass with finite differences.

Chapter 3, "Backpropagation (反向传播)": an analytic gradient is only trusted once it matches a
numerical one. For a function ``f`` and an arbitrary upstream gradient ``dout`` (the gradient of
some loss with respect to ``f``'s output), the gradient of ``L(x) = sum(f(x) * dout)`` with
respect to each entry ``x_i`` is estimated by a central difference::

    ∂L/∂x_i ≈ (L(x + h e_i) - L(x - h e_i)) / (2h)        error O(h²) + O(ε·|L| / h)

A random ``dout``, not ones, is what catches a gradient that is summed over the wrong axis or
transposed (CS231n's ``eval_numerical_gradient_array``). The check needs float64: with float32's
ε ≈ 1e-7 the rounding term ε/h is as large as the gradient itself for any useful ``h``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from dlcourse._checks import as_float_array, check_finite, describe

__all__ = ["check_layer", "numerical_gradient", "rel_error"]


def _check_h(h: Any) -> float:
    """Return the finite-difference step ``h`` as a float if it is a finite number > 0."""
    if isinstance(h, bool) or not isinstance(h, (int, float, np.floating, np.integer)):
        raise ValueError(f"Argument `h` must be a positive number. Received: h={h!r}")
    if not np.isfinite(h) or h <= 0:
        raise ValueError(f"Argument `h` must be a positive number. Received: h={h!r}")
    return float(h)


def _check_float64_array(x: Any, name: str) -> np.ndarray:
    """Return ``x`` if it is a finite float64 NumPy array, else raise a TypeError or ValueError."""
    if not isinstance(x, np.ndarray):
        raise TypeError(
            f"Argument `{name}` must be a float64 NumPy array (it is perturbed in place). "
            f"Received: {describe(x)}"
        )
    if x.dtype != np.float64:
        raise TypeError(
            f"Argument `{name}` must have dtype float64: finite differences in float32 are too "
            f"inaccurate (rounding error ~1e-7 / h swamps the gradient). Convert it with "
            f"`{name}.astype(np.float64)`. Received: {describe(x)}"
        )
    check_finite(x, name)
    return x


def _output(f: Callable[[np.ndarray], Any], x: np.ndarray, shape: tuple[int, ...] | None):
    """Call ``f(x)`` and return its output as a float64 array, checking its shape and values."""
    # A copy: f may return a view of x (the identity does), which the perturbation would change.
    out = np.array(as_float_array(f(x), "f(x)", dtype=np.float64, allow_nonfinite=True), copy=True)
    if shape is not None and out.shape != shape:
        raise ValueError(
            f"f(x) changed shape while x was perturbed: first {shape}, then {out.shape}"
        )
    check_finite(out, "f(x)")
    return out


def numerical_gradient(
    f: Callable[[np.ndarray], Any],
    x: np.ndarray,
    dout: np.ndarray | None = None,
    h: float = 1e-6,
) -> np.ndarray:
    """Central-difference gradient of ``sum(f(x) * dout)`` with respect to the array ``x``.

    For each entry ``x_i``: set ``x_i ± h`` in place, call ``f(x)`` twice, and take
    ``sum((f(x + h e_i) - f(x - h e_i)) * dout) / (x_i⁺ - x_i⁻)``, where ``x_i⁺ - x_i⁻`` is the
    step actually stored (≈ 2h; using it removes the rounding of ``x_i ± h``). Subtracting the
    outputs before summing makes every output that does not depend on ``x_i`` cancel exactly.
    ``x_i`` is then restored bit for bit, also if ``f`` raises. Cost: ``2 · x.size`` calls of
    ``f``. Chapter 3, "Gradient checking".

    Args:
        f: function of ``x`` returning an array of any fixed shape, or a scalar. It may also
            ignore its argument and read ``x`` elsewhere (e.g. a layer's weight array).
        x: float64 array of any shape, perturbed in place during the call.
        dout: upstream gradient, the shape of ``f(x)``. Default ``None``: ones (so the result is
            the gradient of ``sum(f(x))``, or of ``f(x)`` itself when it is a scalar).
        h: step; finite and > 0. Default ``1e-6``.

    Returns:
        float64 array shaped like ``x``: the estimate of ``∂ sum(f(x) * dout) / ∂x``.

    Raises:
        TypeError: if ``x`` is not a float64 NumPy array (float32 is refused: too inaccurate).
        ValueError: if ``dout`` does not match ``f(x)``'s shape, if ``x``, ``dout`` or ``f(x)``
            hold NaN or inf, or if ``h`` is too small for an entry of ``x``.
    """
    x = _check_float64_array(x, "x")
    if not x.flags.writeable:
        raise ValueError(
            "Argument `x` must be writeable: it is perturbed in place. "
            f"Received: a read-only {describe(x)}"
        )
    h = _check_h(h)
    if not callable(f):
        raise TypeError(f"Argument `f` must be callable. Received: {describe(f)}")
    out = _output(f, x, None)
    if dout is None:
        dout = np.ones_like(out)
    dout = as_float_array(dout, "dout", dtype=np.float64)
    if dout.shape != out.shape:
        raise ValueError(
            f"Argument `dout` must have the shape of f(x), {out.shape}. "
            f"Received: dout of shape {dout.shape}"
        )
    grad = np.zeros_like(x, dtype=np.float64)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        try:
            x[ix] = old + h
            plus, out_plus = x[ix], _output(f, x, out.shape)
            x[ix] = old - h
            minus, out_minus = x[ix], _output(f, x, out.shape)
        finally:
            x[ix] = old
        if plus == minus:
            raise ValueError(
                f"Argument `h` is too small for x{list(ix)} = {float(old)!r}: x + h and x - h "
                f"are the same float64 number. Received: h={h!r}"
            )
        grad[ix] = np.sum((out_plus - out_minus) * dout) / (plus - minus)
    return grad


def rel_error(a: Any, b: Any) -> float:
    """Largest elementwise relative error between two arrays (CS231n's ``rel_error``).

    ``max_i |a_i - b_i| / max(1e-8, |a_i| + |b_i|)``. The floor ``1e-8`` keeps two entries that
    are both exactly zero from dividing by zero; elsewhere the error is relative, so it is
    independent of scale. Symmetric in ``a`` and ``b``. As a rule of thumb for a float64 gradient
    check: below 1e-7 the gradient is right, above 1e-2 it is almost surely wrong.

    Args:
        a, b: arrays (or numbers) of the same shape, finite.

    Returns:
        The error as a Python ``float`` (``0.0`` for empty arrays).

    Raises:
        ValueError: if the shapes differ (no broadcasting) or a value is NaN or inf.
    """
    a = as_float_array(a, "a", dtype=np.float64)
    b = as_float_array(b, "b", dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(
            f"Arguments `a` and `b` must have the same shape. "
            f"Received: a of shape {a.shape} and b of shape {b.shape}"
        )
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def check_layer(layer: Any, x: np.ndarray, seed: int = 0, h: float = 1e-6) -> dict[str, float]:
    """Check a layer's ``backward`` against finite differences, for ``x`` and every parameter.

    Draws an upstream gradient ``dout`` (standard normal, shape of the output) and compares, with
    :func:`rel_error`, the analytic gradients of the objective::

        L = sum(layer.forward(x, training=False) * dout) + layer.regularization_loss()

    (the last term only if the layer has that method) with numerical ones: ``dx =
    layer.backward(dout)`` against :func:`numerical_gradient` over ``x``, and each
    ``layer.grads[k]`` against :func:`numerical_gradient` over ``layer.params[k]``, perturbed in
    place (so ``grads`` must include the regularizer's gradient). The layer contract (chapter 3):
    ``forward(x, training=False) -> out`` (building the layer on the first call),
    ``backward(dout) -> dx`` filling ``grads``, and ``params`` / ``grads`` dicts of arrays with
    the same keys. Parameters are restored exactly; ``x`` is not modified (a copy is perturbed).

    Args:
        layer: the layer to check; it must compute in float64 for float64 input.
        x: float64 input array, e.g. shape ``(batch, features)``.
        seed: seed of ``np.random.default_rng`` drawing ``dout``. Default ``0``.
        h: finite-difference step. Default ``1e-6``.

    Returns:
        ``{"x": error of dx, "kernel": error of grads["kernel"], ...}``, one entry per parameter.

    Raises:
        TypeError: if ``layer`` lacks the contract's methods, or ``x`` or the layer's arrays are
            not float64.
        ValueError: if ``grads`` and ``params`` keys differ or a gradient has the wrong shape.
    """
    missing = [a for a in ("forward", "backward", "params", "grads") if not hasattr(layer, a)]
    if missing:
        raise TypeError(
            f"Argument `layer` must have forward, backward, params and grads; it lacks "
            f"{', '.join(missing)}. Received: {describe(layer)}"
        )
    x = _check_float64_array(x, "x").copy()
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"Argument `seed` must be a non-negative integer. Received: seed={seed!r}")
    h = _check_h(h)
    regularization = getattr(layer, "regularization_loss", None)

    def forward(inputs: np.ndarray) -> np.ndarray:
        out = layer.forward(inputs, training=False)
        if not isinstance(out, np.ndarray) or out.dtype != np.float64:
            raise TypeError(
                f"check_layer needs a layer that computes in float64 for float64 input; "
                f"forward returned {describe(out)}"
            )
        return out

    def objective_terms(inputs: np.ndarray) -> np.ndarray:
        """The layer's output, flattened, followed by its regularization loss."""
        reg = float(regularization()) if callable(regularization) else 0.0
        return np.append(forward(inputs).ravel(), reg)

    out = forward(x)  # builds the layer and fills the cache that backward reads
    dout = np.random.default_rng(seed).standard_normal(np.shape(out))
    dx = layer.backward(dout)
    weights = np.append(dout.ravel(), 1.0)  # the regularization term enters L with weight 1

    params, grads = dict(layer.params), {k: np.array(g) for k, g in layer.grads.items()}
    if set(params) != set(grads):
        raise ValueError(
            f"layer.grads must have the keys of layer.params. "
            f"Received: params keys {sorted(params)}, grads keys {sorted(grads)}"
        )
    analytic = {"x": np.asarray(dx), **grads}
    arrays = {"x": x, **params}
    errors = {}
    for name, array in arrays.items():
        if name != "x":
            _check_float64_array(array, f"layer.params[{name!r}]")
        if analytic[name].shape != array.shape:
            label = "dx" if name == "x" else f"grads[{name!r}]"
            raise ValueError(
                f"The layer's {label} must have shape {array.shape}. "
                f"Received: shape {analytic[name].shape}"
            )
        numeric = numerical_gradient(lambda _: objective_terms(x), array, weights, h)
        errors[name] = rel_error(analytic[name], numeric)
    return errors
