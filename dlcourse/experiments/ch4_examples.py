"""Experiments and figures of chapter 4, "Code examples (具体代码实例和详细解释说明)".

The chapter runs each of the documents' six Keras examples twice, on TensorFlow and on the NumPy
reference (``dlcourse.nn``, the same code with other import lines), from the same initial
weights, and compares what comes out. This module holds the parts that are not the documents'
code:

=====================================  ==========================================================
Data (数据)                            :func:`load_examples` (real data for all six examples,
                                       digits or MNIST, breast cancer), :class:`Split`,
                                       :class:`Examples`; :func:`resampling_matrix` and
                                       :func:`resize_images` (area resampling, e.g. 8×8 → 10×10
                                       for [2]'s 100 inputs)
Comparison (对比)                      :func:`compare` → :class:`Comparison` (largest difference
                                       of predictions and of epoch losses), :func:`float64_run`
                                       (a float64 reference run), :func:`plot_pair`
                                       (both loss curves in one picture), :func:`summary_text`,
                                       :func:`results_table` (the six comparisons)
XOR (异或)                             :func:`epoch_cost` (Keras' ``fit`` on arrays against a
                                       repeated ``tf.data`` pipeline, and NumPy),
                                       :func:`numpy_twin` (the NumPy model in float64),
                                       :func:`xor_restarts` (which initial weights learn XOR)
Devices (设备)                         :func:`split_cpu` (two logical CPUs, to try
                                       ``MirroredStrategy`` without two GPUs),
                                       :func:`fit_in_scope` (build, compile and fit one of the
                                       documents' models under a ``tf.distribute`` strategy)
=====================================  ==========================================================

Importing this module imports neither TensorFlow nor matplotlib; the functions that need them
import them when called.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from dlcourse._checks import as_float_array, check_in, check_positive_int, describe

__all__ = [
    "DATASETS",
    "ROUNDING_FACTOR",
    "Comparison",
    "Examples",
    "Split",
    "compare",
    "epoch_cost",
    "fit_in_scope",
    "float64_run",
    "load_examples",
    "numpy_twin",
    "plot_pair",
    "resampling_matrix",
    "results_table",
    "resize_images",
    "split_cpu",
    "summary_text",
    "xor_restarts",
]

#: The image data sets of the chapter's parameter cell ``DATASET``.
DATASETS = ("digits", "mnist")


# ------------------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Split:
    """Training and test arrays of one example; unpacks as ``x_train, y_train, x_test, y_test``.

    Attributes:
        x_train, y_train: the rows the model is trained on, shapes ``(n_train, ...)``.
        x_test, y_test: held-out rows for ``evaluate`` and ``predict``, ``(n_test, ...)``.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    def __iter__(self) -> Iterator[np.ndarray]:
        return iter((self.x_train, self.y_train, self.x_test, self.y_test))

    def shapes(self) -> str:
        """``"x_train (n, ...) y_train (n, ...) | x_test (m, ...) y_test (m, ...)"``."""
        return (
            f"x_train {self.x_train.shape} y_train {self.y_train.shape} | "
            f"x_test {self.x_test.shape} y_test {self.y_test.shape}"
        )


@dataclass(frozen=True)
class Examples:
    """Real data for the documents' six examples (the documents never define theirs).

    Attributes:
        dataset: ``"digits"`` or ``"mnist"``, the images of the three image examples.
        source: one line saying where the images came from and how they were split.
        mlp: [0]'s MLP: flat images ``(n, 64)`` (digits) or ``(n, 784)`` (MNIST), pixel values
            in [0, 1], integer labels ``(n,)`` for the sparse cross-entropy.
        cnn: [1]'s CNN: the same images as ``(n, 8, 8, 1)`` or ``(n, 28, 28, 1)``, one-hot
            labels ``(n, 10)`` for the categorical cross-entropy.
        mlp100: [2]'s MLP: the same images resampled to 10×10 and flattened, ``(n, 100)``,
            one-hot labels ``(n, 10)``.
        binary8: [3]'s binary MLP: breast cancer, standardised, the 8 best features
            (:func:`dlcourse.data.select_features` on the training split), labels ``(n, 1)``.
        binary100: [4]'s binary MLP: breast cancer, standardised, with pairwise products
            (:func:`dlcourse.data.quadratic_features`), the 100 best of the 495 columns chosen
            on the training split, labels ``(n, 1)``.
    """

    dataset: str
    source: str
    mlp: Split
    cnn: Split
    mlp100: Split
    binary8: Split
    binary100: Split

    def table(self) -> str:
        """One line per example: its name and the shapes of its arrays."""
        rows = [
            ("[0] MLP", self.mlp),
            ("[1] CNN", self.cnn),
            ("[2] MLP", self.mlp100),
            ("[3] binary MLP", self.binary8),
            ("[4] binary MLP", self.binary100),
        ]
        return "\n".join(f"{name:<15} {split.shapes()}" for name, split in rows)


