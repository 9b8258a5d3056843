"""``Sequential``: a stack of NumPy layers with Keras' workflow (chapter 4, 模型).

``compile`` → ``fit`` → ``evaluate`` → ``predict`` (from :class:`~dlcourse.nn.trainer.Trainer`),
with ``summary``, ``get_weights`` / ``set_weights`` and ``save_weights`` / ``load_weights``
(:mod:`dlcourse.nn.saving`), behaving like ``keras.Sequential``, so that the documents' Keras
programs run on NumPy by changing their import lines::

    from dlcourse.nn.models import Sequential      # was: from tensorflow.keras.models import …
    from dlcourse.nn.layers import Dense           # was: from tensorflow.keras.layers import …
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from dlcourse._checks import describe
from dlcourse.nn import callbacks as _callbacks
from dlcourse.nn import losses as _losses
from dlcourse.nn import saving as _saving
from dlcourse.nn.layers.base import InputLayer, Layer, _unique_name, normalize_shape
from dlcourse.nn.trainer import Trainer

__all__ = ["Sequential"]


class Sequential(Trainer):
    """A linear stack of layers, like ``keras.Sequential``.

    Args:
        layers: optional list of layers (or add them later with :meth:`add`). An
            :class:`~dlcourse.nn.layers.InputLayer` first, or ``input_shape=`` / ``input_dim=`` on
            the first layer, builds the model at once.
        name: model name. Default ``"sequential"``, numbered like Keras'.
        seed: seed of the model's random generator, which draws the initial weights, the
            dropout masks of unseeded Dropout layers and the shuffling in ``fit``. None draws
            fresh entropy from the operating system (never NumPy's global state).
        dtype: floating dtype of the weights and computation. Defaults to float32, as Keras.

    Chapter 4 (模型的构建、编译、训练与预测).
    """

    def __init__(
        self,
        layers: Iterable[Layer] | None = None,
        name: str | None = None,
        seed: int | None = None,
        dtype: Any = "float32",
    ):
        self.name = name or _unique_name("sequential")
        if seed is not None and (
            isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0
        ):
            raise ValueError(
                f"Argument `seed` must be None or a non-negative integer. Received: seed={seed!r}"
            )
        self.seed = seed
        self._rng = np.random.default_rng(seed)
        self.dtype = np.dtype(dtype)
        if not np.issubdtype(self.dtype, np.floating):
            raise ValueError(f"Argument `dtype` must be a floating dtype. Received: {dtype!r}")
        self.layers: list[Layer] = []
        self._input_shape: tuple[int, ...] | None = None
        self.built = False
        self.optimizer: Any = None
        self.loss: _losses.Loss | None = None
        self.compiled = False
        self.stop_training = False
        self.history: _callbacks.History | None = None
        self._metric_ids: list[Any] = []
        if layers is not None:
            if isinstance(layers, Layer):
                raise TypeError(
                    "Argument `layers` must be a list of layers. Received a single "
                    f"layer {layers!r}: wrap it in a list"
                )
            for layer in layers:
                self.add(layer)

    # --------------------------------------------------------------------------- building

    def add(self, layer: Layer) -> None:
        """Append ``layer``; an input shape on the first layer (or an InputLayer) builds it."""
        if not isinstance(layer, Layer):
            raise TypeError(
                f"Sequential.add expects a dlcourse.nn layer. Received: "
                f"{describe(layer)}. (A Keras layer cannot join a NumPy model; use "
                "dlcourse.tfnn.from_keras to copy a Keras model.)"
            )
        if self.built and layer.declared_input_shape is not None and self.layers:
            raise ValueError(
                f"Only the first layer may declare an input shape; layer "
                f"{layer.name!r} declares {layer.declared_input_shape}"
            )
        if isinstance(layer, InputLayer):
            if self.layers or self._input_shape is not None:
                raise ValueError("An InputLayer must come first in a Sequential model.")
            self._input_shape = layer.declared_input_shape
            self.build((None,) + self._input_shape)
            return
        self.layers.append(layer)
        if (
            len(self.layers) == 1
            and self._input_shape is None
            and (layer.declared_input_shape is not None)
        ):
            self._input_shape = layer.declared_input_shape
        if self._input_shape is not None:
            self.build((None,) + self._input_shape)

    def build(self, input_shape: Sequence[int | None]) -> None:
        """Create every layer's weights for inputs of ``input_shape`` (batch dimension first)."""
        input_shape = tuple(input_shape)
        if len(input_shape) < 2:
            raise ValueError(
                f"Argument `input_shape` must include the batch dimension, e.g. "
                f"(None, 784). Received: {input_shape}"
            )
        self._input_shape = normalize_shape(input_shape[1:])
        shape: tuple[int | None, ...] = (None,) + self._input_shape
        for layer in self.layers:
            if layer.built:
                layer._check_input_shape(shape)
            layer.ensure_built(shape, dtype=self.dtype, rng=self._rng)
            shape = layer.compute_output_shape(shape)
        self.built = bool(self.layers)

    def _build_from_data(self, x: np.ndarray) -> None:
        if not self.layers:
            raise ValueError("This Sequential model has no layers: add some with model.add().")
        if not self.built:
            self.build((None,) + x.shape[1:])

    @property
    def input_shape(self) -> tuple[int | None, ...] | None:
        return None if self._input_shape is None else (None,) + self._input_shape

    @property
    def output_shape(self) -> tuple[int | None, ...]:
        self._require_built("output_shape")
        shape: tuple[int | None, ...] = self.input_shape
        for layer in self.layers:
            shape = layer.compute_output_shape(shape)
        return shape

    def _require_built(self, what: str) -> None:
        if not self.built:
            raise ValueError(
                f"This model has not yet been built, so `{what}` is not available. Build it by "
                "giving the first layer an `input_shape` (or `input_dim`), by calling "
                "model.build((None, features)), or by calling fit/predict on data."
            )

    # ---------------------------------------------------------------------- weights access

    @property
    def weights(self) -> list[np.ndarray]:
        """Every parameter array (the arrays themselves), layer by layer, kernel then bias."""
        return [w for layer in self.layers for w in layer.params.values()]

    @property
    def trainable_weights(self) -> list[np.ndarray]:
        return [w for layer in self.layers if layer.trainable for w in layer.params.values()]

    def get_weights(self) -> list[np.ndarray]:
        """Copies of every weight array, in Keras' order."""
        return [w.copy() for w in self.weights]

    def set_weights(self, weights: Sequence[np.ndarray]) -> None:
        """Copy ``weights`` (as :meth:`get_weights` returns them, or a Keras model's) in place."""
        self._require_built("set_weights")
        weights = list(weights)
        expected = [w.shape for w in self.weights]
        if len(weights) != len(expected):
            raise ValueError(
                f"Model {self.name!r} expects {len(expected)} weight arrays of "
                f"shapes {expected}. Received: {len(weights)} arrays"
            )
        index = 0
        for layer in self.layers:
            n = len(layer.params)
            layer.set_weights(weights[index : index + n])
            index += n

    def count_params(self) -> int:
        self._require_built("count_params")
        return sum(layer.count_params() for layer in self.layers)

    def save_weights(self, filepath: str | os.PathLike) -> None:
        """Save every weight array, bit for bit, in a NumPy ``.npz`` file (see
        :mod:`dlcourse.nn.saving`)."""
        _saving.save_weights(self, filepath)

    def load_weights(self, filepath: str | os.PathLike) -> None:
        """Load weights saved by :meth:`save_weights`, refusing corrupt or mismatched files."""
        _saving.load_weights(self, filepath)

    # ------------------------------------------------------------------- forward, backward

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Run every layer's forward pass; the output of the last layer.

        Only the first layer checks its input; the layers after it receive arrays the model
        made itself, and a diverging model is caught by the finite-loss check in ``fit``.
        """
        out = self.layers[0].forward(x, training=training)
        for layer in self.layers[1:]:
            out = layer.call(out, training=training)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Run every layer's backward pass, last to first; returns ``∂L/∂x``."""
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    def __call__(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        x = self._check_x(x)
        return self.forward(x, training=training)

    def regularization_loss(self) -> float:
        """Sum of every layer's regularization penalty (Keras' ``sum(model.losses)``)."""
        return sum(layer.regularization_loss() for layer in self.layers)

    # ----------------------------------------------------------------------------- summary

    def summary(self, line_length: int = 79, print_fn: Any = None) -> None:
        """Print the layer table Keras prints: name (type), output shape, parameter count."""
        self._require_built("summary")
        emit = print_fn or print
        widths = (33, 24, 15)
        top = "┏" + "┳".join("━" * w for w in widths) + "┓"
        head_sep = "┡" + "╇".join("━" * w for w in widths) + "┩"
        row_sep = "├" + "┼".join("─" * w for w in widths) + "┤"
        bottom = "└" + "┴".join("─" * w for w in widths) + "┘"

        def row(cells, left="│", mid="│", right="│"):
            a, b, c = cells
            return (
                left
                + " "
                + a.ljust(widths[0] - 1)
                + mid
                + " "
                + b.ljust(widths[1] - 1)
                + mid
                + c.rjust(widths[2] - 1)
                + " "
                + right
            )

        lines = [
            f'Model: "{self.name}"',
            top,
            row(("Layer (type)", "Output Shape", "Param #"), "┃", "┃", "┃"),
            head_sep,
        ]
        shape: tuple[int | None, ...] = self.input_shape
        for i, layer in enumerate(self.layers):
            shape = layer.compute_output_shape(shape)
            shape_text = "(" + ", ".join("None" if s is None else str(s) for s in shape) + ")"
            lines.append(
                row(
                    (
                        f"{layer.name} ({type(layer).__name__})",
                        shape_text,
                        f"{layer.count_params():,}",
                    )
                )
            )
            lines.append(row_sep if i < len(self.layers) - 1 else bottom)
        weights = self.count_params()
        trainable = sum(layer.count_params() for layer in self.layers if layer.trainable)
        itemsize = self.dtype.itemsize
        # Like Keras, once the optimizer holds state its variables count in the total.
        opt_count, opt_bytes = (
            self.optimizer.state_size() if self.compiled and self.optimizer.built else (0, 0)
        )
        total, total_bytes = weights + opt_count, weights * itemsize + opt_bytes
        lines.append(f" Total params: {total:,} ({_bytes(total_bytes)})")
        lines.append(f" Trainable params: {trainable:,} ({_bytes(trainable * itemsize)})")
        lines.append(
            f" Non-trainable params: {weights - trainable:,} "
            f"({_bytes((weights - trainable) * itemsize)})"
        )
        if opt_count:
            lines.append(f" Optimizer params: {opt_count:,} ({_bytes(opt_bytes)})")
        for line in lines:
            emit(line)

    def __repr__(self) -> str:
        return f"<Sequential name={self.name!r}, layers={len(self.layers)}, built={self.built}>"


def _bytes(n: int) -> str:
    """Keras' size format: ``99.41 KB``, ``0.00 B``."""
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} GB"  # pragma: no cover
