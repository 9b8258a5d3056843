"""Real data that ships with scikit-learn: handwritten digits and tabular sets, offline.

The documents train on data they never define (``x_train``, "random data"). The course uses
real data installed with its dependencies instead, so every notebook runs without a network
(chapter 4):

- :func:`load_digits`: 1,797 handwritten digits, 8×8 pixels, 10 classes. The documents' MLP
  has 784 inputs and their CNN sees 28×28×1 (MNIST); on digits the MLP has 64 inputs and the
  CNN sees 8×8×1. :func:`dlcourse.data.load_mnist` gives the documents' exact shapes.
- :func:`load_breast_cancer`: 569 tumours, 30 measurements each, malignant or benign: the
  binary set for the documents' binary MLPs.
- :func:`load_tabular`: the classification sets scikit-learn ships as files (``TABULAR_SETS``):
  ``"breast_cancer"`` (binary), ``"iris"`` and ``"wine"`` (3 classes). scikit-learn also ships
  ``load_diabetes`` and ``load_linnerud``, which are regression sets, and fetches others
  (``fetch_openml``, ``fetch_covtype``…) only over the network, so the course does not use them.

Input widths. The documents' binary MLPs take 8 inputs ([3]) and 100 inputs ([4]); breast
cancer has 30. :func:`select_features` keeps the ``k`` columns that best separate the classes
(by :func:`fisher_scores`), which gives the 8-input model real inputs; :func:`quadratic_features`
adds all pairwise products (30 → 495 columns) from which ``select_features`` keeps 100 for the
100-input model. Both are fitted on the training split only, then applied to the others.

scikit-learn is imported inside the loaders, so ``import dlcourse.data`` stays fast.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcourse._checks import (
    as_float_array,
    check_in,
    check_positive_int,
    check_same_length,
    integer_labels,
)

__all__ = [
    "TABULAR_SETS",
    "fisher_scores",
    "load_breast_cancer",
    "load_digits",
    "load_tabular",
    "quadratic_features",
    "select_features",
    "tabular_feature_names",
]

#: Classification sets that scikit-learn installs as files: name → (rows, features, classes).
TABULAR_SETS: dict[str, tuple[int, int, int]] = {
    "breast_cancer": (569, 30, 2),
    "iris": (150, 4, 3),
    "wine": (178, 13, 3),
}


def load_digits(flat: bool = False, scale: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's handwritten digits: 1,797 images of 8×8 pixels, labels 0–9.

    Each pixel is an ink count from 0 to 16 (4×4 blocks of a 32×32 bitmap, from the UCI
    "Optical Recognition of Handwritten Digits" set). With ``scale=True`` the pixels are
    divided by 16, into ``[0, 1]``, as one divides MNIST's bytes by 255. Chapter 4's default
    data set (``DATASET = "digits"``).

    Args:
        flat: ``False`` (default) for images ``(1797, 8, 8, 1)``, channels last, for Conv2D;
            ``True`` for rows ``(1797, 64)``, for an MLP.
        scale: divide by 16 into ``[0, 1]`` (default ``True``); ``False`` keeps 0–16.

    Returns:
        ``x`` float32 of shape ``(1797, 8, 8, 1)`` or ``(1797, 64)``; ``y`` int64 ``(1797,)``.
    """
    if not isinstance(flat, bool):
        raise ValueError(f"Argument `flat` must be True or False. Received: flat={flat!r}")
    if not isinstance(scale, bool):
        raise ValueError(f"Argument `scale` must be True or False. Received: scale={scale!r}")
    from sklearn.datasets import load_digits as sk_load_digits

    bunch = sk_load_digits()
    x = bunch.data.astype(np.float32)
    if scale:
        x /= np.float32(16.0)
    if not flat:
        x = x.reshape(-1, 8, 8, 1)
    return x, bunch.target.astype(np.int64)


def _bunch(name: str) -> Any:
    check_in(name, "name", TABULAR_SETS)
    from sklearn import datasets

    return getattr(datasets, f"load_{name}")()


def load_tabular(name: str) -> tuple[np.ndarray, np.ndarray]:
    """One of scikit-learn's offline classification tables, as float32 features and int labels.

    Args:
        name: ``"breast_cancer"`` (569 × 30, 2 classes), ``"iris"`` (150 × 4, 3 classes) or
            ``"wine"`` (178 × 13, 3 classes); see ``TABULAR_SETS``.

    Returns:
        ``x`` float32 ``(rows, features)`` (raw units: standardise before training, see
        :class:`dlcourse.data.Standardizer`) and ``y`` int64 ``(rows,)``.
    """
    bunch = _bunch(name)
    return bunch.data.astype(np.float32), bunch.target.astype(np.int64)


