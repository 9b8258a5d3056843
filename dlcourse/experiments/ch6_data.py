"""Data questions of the FAQ: how much data, missing values, imbalanced classes (chapter 6).

Three answers of the documents' FAQ, each turned into an experiment on real offline data:

- "Why does deep learning need so much data?" ([2], [3]): :func:`learning_curve` trains the
  same MLP on growing subsets of the digits and measures test accuracy.
- "How do I avoid overfitting?" ([2], [3]: more data, a simpler model, L1/L2, dropout, early
  stopping): :func:`overfitting_experiment` over-fits 60 digits and applies each cure.
- "How do I handle missing data?" ([3]: drop, fill with the mean or median, predict the value):
  :func:`knock_out` removes values at random from breast cancer, :func:`fill_missing` fills them
  three ways, :func:`missing_data_experiment` compares the fillings by how close they come to the
  true values and by the test accuracy of a model trained on them.
- "How do I handle imbalanced data?" ([3]: resampling, a re-weighted loss, other metrics):
  :func:`make_imbalanced`, :func:`oversample`, :func:`balanced_class_weights`,
  :func:`precision_recall_f1` and :func:`imbalance_experiment`.

Everything random takes a ``seed``; the models are ``dlcourse.nn`` MLPs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from dlcourse import nn
from dlcourse._checks import (
    as_float_array,
    check_in,
    check_positive_int,
    check_probability,
    check_same_length,
    describe,
)
from dlcourse.exercises import solutions
from dlcourse.nn.layers import Dense

__all__ = [
    "FILL_STRATEGIES",
    "balanced_class_weights",
    "binary_scores",
    "fill_missing",
    "imbalance_experiment",
    "knock_out",
    "learning_curve",
    "make_imbalanced",
    "missing_data_experiment",
    "OVERFITTING_CURES",
    "overfitting_experiment",
    "oversample",
    "plot_learning_curve",
    "plot_overfitting",
    "precision_recall_f1",
    "small_mlp",
]

FILL_STRATEGIES = ("mean", "median", "predict")


def _labels(y: Any, name: str = "y") -> np.ndarray:
    arr = np.asarray(y)
    if arr.ndim != 1 or not (np.issubdtype(arr.dtype, np.integer) or arr.dtype == bool):
        raise ValueError(f"Argument `{name}` must be 1-D integer labels. Received: {describe(y)}")
    return arr.astype(np.int64)


def _seed(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"Argument `seed` must be a non-negative integer. Received: seed={seed!r}")
    return int(seed)


def small_mlp(
    input_dim: int,
    hidden: Sequence[int] = (64,),
    num_classes: int = 10,
    seed: int = 0,
    learning_rate: float = 0.01,
) -> nn.Sequential:
    """A compiled ReLU MLP: ``input_dim → hidden… → num_classes`` (softmax, or sigmoid for 2).

    With ``num_classes=2`` the output is one sigmoid unit and the loss binary cross-entropy; else
    a softmax over ``num_classes`` units with sparse categorical cross-entropy. Adam, accuracy.

    Args:
        input_dim: input features.
        hidden: units of each hidden layer, e.g. ``(64,)`` (default) or ``()`` for none.
        num_classes: number of classes (≥ 2). Defaults to 10.
        seed: seed of the initial weights and the shuffling. Defaults to 0.
        learning_rate: Adam's step size. Defaults to 0.01.
    """
    input_dim = check_positive_int(input_dim, "input_dim")
    num_classes = check_positive_int(num_classes, "num_classes")
    if num_classes < 2:
        raise ValueError(f"Argument `num_classes` must be ≥ 2. Received: num_classes={num_classes}")
    model = nn.Sequential(seed=_seed(seed))
    model.build((None, input_dim))
    for units in hidden:
        model.add(Dense(check_positive_int(units, "hidden"), activation="relu"))
    binary = num_classes == 2
    model.add(Dense(1 if binary else num_classes, activation="sigmoid" if binary else "softmax"))
    model.compile(
        optimizer=nn.optimizers.Adam(learning_rate),
        loss="binary_crossentropy" if binary else "sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


# ---- how much data ----------------------------------------------------------------------------


def learning_curve(
    x_train: Any,
    y_train: Any,
    x_test: Any,
    y_test: Any,
    sizes: Sequence[int],
    steps: int = 600,
    learning_rate: float = 0.01,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Test accuracy of an MLP and of Gaussian naive Bayes trained on the first ``n`` rows.

    Each MLP (one hidden layer of 64 ReLU units) takes about the same number of gradient steps,
    ``epochs = ⌈steps · 32 / n⌉`` with batches of 32, so that a small set is not merely
    under-trained. Shuffle ``x_train`` first: the subsets are its first rows.

    Args:
        x_train, y_train: training inputs ``(N, D)`` and integer labels ``(N,)``.
        x_test, y_test: test inputs and labels.
        sizes: training-set sizes, each in ``[1, N]``.
        steps: gradient steps per MLP. Defaults to 600.
        learning_rate: Adam's step size. Defaults to 0.01.
        seed: seed of the MLPs. Defaults to 0.

    Returns:
        ``{"size": (k,), "mlp": (k,), "naive Bayes": (k,)}`` test accuracies.
    """
    from sklearn.naive_bayes import GaussianNB

    x_train = as_float_array(x_train, "x_train", ndim=2)
    y_train = _labels(y_train, "y_train")
    check_same_length(x_train, y_train, "x_train", "y_train")
    y_test = _labels(y_test, "y_test")
    steps = check_positive_int(steps, "steps")
    sizes = [check_positive_int(n, "sizes") for n in sizes]
    if not sizes or max(sizes) > len(x_train):
        raise ValueError(
            f"Argument `sizes` must be non-empty, each at most {len(x_train)} (the training "
            f"rows). Received: sizes={sizes}"
        )
    classes = int(max(y_train.max(), y_test.max())) + 1
    mlp, bayes = [], []
    for n in sizes:
        model = small_mlp(x_train.shape[1], (64,), classes, seed, learning_rate)
        epochs = int(np.ceil(steps * 32 / n))
        model.fit(x_train[:n], y_train[:n], batch_size=32, epochs=epochs, verbose=0)
        mlp.append(model.evaluate(x_test, y_test, verbose=0)[1])
        bayes.append(GaussianNB().fit(x_train[:n], y_train[:n]).score(x_test, y_test))
    return {"size": np.array(sizes), "mlp": np.array(mlp), "naive Bayes": np.array(bayes)}


