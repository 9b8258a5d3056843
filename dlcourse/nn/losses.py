"""Loss functions and their gradients, in NumPy (chapter 3, 损失函数).

Mirrors ``keras.losses``. The functions (``mean_squared_error``, ``binary_crossentropy``, …)
return one loss per sample, like Keras' functions; the classes (``MeanSquaredError``, …) reduce
them to a scalar (``reduction='sum_over_batch_size'`` by default, i.e. the mean) and also give
the gradient of that scalar with respect to the predictions, which is where backpropagation
starts.

Where Keras' form differs from the textbook one, this module implements Keras' form:

* Cross-entropies from probabilities clip the predictions to ``[ε, 1 − ε]`` with
  ``ε = 1e-7`` before taking logarithms (the textbook ``H(p, q) = −Σ p log q`` has no ε and gives
  ``inf`` for ``q = 0``).
* ``categorical_crossentropy`` first rescales each row of predictions to sum to one.
* ``sparse_categorical_crossentropy`` clips, takes logarithms and then applies a log-softmax,
  so it too renormalises after clipping.
* ``from_logits=True`` computes from unnormalised scores with the log-sum-exp trick, which is
  exact and stable for logits of ±1e4.

Gradients are those of these exact forms (zero where clipping is active), so they agree with
TensorFlow's automatic differentiation of the same code.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from dlcourse._checks import as_float_array, check_in, describe

__all__ = [
    "EPSILON",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "Loss",
    "MeanAbsoluteError",
    "MeanSquaredError",
    "SparseCategoricalCrossentropy",
    "binary_crossentropy",
    "categorical_crossentropy",
    "get",
    "mean_absolute_error",
    "mean_squared_error",
    "sparse_categorical_crossentropy",
]

EPSILON = 1e-7
"""Keras' fuzz factor ``keras.config.epsilon()``, used to clip probabilities."""

REDUCTIONS = ("sum_over_batch_size", "mean", "sum", "none", None)


# ----------------------------------------------------------------------------- input checks