def resampling_matrix(n_in: int, n_out: int) -> np.ndarray:
    """The matrix ``R`` of shape ``(n_out, n_in)`` that resamples a row of pixels by area.

    Pixel ``i`` of the input covers ``[i, i + 1)``; output pixel ``j`` covers
    ``[j·s, (j + 1)·s)`` in input units, with ``s = n_in / n_out``. Its value is the mean of the
    input over that interval::

        R[j, i] = |[i, i + 1) ∩ [j·s, (j + 1)·s)| / s

    so each row sums to 1: a constant image stays constant, and the mean brightness is kept.
    Shrinking by a whole factor ``k`` (28 → 14) averages blocks of ``k`` pixels; enlarging
    (8 → 10) spreads each pixel over the output pixels it overlaps. An image ``X`` of shape
    ``(n_in, n_in)`` becomes ``R X Rᵀ``. Chapter 4 ([2]'s 100 inputs as a 10×10 image).

    Args:
        n_in: input pixels per row, a positive integer.
        n_out: output pixels per row, a positive integer.

    Returns:
        float64 array ``(n_out, n_in)``, rows summing to 1.
    """
    n_in = check_positive_int(n_in, "n_in")
    n_out = check_positive_int(n_out, "n_out")
    scale = n_in / n_out
    lo = np.arange(n_out)[:, None] * scale  # output interval [lo, hi) in input units
    hi = lo + scale
    left = np.arange(n_in)[None, :]
    overlap = np.clip(np.minimum(hi, left + 1) - np.maximum(lo, left), 0.0, None)
    return overlap / scale


def resize_images(x: Any, size: int) -> np.ndarray:
    """Resample square images ``(n, h, h, c)`` to ``(n, size, size, c)`` by area.

    Each image ``X`` (per channel) becomes ``R X Rᵀ`` with ``R = resampling_matrix(h, size)``:
    every output pixel is the mean of the input over the square it covers. Chapter 4.

    Args:
        x: images, shape ``(n, h, h, c)``, channels last.
        size: the new side, a positive integer.

    Returns:
        Array ``(n, size, size, c)`` in ``x``'s float dtype (integers become float32).
    """
    x = as_float_array(x, "x", ndim=4)
    if x.shape[1] != x.shape[2]:
        raise ValueError(f"Argument `x` must hold square images (n, h, h, c). Received: {x.shape}")
    size = check_positive_int(size, "size")
    r = resampling_matrix(x.shape[1], size).astype(x.dtype)
    return np.einsum("ai,nijc,bj->nabc", r, x, r, optimize=True)


def _train_test(x: np.ndarray, y: np.ndarray, test: float, seed: int):
    """A stratified, seeded train/test split: ``dlcourse.data.train_val_test_split`` with the
    test fraction halved between its validation and test parts, which are then joined."""
    from dlcourse import data

    (xt, yt), (xv, yv), (xs, ys) = data.train_val_test_split(
        x, y, val=test / 2, test=test / 2, seed=seed
    )
    return xt, yt, np.concatenate([xv, xs]), np.concatenate([yv, ys])


def _mnist_images(
    limit: int, data_dir: Any, download: bool | None, test: float, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, str]:
    from dlcourse import data

    def scaled(images: np.ndarray) -> np.ndarray:
        return (images[:, :, :, None] / np.float32(255.0)).astype(np.float32)

    x_test, y_test = data.load_mnist("test", data_dir=data_dir, download=download)
    try:
        x_train, y_train = data.load_mnist("train", data_dir=data_dir, download=download)
    except FileNotFoundError:
        x, y = scaled(x_test[:limit]), y_test[:limit].astype(np.int64)
        xt, yt, xs, ys = _train_test(x, y, test, seed)
        source = (
            f"MNIST: only the test split was found, so its first {len(x):,} images were split "
            f"{1 - test:.0%} / {test:.0%} into training and test sets"
        )
        return xt, yt, xs, ys, source
    source = (
        f"MNIST: the first {min(limit, len(x_train)):,} training images, the first "
        f"{min(limit, len(x_test)):,} test images"
    )
    return (
        scaled(x_train[:limit]),
        y_train[:limit].astype(np.int64),
        scaled(x_test[:limit]),
        y_test[:limit].astype(np.int64),
        source,
    )


