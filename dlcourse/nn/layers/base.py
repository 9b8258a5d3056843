"""The layer contract shared by every NumPy layer (chapter 3, 层).

A layer is built lazily from the shape of its first input, then::

    out = layer.forward(x, training=False)   # caches what backward needs
    dx = layer.backward(dout)                # returns ∂L/∂x, fills layer.grads

``layer.params`` and ``layer.grads`` are dicts with the same keys, named like Keras' weights
(``"kernel"``, ``"bias"``). A layer computes in the floating dtype of its parameters, which is
the dtype it is built with (``dtype=`` or, by default, that of its first floating input, so a
float64 input gives a float64 layer for gradient checks; other inputs give float32, Keras'
default).
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import numpy as np

from dlcourse._checks import all_finite, check_finite, describe
from dlcourse.nn import initializers as _initializers
from dlcourse.nn import regularizers as _regularizers

__all__ = ["Layer", "InputLayer", "normalize_shape", "normalize_tuple"]

_NAME_COUNTS: defaultdict[str, int] = defaultdict(int)


def _unique_name(base: str) -> str:
    """Keras' automatic names: ``dense``, ``dense_1``, ``dense_2``, … per process."""
    count = _NAME_COUNTS[base]
    _NAME_COUNTS[base] += 1
    return base if count == 0 else f"{base}_{count}"


def _snake_case(name: str) -> str:
    """Keras' ``to_snake_case``: ``MaxPooling2D`` → ``max_pooling2d``, ``Conv2D`` → ``conv2d``."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def normalize_tuple(value: Any, n: int, name: str) -> tuple[int, ...]:
    """``3`` → ``(3, 3)``; a tuple of ``n`` positive integers is returned as is."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = (int(value),) * n
    try:
        value = tuple(value)
    except TypeError:
        raise ValueError(
            f"Argument `{name}` must be an integer or a tuple of {n} integers. "
            f"Received: {name}={value!r}"
        ) from None
    if len(value) != n or not all(
        isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v > 0 for v in value
    ):
        raise ValueError(
            f"Argument `{name}` must be a positive integer or a tuple of {n} "
            f"positive integers. Received: {name}={value!r}"
        )
    return tuple(int(v) for v in value)


def normalize_shape(shape: Any, name: str = "input_shape") -> tuple[int, ...]:
    """A per-sample shape: a tuple of positive integers (no batch dimension)."""
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        shape = tuple(shape)
    except TypeError:
        raise ValueError(
            f"Argument `{name}` must be a tuple of positive integers. Received: {name}={shape!r}"
        ) from None
    if not shape or not all(
        isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s > 0 for s in shape
    ):
        raise ValueError(
            f"Argument `{name}` must be a non-empty tuple of positive integers "
            f"(the shape of one sample, without the batch size). "
            f"Received: {name}={shape!r}"
        )
    return tuple(int(s) for s in shape)


