"""Activation functions in TensorFlow ops, the twins of :mod:`dlcourse.nn.activations` (chapter 3).

Each function below is the formula of its NumPy twin written with TensorFlow ops, in the same
numerically stable form, so that the two can be read side by side:

=============  ===========================================  =================================
activation     NumPy (``dlcourse.nn.activations``)          TensorFlow (this module)
=============  ===========================================  =================================
sigmoid        ``np.where(x >= 0, 1/(1+e), e/(1+e))``       ``tf.where(x >= 0, …)``, same ``e``
tanh           ``np.tanh(x)``                               ``tf.tanh(x)``
relu           ``np.maximum(x, 0)``                         ``tf.where(x > 0, x, 0)``
leaky_relu     ``np.where(x > 0, x, α·x)``                  ``tf.where(x > 0, x, α·x)``
softmax        ``exp(x − max) / Σ exp(x − max)``            the same, max under stop_gradient
linear         ``x``                                        ``tf.identity(x)``
=============  ===========================================  =================================

The NumPy reference writes each derivative by hand; here the derivatives
(``sigmoid_derivative``, …) come from ``tf.GradientTape``: TensorFlow records the forward ops
and differentiates them. ``tests/parity`` checks that both agree, and that both agree with
``keras.activations``, which Keras' layers use.

Two details that decide gradients at single points, chosen to match NumPy and Keras:

* ``relu`` is written ``tf.where(x > 0, x, 0)``, whose gradient at ``x = 0`` is 0 (like
  ``tf.nn.relu``); ``tf.maximum(x, 0)`` would give 1 there.
* The stable sigmoid uses ``-|x|`` written as ``tf.where(x >= 0, -x, x)``: ``tf.abs`` has
  gradient ``sign(0) = 0`` at zero, which would make the derivative at 0 come out as 0
  instead of 1/4.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from dlcourse.tfnn._backend import keras, tf

__all__ = [
    "TensorLike",
    "get",
    "leaky_relu",
    "leaky_relu_derivative",
    "linear",
    "linear_derivative",
    "relu",
    "relu_derivative",
    "serialize",
    "sigmoid",
    "sigmoid_derivative",
    "softmax",
    "softmax_backward",
    "tanh",
    "tanh_derivative",
]


TensorLike = tf.Tensor | tf.Variable | np.ndarray | float | list
"""What the functions accept: a tensor, a variable, or anything ``np.asarray`` reads."""


def _as_float_tensor(x: TensorLike, name: str = "x", dtype: tf.DType | None = None) -> tf.Tensor:
    """``x`` as a floating tensor, checked finite.

    Integers become float32 (like Keras) unless ``dtype`` is given. Constants are converted
    straight to their final dtype (``tf.cast(0.2, tf.float64)`` would round 0.2 to float32
    first; ``tf.constant(0.2, tf.float64)`` does not).
    """
    if isinstance(x, (tf.Tensor, tf.Variable)):
        t = tf.convert_to_tensor(x)
        if dtype is not None and t.dtype != dtype:
            t = tf.cast(t, dtype)
    else:
        try:
            t = tf.convert_to_tensor(
                x if dtype is None else np.asarray(x, dtype=dtype.as_numpy_dtype)
            )
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"Argument `{name}` must be array-like numbers. Received: {x!r}"
            ) from exc
    if not t.dtype.is_floating:
        if not (t.dtype.is_integer or t.dtype.is_bool):
            raise TypeError(f"Argument `{name}` must hold real numbers. Received dtype {t.dtype}")
        t = tf.cast(t, tf.float32)
    if tf.executing_eagerly() and not bool(tf.reduce_all(tf.math.is_finite(t))):
        raise ValueError(
            f"Argument `{name}` must be finite, but it holds NaN or inf. "
            f"Received: tensor of shape {tuple(t.shape)}"
        )
    return t


def sigmoid(x: TensorLike) -> tf.Tensor:
    """Logistic sigmoid ``σ(x) = 1 / (1 + e^{-x})``, in the stable form of the NumPy twin.

    With ``e = exp(−|x|) ≤ 1``: ``1 / (1 + e)`` for ``x ≥ 0`` and ``e / (1 + e)`` for ``x < 0``.

    Args:
        x: tensor or array of any shape.

    Returns:
        Tensor of the same shape and dtype, values in ``[0, 1]``. Chapter 3 (激活函数).
    """
    x = _as_float_tensor(x)
    e = tf.exp(tf.where(x >= 0, -x, x))
    return tf.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def tanh(x: TensorLike) -> tf.Tensor:
    """Hyperbolic tangent (``tf.tanh`` is stable). Chapter 3 (激活函数)."""
    return tf.tanh(_as_float_tensor(x))


def relu(x: TensorLike) -> tf.Tensor:
    """``max(x, 0)``, written so that its gradient at 0 is 0. Chapter 3 (激活函数)."""
    x = _as_float_tensor(x)
    return tf.where(x > 0, x, tf.zeros_like(x))


def leaky_relu(x: TensorLike, negative_slope: float = 0.2) -> tf.Tensor:
    """``x`` for ``x > 0``, ``negative_slope · x`` otherwise (Keras 3 default slope 0.2)."""
    _check_slope(negative_slope)
    x = _as_float_tensor(x)
    return tf.where(x > 0, x, x * tf.constant(negative_slope, dtype=x.dtype))


def softmax(x: TensorLike, axis: int = -1) -> tf.Tensor:
    """``e^{x_i − m} / Σ_j e^{x_j − m}`` along ``axis`` with ``m = max_j x_j``.

    The shift ``m`` does not change the value, so it carries no gradient: it sits under
    ``tf.stop_gradient`` and the tape differentiates only the quotient.

    Args:
        x: tensor of at least one dimension, e.g. logits ``(N, classes)``.
        axis: the axis that sums to one. Defaults to -1.
    """
    x = _as_float_tensor(x)
    _check_axis(axis, x.shape.rank)
    shifted = x - tf.stop_gradient(tf.reduce_max(x, axis=axis, keepdims=True))
    e = tf.exp(shifted)
    return e / tf.reduce_sum(e, axis=axis, keepdims=True)


def linear(x: TensorLike) -> tf.Tensor:
    """The identity (Keras' ``activation=None``)."""
    return tf.identity(_as_float_tensor(x))


def softmax_backward(dout: TensorLike, out: TensorLike, axis: int = -1) -> tf.Tensor:
    """``Jᵀ · dout = out ⊙ (dout − Σ_j dout_j out_j)``, the NumPy twin's formula in TF ops.

    ``tf.GradientTape`` computes the same product from the recorded ops; this form is here so
    that the two can be compared.

    Args:
        dout: upstream gradient ``∂L/∂out``, same shape as ``out``.
        out: softmax output.
        axis: the softmax axis. Defaults to -1.
    """
    dout = _as_float_tensor(dout, "dout")
    out = _as_float_tensor(out, "out")
    if dout.shape != out.shape:
        raise ValueError(
            "Arguments `dout` and `out` must have the same shape. Received: "
            f"dout.shape={tuple(dout.shape)}, out.shape={tuple(out.shape)}"
        )
    return out * (dout - tf.reduce_sum(dout * out, axis=axis, keepdims=True))


# ------------------------------------------------------------ derivatives from GradientTape


def _elementwise_derivative(fn: Callable[[tf.Tensor], tf.Tensor], x) -> tf.Tensor:
    """``f'(x)`` for an elementwise ``f``: the gradient of ``Σ f(x)`` (the Jacobian is
    diagonal, so its row sums are the diagonal)."""
    x = _as_float_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return tape.gradient(y, x)


def sigmoid_derivative(x: TensorLike) -> tf.Tensor:
    """``σ'(x) = σ(x)(1 − σ(x))``, computed by ``tf.GradientTape``."""
    return _elementwise_derivative(sigmoid, x)


def tanh_derivative(x: TensorLike) -> tf.Tensor:
    """``1 − tanh(x)²``, computed by ``tf.GradientTape``."""
    return _elementwise_derivative(tanh, x)


def relu_derivative(x: TensorLike) -> tf.Tensor:
    """1 where ``x > 0``, else 0, computed by ``tf.GradientTape``."""
    return _elementwise_derivative(relu, x)


def leaky_relu_derivative(x: TensorLike, negative_slope: float = 0.2) -> tf.Tensor:
    """1 where ``x > 0``, else ``negative_slope``, computed by ``tf.GradientTape``."""
    _check_slope(negative_slope)
    return _elementwise_derivative(lambda t: leaky_relu(t, negative_slope), x)


def linear_derivative(x: TensorLike) -> tf.Tensor:
    """Ones, computed by ``tf.GradientTape``."""
    return _elementwise_derivative(linear, x)


def get(identifier: Any) -> Callable:
    """Keras' activation for ``identifier`` (a name, a function or None).

    The Keras functions are the ones Keras' layers call (and they tag their output with the
    logits so that a following cross-entropy can use them; see :mod:`dlcourse.tfnn.losses`).
    """
    try:
        return keras.activations.get(identifier)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"Unknown activation. Received: activation={identifier!r}") from exc


def serialize(activation: Callable) -> Any:
    """The name of a Keras activation (``keras.activations.serialize``), e.g. ``'relu'``."""
    return keras.activations.serialize(activation)


def _check_slope(negative_slope) -> None:
    try:
        ok = float(negative_slope) >= 0 and not isinstance(negative_slope, bool)
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ValueError(
            "Argument `negative_slope` must be a non-negative number. "
            f"Received: negative_slope={negative_slope!r}"
        )


def _check_axis(axis, ndim) -> None:
    if (
        ndim is None
        or ndim == 0
        or isinstance(axis, bool)
        or not isinstance(axis, int)
        or not (-ndim <= axis < ndim)
    ):
        raise ValueError(
            f"Argument `axis` must be an integer in [-{ndim}, {ndim}) for an input "
            f"of {ndim} dimension(s). Received: axis={axis!r}"
        )
