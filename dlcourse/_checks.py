"""Argument checks shared by the whole package.

Every public function of ``dlcourse`` checks what it is given and raises an error that names the
argument, what was expected and what was received, in the style of Keras::

    ValueError: Dense expected input with last dimension 784, received shape (32, 64)
    ValueError: Argument `units` must be a positive integer. Received: units=-3

These helpers keep those messages uniform. They are private: their names may change.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

__all__ = [
    "all_finite",
    "as_float_array",
    "check_finite",
    "check_in",
    "check_positive_int",
    "check_probability",
    "check_nonnegative",
    "check_same_length",
    "describe",
    "integer_labels",
]


def describe(x: Any) -> str:
    """A short description of ``x`` for error messages: shape and dtype for arrays."""
    if isinstance(x, np.ndarray):
        return f"array of shape {x.shape} and dtype {x.dtype}"
    if hasattr(x, "shape") and hasattr(x, "dtype"):
        return f"{type(x).__name__} of shape {tuple(x.shape)} and dtype {x.dtype}"
    text = repr(x)
    return text if len(text) <= 80 else text[:77] + "..."


def as_float_array(
    x: Any,
    name: str,
    *,
    dtype: Any = None,
    ndim: int | None = None,
    min_ndim: int | None = None,
    allow_nonfinite: bool = False,
) -> np.ndarray:
    """Convert ``x`` to a floating-point array, checking its rank and that it is finite.

    Integer and boolean inputs become ``float32`` (Keras' default float type) unless ``dtype``
    is given; floating inputs keep their dtype, so float64 gradient checks stay in float64.

    Raises:
        TypeError: if ``x`` cannot be read as numbers.
        ValueError: if its rank is wrong or it holds NaN or inf.
    """
    try:
        arr = np.asarray(x)
    except Exception as exc:  # pragma: no cover - numpy raises many kinds here
        raise TypeError(f"Argument `{name}` must be array-like. Received: {describe(x)}") from exc
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"Argument `{name}` must hold numbers. Received: {describe(x)}")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"Argument `{name}` must be real. Received: {describe(x)}")
    if dtype is not None:
        arr = arr.astype(dtype, copy=False)
    elif not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float32)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(
            f"Argument `{name}` must be {ndim}-dimensional. Received: shape {arr.shape}"
        )
    if min_ndim is not None and arr.ndim < min_ndim:
        raise ValueError(
            f"Argument `{name}` must have at least {min_ndim} dimension(s). "
            f"Received: shape {arr.shape}"
        )
    if not allow_nonfinite:
        check_finite(arr, name)
    return arr


def all_finite(arr: np.ndarray) -> bool:
    """Whether every value of ``arr`` is finite, in one fast pass for the common case.

    Any NaN or inf makes the sum NaN or inf, so a finite sum proves every value finite. A
    non-finite sum may also come from overflow of large finite values; only then is the exact,
    slower elementwise test run.
    """
    if not np.issubdtype(arr.dtype, np.floating) or arr.size == 0:
        return True
    with np.errstate(over="ignore", invalid="ignore"):
        if arr.ndim >= 2 and arr.size >= 1 << 16 and arr.flags.c_contiguous:
            # For a large matrix, a product with a vector of ones does the same sum on the BLAS
            # (all cores); NaN and inf propagate through it just as through np.sum.
            rows = arr.reshape(arr.shape[0], -1)
            total = (rows @ np.ones(rows.shape[1], dtype=arr.dtype)).sum()
        else:
            total = arr.sum()
        if np.isfinite(total):
            return True
    return bool(np.isfinite(arr).all())


def check_finite(arr: np.ndarray, name: str) -> None:
    """Raise ``ValueError`` if ``arr`` holds NaN or inf, saying how many and where the first is."""
    if not all_finite(arr):
        bad = ~np.isfinite(arr)
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"Argument `{name}` must be finite, but it holds {int(bad.sum())} NaN or inf "
            f"value(s) (the first at index {first}). Received: {describe(arr)}"
        )


def check_positive_int(value: Any, name: str) -> int:
    """Return ``value`` as an ``int`` if it is a positive integer, else raise ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(
            f"Argument `{name}` must be a positive integer. Received: {name}={value!r}"
        )
    return int(value)


def check_nonnegative(value: Any, name: str) -> float:
    """Return ``value`` as a ``float`` if it is a finite number ≥ 0, else raise ``ValueError``."""
    try:
        as_float = float(value)
    except (TypeError, ValueError):
        as_float = float("nan")
    if isinstance(value, bool) or not np.isfinite(as_float) or as_float < 0:
        raise ValueError(
            f"Argument `{name}` must be a non-negative number. Received: {name}={value!r}"
        )
    return as_float


def check_probability(value: Any, name: str, *, inclusive_high: bool = False) -> float:
    """Return ``value`` as a ``float`` in ``[0, 1)`` (or ``[0, 1]``), else raise ``ValueError``."""
    try:
        as_float = float(value)
    except (TypeError, ValueError):
        as_float = float("nan")
    ok = 0.0 <= as_float <= 1.0 if inclusive_high else 0.0 <= as_float < 1.0
    if isinstance(value, bool) or not ok:
        interval = "[0, 1]" if inclusive_high else "[0, 1)"
        raise ValueError(f"Argument `{name}` must be in {interval}. Received: {name}={value!r}")
    return as_float


def check_in(value: Any, name: str, allowed: Iterable[Any]) -> Any:
    """Return ``value`` if it is one of ``allowed``, else raise ``ValueError`` listing them."""
    allowed = list(allowed)
    if value not in allowed:
        raise ValueError(f"Argument `{name}` must be one of {allowed}. Received: {name}={value!r}")
    return value


def check_same_length(x: np.ndarray, y: np.ndarray, x_name: str = "x", y_name: str = "y") -> None:
    """Raise ``ValueError`` unless ``x`` and ``y`` have the same number of rows."""
    if len(x) != len(y):
        raise ValueError(
            f"Arguments `{x_name}` and `{y_name}` must have the same number of samples. "
            f"Received: {x_name} with {len(x)} samples (shape {np.shape(x)}) and "
            f"{y_name} with {len(y)} samples (shape {np.shape(y)})"
        )


def integer_labels(y: Any, name: str = "y") -> np.ndarray:
    """``y`` as a 1-D int64 array of class indices, or a ``ValueError`` saying what is wrong."""
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(
            f"Argument `{name}` must be a 1-D array of integer class labels (shape (n,) or "
            f"(n, 1)); one-hot labels can be turned back with y.argmax(axis=1). "
            f"Received: {describe(arr)}"
        )
    if arr.dtype == bool:
        return arr.astype(np.int64)
    if np.issubdtype(arr.dtype, np.integer):
        labels = arr.astype(np.int64)
    elif np.issubdtype(arr.dtype, np.floating):
        bad = ~np.isfinite(arr) | (arr != np.round(arr))
        if bad.any():
            first = int(np.argmax(bad))
            raise ValueError(
                f"Argument `{name}` must hold integer class labels, but {name}[{first}]="
                f"{arr[first].item()!r} is not a whole number. Received: {describe(arr)}"
            )
        labels = arr.astype(np.int64)
    else:
        raise ValueError(
            f"Argument `{name}` must hold integer class labels. Received: {describe(arr)}"
        )
    if labels.size and labels.min() < 0:
        first = int(np.argmax(labels < 0))
        raise ValueError(
            f"Argument `{name}` must hold non-negative class labels, but {name}[{first}]="
            f"{labels[first]}. Received: {describe(arr)}"
        )
    return labels
