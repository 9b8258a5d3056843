"""2-D convolution by im2col, in NumPy (chapter 3, 卷积层).

Images are channels-last, ``(N, H, W, C)``, and the kernel is ``(kh, kw, C_in, C_out)``, as in
Keras. No Python loop runs over pixels: the forward pass turns every receptive field into a row
of a matrix (im2col, through a strided *view* of the input) and does one matrix product; the
backward pass does two matrix products and scatters the column gradients back with one loop over
the ``kh · kw`` kernel offsets.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from dlcourse._checks import check_in, check_positive_int
from dlcourse.nn import activations as _activations
from dlcourse.nn.layers.base import Layer, normalize_tuple

__all__ = ["Conv2D", "conv_output_length", "same_padding"]


def conv_output_length(length: int, window: int, stride: int, padding: str) -> int:
    """Output length along one axis: ``⌈(L − k + 1) / s⌉`` for valid, ``⌈L / s⌉`` for same."""
    if padding == "same":
        return math.ceil(length / stride)
    return max(0, math.ceil((length - window + 1) / stride))


def same_padding(length: int, window: int, stride: int) -> tuple[int, int]:
    """TensorFlow's ``'same'`` padding ``(before, after)``: the extra pixel goes after."""
    total = max((math.ceil(length / stride) - 1) * stride + window - length, 0)
    return total // 2, total - total // 2


def _pad(
    x: np.ndarray,
    window: tuple[int, int],
    strides: tuple[int, int],
    padding: str,
    value: float = 0.0,
) -> tuple[np.ndarray, tuple[tuple[int, int], tuple[int, int]]]:
    if padding == "valid":
        return x, ((0, 0), (0, 0))
    pads = (
        same_padding(x.shape[1], window[0], strides[0]),
        same_padding(x.shape[2], window[1], strides[1]),
    )
    if pads == ((0, 0), (0, 0)):
        return x, pads
    return np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)), constant_values=value), pads


def windows(x_padded: np.ndarray, window: tuple[int, int], strides: tuple[int, int]) -> np.ndarray:
    """A strided view ``(N, H_out, W_out, C, kh, kw)`` of every window; no data is copied."""
    view = sliding_window_view(x_padded, window, axis=(1, 2))
    return view[:, :: strides[0], :: strides[1]]


def scatter_windows(
    dwin: np.ndarray, padded_shape: tuple[int, ...], strides: tuple[int, int]
) -> np.ndarray:
    """The adjoint of :func:`windows`: add each window's gradient back where it came from.

    ``dwin`` has shape ``(N, H_out, W_out, C, kh, kw)``; one loop over the ``kh · kw`` offsets.
    """
    _, h_out, w_out, _, kh, kw = dwin.shape
    sh, sw = strides
    dx = np.zeros(padded_shape, dtype=dwin.dtype)
    for i in range(kh):
        for j in range(kw):
            dx[:, i : i + sh * (h_out - 1) + 1 : sh, j : j + sw * (w_out - 1) + 1 : sw, :] += dwin[
                ..., i, j
            ]
    return dx


def _crop(dx_padded: np.ndarray, pads) -> np.ndarray:
    (top, bottom), (left, right) = pads
    h, w = dx_padded.shape[1], dx_padded.shape[2]
    return dx_padded[:, top : h - bottom, left : w - right, :]


