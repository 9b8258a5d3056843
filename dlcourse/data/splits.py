"""Preparing data: seeded train/validation/test splits, one-hot labels, standardisation.

Chapter 4 splits every data set the same way before training, and chapter 6 uses the validation
split to show overfitting and early stopping. The rules that keep an evaluation honest live here:
the split is seeded, stratified by class by default, and the standardiser learns its mean and
standard deviation from the training split only.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcourse._checks import as_float_array, check_same_length, describe, integer_labels
from dlcourse.nn.utils import to_categorical

__all__ = ["Standardizer", "make_rng", "one_hot", "standardize", "train_val_test_split"]


def make_rng(seed: int | None) -> np.random.Generator:
    """A fresh ``np.random.Generator`` for ``seed`` (never NumPy's global random state).

    Args:
        seed: a non-negative integer, so that the same seed gives the same numbers, or ``None``
            for fresh entropy from the operating system (a different result on every call).

    Raises:
        ValueError: if ``seed`` is not ``None`` or a non-negative integer.
    """
    if seed is None:
        return np.random.default_rng()
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(
            f"Argument `seed` must be a non-negative integer or None. Received: seed={seed!r}"
        )
    return np.random.default_rng(int(seed))


def _check_fraction(value: Any, name: str) -> float:
    try:
        as_float = float(value)
    except (TypeError, ValueError):
        as_float = float("nan")
    if isinstance(value, bool) or not 0.0 < as_float < 1.0:
        raise ValueError(
            f"Argument `{name}` must be a fraction strictly between 0 and 1. "
            f"Received: {name}={value!r}"
        )
    return as_float


def one_hot(y: Any, num_classes: int | None = None) -> np.ndarray:
    """One-hot encode integer labels: float32 ``(n, C)``, the same as
    :func:`dlcourse.nn.utils.to_categorical` (Keras' ``to_categorical``), under the name the
    data chapters use."""
    return to_categorical(y, num_classes)


def _allocate(total: int, quotas: np.ndarray, caps: np.ndarray) -> np.ndarray:
    """Whole counts near ``quotas``, each ``≤ caps``, summing to ``total`` (largest remainders)."""
    counts = np.minimum(np.floor(quotas).astype(np.int64), caps)
    remainders = quotas - np.floor(quotas)
    order = np.argsort(-remainders, kind="stable")
    if caps.sum() < total:  # pragma: no cover - the callers never ask for more than there is
        raise ValueError(f"cannot place {total} samples in classes of sizes {caps.tolist()}")
    while counts.sum() < total:
        for c in order:
            if counts.sum() == total:
                break
            if counts[c] < caps[c]:
                counts[c] += 1
    return counts


def train_val_test_split(
    x: Any,
    y: Any,
    val: float = 0.15,
    test: float = 0.15,
    seed: int | None = 0,
    stratify: bool = True,
) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """Split ``(x, y)`` at random into training, validation and test sets.

    The validation set has ``round(val · n)`` rows and the test set ``round(test · n)``; the
    training set has the rest. With ``stratify=True`` each class is split in the same proportions
    (per-class counts rounded by largest remainders so the totals are exact), so a rare class
    appears in every split. Rows keep their pairing; each split comes out shuffled. Chapter 4
    uses it on every data set, chapter 6 to watch validation loss.

    Args:
        x: samples, shape ``(n, ...)``.
        y: labels or targets, shape ``(n, ...)``; integer class labels ``(n,)`` when stratified.
        val: fraction for validation, in ``(0, 1)``; default 0.15.
        test: fraction for test, in ``(0, 1)``; default 0.15. ``val + test`` must be below 1.
        seed: non-negative integer (default 0) or ``None``; see :func:`make_rng`.
        stratify: keep class proportions (default ``True``); pass ``False`` for regression
            targets or one-hot labels.

    Returns:
        ``((x_train, y_train), (x_val, y_val), (x_test, y_test))``, NumPy arrays.

    Raises:
        ValueError: for fractions outside ``(0, 1)`` or summing to 1 or more, ``x`` and ``y`` of
            different lengths, a split that would be empty, or non-integer labels to stratify.
    """
    val = _check_fraction(val, "val")
    test = _check_fraction(test, "test")
    if val + test >= 1.0:
        raise ValueError(
            f"Arguments `val` and `test` must sum to less than 1 so that training data remains. "
            f"Received: val={val}, test={test}"
        )
    x_arr, y_arr = np.asarray(x), np.asarray(y)
    if x_arr.ndim == 0 or y_arr.ndim == 0:
        raise ValueError(
            f"Arguments `x` and `y` must be arrays with one row per sample. "
            f"Received: x={describe(x_arr)}, y={describe(y_arr)}"
        )
    check_same_length(x_arr, y_arr)
    n = len(x_arr)
    n_test, n_val = int(round(test * n)), int(round(val * n))
    n_train = n - n_test - n_val
    if min(n_train, n_val, n_test) <= 0:
        raise ValueError(
            f"Splitting {n} samples with val={val} and test={test} leaves an empty split "
            f"(train {n_train}, validation {n_val}, test {n_test}); use more samples or "
            f"larger fractions"
        )
    rng = make_rng(seed)
    if stratify:
        labels = integer_labels(y_arr)
        classes, inverse, sizes = np.unique(labels, return_inverse=True, return_counts=True)
        t_counts = _allocate(n_test, test * sizes, sizes)
        v_counts = _allocate(n_val, val * sizes, sizes - t_counts)
        parts: tuple[list[np.ndarray], ...] = ([], [], [])
        for c in range(len(classes)):
            members = rng.permutation(np.flatnonzero(inverse == c))
            t, v = t_counts[c], v_counts[c]
            parts[2].append(members[:t])
            parts[1].append(members[t : t + v])
            parts[0].append(members[t + v :])
        index_sets = [rng.permutation(np.concatenate(p)) for p in parts]
    else:
        order = rng.permutation(n)
        index_sets = [order[n_test + n_val :], order[n_test : n_test + n_val], order[:n_test]]
    return tuple((x_arr[idx], y_arr[idx]) for idx in index_sets)


class Standardizer:
    """Rescale each feature to mean 0 and standard deviation 1, learnt on training data.

    ``fit`` computes, per feature ``j`` over the ``n`` training rows, ``mean_j`` and
    ``std_j = sqrt(mean((x_j - mean_j)²))`` (population standard deviation, like scikit-learn's
    ``StandardScaler``); ``transform`` returns ``(x - mean) / scale`` where ``scale = std`` except
    that a constant feature (``std = 0``) gets ``scale = 1``, so it becomes 0 instead of a
    division by zero. Fit on the training split only and apply the same numbers to validation
    and test data: otherwise the test set leaks into training (chapter 4).

    Attributes (after ``fit``):
        mean: float64 array of shape ``x.shape[1:]``.
        std: float64 array, the standard deviations (0 for constant features).
        scale: float64 array, ``std`` with zeros replaced by 1.

    Example::

        scaler = Standardizer().fit(x_train)
        x_train, x_test = scaler.transform(x_train), scaler.transform(x_test)
    """

    def __init__(self) -> None:
        self.mean: np.ndarray | None = None
        self.std: np.ndarray | None = None
        self.scale: np.ndarray | None = None

    def fit(self, x: Any) -> Standardizer:
        """Learn ``mean``, ``std`` and ``scale`` from ``x`` of shape ``(n, ...)``; returns self."""
        arr = as_float_array(x, "x", min_ndim=2)
        if len(arr) == 0:
            raise ValueError(f"Argument `x` must have at least one row. Received: {describe(arr)}")
        wide = arr.astype(np.float64)
        self.mean = wide.mean(axis=0)
        self.std = wide.std(axis=0)
        self.scale = np.where(self.std > 0, self.std, 1.0)
        return self

    def _checked(self, x: Any) -> np.ndarray:
        if self.mean is None or self.scale is None:
            raise RuntimeError("This Standardizer is not fitted yet: call fit(x_train) first")
        arr = as_float_array(x, "x", min_ndim=2)
        if arr.shape[1:] != self.mean.shape:
            raise ValueError(
                f"Standardizer was fitted on features of shape {self.mean.shape}, "
                f"received x of shape {arr.shape}"
            )
        return arr

    def transform(self, x: Any) -> np.ndarray:
        """``(x - mean) / scale``, in ``x``'s float dtype (integers become float32)."""
        arr = self._checked(x)
        return ((arr - self.mean) / self.scale).astype(arr.dtype, copy=False)

    def fit_transform(self, x: Any) -> np.ndarray:
        """``fit(x)`` then ``transform(x)``."""
        return self.fit(x).transform(x)

    def inverse_transform(self, z: Any) -> np.ndarray:
        """``z · scale + mean``: undoes :meth:`transform`."""
        arr = self._checked(z)
        return (arr * self.scale + self.mean).astype(arr.dtype, copy=False)


def standardize(train: Any, *others: Any) -> tuple[np.ndarray, ...]:
    """Standardise ``train`` and any other arrays with the training mean and scale.

    Shorthand for ``s = Standardizer().fit(train)`` followed by ``s.transform`` of each array;
    see :class:`Standardizer` for the formula. Chapter 4.

    Args:
        train: training features, shape ``(n, ...)``.
        *others: further arrays with the same feature shape (validation, test).

    Returns:
        A tuple ``(train_std, *others_std)``.
    """
    scaler = Standardizer().fit(train)
    return tuple(scaler.transform(a) for a in (train, *others))
