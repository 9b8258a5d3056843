"""Losses in TensorFlow ops, the twins of :mod:`dlcourse.nn.losses` (chapter 3, 损失函数).

The functions (``mean_squared_error``, ``binary_crossentropy``, …) return one loss per sample
and are written with TensorFlow ops in Keras' forms, exactly as the NumPy twins are:

* from probabilities, cross-entropies clip to ``[ε, 1 − ε]`` with ``ε = 1e-7``
  (``EPSILON``, Keras' ``keras.config.epsilon()``);
* ``categorical_crossentropy`` rescales each row to sum to one before clipping;
* ``sparse_categorical_crossentropy`` clips, takes ``log`` and then a log-softmax;
* ``from_logits=True`` uses a stable log-sum-exp (and for the binary case the same
  ``max(z, 0) − z·y + log(1 + e^{−|z|})`` as ``tf.nn.sigmoid_cross_entropy_with_logits``).

Their gradients come from ``tf.GradientTape`` (TensorFlow's gradient of ``tf.clip_by_value`` is
zero where the clip is active, as the NumPy reference's hand-written gradient is).

The classes (``MeanSquaredError``, ``BinaryCrossentropy``, …, with ``reduction`` and
``from_logits``) are Keras' own, re-exported: they are what ``model.compile(loss=...)`` uses.
Two Keras behaviours to know when comparing with NumPy:

* A Keras loss object computes in ``keras.config.floatx()`` (float32) unless it is built with
  ``dtype=...``: float64 predictions are cast down to float32 first. Pass
  ``dtype="float64"`` for float64 work.
* Keras' ``sigmoid`` and ``softmax`` activations attach their input (the logits) to their
  output as ``_keras_logits``; a cross-entropy with ``from_logits=False`` that receives such an
  output computes from the logits instead (no clipping). Inside ``model.fit`` this is always
  the case for a final ``Dense(activation='softmax' | 'sigmoid')``; the NumPy
  ``Sequential`` does the same.
"""

from __future__ import annotations

from typing import Any

from dlcourse.tfnn._backend import keras, tf
from dlcourse.tfnn.activations import TensorLike, _as_float_tensor

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
"""Keras' fuzz factor, ``keras.config.epsilon()``."""

# Keras' loss classes: what compile(loss=...) builds.
Loss = keras.losses.Loss
MeanSquaredError = keras.losses.MeanSquaredError
MeanAbsoluteError = keras.losses.MeanAbsoluteError
BinaryCrossentropy = keras.losses.BinaryCrossentropy
CategoricalCrossentropy = keras.losses.CategoricalCrossentropy
SparseCategoricalCrossentropy = keras.losses.SparseCategoricalCrossentropy


def get(identifier: Any) -> Any:
    """Keras' loss for a name, config or callable: ``keras.losses.get`` (for a name, Keras
    returns its per-sample function, e.g. ``keras.losses.mean_squared_error``)."""
    try:
        loss = keras.losses.get(identifier)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"Unknown loss. Received: loss={identifier!r}") from exc
    if loss is None:
        raise ValueError(f"Unknown loss. Received: loss={identifier!r}")
    return loss


# ------------------------------------------------------------------------ shared helpers


def _prepare(y_true: TensorLike, y_pred: TensorLike) -> tuple[tf.Tensor, tf.Tensor]:
    """Cast ``y_true`` to ``y_pred``'s dtype and align a trailing size-1 axis, like the twin."""
    y_pred = _as_float_tensor(y_pred, "y_pred")
    y_true = _as_float_tensor(y_true, "y_true", dtype=y_pred.dtype)
    if y_true.shape.rank == y_pred.shape.rank - 1 and y_pred.shape[-1] == 1:
        y_true = y_true[..., None]
    elif y_pred.shape.rank == y_true.shape.rank - 1 and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    if y_true.shape != y_pred.shape:
        raise ValueError(
            "Arguments `y_true` and `y_pred` must have the same shape. Received: "
            f"y_true.shape={tuple(y_true.shape)}, "
            f"y_pred.shape={tuple(y_pred.shape)}"
        )
    return y_true, y_pred


def _logsumexp(z: tf.Tensor) -> tf.Tensor:
    """``log Σ_j e^{z_j}`` over the last axis, shifted by the (gradient-free) maximum."""
    m = tf.stop_gradient(tf.reduce_max(z, axis=-1, keepdims=True))
    return tf.math.log(tf.reduce_sum(tf.exp(z - m), axis=-1)) + m[..., 0]


