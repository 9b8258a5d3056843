"""Small utilities mirroring ``keras.utils`` (chapter 4)."""

from __future__ import annotations

import numpy as np

from dlcourse._checks import describe

__all__ = ["to_categorical"]


def to_categorical(y, num_classes: int | None = None, dtype: str = "float32") -> np.ndarray:
    """One-hot encode integer class labels, like ``keras.utils.to_categorical``.

    Args:
        y: integer labels, shape ``(N,)`` (or ``(N, 1)``).
        num_classes: number of classes; default ``max(y) + 1``.
        dtype: dtype of the result. Defaults to float32.

    Returns:
        Array ``(N, num_classes)`` with a single 1 per row.
    """
    labels = np.asarray(y)
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.ndim != 1:
        raise ValueError(
            f"Argument `y` must be a vector of integer labels. Received: {describe(labels)}"
        )
    if labels.dtype.kind == "f":
        if not (np.isfinite(labels).all() and (labels == np.round(labels)).all()):
            raise ValueError(
                f"Argument `y` must hold integer labels. Received: "
                f"{describe(labels)} with non-integer values"
            )
    elif labels.dtype.kind not in "iub":
        raise ValueError(f"Argument `y` must hold integer labels. Received: {describe(labels)}")
    labels = labels.astype(np.int64)
    if labels.size and labels.min() < 0:
        raise ValueError(
            f"Argument `y` must hold non-negative labels. Received a minimum of {labels.min()}"
        )
    if num_classes is None:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    elif (
        isinstance(num_classes, bool)
        or not isinstance(num_classes, (int, np.integer))
        or (num_classes <= 0)
    ):
        raise ValueError(
            f"Argument `num_classes` must be a positive integer. Received: "
            f"num_classes={num_classes!r}"
        )
    if labels.size and labels.max() >= num_classes:
        raise ValueError(
            f"Argument `y` holds label {labels.max()}, but num_classes="
            f"{num_classes}: labels must be in [0, {num_classes})"
        )
    out = np.zeros((labels.size, num_classes), dtype=dtype)
    out[np.arange(labels.size), labels] = 1
    return out
