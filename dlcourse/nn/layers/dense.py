"""The fully connected layer, ``out = f(x W + b)`` (chapter 3, 全连接层)."""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcourse._checks import check_positive_int
from dlcourse.nn import activations as _activations
from dlcourse.nn.layers.base import Layer

__all__ = ["Dense"]


class Dense(Layer):
    """Fully connected layer: ``z = x W + b``, ``out = f(z)``, like ``keras.layers.Dense``.

    Shapes: ``x (N, in)``, ``W`` (``"kernel"``) ``(in, units)``, ``b`` (``"bias"``)
    ``(units,)``, ``out (N, units)``. Inputs of higher rank ``(N, ..., in)`` are transformed along
    their last axis, as in Keras.

    Backward, with ``dz = f'(z) ⊙ dout`` (computed from the cached output):

        ``dW = xᵀ dz``,  ``db = Σ_n dz``,  ``dx = dz Wᵀ``

    plus the regularizers' gradients on ``dW`` and ``db``.

    Args:
        units: number of output units (neurons), a positive integer.
        activation: name, function of :mod:`dlcourse.nn.activations`, or None (linear).
        use_bias: whether to add ``b``. Defaults to True.
        kernel_initializer: defaults to ``"glorot_uniform"``.
        bias_initializer: defaults to ``"zeros"``.
        kernel_regularizer: None (default), ``"l1"``, ``"l2"``, or a regularizer instance.
        bias_regularizer: likewise for the bias.
        **kwargs: ``name``, ``dtype``, ``input_shape``, ``input_dim``, ``trainable``.

    Chapter 3 (前向传播 and 反向传播); every document's model is a stack of Dense layers.
    """

    def __init__(
        self,
        units: int,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.units = check_positive_int(units, "units")
        self.activation = _activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = self._check_initializer(kernel_initializer, "kernel_initializer")
        self.bias_initializer = self._check_initializer(bias_initializer, "bias_initializer")
        self.kernel_regularizer = self._check_regularizer(kernel_regularizer, "kernel_regularizer")
        self.bias_regularizer = self._check_regularizer(bias_regularizer, "bias_regularizer")
        self._x: np.ndarray | None = None
        self._out: np.ndarray | None = None

    def build(self, input_shape):
        super().build(input_shape)
        in_dim = input_shape[-1]
        self.add_weight(
            "kernel", (in_dim, self.units), self.kernel_initializer, self.kernel_regularizer
        )
        if self.use_bias:
            self.add_weight("bias", (self.units,), self.bias_initializer, self.bias_regularizer)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def call(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """``out = f(x W + b)``; caches ``x`` and ``out`` for backward."""
        out = self.activation.forward(self.call_preactivation(x))
        self._out = out
        return out

    def forward_preactivation(self, x: np.ndarray) -> np.ndarray:
        """``z = x W + b``, before the activation, with the input checks of :meth:`forward`.

        A model that fuses the output activation with its loss computes ``z`` this way, then
        starts backpropagation with :meth:`backward_preactivation`.
        """
        return self.call_preactivation(self._prepare_input(x))

    def call_preactivation(self, x: np.ndarray) -> np.ndarray:
        """The maths of :meth:`forward_preactivation`; caches ``x``."""
        z = x @ self.params["kernel"]
        if self.use_bias:
            z += self.params["bias"]
        self._x, self._out = x, None
        return z

    def backward(self, dout: np.ndarray, *, need_dx: bool = True) -> np.ndarray | None:
        """Gradients of the loss: returns ``dx``, fills ``grads["kernel"]``, ``grads["bias"]``.

        ``need_dx=False`` skips the product ``dz Wᵀ`` and returns None: a model passes it to its
        first layer, whose input gradient nobody uses.
        """
        dout = self._check_dout(dout, None if self._out is None else self._out.shape)
        return self.backward_preactivation(
            self.activation.backward(dout, self._out), need_dx=need_dx
        )

    def backward_preactivation(self, dz: np.ndarray, *, need_dx: bool = True) -> np.ndarray | None:
        """Backward from ``dz = ∂L/∂z``, the gradient before the activation.

        A model uses this when it fuses the output activation with the loss (softmax with
        cross-entropy gives ``dz = (p − y) / N`` directly, which is exact and stable).
        """
        x = self._x
        x2 = x.reshape(-1, x.shape[-1])
        dz2 = dz.reshape(-1, self.units)
        self.grads["kernel"] = x2.T @ dz2
        if self.use_bias:
            self.grads["bias"] = dz2.sum(axis=0)
        self._add_regularization_grads()
        return dz @ self.params["kernel"].T if need_dx else None

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": self.activation.name,
            "use_bias": self.use_bias,
        }