def _clip(p: tf.Tensor) -> tf.Tensor:
    # tf.constant, not tf.cast: casting the Python float would round it to float32 first.
    return tf.clip_by_value(p, tf.constant(EPSILON, p.dtype), tf.constant(1.0 - EPSILON, p.dtype))


# -------------------------------------------------------------------------------- losses


def mean_squared_error(y_true: TensorLike, y_pred: TensorLike) -> tf.Tensor:
    """``mean((y − ŷ)², axis=-1)``: one value per sample. Chapter 3; document [3]."""
    y_true, y_pred = _prepare(y_true, y_pred)
    return tf.reduce_mean(tf.square(y_pred - y_true), axis=-1)


def mean_absolute_error(y_true: TensorLike, y_pred: TensorLike) -> tf.Tensor:
    """``mean(|y − ŷ|, axis=-1)``: one value per sample."""
    y_true, y_pred = _prepare(y_true, y_pred)
    return tf.reduce_mean(tf.abs(y_pred - y_true), axis=-1)


def binary_crossentropy(
    y_true: TensorLike, y_pred: TensorLike, from_logits: bool = False
) -> tf.Tensor:
    """``−[y log p + (1 − y) log(1 − p)]`` averaged over the last axis, Keras' clipped form.

    From logits ``z``: ``max(z, 0) − z·y + log(1 + e^{−|z|})``, written with ``tf.where`` so
    that the gradient at ``z = 0`` is ``σ(0) − y``.

    Args:
        y_true: targets in ``[0, 1]``, shape ``(N, k)`` or ``(N,)``.
        y_pred: probabilities (or logits), same shape.
        from_logits: whether ``y_pred`` holds logits. Defaults to False.
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    if from_logits:
        z = y_pred
        positive = z >= 0
        relu_z = tf.where(positive, z, tf.zeros_like(z))
        neg_abs = tf.where(positive, -z, z)
        per_unit = relu_z - z * y_true + tf.math.log1p(tf.exp(neg_abs))
    else:
        p = _clip(y_pred)
        per_unit = -(y_true * tf.math.log(p) + (1 - y_true) * tf.math.log(1 - p))
    return tf.reduce_mean(per_unit, axis=-1)


def categorical_crossentropy(
    y_true: TensorLike, y_pred: TensorLike, from_logits: bool = False
) -> tf.Tensor:
    """``H(p, q) = −Σ_i p_i log q_i`` per sample; Keras renormalises ``q`` and clips it.

    From logits: ``−Σ_i p_i (z_i − logsumexp(z))``.

    Args:
        y_true: one-hot (or soft) targets ``(N, classes)``.
        y_pred: probabilities (or logits) ``(N, classes)``.
        from_logits: whether ``y_pred`` holds logits. Defaults to False.
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    if from_logits:
        log_q = y_pred - _logsumexp(y_pred)[..., None]
    else:
        q = _clip(y_pred / tf.reduce_sum(y_pred, axis=-1, keepdims=True))
        log_q = tf.math.log(q)
    return -tf.reduce_sum(y_true * log_q, axis=-1)


def sparse_categorical_crossentropy(
    y_true: TensorLike, y_pred: TensorLike, from_logits: bool = False
) -> tf.Tensor:
    """``−log q_y`` for integer labels ``y``; Keras' form from probabilities clips, takes ``log``
    and applies a log-softmax: ``logsumexp(z) − z_y`` with ``z = log(clip(q))``.

    Args:
        y_true: integer labels ``(N,)`` or ``(N, 1)``.
        y_pred: probabilities (or logits) ``(N, classes)``.
        from_logits: whether ``y_pred`` holds logits. Defaults to False.
    """
    y_pred = _as_float_tensor(y_pred, "y_pred")
    labels = tf.convert_to_tensor(y_true)
    if labels.shape.rank == y_pred.shape.rank and labels.shape[-1] == 1:
        labels = labels[..., 0]
    if labels.shape != y_pred.shape[:-1]:
        raise ValueError(
            f"Argument `y_true` must hold integer labels of shape "
            f"{tuple(y_pred.shape[:-1])}. Received: shape {tuple(labels.shape)}"
        )
    labels = tf.cast(labels, tf.int64)
    z = y_pred if from_logits else tf.math.log(_clip(y_pred))
    picked = tf.gather(z, labels, axis=-1, batch_dims=labels.shape.rank)
    return _logsumexp(z) - picked