def plot_learning_curve(curve: dict[str, Any], ax: Axes | None = None) -> Axes:
    """Draw :func:`learning_curve`'s accuracies against the training-set size (log scale)."""
    if not isinstance(curve, dict) or "size" not in curve:
        raise ValueError(
            f"Argument `curve` must be learning_curve's dict. Received: {describe(curve)}"
        )
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(6.0, 3.6))
    for name, values in curve.items():
        if name != "size":
            ax.plot(curve["size"], values, "o-", label=name)
    ax.set_xscale("log")
    ax.set_xlabel("training examples (log scale)")
    ax.set_ylabel("test accuracy")
    ax.set_title("Learning curve on the digits")
    ax.grid(True, alpha=0.3)
    ax.legend()
    return ax


# ---- missing data -----------------------------------------------------------------------------


def knock_out(x: Any, fraction: float, seed: int = 0) -> np.ndarray:
    """A float64 copy of ``x`` with each value replaced by NaN with probability ``fraction``.

    Values go missing completely at random (independently of everything), the easiest case.

    Args:
        x: array ``(N, D)``.
        fraction: probability in ``[0, 1)`` that a value goes missing.
        seed: seed of the random mask. Defaults to 0.

    Returns:
        Array ``(N, D)`` with NaN where values were removed.
    """
    x = as_float_array(x, "x", dtype=np.float64, ndim=2).copy()
    fraction = check_probability(fraction, "fraction")
    x[np.random.default_rng(_seed(seed)).random(x.shape) < fraction] = np.nan
    return x