class Layer:
    """Base class of the NumPy layers.

    Args:
        name: layer name; by default the snake-case class name, numbered like Keras'.
        dtype: floating dtype of the parameters and the computation. Default: that of the first
            floating input, else float32.
        input_shape: shape of one sample (no batch dimension), as in the documents'
            ``Dense(64, input_shape=(100,))``; lets a ``Sequential`` build at once.
        input_dim: shorthand for ``input_shape=(input_dim,)``.
        trainable: whether an optimizer updates the parameters. Defaults to True.

    Subclasses implement ``build(input_shape)``, ``forward``, ``backward`` and
    ``compute_output_shape``, and add parameters with :meth:`add_weight`.
    """

    def __init__(
        self,
        *,
        name: str | None = None,
        dtype: Any = None,
        input_shape: Any = None,
        input_dim: int | None = None,
        trainable: bool = True,
    ):
        if name is not None and (not isinstance(name, str) or not name):
            raise ValueError(f"Argument `name` must be a non-empty string. Received: {name!r}")
        self.name = name or _unique_name(_snake_case(type(self).__name__))
        self.dtype = _check_dtype(dtype)
        if input_dim is not None:
            if input_shape is not None:
                raise ValueError(
                    "Pass either `input_shape` or `input_dim`, not both. Received: "
                    f"input_shape={input_shape!r}, input_dim={input_dim!r}"
                )
            input_shape = (input_dim,)
        self.declared_input_shape = (
            None if input_shape is None else normalize_shape(input_shape, "input_shape")
        )
        self.trainable = bool(trainable)
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.regularizers: dict[str, _regularizers.Regularizer] = {}
        self.built = False
        self.input_shape: tuple[int | None, ...] | None = None
        self._rng: np.random.Generator | None = None

    # ------------------------------------------------------------------ building and weights

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        """Create the parameters for inputs of ``input_shape`` (batch dimension included)."""
        self.input_shape = tuple(input_shape)
        self.built = True

    def ensure_built(
        self,
        input_shape: tuple[int | None, ...],
        *,
        dtype: Any = None,
        rng: np.random.Generator | None = None,
    ) -> None:
        """Build once, drawing random weights from ``rng`` (a model passes its own)."""
        if self.built:
            return
        if self.dtype is None:
            self.dtype = np.dtype(dtype) if dtype is not None else np.dtype("float32")
        self._rng = rng if rng is not None else np.random.default_rng()
        self.build(tuple(input_shape))
        self.built = True

    @staticmethod
    def _check_initializer(value: Any, name: str) -> Any:
        """Resolve an initializer argument now, so a bad one fails at construction, by name."""
        try:
            return _initializers.get(value)
        except ValueError:
            raise ValueError(
                f"Argument `{name}` must be an initializer name (e.g. 'glorot_uniform', "
                f"'he_normal', 'zeros') or a dlcourse.nn.initializers.Initializer. "
                f"Received: {name}={value!r}"
            ) from None

    @staticmethod
    def _check_regularizer(value: Any, name: str) -> Any:
        """Resolve a regularizer argument now, so a bad one fails at construction, by name."""
        try:
            return _regularizers.get(value)
        except ValueError:
            raise ValueError(
                f"Argument `{name}` must be None, 'l1', 'l2', 'l1_l2' or a "
                f"dlcourse.nn.regularizers.Regularizer. Received: {name}={value!r}"
            ) from None

    def add_weight(
        self, key: str, shape: tuple[int, ...], initializer: Any, regularizer: Any = None
    ) -> np.ndarray:
        """Create ``self.params[key]`` with ``initializer`` and register its ``regularizer``."""
        init = _initializers.get(initializer)
        value = init(shape, dtype=self.dtype, rng=self._rng)
        self.params[key] = value
        self.grads[key] = np.zeros_like(value)
        reg = _regularizers.get(regularizer)
        if reg is not None:
            self.regularizers[key] = reg
        return value

    @property
    def weights(self) -> list[np.ndarray]:
        """The parameter arrays themselves (not copies), in Keras' order."""
        return list(self.params.values())

    def get_weights(self) -> list[np.ndarray]:
        """Copies of the parameters in Keras' order (kernel, then bias)."""
        return [w.copy() for w in self.params.values()]

    def set_weights(self, weights: list[np.ndarray]) -> None:
        """Copy ``weights`` into the parameters in place, checking count and shapes."""
        weights = list(weights)
        if len(weights) != len(self.params):
            raise ValueError(
                f"Layer {self.name!r} expects {len(self.params)} weight array(s) "
                f"({', '.join(self.params) or 'none'}). Received: {len(weights)}"
            )
        for (key, param), value in zip(self.params.items(), weights, strict=True):
            value = np.asarray(value)
            if value.shape != param.shape:
                raise ValueError(
                    f"Layer {self.name!r} expects weight {key!r} of shape {param.shape}. "
                    f"Received: shape {value.shape}"
                )
            check_finite(value.astype(np.float64, copy=False), f"weights[{key!r}]")
            param[...] = value

    def count_params(self) -> int:
        """Number of scalar parameters."""
        return int(sum(p.size for p in self.params.values()))

    def regularization_loss(self) -> float:
        """Sum of the regularizers' penalties on this layer's parameters (0.0 if none)."""
        return float(sum(reg(self.params[k]) for k, reg in self.regularizers.items()))

    def _add_regularization_grads(self) -> None:
        for key, reg in self.regularizers.items():
            self.grads[key] += reg.gradient(self.params[key])

    # -------------------------------------------------------------------- forward / backward

    def __call__(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        return self.forward(x, training=training)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Check ``x`` (numbers, shape, finite), build on first use, and compute the output.

        The checks are here; the maths is in :meth:`call`, as in Keras' ``__call__`` / ``call``.
        A model that has already checked its input calls ``call`` directly.
        """
        return self.call(self._prepare_input(x, self.input_ndim), training)

    def call(self, x: np.ndarray, training: bool = False) -> np.ndarray:  # pragma: no cover
        """The forward maths on an input already checked and cast; caches what backward needs."""
        raise NotImplementedError

    def backward(self, dout: np.ndarray, *, need_dx: bool = True) -> np.ndarray | None:
        """Return ``∂L/∂x`` and fill ``self.grads``. ``need_dx=False`` allows skipping ``∂L/∂x``
        (layers with weights then return None)."""  # pragma: no cover
        raise NotImplementedError

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        """Shape of the output for an input of ``input_shape`` (batch dimension included)."""
        return tuple(input_shape)

    # ------------------------------------------------------------------------------ checks

    input_ndim: int | None = None
    """Exact rank the layer needs (4 for images), or None for any rank ≥ 2."""

    def _prepare_input(self, x: Any, ndim: int | None = None) -> np.ndarray:
        """Check ``x`` (numbers, rank, finite), build the layer, cast to its dtype."""
        try:
            arr = np.asarray(x)
        except Exception as exc:  # pragma: no cover
            raise TypeError(
                f"{type(self).__name__} {self.name!r} expected an array. Received: {describe(x)}"
            ) from exc
        if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
            raise TypeError(
                f"{type(self).__name__} {self.name!r} expected numeric input. "
                f"Received: {describe(x)}"
            )
        if (ndim is not None and arr.ndim != ndim) or arr.ndim < 2:
            expected = (
                ("(N, H, W, C)" if ndim == 4 else f"{ndim} dimensions")
                if ndim
                else ("at least 2 dimensions (batch first)")
            )
            raise ValueError(
                f"{type(self).__name__} {self.name!r} expected input of shape {expected}, "
                f"received shape {arr.shape}"
            )
        if not all_finite(arr):
            raise ValueError(
                f"{type(self).__name__} {self.name!r} received input holding NaN or inf "
                f"({int((~np.isfinite(arr)).sum())} value(s)). If this happens during training, "
                f"the model diverged: lower the learning rate. Received: {describe(arr)}"
            )
        if not self.built:
            floating = np.issubdtype(arr.dtype, np.floating)
            self.ensure_built((None,) + arr.shape[1:], dtype=arr.dtype if floating else None)
        self._check_input_shape(arr.shape)
        if arr.dtype != self.dtype:
            arr = arr.astype(self.dtype)
        return arr

    def _check_input_shape(self, shape: tuple[int, ...]) -> None:
        expected = self.input_shape
        if expected is None:
            return
        if len(shape) != len(expected) or any(
            e is not None and e != s for e, s in zip(expected[1:], shape[1:], strict=True)
        ):
            raise ValueError(
                f"{type(self).__name__} {self.name!r} expected input of shape "
                f"{_shape_str(expected)}, received shape {tuple(shape)}"
            )

    def _check_dout(self, dout: Any, expected_shape: tuple[int, ...]) -> np.ndarray:
        if not self.built or expected_shape is None:
            raise RuntimeError(
                f"{type(self).__name__} {self.name!r}: call forward() before backward()."
            )
        dout = np.asarray(dout)
        if dout.shape != tuple(expected_shape):
            raise ValueError(
                f"{type(self).__name__} {self.name!r} backward expected `dout` of shape "
                f"{tuple(expected_shape)} (the shape of its last output). Received: shape "
                f"{dout.shape}"
            )
        if not all_finite(dout):
            raise ValueError(
                f"{type(self).__name__} {self.name!r} received `dout` holding NaN "
                f"or inf. Received: {describe(dout)}"
            )
        return dout.astype(self.dtype, copy=False)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "trainable": self.trainable}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r}, built={self.built}>"


def _check_dtype(dtype: Any) -> np.dtype | None:
    if dtype is None:
        return None
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise ValueError(
            f"Argument `dtype` must be a floating dtype. Received: dtype={dtype!r}"
        ) from None
    if not np.issubdtype(dt, np.floating):
        raise ValueError(f"Argument `dtype` must be a floating dtype. Received: dtype={dtype!r}")
    return dt


def _shape_str(shape: tuple[int | None, ...]) -> str:
    return (
        "("
        + ", ".join("None" if s is None else str(s) for s in shape)
        + (",)" if len(shape) == 1 else ")")
    )


class InputLayer(Layer):
    """Declares the shape of one sample, like ``keras.Input(shape=...)``; holds no weights.

    ``Sequential([InputLayer((784,)), Dense(32)])`` builds at once, as does giving
    ``input_shape=`` to the first layer.
    """

    def __init__(self, shape: Any, *, name: str | None = None, dtype: Any = None):
        super().__init__(name=name, dtype=dtype, input_shape=normalize_shape(shape, "shape"))

    def call(self, x, training=False):
        return x

    def backward(self, dout, *, need_dx: bool = True):
        return np.asarray(dout)
