"""Small generated 2-D data sets: XOR, moons, circles, Gaussian blobs, spirals.

Two input features, so a reader can see the data and the decision boundary a network learns.
Chapter 2 uses XOR (not linearly separable; one hidden layer solves it), chapter 3 and the
widgets use moons, circles and spirals, chapter 6 uses them for over- and underfitting.

Every generator returns ``(x, y)``: ``x`` float32 of shape ``(n, 2)``, ``y`` int64 class labels
of shape ``(n,)``, rows shuffled. Every one takes ``n`` (samples), ``noise`` (the standard
deviation of Gaussian noise added to each coordinate) and ``seed`` (see
:func:`dlcourse.data.splits.make_rng`): the same arguments give the same data, and NumPy's
global random state is never touched. They are written in NumPy so that they run without
importing scikit-learn; moons and circles follow scikit-learn's definitions.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcourse._checks import as_float_array, check_nonnegative, check_positive_int
from dlcourse.data.splits import make_rng

__all__ = ["make_blobs", "make_circles", "make_moons", "make_spirals", "make_xor", "xor_table"]


def _class_sizes(n: int, classes: int) -> np.ndarray:
    """``n`` split into ``classes`` sizes that differ by at most one (the first get the extra)."""
    return n // classes + (np.arange(classes) < n % classes)


def _finish(
    points: np.ndarray, labels: np.ndarray, noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Add Gaussian noise of standard deviation ``noise``, shuffle rows, cast to the set's types."""
    points = points + noise * rng.standard_normal(points.shape)
    order = rng.permutation(len(points))
    return points[order].astype(np.float32), labels[order].astype(np.int64)


def xor_table() -> tuple[np.ndarray, np.ndarray]:
    """The four-row truth table of exclusive or, as the documents' XOR example trains on it.

    ``y = x₁ XOR x₂``: 0 when the two inputs agree, 1 when they differ. No straight line
    separates the 1s from the 0s, which is why a network needs a hidden layer for it (chapter 2,
    and chapter 4's example 2 → Dense(10, relu) → Dense(1, sigmoid)).

    Returns:
        ``x`` float32 ``[[0, 0], [0, 1], [1, 0], [1, 1]]`` of shape ``(4, 2)`` and ``y`` int64
        ``[0, 1, 1, 0]`` of shape ``(4,)`` (``y.reshape(-1, 1)`` for a one-unit output).
    """
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    y = np.array([0, 1, 1, 0], dtype=np.int64)
    return x, y


def make_xor(
    n: int = 200, noise: float = 0.1, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Noisy XOR: Gaussian clouds around the four corners of the unit square.

    Sample ``i`` sits at corner ``(a, b) ∈ {0, 1}²`` (the corners take turns, so each gets
    ``n/4`` samples up to one) plus noise ``N(0, noise² I)``, and its label is ``a XOR b``.
    With ``noise=0`` it repeats :func:`xor_table`'s rows. Chapter 2.

    Args:
        n: number of samples (positive integer); default 200.
        noise: standard deviation of the noise (≥ 0); default 0.1.
        seed: non-negative integer or ``None``; default 0.

    Returns:
        ``x`` float32 ``(n, 2)``, ``y`` int64 ``(n,)`` in ``{0, 1}``.
    """
    n = check_positive_int(n, "n")
    noise = check_nonnegative(noise, "noise")
    rng = make_rng(seed)
    corners, labels = xor_table()
    which = np.arange(n) % 4
    return _finish(corners[which].astype(np.float64), labels[which], noise, rng)


def make_moons(
    n: int = 200, noise: float = 0.1, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles, as in ``sklearn.datasets.make_moons``.

    Class 0 (``⌊n/2⌋`` samples): ``(cos t, sin t)``; class 1 (``⌈n/2⌉``):
    ``(1 − cos t, 0.5 − sin t)``; ``t`` evenly spaced in ``[0, π]``, then noise
    ``N(0, noise² I)``. Separable by a curve, not by a line. Chapters 3 and 6.

    Args:
        n: number of samples (positive integer); default 200.
        noise: standard deviation of the noise (≥ 0); default 0.1.
        seed: non-negative integer or ``None``; default 0.

    Returns:
        ``x`` float32 ``(n, 2)``, ``y`` int64 ``(n,)`` in ``{0, 1}``.
    """
    n = check_positive_int(n, "n")
    noise = check_nonnegative(noise, "noise")
    rng = make_rng(seed)
    n_out, n_in = n // 2, n - n // 2  # scikit-learn's convention
    t_out, t_in = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n_in)
    outer = np.column_stack([np.cos(t_out), np.sin(t_out)])
    inner = np.column_stack([1 - np.cos(t_in), 0.5 - np.sin(t_in)])
    labels = np.repeat([0, 1], [n_out, n_in])
    return _finish(np.vstack([outer, inner]), labels, noise, rng)