def load_examples(
    dataset: str = "digits",
    seed: int = 0,
    *,
    test: float = 0.2,
    mnist_limit: int = 10_000,
    data_dir: Any = None,
    download: bool | None = None,
) -> Examples:
    """Real data, shaped for each of the documents' examples (chapter 4).

    Images: ``"digits"`` (scikit-learn's 1,797 images of 8×8, offline) are split ``1 − test`` /
    ``test``, stratified by class and seeded. ``"mnist"`` takes the first ``mnist_limit`` images
    of MNIST's training and test splits (:func:`dlcourse.data.load_mnist`); when only the test
    split can be found (and downloading is off or fails), its first ``mnist_limit`` images are
    split like the digits. Pixels are scaled to [0, 1].

    Tables: breast cancer (569 rows, 30 features) split the same way; standardised with the
    training split's mean and standard deviation; [3] keeps the 8 features that best separate
    the classes on the training split (:func:`dlcourse.data.select_features`), [4] the best 100
    of the 30 features and their 465 pairwise products (:func:`dlcourse.data.quadratic_features`),
    again chosen on the training split, so the test rows play no part in any choice.

    Args:
        dataset: ``"digits"`` (default) or ``"mnist"``.
        seed: seed of the splits, a non-negative integer; default 0.
        test: fraction of rows held out for testing, in (0, 1); default 0.2.
        mnist_limit: at most this many MNIST images per split; default 10,000.
        data_dir: folder of the MNIST files (see ``load_mnist``); default None.
        download: ``load_mnist``'s download policy; default None (download unless
            ``DLCOURSE_OFFLINE`` is set).

    Returns:
        An :class:`Examples`.
    """
    from dlcourse import data

    check_in(dataset, "dataset", DATASETS)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"Argument `seed` must be a non-negative integer. Received: seed={seed!r}")
    if isinstance(test, bool) or not isinstance(test, (int, float)) or not 0 < test < 1:
        raise ValueError(f"Argument `test` must be a fraction in (0, 1). Received: test={test!r}")
    mnist_limit = check_positive_int(mnist_limit, "mnist_limit")

    if dataset == "digits":
        x, y = data.load_digits()
        xt, yt, xs, ys = _train_test(x, y, test, seed)
        source = (
            f"scikit-learn's digits: {len(x):,} images of 8×8, split "
            f"{1 - test:.0%} / {test:.0%} into training and test sets"
        )
    else:
        xt, yt, xs, ys, source = _mnist_images(mnist_limit, data_dir, download, test, seed)

    def flat(images: np.ndarray) -> np.ndarray:
        return images.reshape(len(images), -1)

    mlp = Split(flat(xt), yt, flat(xs), ys)
    cnn = Split(xt, data.one_hot(yt, 10), xs, data.one_hot(ys, 10))
    mlp100 = Split(
        flat(resize_images(xt, 10)), cnn.y_train, flat(resize_images(xs, 10)), cnn.y_test
    )

    xb, yb = data.load_breast_cancer()
    bt, byt, bs, bys = _train_test(xb, yb, test, seed)
    scaler = data.Standardizer().fit(bt)
    bt, bs = scaler.transform(bt), scaler.transform(bs)
    column = {"y_train": byt[:, None].astype(np.float32), "y_test": bys[:, None].astype(np.float32)}
    best8 = data.select_features(bt, byt, 8)
    binary8 = Split(bt[:, best8], column["y_train"], bs[:, best8], column["y_test"])
    qt, qs = data.quadratic_features(bt), data.quadratic_features(bs)
    best100 = data.select_features(qt, byt, 100)
    binary100 = Split(qt[:, best100], column["y_train"], qs[:, best100], column["y_test"])
    return Examples(dataset, source, mlp, cnn, mlp100, binary8, binary100)


# ------------------------------------------------------------------------------- comparing


def _history_dict(history: Any, name: str) -> dict[str, list[float]]:
    logs = getattr(history, "history", history)
    if not isinstance(logs, Mapping) or "loss" not in logs:
        raise ValueError(
            f"Argument `{name}` must be a History (fit's return value) or a dict with a "
            f"'loss' list. Received: {describe(history)}"
        )
    return {k: [float(v) for v in values] for k, values in logs.items()}


def _classes(p: np.ndarray) -> np.ndarray:
    """Predicted classes: the most probable column, or ``p > 0.5`` for one sigmoid column."""
    return (p[:, 0] > 0.5).astype(np.int64) if p.shape[1] == 1 else p.argmax(axis=1)


#: How much farther from the float64 reference one float32 run may end than the other, for
#: their difference to count as float32 rounding (see :meth:`Comparison.rounding_only`).
ROUNDING_FACTOR = 3.0


