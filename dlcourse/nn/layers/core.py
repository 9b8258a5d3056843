"""Flatten, Dropout and Activation layers, in NumPy (chapter 3)."""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcourse._checks import check_probability
from dlcourse.nn import activations as _activations
from dlcourse.nn.layers.base import Layer

__all__ = ["Activation", "Dropout", "Flatten"]


class Flatten(Layer):
    """Flatten each sample to a vector: ``(N, d1, d2, …) → (N, d1·d2·…)``, channels-last order.

    It holds no weights; backward reshapes the gradient back. Chapter 3 (扁平层): document [1]'s
    CNN flattens the pooled feature maps before its Dense layer.
    """

    def __init__(self, data_format: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise ValueError(
                "The NumPy reference supports data_format='channels_last' only. "
                f"Received: data_format={data_format!r}"
            )
        self._in_shape: tuple[int, ...] | None = None

    def compute_output_shape(self, input_shape):
        size = 1
        for s in input_shape[1:]:
            size *= s
        return (input_shape[0], size)

    def call(self, x, training=False):
        self._in_shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dout, *, need_dx: bool = True):
        expected = (
            None
            if self._in_shape is None
            else (self._in_shape[0], int(np.prod(self._in_shape[1:])))
        )
        dout = self._check_dout(dout, expected)
        return dout.reshape(self._in_shape)


class Dropout(Layer):
    """Inverted dropout: during training, zero a fraction ``rate`` of the inputs at random and
    scale the rest by ``1 / (1 − rate)``, so the expected output equals the input; at inference,
    the identity.

    ``mask = (u ≥ rate) / (1 − rate)`` with ``u ~ U[0, 1)``; ``out = x ⊙ mask``;
    ``dx = dout ⊙ mask``. The last mask is kept in ``self.mask`` (a parity test can give the
    same mask to TensorFlow).

    Args:
        rate: fraction of the inputs to drop, in ``[0, 1)`` (Keras' meaning, not the keep
            probability).
        noise_shape: None, or a shape that broadcasts to the input, with 1 where the same
            decision is shared (e.g. ``(N, 1, 1, C)`` drops whole channels).
        seed: integer seed of the layer's own generator; None draws from the model's generator.
        **kwargs: ``name``, ``dtype``, ``input_shape``.

    Chapter 3 (Dropout); Srivastava et al., 2014. Document [3] lists it against overfitting.
    """

    def __init__(
        self, rate: float, noise_shape: Any = None, seed: int | None = None, **kwargs: Any
    ):
        super().__init__(**kwargs)
        self.rate = check_probability(rate, "rate")
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        if seed is not None and (
            isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0
        ):
            raise ValueError(
                f"Argument `seed` must be None or a non-negative integer. Received: seed={seed!r}"
            )
        self.seed = seed
        self._seed_rng = None if seed is None else np.random.default_rng(seed)
        self.mask: np.ndarray | None = None
        self._out_shape: tuple[int, ...] | None = None

    def call(self, x, training=False):
        self._out_shape = x.shape
        if not training or self.rate == 0.0:
            self.mask = None
            return x
        rng = self._seed_rng or self._rng
        shape = x.shape if self.noise_shape is None else self._mask_shape(x.shape)
        keep = rng.random(shape) >= self.rate
        self.mask = keep.astype(x.dtype) / x.dtype.type(1.0 - self.rate)
        return x * self.mask

    def _mask_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        """``noise_shape`` with None filled from the input; each entry 1 or the input's size."""
        noise = self.noise_shape
        if len(noise) != len(input_shape) or any(
            s is not None and s not in (1, d) for s, d in zip(noise, input_shape, strict=True)
        ):
            raise ValueError(
                f"Dropout {self.name!r}: argument `noise_shape` must have one entry per input "
                f"dimension, each None, 1 or the input's size. Received: noise_shape={noise} "
                f"for input of shape {input_shape}"
            )
        return tuple(d if s is None else s for s, d in zip(noise, input_shape, strict=True))

    def backward(self, dout, *, need_dx: bool = True):
        dout = self._check_dout(dout, self._out_shape)
        return dout if self.mask is None else dout * self.mask

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


class Activation(Layer):
    """Apply an activation as a layer of its own, like ``keras.layers.Activation``.

    Args:
        activation: name or function of :mod:`dlcourse.nn.activations`.
    """

    def __init__(self, activation: Any, **kwargs: Any):
        super().__init__(**kwargs)
        self.activation = _activations.get(activation)
        self._out: np.ndarray | None = None

    def call(self, x, training=False):
        self._out = self.activation.forward(x)
        return self._out

    def backward(self, dout, *, need_dx: bool = True):
        dout = self._check_dout(dout, None if self._out is None else self._out.shape)
        return self.activation.backward(dout, self._out)

    def get_config(self):
        return {**super().get_config(), "activation": self.activation.name}