def make_circles(
    n: int = 200, noise: float = 0.05, factor: float = 0.5, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """A circle inside a circle, as in ``sklearn.datasets.make_circles``.

    Class 0 (``⌊n/2⌋`` samples) on the unit circle, class 1 (``⌈n/2⌉``) on the circle of radius
    ``factor``, at evenly spaced angles, then noise ``N(0, noise² I)``. No line separates them;
    the feature ``x₁² + x₂²`` does (chapter 2's representation learning).

    Args:
        n: number of samples (positive integer); default 200.
        noise: standard deviation of the noise (≥ 0); default 0.05.
        factor: radius of the inner circle, in ``(0, 1)``; default 0.5.
        seed: non-negative integer or ``None``; default 0.

    Returns:
        ``x`` float32 ``(n, 2)``, ``y`` int64 ``(n,)`` in ``{0, 1}``.
    """
    n = check_positive_int(n, "n")
    noise = check_nonnegative(noise, "noise")
    if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not 0 < factor < 1:
        raise ValueError(
            f"Argument `factor` must be a number strictly between 0 and 1. "
            f"Received: factor={factor!r}"
        )
    rng = make_rng(seed)
    n_out, n_in = n // 2, n - n // 2  # scikit-learn's convention
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    outer = np.column_stack([np.cos(t_out), np.sin(t_out)])
    inner = factor * np.column_stack([np.cos(t_in), np.sin(t_in)])
    labels = np.repeat([0, 1], [n_out, n_in])
    return _finish(np.vstack([outer, inner]), labels, noise, rng)


def make_blobs(
    n: int = 200, centers: Any = 2, noise: float = 1.0, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian clouds, one per class: class ``k`` is ``N(c_k, noise² I)``.

    With ``centers=K`` (an integer) the centres sit evenly on a circle of radius 2.5,
    ``c_k = 2.5 (cos 2πk/K, sin 2πk/K)``, so with the default ``noise=1`` two classes overlap a
    little (a straight line gets about 99 % right). Or pass the centres as an array ``(K, 2)``.
    Samples are shared out evenly between classes. Chapters 2 and 3 (a linear classifier's
    easy case).

    Args:
        n: number of samples (positive integer); default 200.
        centers: number of classes (positive integer), or an array of shape ``(K, 2)``;
            default 2.
        noise: standard deviation of each cloud (≥ 0); default 1.0.
        seed: non-negative integer or ``None``; default 0.

    Returns:
        ``x`` float32 ``(n, 2)``, ``y`` int64 ``(n,)`` in ``{0, …, K − 1}``.
    """
    n = check_positive_int(n, "n")
    noise = check_nonnegative(noise, "noise")
    if isinstance(centers, (int, np.integer)) and not isinstance(centers, bool):
        k = check_positive_int(centers, "centers")
        angles = 2 * np.pi * np.arange(k) / k
        means = 2.5 * np.column_stack([np.cos(angles), np.sin(angles)])
    else:
        means = as_float_array(centers, "centers", dtype=np.float64, ndim=2)
        if means.shape[1] != 2 or len(means) == 0:
            raise ValueError(
                f"Argument `centers` must be a positive integer or an array of shape (K, 2). "
                f"Received: shape {means.shape}"
            )
    rng = make_rng(seed)
    labels = np.repeat(np.arange(len(means)), _class_sizes(n, len(means)))
    return _finish(means[labels], labels, noise, rng)


def make_spirals(
    n: int = 300,
    classes: int = 2,
    noise: float = 0.05,
    turns: float = 1.0,
    seed: int | None = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one per class (the classic hard case for a small network).

    For class ``k`` of ``K`` with ``m`` samples, ``t`` runs evenly over ``[0, 1]`` and the
    point is ``r (cos θ, sin θ)`` with radius ``r = 0.1 + 0.9 t`` and angle
    ``θ = 2π (turns · t + k / K)``, then noise ``N(0, noise² I)``. Neighbouring arms are
    ``0.9 / (turns · K)`` apart, so noise much below that keeps them distinguishable.
    Chapters 3 and 6.

    Args:
        n: number of samples (positive integer), shared evenly between classes; default 300.
        classes: number of arms ``K`` (integer ≥ 2); default 2.
        noise: standard deviation of the noise (≥ 0); default 0.05.
        turns: how many full turns each arm makes (> 0); default 1.0.
        seed: non-negative integer or ``None``; default 0.

    Returns:
        ``x`` float32 ``(n, 2)``, ``y`` int64 ``(n,)`` in ``{0, …, K − 1}``.
    """
    n = check_positive_int(n, "n")
    noise = check_nonnegative(noise, "noise")
    if isinstance(classes, bool) or not isinstance(classes, (int, np.integer)) or classes < 2:
        raise ValueError(
            f"Argument `classes` must be an integer of at least 2. Received: classes={classes!r}"
        )
    if check_nonnegative(turns, "turns") == 0:
        raise ValueError(f"Argument `turns` must be a positive number. Received: turns={turns!r}")
    rng = make_rng(seed)
    arms = []
    sizes = _class_sizes(n, int(classes))
    for k, m in enumerate(sizes):
        t = np.linspace(0.0, 1.0, m)
        r = 0.1 + 0.9 * t
        theta = 2 * np.pi * (turns * t + k / classes)
        arms.append(r[:, None] * np.column_stack([np.cos(theta), np.sin(theta)]))
    labels = np.repeat(np.arange(int(classes)), sizes)
    return _finish(np.vstack(arms), labels, noise, rng)