@dataclass(frozen=True)
class Comparison:
    """How far a Keras run and its NumPy twin ended apart (chapter 4).

    Attributes:
        samples: how many rows the predictions were compared on.
        max_prediction_diff: ``max |p_keras − p_numpy|`` over every predicted probability.
        same_class: fraction of rows whose predicted class is the same in both.
        epochs: epochs in each history.
        loss_diff: ``|loss_keras − loss_numpy|`` per epoch.
        final_loss: ``(Keras, NumPy)`` loss of the last epoch.
        tolerance: differences up to this count as agreement whatever the reference says.
        accuracy: ``(Keras, NumPy)`` fraction of rows classified right, when :func:`compare`
            got the labels; else None.
        reference_diff: ``(max |p_keras − p_ref|, max |p_numpy − p_ref|)`` against a float64
            reference run of the NumPy model, when :func:`compare` got one; else None.
        reference_loss_diff: ``|loss_numpy − loss_ref|`` per epoch, or None.
    """

    samples: int
    max_prediction_diff: float
    same_class: float
    epochs: int
    loss_diff: tuple[float, ...]
    final_loss: tuple[float, float]
    tolerance: float
    accuracy: tuple[float, float] | None = None
    reference_diff: tuple[float, float] | None = None
    reference_loss_diff: tuple[float, ...] | None = None

    def rounding_only(self) -> bool:
        """Whether Keras and NumPy differ by no more than float32 rounding explains.

        True when ``max |p_keras − p_numpy| ≤ tolerance``. Otherwise, with a float64
        reference run (rounding 10⁻¹⁶, so it stands for the exact computation): float32
        rounding moves each float32 run some distance ``d_keras``, ``d_numpy`` away from it.
        Two runs of the same mathematics drift by comparable amounts; a run of other
        mathematics (a mistake, another learning rate) ends much farther away than the other.
        So True when ``max(d_keras, d_numpy) ≤ ROUNDING_FACTOR · min(d_keras, d_numpy) +
        tolerance``, with ``ROUNDING_FACTOR`` = 3 for chance. Without a reference, False.
        """
        if self.max_prediction_diff <= self.tolerance:
            return True
        if self.reference_diff is None:
            return False
        near, far = sorted(self.reference_diff)
        return far <= ROUNDING_FACTOR * near + self.tolerance

    def __str__(self) -> str:
        k, n = self.final_loss
        lines = [
            f"predictions on {self.samples:,} rows: max |Keras − NumPy| = "
            f"{self.max_prediction_diff:.4f} (below {self.tolerance:g}: "
            f"{self.max_prediction_diff <= self.tolerance}); same class for {self.same_class:.1%}",
        ]
        if self.reference_diff is not None:
            lines.append(
                f"float64 reference run: max |Keras − float64| = {self.reference_diff[0]:.4f}, "
                f"max |NumPy − float64| = {self.reference_diff[1]:.4f}; "
                f"float32 rounding only: {self.rounding_only()}"
            )
        last = f"loss of the last epoch: Keras {k:.3g}, NumPy {n:.3g}"
        if self.accuracy is not None:
            last += f"; accuracy: Keras {self.accuracy[0]:.2f}, NumPy {self.accuracy[1]:.2f}"
        lines.append(last)
        return "\n".join(lines)


def compare(
    keras_predictions: Any,
    numpy_predictions: Any,
    keras_history: Any,
    numpy_history: Any,
    y_true: Any = None,
    reference: tuple[Any, Any] | None = None,
    tolerance: float = 1e-4,
) -> Comparison:
    """Compare two runs of one example: their predictions and their loss curves.

    Both runs start from the same weights and see the same batches in the same order, so they
    compute the same numbers up to float32 rounding (about ``1e-7`` relative per operation,
    summed in a different order by oneDNN and NumPy's BLAS). Over many Adam steps that
    rounding can grow: Adam divides each gradient by its running root mean square, so a
    gradient that is nearly zero turns its rounding error into a full step. A float64 run of
    the NumPy model from the same start (:func:`float64_run`), whose rounding is 10⁻¹⁶, tells
    grown rounding from a real difference (:meth:`Comparison.rounding_only`).

    Args:
        keras_predictions, numpy_predictions: probabilities ``(n, classes)`` (or ``(n, 1)``
            for a sigmoid output) from ``predict`` on the same rows.
        keras_history, numpy_history: ``fit``'s return values (or their ``.history`` dicts),
            with the same number of epochs.
        y_true: the rows' labels, to report each run's accuracy: integer classes ``(n,)``,
            one-hot rows ``(n, classes)`` or a 0/1 column ``(n, 1)``; default None.
        reference: ``(predictions, history)`` of a float64 run on the same rows, as
            :func:`float64_run` returns; default None.
        tolerance: positive float; default 1e-4.

    Returns:
        A :class:`Comparison`; ``print`` it for a few lines of rounded numbers.
    """
    pk = as_float_array(keras_predictions, "keras_predictions", ndim=2).astype(np.float64)
    pn = as_float_array(numpy_predictions, "numpy_predictions", ndim=2).astype(np.float64)
    if pk.shape != pn.shape or not len(pk):
        raise ValueError(
            "Arguments `keras_predictions` and `numpy_predictions` must have the same, "
            f"non-empty shape. Received: {pk.shape} and {pn.shape}"
        )
    hk = _history_dict(keras_history, "keras_history")["loss"]
    hn = _history_dict(numpy_history, "numpy_history")["loss"]
    if len(hk) != len(hn) or not hk:
        raise ValueError(
            "Arguments `keras_history` and `numpy_history` must hold the same, non-zero "
            f"number of epochs. Received: {len(hk)} and {len(hn)}"
        )
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or tolerance <= 0:
        raise ValueError(
            f"Argument `tolerance` must be a positive number. Received: tolerance={tolerance!r}"
        )
    accuracy = None
    if y_true is not None:
        labels = _labels(y_true, pk)
        accuracy = (
            float(np.mean(_classes(pk) == labels)),
            float(np.mean(_classes(pn) == labels)),
        )
    reference_diff = reference_loss_diff = None
    if reference is not None:
        if not isinstance(reference, tuple) or len(reference) != 2:
            raise ValueError(
                "Argument `reference` must be a (predictions, history) pair, as float64_run "
                f"returns. Received: {describe(reference)}"
            )
        pr = as_float_array(reference[0], "reference predictions", ndim=2).astype(np.float64)
        hr = _history_dict(reference[1], "reference history")["loss"]
        if pr.shape != pk.shape or len(hr) != len(hk):
            raise ValueError(
                f"Argument `reference` must have predictions of shape {pk.shape} and "
                f"{len(hk)} epochs. Received: {pr.shape} and {len(hr)} epochs"
            )
        reference_diff = (float(np.abs(pk - pr).max()), float(np.abs(pn - pr).max()))
        reference_loss_diff = tuple(float(v) for v in np.abs(np.subtract(hn, hr)))
    return Comparison(
        samples=len(pk),
        max_prediction_diff=float(np.abs(pk - pn).max()),
        same_class=float(np.mean(_classes(pk) == _classes(pn))),
        epochs=len(hk),
        loss_diff=tuple(float(v) for v in np.abs(np.subtract(hk, hn))),
        final_loss=(hk[-1], hn[-1]),
        tolerance=float(tolerance),
        accuracy=accuracy,
        reference_diff=reference_diff,
        reference_loss_diff=reference_loss_diff,
    )