def _prepare(y_true, y_pred, *, sparse: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Check and align ``y_true`` with ``y_pred`` the way Keras does, without silent broadcasts.

    Keras squeezes or expands a trailing dimension of size 1 when the ranks differ by one
    (``(n,)`` labels against ``(n, 1)`` predictions); anything else that differs in shape is an
    error here, never a broadcast.
    """
    y_pred = as_float_array(y_pred, "y_pred", min_ndim=1)
    if sparse:
        return _sparse_labels(y_true, y_pred), y_pred
    y_true = as_float_array(y_true, "y_true", dtype=y_pred.dtype)
    if y_true.ndim == y_pred.ndim - 1 and y_pred.shape[-1] == 1:
        y_true = y_true[..., None]
    elif y_pred.ndim == y_true.ndim - 1 and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"Arguments `y_true` and `y_pred` must have the same shape. Received: "
            f"y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}"
        )
    return y_true, y_pred


def _sparse_labels(y_true, y_pred: np.ndarray) -> np.ndarray:
    """Integer class labels of shape ``y_pred.shape[:-1]``, checked against the class count."""
    labels = np.asarray(y_true)
    if labels.ndim == y_pred.ndim and labels.shape[-1] == 1:
        labels = labels[..., 0]
    if labels.ndim == y_pred.ndim and labels.shape == y_pred.shape and y_pred.shape[-1] > 1:
        raise ValueError(
            "A sparse categorical loss expects integer class labels of shape "
            f"{y_pred.shape[:-1]}, but `y_true` has the shape of the predictions "
            f"{labels.shape}: it looks one-hot encoded. Use categorical_crossentropy for one-hot "
            "labels, or pass `y.argmax(axis=-1)`."
        )
    if labels.shape != y_pred.shape[:-1]:
        raise ValueError(
            f"Argument `y_true` must hold integer class labels of shape {y_pred.shape[:-1]} "
            f"(or {y_pred.shape[:-1] + (1,)}). Received: {describe(labels)}"
        )
    if labels.dtype.kind not in "iub":
        if (
            labels.dtype.kind != "f"
            or not np.all(np.isfinite(labels))
            or not np.all(labels == np.round(labels))
        ):
            raise ValueError(
                "Argument `y_true` of a sparse categorical loss must hold integer class labels. "
                f"Received: {describe(labels)} with non-integer values"
            )
    labels = labels.astype(np.int64)
    n_classes = y_pred.shape[-1]
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(
            f"Argument `y_true` must hold class labels in [0, {n_classes}) for predictions with "
            f"{n_classes} classes. Received: labels from {labels.min()} to {labels.max()}"
        )
    return labels


# -------------------------------------------------------------------- per-sample loss values


def _logsumexp(z: np.ndarray, axis: int = -1) -> np.ndarray:
    m = z.max(axis=axis, keepdims=True)
    return (m + np.log(np.exp(z - m).sum(axis=axis, keepdims=True))).squeeze(axis)


def _log_sigmoid(z: np.ndarray) -> np.ndarray:
    # log σ(z) = −log(1 + e^{−z}) = min(z, 0) − log(1 + e^{−|z|}): no overflow for any z.
    return np.minimum(z, 0) - np.log1p(np.exp(-np.abs(z)))


def mean_squared_error(y_true, y_pred) -> np.ndarray:
    """Mean squared error per sample, ``mean((y_true − y_pred)², axis=-1)``.

    Document [3] writes the cost of linear regression as ``J(θ) = 1/(2m) Σ (h(x) − y)²``; the
    ``1/2`` only rescales the gradient. Keras (and this function) uses the plain mean.

    Args:
        y_true: targets, shape ``(N, ...)``.
        y_pred: predictions, same shape (a trailing size-1 axis may be missing from one).

    Returns:
        Array of shape ``y_pred.shape[:-1]``.
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    return np.mean((y_true - y_pred) ** 2, axis=-1)


def mean_absolute_error(y_true, y_pred) -> np.ndarray:
    """Mean absolute error per sample, ``mean(|y_true − y_pred|, axis=-1)``."""
    y_true, y_pred = _prepare(y_true, y_pred)
    return np.mean(np.abs(y_true - y_pred), axis=-1)


def binary_crossentropy(y_true, y_pred, from_logits: bool = False) -> np.ndarray:
    """Binary cross-entropy per sample, averaged over the last axis.

    Textbook: ``−[y log p + (1 − y) log(1 − p)]``. Keras' form clips ``p`` to
    ``[ε, 1 − ε]`` first. With ``from_logits=True`` it is computed from ``z`` (``p = σ(z)``) as
    ``−[y log σ(z) + (1 − y) log σ(−z)]`` with a stable ``log σ``.

    Args:
        y_true: targets in ``[0, 1]``, shape ``(N, 1)`` or ``(N,)`` (or ``(N, k)`` for k labels).
        y_pred: probabilities (or logits), same shape.
        from_logits: whether ``y_pred`` holds logits. Defaults to False.

    Returns:
        Array of shape ``y_pred.shape[:-1]``.

    Chapter 3 (交叉熵损失); documents [1], [3] and [4] use it for binary classification.
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    _check_binary_targets(y_true)
    if from_logits:
        per_unit = -(y_true * _log_sigmoid(y_pred) + (1 - y_true) * _log_sigmoid(-y_pred))
    else:
        p = np.clip(y_pred, EPSILON, 1 - EPSILON)
        per_unit = -(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))
    return per_unit.mean(axis=-1)


def _check_binary_targets(y_true: np.ndarray) -> None:
    if y_true.size and (y_true.min() < 0 or y_true.max() > 1):
        raise ValueError(
            "Argument `y_true` of binary cross-entropy must hold targets in [0, 1]. Received "
            f"values from {y_true.min()} to {y_true.max()}: are these class indices? Use "
            "sparse_categorical_crossentropy for several classes."
        )


def categorical_crossentropy(
    y_true, y_pred, from_logits: bool = False, axis: int = -1
) -> np.ndarray:
    """Categorical cross-entropy per sample, ``H(p, q) = −Σ_i p_i log q_i``.

    Keras' form rescales each row of ``q`` to sum to one and clips it to ``[ε, 1 − ε]``. With
    ``from_logits=True``: ``−Σ_i p_i (z_i − logsumexp(z))``.

    Args:
        y_true: one-hot (or soft) targets, shape ``(N, classes)``.
        y_pred: probabilities (or logits), shape ``(N, classes)``.
        from_logits: whether ``y_pred`` holds logits. Defaults to False.
        axis: the class axis; only -1 is supported, as in Keras' TensorFlow backend.

    Returns:
        Array of shape ``(N,)``.

    Chapter 3 (交叉熵损失); document [1] gives ``H(p, q)``, [2] and the CNN of [1] use it.
    """
    if axis not in (-1,):
        raise ValueError(f"Only axis=-1 is supported. Received: axis={axis!r}")
    y_pred = as_float_array(y_pred, "y_pred", min_ndim=1)
    _check_not_integer_labels(y_true, y_pred)
    y_true, y_pred = _prepare(y_true, y_pred)
    if y_pred.shape[-1] > 1 and y_true.size and y_true.min() < 0:
        raise ValueError(
            f"Argument `y_true` must hold non-negative target probabilities. Received a minimum "
            f"of {y_true.min()}"
        )
    if from_logits:
        log_q = y_pred - _logsumexp(y_pred)[..., None]
    else:
        _check_probability_rows(y_pred)
        q = np.clip(y_pred / y_pred.sum(axis=-1, keepdims=True), EPSILON, 1 - EPSILON)
        log_q = np.log(q)
    return -(y_true * log_q).sum(axis=-1)


def _check_not_integer_labels(y_true, y_pred: np.ndarray) -> None:
    """A categorical loss given a vector of class indices says so, instead of a shape error."""
    shape = np.shape(y_true)
    if shape != y_pred.shape and shape == y_pred.shape[:-1]:
        raise ValueError(
            "categorical_crossentropy expects one-hot labels of shape "
            f"{y_pred.shape}, but `y_true` has shape {shape}: it looks like integer class "
            "labels. Use sparse_categorical_crossentropy, or one-hot encode them with "
            "dlcourse.nn.utils.to_categorical."
        )


def _check_probability_rows(y_pred: np.ndarray) -> None:
    """Keras rescales each row of probabilities to sum to 1: a row must have a positive sum."""
    sums = y_pred.sum(axis=-1)
    if sums.size and not (sums > 0).all():
        first = tuple(int(i) for i in np.argwhere(~(sums > 0))[0])
        raise ValueError(
            "Argument `y_pred` must hold probabilities (non-negative, each row with a positive "
            f"sum), but row {first} sums to {sums[first]}. For unnormalised scores pass "
            "from_logits=True."
        )


def sparse_categorical_crossentropy(
    y_true, y_pred, from_logits: bool = False, axis: int = -1
) -> np.ndarray:
    """Categorical cross-entropy with integer labels, ``−log q_{y}``.

    Keras' form from probabilities: clip ``q`` to ``[ε, 1 − ε]``, take ``log``, then apply a
    log-softmax (so the clipped row is renormalised). From logits: ``logsumexp(z) − z_y``.

    Args:
        y_true: integer class labels, shape ``(N,)`` or ``(N, 1)``.
        y_pred: probabilities (or logits), shape ``(N, classes)``.
        from_logits: whether ``y_pred`` holds logits. Defaults to False.
        axis: the class axis; only -1 is supported.

    Returns:
        Array of shape ``(N,)``.

    Chapter 3 (交叉熵损失); document [0] compiles its MNIST model with it.
    """
    if axis not in (-1,):
        raise ValueError(f"Only axis=-1 is supported. Received: axis={axis!r}")
    labels, y_pred = _prepare(y_true, y_pred, sparse=True)
    z = y_pred if from_logits else np.log(np.clip(y_pred, EPSILON, 1 - EPSILON))
    picked = np.take_along_axis(z, labels[..., None], axis=-1)[..., 0]
    return _logsumexp(z) - picked


# ----------------------------------------------------------------------------------- classes


class Loss:
    """Base class: a per-sample loss reduced to a scalar, with its gradient.

    Args:
        reduction: ``'sum_over_batch_size'`` (the mean over all loss values; Keras' default),
            ``'mean'`` (the same without sample weights), ``'sum'``, or ``'none'``.
        name: the name reported in logs.

    Subclasses implement ``call(y_true, y_pred) -> per-sample values`` and
    ``grad_values(y_true, y_pred) -> ∂(Σ per-sample values)/∂y_pred``.
    """

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str | None = None):
        check_in(reduction, "reduction", REDUCTIONS)
        self.reduction = reduction
        self.name = name or _snake(type(self).__name__)

    # Subclasses override these two.
    def call(self, y_true, y_pred) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def check_targets(self, y_true, y_pred) -> None:
        """Check ``y_true`` against predictions shaped like ``y_pred``, computing no loss.

        The same checks as :meth:`call` makes on its targets (shape, label format, value range),
        so a model can validate all its targets once before training; ``y_pred`` only lends its
        shape (a broadcast view costs no memory).
        """
        _prepare(y_true, y_pred)

    def grad_values(self, y_true, y_pred) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def __call__(self, y_true, y_pred, sample_weight=None) -> float | np.ndarray:
        """The reduced loss. ``sample_weight`` (shape ``(N,)``) weights each sample."""
        values = self.call(y_true, y_pred)
        weights = self._weights(sample_weight, values)
        if weights is not None:
            values = values * weights
        if self.reduction in ("none", None):
            return values
        total = values.sum()
        if self.reduction == "sum":
            return total
        return total / max(values.size, 1)

    def gradient(self, y_true, y_pred, sample_weight=None) -> np.ndarray:
        """``∂ loss / ∂ y_pred`` of the reduced loss, same shape as ``y_pred``.

        For ``reduction='none'`` it is the gradient of the *sum* of the per-sample values.
        """
        y_pred_arr = as_float_array(y_pred, "y_pred", min_ndim=1)
        grad = self.grad_values(y_true, y_pred_arr)
        n_values = int(np.prod(y_pred_arr.shape[:-1])) if y_pred_arr.ndim > 1 else 1
        weights = self._weights(sample_weight, np.empty(y_pred_arr.shape[:-1]))
        if weights is not None:
            grad = grad * weights.reshape(weights.shape + (1,) * (grad.ndim - weights.ndim))
        if self.reduction in ("sum_over_batch_size", "mean"):
            grad = grad / max(n_values, 1)
        return grad

    @staticmethod
    def _weights(sample_weight, values: np.ndarray) -> np.ndarray | None:
        if sample_weight is None:
            return None
        w = as_float_array(sample_weight, "sample_weight", dtype=values.dtype)
        if w.shape != values.shape:
            raise ValueError(
                f"Argument `sample_weight` must have shape {values.shape}, one weight per loss "
                f"value. Received: shape {w.shape}"
            )
        if w.size and w.min() < 0:
            raise ValueError("Argument `sample_weight` must be non-negative.")
        return w

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(reduction={self.reduction!r})"


def _snake(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i:
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


class MeanSquaredError(Loss):
    """Mean squared error, ``mean((y − ŷ)²)``; gradient ``2 (ŷ − y) / d`` per unit.

    ``d`` is the size of the last axis (the per-sample mean); the reduction divides by N too.
    """

    def call(self, y_true, y_pred):
        return mean_squared_error(y_true, y_pred)

    def grad_values(self, y_true, y_pred):
        y_true, y_pred = _prepare(y_true, y_pred)
        return 2.0 * (y_pred - y_true) / y_pred.shape[-1]


class MeanAbsoluteError(Loss):
    """Mean absolute error, ``mean(|y − ŷ|)``; gradient ``sign(ŷ − y) / d``."""

    def call(self, y_true, y_pred):
        return mean_absolute_error(y_true, y_pred)

    def grad_values(self, y_true, y_pred):
        y_true, y_pred = _prepare(y_true, y_pred)
        return np.sign(y_pred - y_true) / y_pred.shape[-1]


class BinaryCrossentropy(Loss):
    """Binary cross-entropy (see :func:`binary_crossentropy`).

    Gradient from logits: ``(σ(z) − y) / d``. From probabilities, with ``p`` clipped:
    ``(p − y) / (p (1 − p)) / d`` where ``ε ≤ p ≤ 1 − ε``, and 0 where the clip is active.

    Args:
        from_logits: whether predictions are logits. Defaults to False.
        reduction, name: see :class:`Loss`.
    """

    def __init__(
        self,
        from_logits: bool = False,
        reduction="sum_over_batch_size",
        name: str = "binary_crossentropy",
    ):
        super().__init__(reduction, name)
        self.from_logits = bool(from_logits)

    def call(self, y_true, y_pred):
        return binary_crossentropy(y_true, y_pred, from_logits=self.from_logits)

    def check_targets(self, y_true, y_pred) -> None:
        _check_binary_targets(_prepare(y_true, y_pred)[0])

    def grad_values(self, y_true, y_pred):
        y_true, y_pred = _prepare(y_true, y_pred)
        _check_binary_targets(y_true)
        d = y_pred.shape[-1]
        if self.from_logits:
            e = np.exp(-np.abs(y_pred))
            sig = np.where(y_pred >= 0, 1 / (1 + e), e / (1 + e))
            return (sig - y_true) / d
        inside = (y_pred >= EPSILON) & (y_pred <= 1 - EPSILON)
        p = np.clip(y_pred, EPSILON, 1 - EPSILON)
        return np.where(inside, (p - y_true) / (p * (1 - p)), 0.0).astype(y_pred.dtype) / d


class CategoricalCrossentropy(Loss):
    """Categorical cross-entropy with one-hot targets (see :func:`categorical_crossentropy`).

    Gradient from logits: ``softmax(z) · Σ_i p_i − p`` (``softmax(z) − p`` for one-hot ``p``).
    From probabilities ``q`` with row sums ``S`` and ``r = q / S`` clipped: with
    ``g_i = −p_i / r_i`` where the clip is inactive (0 where active), ``∂/∂q_j =
    (g_j − Σ_i g_i r_i) / S``.
    """

    def __init__(
        self,
        from_logits: bool = False,
        reduction="sum_over_batch_size",
        name: str = "categorical_crossentropy",
    ):
        super().__init__(reduction, name)
        self.from_logits = bool(from_logits)

    def call(self, y_true, y_pred):
        return categorical_crossentropy(y_true, y_pred, from_logits=self.from_logits)

    def check_targets(self, y_true, y_pred) -> None:
        _check_not_integer_labels(y_true, np.asarray(y_pred))
        y_true = _prepare(y_true, y_pred)[0]
        if y_true.size and y_true.min() < 0:
            raise ValueError(
                "Argument `y_true` must hold non-negative target probabilities. Received a "
                f"minimum of {y_true.min()}"
            )

    def grad_values(self, y_true, y_pred):
        categorical_crossentropy(y_true, y_pred, from_logits=self.from_logits)  # checks labels
        y_true, y_pred = _prepare(y_true, y_pred)
        if self.from_logits:
            z = y_pred - y_pred.max(axis=-1, keepdims=True)
            soft = np.exp(z)
            soft /= soft.sum(axis=-1, keepdims=True)
            return soft * y_true.sum(axis=-1, keepdims=True) - y_true
        total = y_pred.sum(axis=-1, keepdims=True)
        r = y_pred / total
        inside = (r >= EPSILON) & (r <= 1 - EPSILON)
        g = np.where(inside, -y_true / np.clip(r, EPSILON, 1 - EPSILON), 0.0)
        return ((g - (g * r).sum(axis=-1, keepdims=True)) / total).astype(y_pred.dtype)


class SparseCategoricalCrossentropy(Loss):
    """Categorical cross-entropy with integer labels (see :func:`sparse_categorical_crossentropy`).

    Gradient from logits: ``softmax(z) − onehot(y)``. From probabilities ``q``: with
    ``z = log(clip(q))``, ``∂/∂q_j = (softmax(z)_j − [j = y]) / q_j`` where the clip is inactive,
    0 where it is active.
    """

    def __init__(
        self,
        from_logits: bool = False,
        reduction="sum_over_batch_size",
        name: str = "sparse_categorical_crossentropy",
    ):
        super().__init__(reduction, name)
        self.from_logits = bool(from_logits)

    def call(self, y_true, y_pred):
        return sparse_categorical_crossentropy(y_true, y_pred, from_logits=self.from_logits)

    def check_targets(self, y_true, y_pred) -> None:
        _prepare(y_true, y_pred, sparse=True)

    def grad_values(self, y_true, y_pred):
        labels, y_pred = _prepare(y_true, y_pred, sparse=True)
        if self.from_logits:
            z = y_pred
        else:
            z = np.log(np.clip(y_pred, EPSILON, 1 - EPSILON))
        soft = np.exp(z - z.max(axis=-1, keepdims=True))
        soft /= soft.sum(axis=-1, keepdims=True)
        np.put_along_axis(
            soft,
            labels[..., None],
            np.take_along_axis(soft, labels[..., None], axis=-1) - 1,
            axis=-1,
        )
        if self.from_logits:
            return soft
        inside = (y_pred >= EPSILON) & (y_pred <= 1 - EPSILON)
        return np.where(inside, soft / np.clip(y_pred, EPSILON, 1 - EPSILON), 0.0).astype(
            y_pred.dtype
        )


_ALIASES: dict[str, type[Loss]] = {
    "mean_squared_error": MeanSquaredError,
    "mse": MeanSquaredError,
    "mean_absolute_error": MeanAbsoluteError,
    "mae": MeanAbsoluteError,
    "binary_crossentropy": BinaryCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
}

_FUNCTIONS: dict[Callable, type[Loss]] = {
    mean_squared_error: MeanSquaredError,
    mean_absolute_error: MeanAbsoluteError,
    binary_crossentropy: BinaryCrossentropy,
    categorical_crossentropy: CategoricalCrossentropy,
    sparse_categorical_crossentropy: SparseCategoricalCrossentropy,
}


def get(identifier: str | Loss | Callable) -> Loss:
    """Look up a loss like ``keras.losses.get``: a name, a :class:`Loss`, or a function here.

    Returns a :class:`Loss` instance (which has both value and gradient).

    Raises:
        ValueError: for an unknown name or a function with no known gradient.
    """
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, str):
        key = identifier.lower()
        if key not in _ALIASES:
            raise ValueError(
                f"Unknown loss {identifier!r}. Expected one of {sorted(_ALIASES)} or a "
                f"dlcourse.nn.losses.Loss. Received: loss={identifier!r}"
            )
        cls = _ALIASES[key]
        return cls(name=key) if cls in (MeanSquaredError, MeanAbsoluteError) else cls()
    if callable(identifier) and identifier in _FUNCTIONS:
        return _FUNCTIONS[identifier]()
    raise ValueError(
        "The NumPy reference needs a loss whose gradient it knows: one of "
        f"{sorted(_ALIASES)}, a dlcourse.nn.losses.Loss, or a function of dlcourse.nn.losses. "
        f"Received: loss={identifier!r}"
    )
