"""Small utilities mirroring ``keras.utils`` (chapter 4)."""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcourse._checks import integer_labels

__all__ = ["to_categorical"]


def to_categorical(y: Any, num_classes: int | None = None, dtype: Any = "float32") -> np.ndarray:
    """One-hot encode integer class labels, like ``keras.utils.to_categorical``.

    ``out[i, c] = 1`` if ``y[i] == c`` else ``0``. Categorical cross-entropy (chapter 3) needs its
    labels in this form; sparse categorical cross-entropy takes ``y`` itself.

    Args:
        y: integer labels, shape ``(n,)`` or ``(n, 1)``; floats are accepted when they hold
            whole numbers (``2.0``), as Keras does.
        num_classes: the number of classes ``C``; default ``max(y) + 1``.
        dtype: dtype of the result. Defaults to float32.

    Returns:
        Array of shape ``(n, C)`` with one ``1`` per row.

    Raises:
        ValueError: for negative or non-integer labels, labels ``≥ num_classes``, or a
            ``num_classes`` that is not a positive integer.
    """
    labels = integer_labels(y)
    if num_classes is None:
        if labels.size == 0:
            raise ValueError(
                "Argument `num_classes` is needed when `y` is empty. Received: num_classes=None"
            )
        num_classes = int(labels.max()) + 1
    elif (
        isinstance(num_classes, bool)
        or not isinstance(num_classes, (int, np.integer))
        or num_classes <= 0
    ):
        raise ValueError(
            f"Argument `num_classes` must be a positive integer. Received: "
            f"num_classes={num_classes!r}"
        )
    if labels.size and labels.max() >= num_classes:
        first = int(np.argmax(labels >= num_classes))
        raise ValueError(
            f"Argument `y` holds label {labels[first]} (at index {first}), which is not below "
            f"num_classes={num_classes}"
        )
    out = np.zeros((labels.size, int(num_classes)), dtype=dtype)
    out[np.arange(labels.size), labels] = 1
    return out