def _labels(y_true: Any, p: np.ndarray) -> np.ndarray:
    """Integer classes from labels in any of the examples' formats, checked against ``p``."""
    y = np.asarray(y_true)
    if y.ndim == 2 and y.shape[1] == p.shape[1] and p.shape[1] > 1:
        labels = y.argmax(axis=1)  # one-hot rows
    elif y.ndim == 2 and y.shape[1] == 1 == p.shape[1]:
        labels = y[:, 0]  # a 0/1 column
    elif y.ndim == 1:
        labels = y
    else:
        labels = None
    if labels is None or len(labels) != len(p):
        raise ValueError(
            f"Argument `y_true` must hold one label per prediction, as classes (n,), one-hot "
            f"rows (n, {p.shape[1]}) or a 0/1 column (n, 1). Received: {describe(y)} for "
            f"predictions of shape {p.shape}"
        )
    return labels.astype(np.int64)


def float64_run(
    keras_model: Any,
    weights: Sequence[np.ndarray],
    x_train: Any,
    y_train: Any,
    x_test: Any,
    **fit_args: Any,
) -> tuple[np.ndarray, Any]:
    """Train the NumPy twin of ``keras_model`` in float64 from ``weights``: a reference run.

    :func:`numpy_twin` in float64, ``fit(x_train, y_train, shuffle=False, verbose=0,
    **fit_args)`` on the data cast to float64 (integer class labels stay integers), then
    ``predict(x_test)``. Its rounding errors are about 10⁻¹⁶, so it stands for the exact
    computation that the float32 runs of Keras and NumPy both approximate. Chapter 4.

    Args:
        keras_model: the compiled Keras model of the example (only its layers and compile
            arguments are used, not its current weights).
        weights: the initial weights, in Keras' order.
        x_train, y_train, x_test: the example's data.
        **fit_args: ``epochs``, ``batch_size`` as the example uses them.

    Returns:
        ``(predictions, history)``.
    """
    twin = numpy_twin(keras_model, weights, "float64")
    y = np.asarray(y_train)
    if np.issubdtype(y.dtype, np.floating):
        y = y.astype(np.float64)
    history = twin.fit(
        np.asarray(x_train, dtype=np.float64), y, shuffle=False, verbose=0, **fit_args
    )
    return twin.predict(np.asarray(x_test, dtype=np.float64), verbose=0), history


def results_table(results: Mapping[str, Comparison]) -> str:
    """One line per example: epochs, prediction differences, same classes, accuracies.

    Args:
        results: example name → its :class:`Comparison`.

    Returns:
        A fixed-width text table, numbers rounded: ``Keras−NumPy`` is the largest difference
        of predicted probabilities, ``NumPy−float64`` the same against the float64 reference
        (``-`` without one), ``rounding`` :meth:`Comparison.rounding_only`.
    """
    if not isinstance(results, Mapping) or not all(
        isinstance(c, Comparison) for c in results.values()
    ):
        raise TypeError(
            f"Argument `results` must map names to Comparison objects. Received: "
            f"{describe(results)}"
        )
    width = max([len("example"), *(len(name) for name in results)])
    lines = [
        f"{'example':<{width}}  epochs  Keras−NumPy  NumPy−float64  rounding  same class  "
        "accuracy Keras  NumPy"
    ]
    for name, c in results.items():
        ref = "-" if c.reference_diff is None else f"{c.reference_diff[1]:.4f}"
        acc = ("-", "-") if c.accuracy is None else tuple(f"{a:.2f}" for a in c.accuracy)
        lines.append(
            f"{name:<{width}}  {c.epochs:>6}  {c.max_prediction_diff:>11.4f}  {ref:>13}  "
            f"{c.rounding_only()!s:>8}  {c.same_class:>10.1%}  {acc[0]:>14}  {acc[1]:>5}"
        )
    return "\n".join(lines)