def fill_missing(x: Any, strategy: str = "mean", iterations: int = 5) -> np.ndarray:
    """Fill the NaN of ``x`` column by column; returns a filled copy.

    - ``"mean"``: each NaN becomes the mean of the observed values of its column;
    - ``"median"``: the median instead (robust to outliers);
    - ``"predict"``: start from the means, then ``iterations`` times, for every column ``j``
      with gaps, fit least squares ``x_j ≈ [x_{−j}, 1] β`` on the rows where ``x_j`` is observed
      and replace its gaps by the predictions (regression imputation, the idea of
      scikit-learn's ``IterativeImputer``).

    Args:
        x: array ``(N, D)`` with NaN for missing values; every column needs an observed value.
        strategy: ``"mean"`` (default), ``"median"`` or ``"predict"``.
        iterations: rounds of ``"predict"``. Defaults to 5.

    Returns:
        Float64 array ``(N, D)`` without NaN; observed values unchanged.
    """
    x = as_float_array(x, "x", dtype=np.float64, ndim=2, allow_nonfinite=True)
    if np.isinf(x).any():
        raise ValueError("Argument `x` must hold finite values or NaN; it holds inf.")
    check_in(strategy, "strategy", FILL_STRATEGIES)
    iterations = check_positive_int(iterations, "iterations")
    missing = np.isnan(x)
    empty = np.flatnonzero(missing.all(axis=0))
    if len(empty):
        raise ValueError(f"Argument `x` has columns with no observed value: {empty.tolist()}")
    centre = np.nanmedian(x, axis=0) if strategy == "median" else np.nanmean(x, axis=0)
    filled = np.where(missing, centre, x)
    if strategy != "predict":
        return filled
    gaps = [j for j in range(x.shape[1]) if missing[:, j].any()]
    ones = np.ones((len(x), 1))
    for _ in range(iterations):
        for j in gaps:
            design = np.hstack([np.delete(filled, j, axis=1), ones])
            seen = ~missing[:, j]
            beta = np.linalg.lstsq(design[seen], x[seen, j], rcond=None)[0]
            filled[missing[:, j], j] = design[missing[:, j]] @ beta
    return filled


def missing_data_experiment(
    x_train: Any,
    y_train: Any,
    x_test: Any,
    y_test: Any,
    fraction: float = 0.1,
    epochs: int = 30,
    seed: int = 0,
) -> list[dict[str, Any]]:
    """Compare ways of handling values missing from the training set of a binary task.

    ``fraction`` of the training values are knocked out (:func:`knock_out`); the test set stays
    complete (a model must predict on every new patient). Features are standardised with the
    observed training values' mean and standard deviation. For each way: the training rows
    kept, the RMSE of the filled values against the true ones (standardised units), and the
    test accuracy of an MLP 30 → 16 → 1 trained on the result.

    Ways: ``"complete data"`` (no value missing, the reference), ``"drop rows"`` (keep only rows
    without a gap), ``"mean"``, ``"median"``, ``"predict"`` (:func:`fill_missing`).

    Args:
        x_train, y_train: training inputs ``(N, D)`` and 0/1 labels ``(N,)``.
        x_test, y_test: test inputs and labels.
        fraction: probability that a training value goes missing. Defaults to 0.1.
        epochs: training epochs (batches of 32). Defaults to 30.
        seed: seed of the mask and the models. Defaults to 0.

    Returns:
        One dict per way: ``{"way", "rows", "fill RMSE", "test accuracy"}`` (``fill RMSE`` is
        nan where nothing is filled).
    """
    x_train = as_float_array(x_train, "x_train", dtype=np.float64, ndim=2)
    x_test = as_float_array(x_test, "x_test", dtype=np.float64, ndim=2)
    y_train, y_test = _labels(y_train, "y_train"), _labels(y_test, "y_test")
    check_same_length(x_train, y_train, "x_train", "y_train")
    check_same_length(x_test, y_test, "x_test", "y_test")
    epochs = check_positive_int(epochs, "epochs")
    holes = knock_out(x_train, fraction, seed)
    mean, std = np.nanmean(holes, axis=0), np.nanstd(holes, axis=0)
    std[std == 0] = 1.0
    truth, holes, test = ((a - mean) / std for a in (x_train, holes, x_test))
    missing = np.isnan(holes)
    complete_rows = ~missing.any(axis=1)
    versions = {
        "complete data": (truth, y_train),
        "drop rows": (holes[complete_rows], y_train[complete_rows]),
        **{way: (fill_missing(holes, way), y_train) for way in FILL_STRATEGIES},
    }
    rows = []
    for way, (x, y) in versions.items():
        filled = way in FILL_STRATEGIES and missing.any()
        rmse = np.sqrt(np.mean((x[missing] - truth[missing]) ** 2)) if filled else np.nan
        accuracy = np.nan
        if len(x) and len(np.unique(y)) == 2:
            model = small_mlp(x.shape[1], (16,), 2, seed=seed)
            model.fit(x, y, batch_size=32, epochs=epochs, verbose=0)
            accuracy = model.evaluate(test, y_test, verbose=0)[1]
        rows.append(
            {"way": way, "rows": len(x), "fill RMSE": float(rmse), "test accuracy": accuracy}
        )
    return rows


