"""Activation functions and their derivatives, in NumPy (chapter 3, 激活函数).

Mirrors ``keras.activations``: ``sigmoid``, ``tanh``, ``relu``, ``leaky_relu``, ``softmax`` and
``linear`` take an array and return an array of the same shape and dtype. Each has a derivative
written beside it, expressed through the activation's *output* ``out``, because that is what a
layer keeps from its forward pass:

=============  ===============================  ======================================
activation     formula                          derivative, from the output
=============  ===============================  ======================================
sigmoid        σ(x) = 1 / (1 + e^{-x})          σ'(x) = out · (1 − out)
tanh           tanh(x)                          1 − out²
relu           max(x, 0)                        1 where out > 0, else 0
leaky_relu     x if x > 0 else α·x              1 where out > 0, else α
softmax        e^{x_i} / Σ_j e^{x_j}            Jacobian-vector product (see below)
linear         x                                1
=============  ===============================  ======================================

All forms are numerically stable: inputs of ±1e4 give finite outputs with no overflow warning.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from dlcourse._checks import as_float_array, check_nonnegative

__all__ = [
    "Activation",
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


# --------------------------------------------------------------------------- forward, unchecked
# The private `_name(x)` forms do the maths on an array already known to be a finite float
# array; layers call them in the training loop. The public forms below check their input first.


def _sigmoid(x: np.ndarray) -> np.ndarray:
    # exp(-|x|) ≤ 1 never overflows; pick the algebraically equal form for each sign.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(x.dtype, copy=False)


def _softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    shifted = x - x.max(axis=axis, keepdims=True)  # largest exponent is e^0 = 1
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0)


def _leaky_relu(x: np.ndarray, negative_slope: float = 0.2) -> np.ndarray:
    return np.where(x > 0, x, x * x.dtype.type(negative_slope))


# ----------------------------------------------------------------------------- public forms


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic sigmoid, ``σ(x) = 1 / (1 + e^{-x})``.

    Stable form: for ``x ≥ 0`` compute ``1 / (1 + e^{-x})``, for ``x < 0`` the equal
    ``e^{x} / (1 + e^{x})``, so the exponent is never positive and never overflows.

    Args:
        x: array of any shape.

    Returns:
        Array of the same shape and dtype, values in ``[0, 1]``.

    Chapter 3 (激活函数); document [0] and [3] give the formula.
    """
    return _sigmoid(as_float_array(x, "x"))


def sigmoid_derivative(x: np.ndarray) -> np.ndarray:
    """Derivative of the sigmoid, ``σ'(x) = σ(x) · (1 − σ(x))``, at ``x``."""
    s = sigmoid(x)
    return s * (1 - s)


def tanh(x: np.ndarray) -> np.ndarray:
    """Hyperbolic tangent, ``tanh(x) = (e^x − e^{-x}) / (e^x + e^{-x})``; ``np.tanh`` is stable.

    Chapter 3 (激活函数).
    """
    return np.tanh(as_float_array(x, "x"))


def tanh_derivative(x: np.ndarray) -> np.ndarray:
    """Derivative of tanh, ``1 − tanh(x)²``, at ``x``."""
    t = tanh(x)
    return 1 - t * t


def relu(x: np.ndarray) -> np.ndarray:
    """Rectified linear unit, ``relu(x) = max(x, 0)``.

    Chapter 3 (激活函数).
    """
    return _relu(as_float_array(x, "x"))


def relu_derivative(x: np.ndarray) -> np.ndarray:
    """Derivative of ReLU: 1 where ``x > 0``, else 0 (TensorFlow's choice at ``x = 0`` too)."""
    x = as_float_array(x, "x")
    return (x > 0).astype(x.dtype)


def leaky_relu(x: np.ndarray, negative_slope: float = 0.2) -> np.ndarray:
    """Leaky ReLU, ``x`` for ``x > 0`` and ``negative_slope · x`` otherwise.

    Args:
        x: array of any shape.
        negative_slope: slope ``α ≥ 0`` for negative inputs. Defaults to 0.2, as in Keras 3.

    Chapter 3 (激活函数).
    """
    check_nonnegative(negative_slope, "negative_slope")
    return _leaky_relu(as_float_array(x, "x"), negative_slope)