class Conv2D(Layer):
    """2-D convolution (strictly, cross-correlation, as in every framework).

    ``out[n, i, j, f] = f_act(b_f + Σ_{di, dj, c} x_pad[n, i·s_h + di, j·s_w + dj, c] ·
    W[di, dj, c, f])``

    As matrices: ``cols (N·H_out·W_out, C·kh·kw)``, ``z = cols · W_mat + b``; backward:
    ``dW_mat = colsᵀ dz``, ``db = Σ dz``, ``dcols = dz W_matᵀ``, then the windows' gradients are
    scattered back (col2im) and the padding cropped.

    Args:
        filters: number of output channels.
        kernel_size: ``int`` or ``(kh, kw)``.
        strides: ``int`` or ``(s_h, s_w)``. Defaults to 1.
        padding: ``"valid"`` (default, no padding) or ``"same"`` (TensorFlow's: output size
            ``⌈L / s⌉``, extra padding after).
        activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
        bias_regularizer: as in :class:`~dlcourse.nn.layers.Dense`.
        **kwargs: ``name``, ``dtype``, ``input_shape``, ``trainable``.

    Shapes: input ``(N, H, W, C)``, kernel ``(kh, kw, C, filters)``, bias ``(filters,)``,
    output ``(N, H_out, W_out, filters)``.

    Chapter 3 (卷积神经网络); document [1]'s CNN starts with ``Conv2D(32, (3, 3))``.
    """

    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        strides: Any = (1, 1),
        padding: str = "valid",
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        data_format: str | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.filters = check_positive_int(filters, "filters")
        self.kernel_size = normalize_tuple(kernel_size, 2, "kernel_size")
        self.strides = normalize_tuple(strides, 2, "strides")
        self.padding = check_in(str(padding).lower(), "padding", ("valid", "same"))
        if data_format not in (None, "channels_last"):
            raise ValueError(
                "The NumPy reference supports data_format='channels_last' only. "
                f"Received: data_format={data_format!r}"
            )
        self.activation = _activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = self._check_initializer(kernel_initializer, "kernel_initializer")
        self.bias_initializer = self._check_initializer(bias_initializer, "bias_initializer")
        self.kernel_regularizer = self._check_regularizer(kernel_regularizer, "kernel_regularizer")
        self.bias_regularizer = self._check_regularizer(bias_regularizer, "bias_regularizer")
        self._cache: tuple | None = None
        self._out: np.ndarray | None = None

    def build(self, input_shape):
        if len(input_shape) != 4:
            raise ValueError(
                f"Conv2D {self.name!r} expected input of shape (N, H, W, C), "
                f"received shape {tuple(input_shape)}"
            )
        super().build(input_shape)
        kh, kw = self.kernel_size
        self.add_weight(
            "kernel",
            (kh, kw, input_shape[-1], self.filters),
            self.kernel_initializer,
            self.kernel_regularizer,
        )
        if self.use_bias:
            self.add_weight("bias", (self.filters,), self.bias_initializer, self.bias_regularizer)

    def compute_output_shape(self, input_shape):
        n, h, w, _ = input_shape
        return (
            n,
            conv_output_length(h, self.kernel_size[0], self.strides[0], self.padding),
            conv_output_length(w, self.kernel_size[1], self.strides[1], self.padding),
            self.filters,
        )

    input_ndim = 4

    def call(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Convolve ``x (N, H, W, C)``; caches the im2col matrix for backward."""
        _, h_out, w_out, _ = self.compute_output_shape(x.shape)
        if h_out <= 0 or w_out <= 0:
            raise ValueError(
                f"Conv2D {self.name!r}: input of shape {x.shape} is smaller than the kernel "
                f"{self.kernel_size} with padding='valid'; use padding='same' or a larger input"
            )
        xp, pads = _pad(x, self.kernel_size, self.strides, self.padding)
        win = windows(xp, self.kernel_size, self.strides)  # (N, Ho, Wo, C, kh, kw)
        n = x.shape[0]
        cols = win.reshape(n * h_out * w_out, -1)  # copies into a matrix
        w_mat = self._kernel_matrix()
        z = cols @ w_mat
        if self.use_bias:
            z += self.params["bias"]
        z = z.reshape(n, h_out, w_out, self.filters)
        out = self.activation.forward(z)
        self._cache = (cols, xp.shape, pads, win.shape)
        self._out = out
        return out

    def _kernel_matrix(self) -> np.ndarray:
        # (kh, kw, C, F) -> (C, kh, kw, F) -> (C·kh·kw, F), matching the windows' (C, kh, kw).
        return self.params["kernel"].transpose(2, 0, 1, 3).reshape(-1, self.filters)

    def backward(self, dout: np.ndarray, *, need_dx: bool = True) -> np.ndarray | None:
        """Returns ``dx (N, H, W, C)``; fills ``grads["kernel"]`` and ``grads["bias"]``.

        ``need_dx=False`` skips the input gradient (col2im) and returns None.
        """
        dout = self._check_dout(dout, None if self._out is None else self._out.shape)
        cols, padded_shape, pads, win_shape = self._cache
        dz = self.activation.backward(dout, self._out).reshape(-1, self.filters)
        kh, kw, c, f = self.params["kernel"].shape
        self.grads["kernel"] = (cols.T @ dz).reshape(c, kh, kw, f).transpose(1, 2, 0, 3)
        if self.use_bias:
            self.grads["bias"] = dz.sum(axis=0)
        self._add_regularization_grads()
        if not need_dx:
            return None
        dcols = (dz @ self._kernel_matrix().T).reshape(win_shape)
        return _crop(scatter_windows(dcols, padded_shape, self.strides), pads)

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "activation": self.activation.name,
            "use_bias": self.use_bias,
        }