def plot_pair(
    keras_history: Any,
    numpy_history: Any,
    title: str = "",
    reference_history: Any = None,
    axes: Any = None,
) -> Any:
    """Both runs' training curves in one picture: loss, accuracy, and their difference.

    Panels: the epoch loss of Keras (solid) and NumPy (dashed, on top: where the two agree you
    see one line); the accuracy the same way (when both histories have it); and
    ``|loss_keras − loss_numpy|`` per epoch on a log scale, with float32's machine epsilon
    ``2⁻²³ ≈ 1.2e-7`` for scale and, given a float64 reference run, ``|loss_numpy −
    loss_float64|``: how far float32 rounding alone moves the loss (an exact zero is drawn at
    ``1e-10``). Chapter 4.

    Args:
        keras_history, numpy_history: ``fit``'s return values or their ``.history`` dicts.
        title: the figure's title; default none.
        reference_history: the float64 run's history (:func:`float64_run`); default None.
        axes: a sequence of matplotlib axes, one per panel; default a new figure.

    Returns:
        The list of axes.
    """
    hk = _history_dict(keras_history, "keras_history")
    hn = _history_dict(numpy_history, "numpy_history")
    hr = None if reference_history is None else _history_dict(reference_history, "reference")
    for other, label in ((hn, "numpy_history"), (hr, "reference_history")):
        if other is not None and len(other["loss"]) != len(hk["loss"]):
            raise ValueError(
                f"Argument `{label}` must hold as many epochs as `keras_history`. Received: "
                f"{len(other['loss'])} and {len(hk['loss'])}"
            )
    panels = ["loss"] + (["accuracy"] if "accuracy" in hk and "accuracy" in hn else [])
    if axes is None:
        import matplotlib.pyplot as plt

        fig, created = plt.subplots(
            1, len(panels) + 1, figsize=(4.1 * (len(panels) + 1), 3.2), squeeze=False
        )
        axes = list(created[0])
        if title:
            fig.suptitle(title, fontsize=11)
        fig.subplots_adjust(left=0.06, right=0.98, bottom=0.16, top=0.83, wspace=0.3)
    elif len(axes) != len(panels) + 1:
        raise ValueError(
            f"Argument `axes` must hold {len(panels) + 1} axes ({panels} and the difference). "
            f"Received: {len(axes)} axes"
        )
    epochs = np.arange(1, len(hk["loss"]) + 1)
    marker = "." if len(epochs) <= 20 else None
    for ax, key in zip(axes, panels, strict=False):
        ax.plot(epochs, hk[key], "-", color="C0", lw=2.5, alpha=0.6, marker=marker, label="Keras")
        ax.plot(epochs, hn[key], "--", color="C3", lw=1.2, label="NumPy (dlcourse.nn)")
        ax.set_title(key, fontsize=10)
        ax.set_xlabel("epoch")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    ax = axes[-1]
    diff = np.maximum(np.abs(np.subtract(hk["loss"], hn["loss"])), 1e-10)
    thin = 1.5 if len(epochs) <= 100 else 0.8
    ax.semilogy(epochs, diff, color="C2", lw=thin, marker=marker, label="Keras − NumPy")
    if hr is not None:
        rounding = np.maximum(np.abs(np.subtract(hn["loss"], hr["loss"])), 1e-10)
        ax.semilogy(epochs, rounding, ":", color="grey", label="NumPy − float64")
    ax.axhline(2.0**-23, color="grey", ls="-", lw=0.6, label="float32 epsilon")
    ax.set_ylim(1e-10, 1e-1)
    ax.set_title("|difference of the losses|", fontsize=10)
    ax.set_xlabel("epoch")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    return list(axes)


def summary_text(model: Any) -> str:
    """The text of ``model.summary()``, for a Keras model or a ``dlcourse.nn.Sequential``.

    Both print the same table (layer name and type, output shape, parameter count, and the
    totals), so two twins give equal strings. Chapter 4.

    Args:
        model: a built model with ``summary(print_fn=...)``.

    Returns:
        The lines of the summary joined by newlines, without trailing blank lines.
    """
    summary = getattr(model, "summary", None)
    if not callable(summary):
        raise TypeError(
            f"Argument `model` must have a summary() method. Received: {describe(model)}"
        )
    lines: list[str] = []
    summary(print_fn=lambda text, **_: lines.append(str(text)))
    return "\n".join("\n".join(lines).splitlines()).rstrip()


def numpy_twin(keras_model: Any, weights: Sequence[np.ndarray], dtype: str = "float64") -> Any:
    """A compiled ``dlcourse.nn.Sequential`` like ``keras_model``, in ``dtype``, at ``weights``.

    The same layers (through :func:`dlcourse.tfnn.from_keras` of a copy of ``keras_model``
    whose layers compute in ``dtype``), the given weights cast to ``dtype``, and
    ``keras_model``'s loss, accuracy metric and optimizer class with its learning rate (other
    optimizer arguments at their defaults). Chapter 4 trains it in float64 as a reference: when
    Keras and NumPy in float32 end a long training apart, the float64 run shows whether one of
    them is wrong or both carry rounding errors.

    Args:
        keras_model: a compiled ``keras.Sequential`` of layers the NumPy reference has.
        weights: initial weights in Keras' order, e.g. saved before training.
        dtype: ``"float64"`` (default) or ``"float32"``.

    Returns:
        The NumPy model, compiled and ready to ``fit``.
    """
    from dlcourse import nn
    from dlcourse.tfnn._backend import keras
    from dlcourse.tfnn.bridge import from_keras

    check_in(dtype, "dtype", ("float32", "float64"))
    if not isinstance(keras_model, keras.Sequential) or keras_model.optimizer is None:
        raise ValueError(
            f"Argument `keras_model` must be a compiled keras.Sequential. Received: "
            f"{describe(keras_model)}"
        )
    # Zero initial kernels (replaced by `weights` below): drawing random ones would use Keras'
    # global random generator and so change the initial weights of every model built later.
    layers = []
    for layer in keras_model.layers:
        config = {**layer.get_config(), "dtype": dtype}
        if "kernel_initializer" in config:
            config["kernel_initializer"] = "zeros"
        layers.append(type(layer).from_config(config))
    shape = tuple(keras_model.input_shape[1:])
    copy = keras.Sequential([keras.Input(shape=shape, dtype=dtype), *layers])
    twin = from_keras(copy)
    twin.set_weights([np.asarray(w, dtype=dtype) for w in weights])
    optimizer = keras_model.optimizer
    twin.compile(
        optimizer=getattr(nn.optimizers, type(optimizer).__name__)(
            learning_rate=float(optimizer.learning_rate)
        ),
        loss=keras_model.loss,
        metrics=["accuracy"],
    )
    return twin