# ---- imbalanced data --------------------------------------------------------------------------


def make_imbalanced(
    x: Any, y: Any, positive: int, n_positive: int, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """A one-against-rest binary set with few positives.

    Every row whose label is not ``positive`` becomes a negative (0); ``n_positive`` rows of
    class ``positive``, drawn at random, become the positives (1). Rows are shuffled.

    Args:
        x: inputs ``(N, ...)``.
        y: integer labels ``(N,)``.
        positive: the label that becomes class 1.
        n_positive: how many positives to keep (at most the number available).
        seed: seed of the draw and the shuffle. Defaults to 0.

    Returns:
        ``(x_sub, y01)``: the kept rows and their 0/1 labels (int64).
    """
    x = np.asarray(x)
    y = _labels(y)
    check_same_length(x, y)
    n_positive = check_positive_int(n_positive, "n_positive")
    pos = np.flatnonzero(y == positive)
    if n_positive > len(pos):
        raise ValueError(
            f"Argument `n_positive` must be at most {len(pos)} (rows of class {positive}). "
            f"Received: n_positive={n_positive}"
        )
    rng = np.random.default_rng(_seed(seed))
    keep = np.concatenate([np.flatnonzero(y != positive), rng.choice(pos, n_positive, False)])
    keep = rng.permutation(keep)
    return x[keep], (y[keep] == positive).astype(np.int64)


def oversample(x: Any, y: Any, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Random oversampling: repeat rows of the smaller classes until every class is as large as
    the largest. Rows are shuffled.

    Args:
        x: inputs ``(N, ...)``.
        y: integer labels ``(N,)``.
        seed: seed of the draws. Defaults to 0.

    Returns:
        ``(x_balanced, y_balanced)``, with ``k · max_c n_c`` rows.
    """
    x = np.asarray(x)
    y = _labels(y)
    check_same_length(x, y)
    rng = np.random.default_rng(_seed(seed))
    labels, counts = np.unique(y, return_counts=True)
    parts = []
    for label, count in zip(labels, counts, strict=True):
        rows = np.flatnonzero(y == label)
        parts.append(np.concatenate([rows, rng.choice(rows, counts.max() - count, True)]))
    order = rng.permutation(np.concatenate(parts))
    return x[order], y[order]


def balanced_class_weights(y: Any) -> dict[int, float]:
    """``{label: n / (k · n_c)}``: the weights that make every class count equally in the loss.

    ``n`` rows, ``k`` classes, ``n_c`` rows of class ``c`` (scikit-learn's
    ``compute_class_weight("balanced")``). Pass the result to ``fit(class_weight=...)``.
    """
    y = _labels(y)
    if len(y) == 0:
        raise ValueError("Argument `y` must hold at least one label. Received: an empty array")
    labels, counts = np.unique(y, return_counts=True)
    return {int(c): len(y) / (len(labels) * int(n)) for c, n in zip(labels, counts, strict=True)}


def precision_recall_f1(y_true: Any, y_pred: Any) -> tuple[float, float, float]:
    """Precision, recall and F1 of the positive class (1) of 0/1 labels.

    ``P = TP / (TP + FP)``, ``R = TP / (TP + FN)``, ``F1 = 2PR / (P + R)``; a score whose
    denominator is 0 is 0 (scikit-learn's ``zero_division=0``).

    Args:
        y_true: true 0/1 labels ``(N,)``.
        y_pred: predicted 0/1 labels ``(N,)``.

    Returns:
        ``(precision, recall, f1)``.
    """
    y_true, y_pred = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    check_same_length(y_true, y_pred, "y_true", "y_pred")
    for name, arr in (("y_true", y_true), ("y_pred", y_pred)):
        if arr.size and (arr.min() < 0 or arr.max() > 1):
            raise ValueError(f"Argument `{name}` must hold 0/1 labels. Received: {np.unique(arr)}")
    # The counting itself is the exercise's reference answer, checked in its own tests.
    return solutions.precision_recall_f1(y_true, y_pred)


def binary_scores(y_true: Any, y_pred: Any) -> dict[str, float]:
    """``{"accuracy", "precision", "recall", "F1"}`` of 0/1 predictions."""
    precision, recall, f1 = precision_recall_f1(y_true, y_pred)
    accuracy = float(np.mean(np.asarray(y_true) == np.asarray(y_pred))) if len(y_true) else 0.0
    return {"accuracy": accuracy, "precision": precision, "recall": recall, "F1": f1}


def imbalance_experiment(
    x_train: Any,
    y_train: Any,
    x_test: Any,
    y_test: Any,
    epochs: int = 20,
    seed: int = 0,
) -> dict[str, dict[str, float]]:
    """Train a small MLP on imbalanced 0/1 data three ways and score each on the test set.

    Ways: ``"always 0"`` (no model: predicts the majority class), ``"plain"`` (the data as it
    is), ``"oversampled"`` (:func:`oversample`), ``"class weights"``
    (``fit(class_weight=balanced_class_weights(y_train))``). Each model is an MLP
    ``D → 32 → 1`` (sigmoid), predicting 1 where its output is ≥ 0.5.

    Args:
        x_train, y_train: training inputs ``(N, D)`` and 0/1 labels.
        x_test, y_test: test inputs and 0/1 labels.
        epochs: training epochs (batches of 32). Defaults to 20.
        seed: seed of the models and the oversampling. Defaults to 0.

    Returns:
        ``{way: binary_scores(...)}``.
    """
    x_train = as_float_array(x_train, "x_train", ndim=2)
    y_train, y_test = _labels(y_train, "y_train"), _labels(y_test, "y_test")
    epochs = check_positive_int(epochs, "epochs")
    results = {"always 0": binary_scores(y_test, np.zeros_like(y_test))}
    x_over, y_over = oversample(x_train, y_train, seed)
    setups = {
        "plain": (x_train, y_train, None),
        "oversampled": (x_over, y_over, None),
        "class weights": (x_train, y_train, balanced_class_weights(y_train)),
    }
    for way, (x, y, weights) in setups.items():
        model = small_mlp(x.shape[1], (32,), 2, seed=seed, learning_rate=1e-3)
        model.fit(x, y, batch_size=32, epochs=epochs, verbose=0, class_weight=weights)
        predicted = (model.predict(x_test, verbose=0)[:, 0] >= 0.5).astype(np.int64)
        results[way] = binary_scores(y_test, predicted)
    return results


# ---- overfitting ------------------------------------------------------------------------------

#: The cures of over-fitting compared by :func:`overfitting_experiment` ([2], [3]).
OVERFITTING_CURES = (
    "no cure",
    "more data (×8)",
    "smaller model (8 units)",
    "L2 (0.001)",
    "dropout (0.5)",
    "early stopping",
)


def overfitting_experiment(
    x_train: Any,
    y_train: Any,
    x_val: Any,
    y_val: Any,
    n_small: int = 60,
    width: int = 128,
    epochs: int = 80,
    seed: int = 0,
    callback: nn.callbacks.Callback | None = None,
) -> dict[str, dict[str, Any]]:
    """Over-fit an MLP on a few rows, then apply each cure of :data:`OVERFITTING_CURES`.

    The over-fitting model is ``D → width (ReLU) → classes`` trained with Adam (0.01) on the
    first ``n_small`` rows for ``epochs`` epochs. Each cure changes one thing: ``8 · n_small``
    rows; 8 hidden units; an L2 penalty ``0.001 Σ W²`` on the kernels; ``Dropout(0.5)`` after
    the hidden layer; ``EarlyStopping(patience=10, restore_best_weights=True)`` on the
    validation loss.

    Args:
        x_train, y_train: training rows (at least ``8 · n_small``) and integer labels.
        x_val, y_val: validation rows and labels.
        n_small: rows of the over-fitting set. Defaults to 60.
        width: hidden units of the over-fitting model. Defaults to 128.
        epochs: epochs (batches of 32). Defaults to 80.
        seed: seed of the models. Defaults to 0.
        callback: an extra callback for the ``"no cure"`` run (e.g. a ``LiveLoss``).

    Returns:
        ``{cure: {"history": per-epoch logs, "epochs": epochs run, "train accuracy",
        "val accuracy", "gap": train − validation accuracy}}`` with the final weights (the
        best ones for early stopping).
    """
    x_train = as_float_array(x_train, "x_train", ndim=2)
    y_train = _labels(y_train, "y_train")
    check_same_length(x_train, y_train, "x_train", "y_train")
    n_small = check_positive_int(n_small, "n_small")
    width = check_positive_int(width, "width")
    epochs = check_positive_int(epochs, "epochs")
    if 8 * n_small > len(x_train):
        raise ValueError(
            f"Argument `n_small` must be at most {len(x_train) // 8} (8 · n_small training rows "
            f"are needed for the 'more data' cure). Received: n_small={n_small}"
        )
    classes = int(max(y_train.max(), np.max(y_val))) + 1
    results = {}
    for cure in OVERFITTING_CURES:
        n = 8 * n_small if cure.startswith("more data") else n_small
        model = nn.Sequential(seed=seed)
        model.build((None, x_train.shape[1]))
        regularizer = nn.regularizers.L2(0.001) if cure.startswith("L2") else None
        units = 8 if cure.startswith("smaller") else width
        model.add(Dense(units, activation="relu", kernel_regularizer=regularizer))
        if cure.startswith("dropout"):
            model.add(nn.layers.Dropout(0.5))
        model.add(Dense(classes, activation="softmax", kernel_regularizer=regularizer))
        model.compile(nn.optimizers.Adam(0.01), "sparse_categorical_crossentropy", ["accuracy"])
        callbacks = []
        if cure == "early stopping":
            callbacks.append(nn.callbacks.EarlyStopping(patience=10, restore_best_weights=True))
        if cure == "no cure" and callback is not None:
            callbacks.append(callback)
        fit_args = {"batch_size": 32, "epochs": epochs, "verbose": 0, "callbacks": callbacks}
        history = model.fit(x_train[:n], y_train[:n], validation_data=(x_val, y_val), **fit_args)
        train = model.evaluate(x_train[:n], y_train[:n], verbose=0)[1]
        val = model.evaluate(x_val, y_val, verbose=0)[1]
        results[cure] = {
            "history": history.history,
            "epochs": len(history.history["loss"]),
            "train accuracy": train,
            "val accuracy": val,
            "gap": train - val,
        }
    return results


def plot_overfitting(results: dict[str, dict[str, Any]]) -> Figure:
    """One panel per cure: training (solid) and validation (dashed) loss per epoch."""
    if not isinstance(results, dict) or not results:
        raise ValueError(
            f"Argument `results` must be overfitting_experiment's dict. Received: "
            f"{describe(results)}"
        )
    import matplotlib.pyplot as plt

    cols = 3
    rows = -(-len(results) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(11, 3.0 * rows), sharey=True, squeeze=False)
    for ax, (cure, res) in zip(axes.flat, results.items(), strict=False):
        logs = res["history"]
        epochs = np.arange(1, len(logs["loss"]) + 1)
        ax.plot(epochs, logs["loss"], "-", label="training loss")
        ax.plot(epochs, logs["val_loss"], "--", label="validation loss")
        ax.set_title(f"{cure}: accuracy gap {res['gap']:.2f}", fontsize=10)
        ax.set_xlabel("epoch")
        ax.grid(True, alpha=0.3)
    for ax in axes.flat[len(results) :]:
        ax.set_visible(False)
    axes[0, 0].set_ylabel("loss")
    axes[0, 0].legend(fontsize=8)
    fig.tight_layout()
    return fig