def leaky_relu_derivative(x: np.ndarray, negative_slope: float = 0.2) -> np.ndarray:
    """Derivative of leaky ReLU: 1 where ``x > 0``, else ``negative_slope``."""
    check_nonnegative(negative_slope, "negative_slope")
    x = as_float_array(x, "x")
    return np.where(x > 0, 1.0, negative_slope).astype(x.dtype)


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Softmax, ``softmax(x)_i = e^{x_i} / Σ_j e^{x_j}`` along ``axis``.

    Stable form: subtract ``max_j x_j`` first. The result is unchanged (the factor
    ``e^{-max}`` cancels) and the largest exponent is ``e^0 = 1``, so nothing overflows.

    Args:
        x: array of at least one dimension, e.g. logits of shape ``(N, classes)``.
        axis: the axis that sums to one. Defaults to -1.

    Returns:
        Array of the same shape and dtype; each slice along ``axis`` sums to 1.

    Chapter 3 (激活函数); document [0] uses it for the output layer of a classifier.
    """
    x = as_float_array(x, "x", min_ndim=1)
    _check_axis(axis, x.ndim)
    return _softmax(x, axis)


def softmax_backward(dout: np.ndarray, out: np.ndarray, axis: int = -1) -> np.ndarray:
    """Gradient through softmax: the Jacobian-vector product ``Jᵀ · dout``.

    With ``s = softmax(x)``, ``∂s_i/∂x_j = s_i (δ_ij − s_j)``, so

        ``dx = s ⊙ (dout − Σ_j dout_j s_j)``

    which costs O(classes), not the O(classes²) of building the Jacobian.

    Args:
        dout: upstream gradient ``∂L/∂s``, same shape as ``out``.
        out: the softmax output ``s`` from the forward pass.
        axis: the softmax axis. Defaults to -1.
    """
    dout = as_float_array(dout, "dout")
    out = as_float_array(out, "out")
    if dout.shape != out.shape:
        raise ValueError(
            f"Arguments `dout` and `out` must have the same shape. "
            f"Received: dout.shape={dout.shape}, out.shape={out.shape}"
        )
    return out * (dout - (dout * out).sum(axis=axis, keepdims=True))


def linear(x: np.ndarray) -> np.ndarray:
    """The identity, ``linear(x) = x`` (Keras' ``activation=None`` or ``'linear'``)."""
    return as_float_array(x, "x")


def linear_derivative(x: np.ndarray) -> np.ndarray:
    """Derivative of the identity: ones."""
    return np.ones_like(as_float_array(x, "x"))


def _check_axis(axis: int, ndim: int) -> None:
    if (
        isinstance(axis, bool)
        or not isinstance(axis, (int, np.integer))
        or not -ndim <= axis < ndim
    ):
        raise ValueError(
            f"Argument `axis` must be an integer in [{-ndim}, {ndim}) for an input of "
            f"{ndim} dimension(s). Received: axis={axis!r}"
        )


# ------------------------------------------------------------------ what layers use: Activation


@dataclass(frozen=True)
class Activation:
    """An activation as a layer needs it: forward, and backward from the cached output.

    Attributes:
        name: Keras' name for it (``'relu'``, ``'softmax'``, …).
        forward: ``x -> out`` on a finite float array (unchecked, fast).
        backward: ``(dout, out) -> dx``, the gradient through the activation given the upstream
            gradient and the forward output.
    """

    name: str
    forward: Callable[[np.ndarray], np.ndarray]
    backward: Callable[[np.ndarray, np.ndarray], np.ndarray]

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.forward(x)

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


def _leaky_backward(dout: np.ndarray, out: np.ndarray) -> np.ndarray:
    # out > 0 exactly where x > 0, because the negative slope is positive.
    return np.where(out > 0, dout, dout * out.dtype.type(0.2))


_ACTIVATIONS: dict[str, Activation] = {
    "linear": Activation("linear", lambda x: x, lambda dout, out: dout),
    "sigmoid": Activation("sigmoid", _sigmoid, lambda dout, out: dout * out * (1 - out)),
    "tanh": Activation("tanh", np.tanh, lambda dout, out: dout * (1 - out * out)),
    "relu": Activation("relu", _relu, lambda dout, out: dout * (out > 0)),
    "leaky_relu": Activation("leaky_relu", _leaky_relu, _leaky_backward),
    "softmax": Activation(
        "softmax",
        _softmax,
        lambda dout, out: out * (dout - (dout * out).sum(axis=-1, keepdims=True)),
    ),
}

# The public functions, so that `activation=dlcourse.nn.activations.relu` works like Keras'.
_BY_FUNCTION: dict[Callable, str] = {
    linear: "linear",
    sigmoid: "sigmoid",
    tanh: "tanh",
    relu: "relu",
    leaky_relu: "leaky_relu",
    softmax: "softmax",
}


def get(identifier: str | Callable | Activation | None) -> Activation:
    """Look up an activation like ``keras.activations.get``.

    Args:
        identifier: ``None`` (linear), a name (``'relu'``), one of this module's functions, or an
            :class:`Activation`.

    Returns:
        The :class:`Activation`, with forward and backward.

    Raises:
        ValueError: for an unknown name or a function whose derivative the NumPy reference does
            not know.
    """
    if identifier is None:
        return _ACTIVATIONS["linear"]
    if isinstance(identifier, Activation):
        return identifier
    if isinstance(identifier, str):
        key = identifier.lower()
        if key not in _ACTIVATIONS:
            raise ValueError(
                f"Unknown activation {identifier!r}. Expected one of {sorted(_ACTIVATIONS)} "
                f"or None. Received: activation={identifier!r}"
            )
        return _ACTIVATIONS[key]
    if callable(identifier) and identifier in _BY_FUNCTION:
        return _ACTIVATIONS[_BY_FUNCTION[identifier]]
    raise ValueError(
        "The NumPy reference needs an activation whose derivative it knows: one of "
        f"{sorted(_ACTIVATIONS)}, None, or a function of dlcourse.nn.activations. "
        f"Received: activation={identifier!r}"
    )


def serialize(activation: Activation) -> str:
    """The name under which :func:`get` finds ``activation`` again."""
    return activation.name