def xor_restarts(seeds: int = 20, epochs: int = 1000, longer: int = 5000) -> list[dict[str, Any]]:
    """[1]'s XOR network trained from ``seeds`` initial weights: which runs learn XOR?

    Each run is :func:`dlcourse.experiments.ch2_concepts.train_xor` with [1]'s settings: 2 →
    Dense(10, relu) → Dense(1, sigmoid), binary cross-entropy, Adam with Keras' default
    learning rate 0.001, full batches of the four rows, ``epochs`` epochs; seeds ``0 … seeds-1``.
    A run that gets a row wrong is trained again from the same start for ``longer`` epochs.

    A hidden ReLU unit is **dead** when its input ``x·w + b`` is ≤ 0 on all four rows: its
    output and its gradient are then 0 on every row, so no update can revive it. Chapter 4.

    Args:
        seeds: number of initial weights, a positive integer; default 20.
        epochs: [1]'s epochs; default 1000.
        longer: epochs of the second try of a failed run; default 5000.

    Returns:
        One dict per seed: ``seed``, ``accuracy`` on the four rows, ``p`` (the four predicted
        probabilities), ``dead`` (dead hidden units at the end), and for failed runs
        ``accuracy_longer`` and ``p_longer``.
    """
    from dlcourse import data
    from dlcourse.experiments import ch2_concepts

    seeds = check_positive_int(seeds, "seeds")
    epochs = check_positive_int(epochs, "epochs")
    longer = check_positive_int(longer, "longer")
    x, y = data.xor_table()

    def train(seed: int, n: int):
        model = ch2_concepts.train_xor(
            10, x, y, activation="relu", epochs=n, learning_rate=0.001, seed=seed
        )
        p = model.predict(x, verbose=0)[:, 0]
        hidden = model.layers[0].params
        dead = int(np.sum(np.all(x @ hidden["kernel"] + hidden["bias"] <= 0, axis=0)))
        return float(np.mean((p > 0.5) == (y == 1))), p, dead

    rows = []
    for seed in range(seeds):
        acc, p, dead = train(seed, epochs)
        row: dict[str, Any] = {"seed": seed, "accuracy": acc, "p": p, "dead": dead}
        if acc < 1.0:
            row["accuracy_longer"], row["p_longer"], _ = train(seed, longer)
        rows.append(row)
    return rows


# ----------------------------------------------------------------------- Keras' epoch cost