def tabular_feature_names(name: str) -> list[str]:
    """The column names of :func:`load_tabular`'s set ``name`` (e.g. ``"mean radius"``)."""
    return [str(f) for f in _bunch(name).feature_names]


def load_breast_cancer() -> tuple[np.ndarray, np.ndarray]:
    """The Wisconsin diagnostic breast cancer set: 569 tumours, 30 features, binary label.

    Ten measurements of cell nuclei in a scan (radius, texture, perimeter, area, smoothness,
    …), each as mean, standard error and worst value. Labels as in scikit-learn:
    ``0 = malignant`` (212), ``1 = benign`` (357). Chapter 4's binary examples train on it.

    Returns:
        ``x`` float32 ``(569, 30)`` in raw units (standardise before training), ``y`` int64
        ``(569,)``.
    """
    return load_tabular("breast_cancer")


def fisher_scores(x: Any, y: Any) -> np.ndarray:
    """How well each feature alone separates the classes: between- over within-class spread.

    For feature ``j``, with class ``c`` holding ``n_c`` rows of mean ``μ_cj`` and (population)
    variance ``σ²_cj``, and overall mean ``μ_j``::

        F_j = Σ_c n_c (μ_cj − μ_j)²  /  Σ_c n_c σ²_cj

    Large when the class means are far apart compared with the spread inside each class. A
    feature that is constant within every class scores ``inf`` if its class means differ and
    0 if they do not. It does not change when a feature is shifted or rescaled. Chapter 4.

    Args:
        x: features, shape ``(n, d)``.
        y: integer class labels, shape ``(n,)``, with at least two classes.

    Returns:
        float64 array ``(d,)`` of scores ``≥ 0``.
    """
    x = as_float_array(x, "x", dtype=np.float64, ndim=2)
    labels = integer_labels(y)
    check_same_length(x, labels)
    classes, inverse = np.unique(labels, return_inverse=True)
    if len(classes) < 2:
        raise ValueError(
            f"Argument `y` must hold at least two classes to score features. "
            f"Received: classes {classes.tolist()}"
        )
    # Shifting by a reference row changes no score but makes a constant column exactly 0, so
    # rounding cannot turn "no spread at all" into a tiny spread and a meaningless ratio.
    x = x - x[0]
    overall = x.mean(axis=0)
    between = np.zeros(x.shape[1])
    within = np.zeros(x.shape[1])
    for c in range(len(classes)):
        rows = x[inverse == c]
        between += len(rows) * (rows.mean(axis=0) - overall) ** 2
        within += len(rows) * (rows - rows[0]).var(axis=0)
    between[(x == 0).all(axis=0)] = 0.0
    scores = np.zeros_like(between)
    positive = within > 0
    scores[positive] = between[positive] / within[positive]
    scores[~positive & (between > 0)] = np.inf
    return scores


def select_features(x: Any, y: Any, k: int) -> np.ndarray:
    """The indices of the ``k`` features with the highest :func:`fisher_scores`, best first.

    Ties keep the lower column index first. Fit on the training split and index every split
    with the result, so that the test set plays no part in the choice::

        cols = select_features(x_train, y_train, k=8)
        x_train, x_test = x_train[:, cols], x_test[:, cols]

    Args:
        x: features, shape ``(n, d)``.
        y: integer class labels, shape ``(n,)``.
        k: how many to keep, ``1 ≤ k ≤ d``.

    Returns:
        int64 array of shape ``(k,)``.
    """
    scores = fisher_scores(x, y)
    k = check_positive_int(k, "k")
    if k > len(scores):
        raise ValueError(
            f"Argument `k` must be at most the number of features, {len(scores)}. Received: k={k}"
        )
    return np.argsort(-scores, kind="stable")[:k].astype(np.int64)


def quadratic_features(x: Any) -> np.ndarray:
    """``x`` followed by every product ``x_i · x_j`` with ``i ≤ j`` (squares included).

    ``d`` features become ``d + d(d + 1)/2``: 30 → 495 for breast cancer. A network could learn
    such interactions itself; here they widen a real table honestly to the documents' 100
    inputs ([4]) through :func:`select_features`. Standardise ``x`` first, so that products of
    large raw units (areas around 1,000) do not dwarf the rest. Chapter 4.

    Args:
        x: features, shape ``(n, d)``.

    Returns:
        array ``(n, d + d(d + 1)/2)`` in ``x``'s float dtype: the ``d`` originals, then products
        in the order ``(0, 0), (0, 1), …, (0, d−1), (1, 1), …, (d−1, d−1)``.
    """
    x = as_float_array(x, "x", ndim=2)
    i, j = np.triu_indices(x.shape[1])
    return np.concatenate([x, x[:, i] * x[:, j]], axis=1)
