"""Max pooling, in NumPy (chapter 3, 池化层)."""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcourse._checks import check_in
from dlcourse.nn.layers.base import Layer, normalize_tuple
from dlcourse.nn.layers.conv import _crop, _pad, conv_output_length

__all__ = ["MaxPooling2D"]


class MaxPooling2D(Layer):
    """2-D max pooling: the largest value of each ``pool_size`` window, per channel.

    ``out[n, i, j, c] = max_{di, dj} x[n, i·s_h + di, j·s_w + dj, c]``. Backward sends each
    output's gradient to the position of its maximum (the first one in row-major window order,
    on ties, as TensorFlow does) and zero elsewhere.

    Computed with one strided view per offset ``(di, dj)`` of the window, ``x[:, di::s_h,
    dj::s_w, :]``: the forward pass takes their elementwise maximum, the backward pass compares
    each with the output. Loops run over the ``ph · pw`` offsets, never over pixels.

    Args:
        pool_size: ``int`` or ``(ph, pw)``. Defaults to ``(2, 2)``.
        strides: ``int``, ``(s_h, s_w)`` or None (default: equal to ``pool_size``).
        padding: ``"valid"`` (default) or ``"same"`` (padded with −∞, so padding never wins).
        **kwargs: ``name``, ``dtype``, ``input_shape``.

    Shapes: input ``(N, H, W, C)`` → output ``(N, H_out, W_out, C)``.

    Chapter 3 (池化层); document [1]'s CNN uses ``MaxPooling2D((2, 2))``.
    """

    def __init__(
        self,
        pool_size: Any = (2, 2),
        strides: Any = None,
        padding: str = "valid",
        data_format: str | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.pool_size = normalize_tuple(pool_size, 2, "pool_size")
        self.strides = self.pool_size if strides is None else normalize_tuple(strides, 2, "strides")
        self.padding = check_in(str(padding).lower(), "padding", ("valid", "same"))
        if data_format not in (None, "channels_last"):
            raise ValueError(
                "The NumPy reference supports data_format='channels_last' only. "
                f"Received: data_format={data_format!r}"
            )
        self._cache: tuple | None = None
        self._out: np.ndarray | None = None

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        return (
            n,
            conv_output_length(h, self.pool_size[0], self.strides[0], self.padding),
            conv_output_length(w, self.pool_size[1], self.strides[1], self.padding),
            c,
        )

    input_ndim = 4

    def _offsets(self, h_out: int, w_out: int):
        """For each window offset ``(di, dj)``, the slice of the padded input it sees."""
        (ph, pw), (sh, sw) = self.pool_size, self.strides
        for di in range(ph):
            for dj in range(pw):
                yield (
                    slice(None),
                    slice(di, di + sh * (h_out - 1) + 1, sh),
                    slice(dj, dj + sw * (w_out - 1) + 1, sw),
                    slice(None),
                )

    def call(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Max over each window; caches the padded input and the output for backward."""
        _, h_out, w_out, _ = self.compute_output_shape(x.shape)
        if h_out <= 0 or w_out <= 0:
            raise ValueError(
                f"MaxPooling2D {self.name!r}: input of shape {x.shape} is smaller "
                f"than the pool {self.pool_size}"
            )
        xp, pads = _pad(x, self.pool_size, self.strides, self.padding, value=-np.inf)
        out = None
        for window in self._offsets(h_out, w_out):
            out = xp[window].copy() if out is None else np.maximum(out, xp[window], out=out)
        self._cache = (xp, pads)
        self._out = out
        return out

    def backward(self, dout: np.ndarray, *, need_dx: bool = True) -> np.ndarray:
        """Route ``dout`` to the first maximum of each window; returns ``dx``."""
        dout = self._check_dout(dout, None if self._out is None else self._out.shape)
        xp, pads = self._cache
        out = self._out
        dx = np.zeros_like(xp)
        routed = np.zeros(out.shape, dtype=bool)  # windows whose maximum is already found
        for window in self._offsets(out.shape[1], out.shape[2]):
            hit = (xp[window] == out) & ~routed
            routed |= hit
            dx[window] += dout * hit
        return _crop(dx, pads)

    def get_config(self):
        return {
            **super().get_config(),
            "pool_size": self.pool_size,
            "strides": self.strides,
            "padding": self.padding,
        }