def epoch_cost(keras_model: Any, x: Any, y: Any, epochs: int = 20) -> dict[str, float]:
    """Seconds per epoch of ``fit``: Keras on NumPy arrays, Keras on a ``tf.data`` pipeline, NumPy.

    Each way trains its own copy of ``keras_model`` (``keras.models.clone_model`` with the same
    weights and a fresh optimizer of the same configuration, or the NumPy twin from
    :func:`dlcourse.tfnn.from_keras`), so ``keras_model`` itself is not touched. All three see
    the same batches of 32 rows, in order (``shuffle=False``):

    * ``"keras_arrays"``: ``fit(x, y, epochs=...)``, the documents' call. Keras wraps the arrays
      in a ``tf.data`` pipeline and makes a new iterator over it at every epoch.
    * ``"keras_dataset"``: ``fit(dataset, steps_per_epoch=ceil(n / 32), epochs=...)`` on
      ``Dataset.from_tensor_slices((x, y)).batch(32).cache().repeat()``: one iterator for all
      epochs.
    * ``"numpy"``: ``dlcourse.nn``'s ``fit(x, y, epochs=...)``.

    A first, untimed epoch of each way traces Keras' training function. Chapter 4 (why 1,000
    epochs of XOR take long in Keras, and how to make them fast).

    Args:
        keras_model: a compiled ``keras.Sequential`` of layers the NumPy reference has.
        x, y: training data.
        epochs: epochs timed per way, a positive integer; default 20.

    Returns:
        ``{"keras_arrays": s, "keras_dataset": s, "numpy": s}``, seconds per epoch.
    """
    from dlcourse.tfnn._backend import keras, tf
    from dlcourse.tfnn.bridge import from_keras

    if not isinstance(keras_model, keras.Model) or keras_model.optimizer is None:
        raise ValueError(
            f"Argument `keras_model` must be a compiled Keras model. Received: "
            f"{describe(keras_model)}"
        )
    epochs = check_positive_int(epochs, "epochs")
    x = np.asarray(x, dtype=np.float32)
    y = np.asarray(y, dtype=np.float32)
    steps = -(-len(x) // 32)
    pipeline = tf.data.Dataset.from_tensor_slices((x, y)).batch(32).cache().repeat()
    optimizer = keras_model.optimizer
    compile_args = {"loss": keras_model.loss, "metrics": ["accuracy"]}

    def keras_copy():
        clone = keras.models.clone_model(keras_model)
        clone.set_weights(keras_model.get_weights())
        clone.compile(
            optimizer=optimizer.__class__.from_config(optimizer.get_config()), **compile_args
        )
        return clone

    def numpy_copy():
        from dlcourse import nn

        twin = from_keras(keras_model)
        numpy_optimizer = getattr(nn.optimizers, type(optimizer).__name__)
        twin.compile(
            optimizer=numpy_optimizer(learning_rate=float(optimizer.learning_rate)),
            **compile_args,
        )
        return twin

    ways = {
        "keras_arrays": (keras_copy, (x, y), {"batch_size": 32}),
        "keras_dataset": (keras_copy, (pipeline,), {"steps_per_epoch": steps}),
        "numpy": (numpy_copy, (x, y), {"batch_size": 32}),
    }
    seconds = {}
    for way, (make, args, kwargs) in ways.items():
        model = make()
        model.fit(*args, epochs=1, shuffle=False, verbose=0, **kwargs)
        start = time.perf_counter()
        model.fit(*args, epochs=epochs, shuffle=False, verbose=0, **kwargs)
        seconds[way] = (time.perf_counter() - start) / epochs
    return seconds


# ---------------------------------------------------------------------------------- devices


def split_cpu(n: int = 2) -> list[str]:
    """Split the CPU into ``n`` logical devices, so ``MirroredStrategy`` can be tried on a laptop.

    TensorFlow fixes its logical devices when it first uses them, so call this first, before any
    model is built (chapter 4's setup cell). With ``n = 1`` nothing is changed. Calling it again
    with the number already in place is harmless.

    Args:
        n: logical CPUs wanted, a positive integer; default 2.

    Returns:
        The logical CPU device names, e.g. ``["/device:CPU:0", "/device:CPU:1"]``.

    Raises:
        RuntimeError: if TensorFlow has already set up a different number of logical CPUs (the
            message says to restart the kernel).
    """
    from dlcourse.tfnn._backend import tf

    n = check_positive_int(n, "n")
    cpu = tf.config.list_physical_devices("CPU")[0]
    if n > 1:
        try:
            tf.config.set_logical_device_configuration(
                cpu, [tf.config.LogicalDeviceConfiguration()] * n
            )
        except RuntimeError as exc:
            have = len(tf.config.list_logical_devices("CPU"))
            if have != n:
                raise RuntimeError(
                    f"TensorFlow already runs on {have} logical CPU(s), so it cannot switch to "
                    f"{n}: call split_cpu({n}) before building any model (restart the kernel)."
                ) from exc
    return [d.name for d in tf.config.list_logical_devices("CPU")]


def fit_in_scope(
    strategy: Any,
    name: str,
    weights: Sequence[np.ndarray],
    x: Any,
    y: Any,
    epochs: int | None = None,
) -> tuple[Any, Any]:
    """Build, compile and train one of the documents' Keras models under a ``tf.distribute``
    strategy, from given initial weights.

    Inside ``strategy.scope()`` the model's variables are created as the strategy wants them
    (one mirrored copy per device for ``MirroredStrategy``); ``fit`` then splits each batch
    across the replicas, runs them in parallel and sums their gradients before the update, so
    the result equals one device's up to the order of float additions. The model is
    :func:`dlcourse.models_zoo.build`'s, compiled with the documents' arguments and trained with
    their epochs and batch size, ``shuffle=False``. Chapter 4.

    Args:
        strategy: a ``tf.distribute.Strategy`` (e.g. :func:`dlcourse.device.strategy`).
        name: a model of :mod:`dlcourse.models_zoo`, e.g. ``"doc4_binary"``.
        weights: the initial weights, in Keras' order (``get_weights()`` of a twin).
        x, y: training data; the input shape is taken from ``x``.
        epochs: a positive integer; default None, the document's epochs.

    Returns:
        ``(model, history)``.
    """
    from dlcourse import models_zoo
    from dlcourse.tfnn._backend import tf

    if not isinstance(strategy, tf.distribute.Strategy):
        raise TypeError(
            f"Argument `strategy` must be a tf.distribute.Strategy. Received: {describe(strategy)}"
        )
    x = np.asarray(x)
    fit_args = models_zoo.fit_args(name)
    if epochs is not None:
        fit_args["epochs"] = check_positive_int(epochs, "epochs")
    with strategy.scope():
        model = models_zoo.build(name, "keras", input_shape=x.shape[1:])
        model.set_weights(list(weights))
    history = model.fit(x, y, shuffle=False, verbose=0, **fit_args)
    return model, history
