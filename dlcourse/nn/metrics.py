"""Metrics reported by ``fit`` and ``evaluate`` (chapter 3 and 6, 评估指标).

Each metric function takes ``(y_true, y_pred)`` and returns one value per sample; a model averages
them over the epoch, weighting by batch size, as Keras' ``Mean`` metrics do.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = [
    "binary_accuracy",
    "categorical_accuracy",
    "get",
    "resolve_accuracy",
    "sparse_categorical_accuracy",
]


def binary_accuracy(y_true, y_pred, threshold: float = 0.5) -> np.ndarray:
    """Per-sample mean of ``[(ŷ > threshold) = y]`` over the last axis."""
    y_pred = np.asarray(y_pred)
    y_true = np.asarray(y_true).reshape(y_pred.shape)
    return ((y_pred > threshold) == (y_true > 0.5)).mean(axis=-1)


def categorical_accuracy(y_true, y_pred) -> np.ndarray:
    """Per-sample ``[argmax ŷ = argmax y]`` for one-hot ``y``."""
    return (np.argmax(y_pred, axis=-1) == np.argmax(y_true, axis=-1)).astype(np.float64)


def sparse_categorical_accuracy(y_true, y_pred) -> np.ndarray:
    """Per-sample ``[argmax ŷ = y]`` for integer labels ``y``."""
    y_pred = np.asarray(y_pred)
    labels = np.asarray(y_true).reshape(y_pred.shape[:-1])
    return (np.argmax(y_pred, axis=-1) == labels).astype(np.float64)


def mean_squared_error(y_true, y_pred) -> np.ndarray:
    y_pred = np.asarray(y_pred)
    return np.mean((np.asarray(y_true).reshape(y_pred.shape) - y_pred) ** 2, axis=-1)


def mean_absolute_error(y_true, y_pred) -> np.ndarray:
    y_pred = np.asarray(y_pred)
    return np.mean(np.abs(np.asarray(y_true).reshape(y_pred.shape) - y_pred), axis=-1)


_METRICS: dict[str, Callable] = {
    "binary_accuracy": binary_accuracy,
    "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "mean_squared_error": mean_squared_error,
    "mse": mean_squared_error,
    "mean_absolute_error": mean_absolute_error,
    "mae": mean_absolute_error,
}


def resolve_accuracy(loss_name: str, output_units: int) -> Callable:
    """Which accuracy ``metrics=['accuracy']`` means, chosen as Keras chooses it.

    A single output unit or a binary cross-entropy → binary accuracy; a sparse categorical loss
    → sparse categorical accuracy; otherwise categorical accuracy.
    """
    if output_units == 1 or loss_name == "binary_crossentropy":
        return binary_accuracy
    if loss_name == "sparse_categorical_crossentropy":
        return sparse_categorical_accuracy
    return categorical_accuracy


def get(identifier: str | Callable, loss_name: str, output_units: int) -> tuple[str, Callable]:
    """``(log name, function)`` for a metric identifier given to ``compile``."""
    if isinstance(identifier, str):
        key = identifier.lower()
        if key in ("accuracy", "acc"):
            return identifier, resolve_accuracy(loss_name, output_units)
        if key in _METRICS:
            return identifier, _METRICS[key]
        raise ValueError(
            f"Unknown metric {identifier!r}. Expected 'accuracy' or one of {sorted(_METRICS)}. "
            f"Received: metrics=[{identifier!r}]"
        )
    if callable(identifier):
        return getattr(identifier, "__name__", "metric"), identifier
    raise ValueError(f"A metric must be a name or a function. Received: {identifier!r}")
