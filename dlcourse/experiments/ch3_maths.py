"""Experiments of chapter 3, "Algorithms and maths" (核心算法原理…数学模型公式详细讲解).

=====================================  ===========================================================
Activations (激活函数)                 :func:`naive_sigmoid`, :func:`naive_softmax` (the textbook
                                       formulas, unprotected), :func:`catch_warnings` (what
                                       NumPy warns about while a function runs)
Linear regression (线性回归)           :func:`make_line_data`, :func:`half_mse`,
                                       :func:`half_mse_gradient`, :func:`fit_line_gd`,
                                       :func:`least_squares`, :func:`max_stable_learning_rate`
Backpropagation versus descent         :func:`backprop_gradients` (gradients, no update),
                                       :func:`numerical_gradients` (gradients with no
                                       backpropagation), :func:`gradient_descent` (descent on
                                       gradients from any source), :func:`model_parameters`
Optimizers (优化算法)                  :data:`OPTIMIZER_SETTINGS`, :func:`optimizer_parity`
                                       (``dlcourse.nn.optimizers`` against ``keras.optimizers``)
Batch size, regularisation             :func:`batch_size_experiment`,
                                       :func:`regularization_experiment`,
                                       :func:`dropout_statistics`
Convolution (卷积)                     :func:`load_image`, :func:`edge_kernels`
=====================================  ===========================================================

Everything runs on NumPy and :mod:`dlcourse.nn`, seeded; only :func:`optimizer_parity` imports
TensorFlow (through :mod:`dlcourse.tfnn`), inside the function. The pictures are in
:mod:`dlcourse.experiments.ch3_figures`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from dlcourse import nn
from dlcourse._checks import (
    as_float_array,
    check_in,
    check_nonnegative,
    check_positive_int,
    check_probability,
    check_same_length,
    describe,
)
from dlcourse.gradcheck import numerical_gradient

__all__ = [
    "OPTIMIZER_SETTINGS",
    "LinearFit",
    "RegularizedModel",
    "backprop_gradients",
    "batch_size_experiment",
    "catch_warnings",
    "dropout_statistics",
    "edge_kernels",
    "fit_line_gd",
    "gradient_descent",
    "half_mse",
    "half_mse_gradient",
    "least_squares",
    "load_image",
    "make_line_data",
    "max_stable_learning_rate",
    "model_parameters",
    "naive_sigmoid",
    "naive_softmax",
    "numerical_gradients",
    "optimizer_parity",
    "regularization_experiment",
]


# ---- activations: the unprotected formulas --------------------------------------------------


def naive_sigmoid(x: Any) -> np.ndarray:
    """The sigmoid exactly as documents [0] and [3] write it, ``1 / (1 + e^{-x})``.

    Wrong on purpose for large ``|x|``: ``e^{-x}`` overflows to ``inf`` for ``x < −709``
    (float64) and NumPy warns. Compare :func:`dlcourse.nn.activations.sigmoid`, which never
    exponentiates a positive number. Chapter 3, "Numerically stable forms".

    Args:
        x: array-like of any shape.

    Returns:
        float array of the same shape.
    """
    x = as_float_array(x, "x")
    return 1.0 / (1.0 + np.exp(-x))


def naive_softmax(x: Any) -> np.ndarray:
    """Softmax over the last axis without the max shift, ``e^{x_i} / Σ_j e^{x_j}``.

    Wrong on purpose for large logits: ``e^{1000}`` is ``inf`` and ``inf / inf`` is NaN. The
    stable form (:func:`dlcourse.nn.activations.softmax`) subtracts each row's maximum first,
    which leaves the value unchanged. Chapter 3.

    Args:
        x: array-like with at least one dimension, e.g. logits ``(N, classes)``.

    Returns:
        float array of the same shape.
    """
    x = as_float_array(x, "x", min_ndim=1)
    e = np.exp(x)
    return e / e.sum(axis=-1, keepdims=True)


def catch_warnings(fn: Callable[[Any], Any], x: Any) -> tuple[Any, list[str]]:
    """Call ``fn(x)`` and collect NumPy's floating-point warnings instead of printing them.

    Overflow, invalid values (NaN) and division by zero are turned into warnings for the
    duration of the call, whatever the global ``np.seterr`` says, and recorded; underflow
    (a tiny number rounded to 0, harmless here) is ignored. Chapter 3 shows with it what the
    textbook sigmoid and softmax do at ±1000.

    Args:
        fn: a function of one argument.
        x: its argument.

    Returns:
        ``(fn(x), messages)``: the result and the sorted, distinct warning messages
        (e.g. ``["overflow encountered in exp"]``); an empty list when nothing went wrong.
    """
    if not callable(fn):
        raise TypeError(f"Argument `fn` must be callable. Received: {describe(fn)}")
    with (
        warnings.catch_warnings(record=True) as caught,
        np.errstate(over="warn", invalid="warn", divide="warn", under="ignore"),
    ):
        warnings.simplefilter("always")
        out = fn(x)
    return out, sorted({str(w.message) for w in caught})


# ---- linear regression trained by gradient descent ----------------------------------------


def make_line_data(
    n: int = 40, w: float = 2.0, b: float = -1.0, noise: float = 0.5, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Points near the line ``y = w x + b`` (document [3]'s linear model), for chapter 3.

    ``x ~ U[-2, 2]``, ``y = w x + b + noise · ε`` with ``ε ~ N(0, 1)``.

    Args:
        n: number of points, positive; default 40.
        w, b: the true slope and intercept; defaults 2 and -1.
        noise: standard deviation of the noise, ≥ 0; default 0.5.
        seed: seed of ``np.random.default_rng``; default 0.

    Returns:
        ``x`` and ``y``, float64 arrays of shape ``(n,)``.
    """
    n = check_positive_int(n, "n")
    noise = check_nonnegative(noise, "noise")
    w, b = _finite_number(w, "w"), _finite_number(b, "b")
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2.0, 2.0, size=n)
    return x, w * x + b + noise * rng.standard_normal(n)


def _line_inputs(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    x = as_float_array(x, "x", dtype=np.float64, ndim=1)
    y = as_float_array(y, "y", dtype=np.float64, ndim=1)
    check_same_length(x, y)
    if len(x) == 0:
        raise ValueError("Arguments `x` and `y` must hold at least one point. Received: 0 points")
    return x, y


def half_mse(w: float, b: float, x: Any, y: Any) -> float:
    """Document [3]'s loss ``J(θ) = 1/(2m) Σ_i (h_θ(x_i) − y_i)²`` with ``h_θ(x) = w x + b``.

    The ``1/2`` cancels the 2 of the derivative; Keras' ``mean_squared_error`` has no ``1/2``,
    so ``J = MSE / 2`` (chapter 3).

    Args:
        w, b: slope and intercept.
        x, y: float arrays of shape ``(m,)``.

    Returns:
        ``J`` as a float.
    """
    x, y = _line_inputs(x, y)
    return float(np.mean((w * x + b - y) ** 2) / 2.0)


def half_mse_gradient(w: float, b: float, x: Any, y: Any) -> tuple[float, float]:
    """The gradient of :func:`half_mse`: ``∂J/∂w = (1/m) Σ (ŷ − y) x``, ``∂J/∂b = (1/m) Σ (ŷ − y)``.

    Args:
        w, b: slope and intercept.
        x, y: float arrays of shape ``(m,)``.

    Returns:
        ``(∂J/∂w, ∂J/∂b)`` as floats. Chapter 3.
    """
    x, y = _line_inputs(x, y)
    error = w * x + b - y
    return float(np.mean(error * x)), float(np.mean(error))


@dataclass(frozen=True)
class LinearFit:
    """The result of :func:`fit_line_gd`.

    Attributes:
        w, b: the final slope and intercept (NaN if the descent diverged).
        losses: ``J`` before each step and after the last, shape ``(steps + 1,)``.
        path: ``(w, b)`` before each step and after the last, shape ``(steps + 1, 2)``.
        learning_rate: the step size α used.
        diverged: True if ``J`` ended above its starting value, or overflowed (then the
            later entries are NaN).
    """

    w: float
    b: float
    losses: np.ndarray
    path: np.ndarray
    learning_rate: float
    diverged: bool


def fit_line_gd(
    x: Any,
    y: Any,
    learning_rate: float = 0.1,
    steps: int = 100,
    w0: float = 0.0,
    b0: float = 0.0,
) -> LinearFit:
    """Fit ``y ≈ w x + b`` by gradient descent on :func:`half_mse`, ``θ := θ − α ∇J(θ)``.

    Full-batch gradient descent as document [3] states it (2 parameters, ``steps`` updates).
    A learning rate above :func:`max_stable_learning_rate` makes ``J`` grow geometrically
    (``diverged`` is True); if it overflows, the rest of the record is NaN. Chapter 3.

    Args:
        x, y: float arrays of shape ``(m,)``.
        learning_rate: α > 0; default 0.1.
        steps: number of updates, positive; default 100.
        w0, b0: the starting point; default ``(0, 0)``.

    Returns:
        A :class:`LinearFit`.
    """
    x, y = _line_inputs(x, y)
    lr = _positive(learning_rate, "learning_rate")
    steps = check_positive_int(steps, "steps")
    theta = np.array([_finite_number(w0, "w0"), _finite_number(b0, "b0")])
    path = np.full((steps + 1, 2), np.nan)
    losses = np.full(steps + 1, np.nan)
    diverged = False
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(steps + 1):
            error = theta[0] * x + theta[1] - y
            loss = np.mean(error**2) / 2.0
            if not np.isfinite(loss) or loss > 1e300:
                diverged = True
                break
            path[t], losses[t] = theta, loss
            if t < steps:
                theta = theta - lr * np.array([np.mean(error * x), np.mean(error)])
    w, b = (np.nan, np.nan) if diverged else (float(theta[0]), float(theta[1]))
    diverged = diverged or bool(losses[-1] > losses[0])
    return LinearFit(w, b, losses, path, lr, diverged)


def least_squares(x: Any, y: Any) -> tuple[float, float]:
    """The closed-form minimiser of :func:`half_mse`: the least-squares line.

    Solves the normal equations ``(Aᵀ A) θ = Aᵀ y`` with ``A = [x, 1]`` (via
    ``np.linalg.lstsq``). Gradient descent should reach the same ``(w, b)``. Chapter 3.

    Args:
        x, y: float arrays of shape ``(m,)``, with at least two distinct ``x``.

    Returns:
        ``(w, b)`` as floats.
    """
    x, y = _line_inputs(x, y)
    if np.ptp(x) == 0:
        raise ValueError("Argument `x` must hold at least two distinct values for a line.")
    A = np.column_stack([x, np.ones_like(x)])
    (w, b), *_ = np.linalg.lstsq(A, y, rcond=None)
    return float(w), float(b)


def max_stable_learning_rate(x: Any) -> float:
    """The largest α for which gradient descent on :func:`half_mse` converges: ``2 / λ_max``.

    ``J`` is quadratic with Hessian ``H = [[mean x², mean x], [mean x, 1]]``; a step multiplies
    the error along each eigenvector of ``H`` by ``1 − α λ``, which shrinks only while
    ``α < 2 / λ`` for every eigenvalue λ. Chapter 3, "Learning rate".

    Args:
        x: float array of shape ``(m,)``.

    Returns:
        ``2 / λ_max(H)``.
    """
    x = as_float_array(x, "x", dtype=np.float64, ndim=1)
    if len(x) == 0:
        raise ValueError("Argument `x` must hold at least one value. Received: 0 values")
    H = np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])
    return float(2.0 / np.linalg.eigvalsh(H).max())


# ---- backpropagation computes gradients; gradient descent uses them ------------------------


def numerical_gradients(
    loss_fn: Callable[[], float], params: Sequence[np.ndarray], h: float = 1e-6
) -> list[np.ndarray]:
    """Gradients of ``loss_fn()`` with respect to each array in ``params``, by finite differences.

    No backpropagation is involved: each entry of each array is nudged by ``±h`` in place and
    ``loss_fn`` is called again (:func:`dlcourse.gradcheck.numerical_gradient`). Costs
    ``2 · Σ size`` calls. Chapter 3's claim check uses it to feed gradient descent.

    Args:
        loss_fn: a function of no argument that reads ``params`` (e.g. a model's weights).
        params: float64 arrays, perturbed in place and restored.
        h: step, > 0; default 1e-6.

    Returns:
        One float64 array per parameter, shaped like it.
    """
    if not callable(loss_fn):
        raise TypeError(f"Argument `loss_fn` must be callable. Received: {describe(loss_fn)}")
    return [numerical_gradient(lambda _: loss_fn(), p, h=h) for p in _param_list(params)]


def model_parameters(model: nn.Sequential) -> list[np.ndarray]:
    """A model's weight arrays themselves (not copies), layer by layer, in ``params`` order.

    Writing into them changes the model, which is what :func:`gradient_descent` does.
    Chapter 3, claim check on backpropagation.
    """
    if not isinstance(model, nn.Sequential) or not model.layers:
        raise ValueError(f"Argument `model` must be a built nn.Sequential. Received: {model!r}")
    return [p for layer in model.layers for p in layer.params.values()]


def backprop_gradients(
    model: nn.Sequential, loss: nn.losses.Loss, x: np.ndarray, y: np.ndarray
) -> list[np.ndarray]:
    """The gradient of ``loss(y, model(x))`` for every weight, by backpropagation.

    One forward pass, ``loss.gradient`` (∂L/∂output), one ``model.backward``; the weights are
    not changed. The gradients come in the order of :func:`model_parameters`. Chapter 3.

    Args:
        model: a built :class:`dlcourse.nn.Sequential`.
        loss: a :mod:`dlcourse.nn.losses` loss object.
        x, y: inputs and targets.

    Returns:
        Copies of ``layer.grads`` for every parameter, layer by layer.
    """
    model_parameters(model)  # checks that the model is built
    if not isinstance(loss, nn.losses.Loss):
        raise TypeError(f"Argument `loss` must be a dlcourse.nn loss. Received: {describe(loss)}")
    out = model.forward(x, training=True)
    model.backward(loss.gradient(y, out))
    return [layer.grads[key].copy() for layer in model.layers for key in layer.params]


def gradient_descent(
    loss_fn: Callable[[], float],
    gradient_fn: Callable[[], Sequence[np.ndarray]],
    params: Sequence[np.ndarray],
    learning_rate: float = 0.1,
    steps: int = 100,
) -> np.ndarray:
    """Plain gradient descent ``θ := θ − α g`` on arrays updated in place, whatever gives ``g``.

    Gradient descent only needs *some* gradient: ``gradient_fn`` may be backpropagation,
    finite differences (:func:`numerical_gradients`) or ``tf.GradientTape``. The update is
    ``dlcourse.nn.optimizers.SGD(learning_rate)``. Chapter 3's claim check.

    Args:
        loss_fn: a function of no argument returning the loss at the current ``params``.
        gradient_fn: a function of no argument returning one gradient per parameter.
        params: the float arrays to update in place.
        learning_rate: α > 0; default 0.1.
        steps: number of updates, positive; default 100.

    Returns:
        The loss before each step and after the last, shape ``(steps + 1,)``.
    """
    params = _param_list(params)
    for name, fn in (("loss_fn", loss_fn), ("gradient_fn", gradient_fn)):
        if not callable(fn):
            raise TypeError(f"Argument `{name}` must be callable. Received: {describe(fn)}")
    optimizer = nn.optimizers.SGD(learning_rate=_positive(learning_rate, "learning_rate"))
    steps = check_positive_int(steps, "steps")
    losses = [float(loss_fn())]
    for _ in range(steps):
        grads = list(gradient_fn())
        if len(grads) != len(params):
            raise ValueError(
                f"gradient_fn must return one gradient per parameter ({len(params)}). "
                f"Received: {len(grads)} gradients"
            )
        optimizer.apply_gradients(zip(grads, params, strict=True))
        losses.append(float(loss_fn()))
    return np.array(losses)


# ---- optimizers: NumPy against Keras --------------------------------------------------------

#: The optimizers compared by :func:`optimizer_parity`: label → (class name, arguments). The
#: same arguments go to ``dlcourse.nn.optimizers`` and to ``keras.optimizers``.
OPTIMIZER_SETTINGS: dict[str, tuple[str, dict[str, float]]] = {
    "SGD": ("SGD", {"learning_rate": 0.1}),
    "Momentum": ("SGD", {"learning_rate": 0.1, "momentum": 0.9}),
    "AdaGrad": ("Adagrad", {"learning_rate": 0.1}),
    "RMSprop": ("RMSprop", {"learning_rate": 0.01}),
    "Adam": ("Adam", {"learning_rate": 0.01}),
}


def optimizer_parity(steps: int = 20, seed: int = 0) -> dict[str, float]:
    """Run each optimizer of :data:`OPTIMIZER_SETTINGS` in NumPy and in Keras on the same gradients.

    Both start from the same float32 weights (a ``(3, 4)`` kernel and a ``(4,)`` bias drawn from
    N(0, 1)) and apply the same ``steps`` gradients (N(0, 2²)). After every step the
    displacements ``w_t − w_0`` of the two are compared (comparing the weights themselves would
    hide the error of a small step behind the size of the weights); float32, Keras' default.
    Imports TensorFlow. Chapter 3, "Optimizers".

    Args:
        steps: number of updates, positive; default 20.
        seed: seed of the weights and gradients; default 0.

    Returns:
        ``{label: largest relative difference over all steps}``, with the relative difference
        ``max |a − b| / max |b|`` of the two displacements.
    """
    from dlcourse.tfnn import keras

    steps = check_positive_int(steps, "steps")
    rng = np.random.default_rng(seed)
    shapes = [(3, 4), (4,)]
    w0 = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    grads = [
        [(2.0 * rng.standard_normal(s)).astype(np.float32) for s in shapes] for _ in range(steps)
    ]
    errors = {}
    for label, (class_name, kwargs) in OPTIMIZER_SETTINGS.items():
        np_opt = getattr(nn.optimizers, class_name)(**kwargs)
        keras_opt = getattr(keras.optimizers, class_name)(**kwargs)
        params = [w.copy() for w in w0]
        variables = [keras.Variable(w.copy(), dtype="float32") for w in w0]
        worst = 0.0
        for g in grads:
            np_opt.apply_gradients(zip([a.copy() for a in g], params, strict=True))
            keras_opt.apply_gradients(zip(g, variables, strict=True))
            for p, v, w in zip(params, variables, w0, strict=True):
                a, b = (p - w).astype(np.float64), (v.numpy() - w).astype(np.float64)
                worst = max(worst, float(np.max(np.abs(a - b)) / np.max(np.abs(b))))
        errors[label] = worst
    return errors


# ---- batch size and epochs; regularisation ------------------------------------------------


def _softmax_regression(kernel_regularizer: Any, learning_rate: float, seed: int) -> nn.Sequential:
    model = nn.Sequential(
        [nn.layers.Dense(10, activation="softmax", kernel_regularizer=kernel_regularizer)],
        seed=seed,
        dtype="float64",
    )
    model.compile(
        optimizer=nn.optimizers.SGD(learning_rate=learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def _classification_data(x_train, y_train, x_val, y_val):
    x_train = as_float_array(x_train, "x_train", dtype=np.float64, ndim=2)
    x_val = as_float_array(x_val, "x_val", dtype=np.float64, ndim=2)
    check_same_length(x_train, y_train, "x_train", "y_train")
    check_same_length(x_val, y_val, "x_val", "y_val")
    return x_train, np.asarray(y_train), x_val, np.asarray(y_val)


def batch_size_experiment(
    x_train: Any,
    y_train: Any,
    x_val: Any,
    y_val: Any,
    batch_sizes: Sequence[int] = (8, 64, 1024),
    epochs: int = 10,
    learning_rate: float = 0.1,
    seed: int = 0,
) -> list[dict[str, float]]:
    """Train the same softmax regression with several batch sizes for the same epochs.

    One epoch is one pass over the training set, in ``ceil(N / batch_size)`` updates of plain
    SGD (``learning_rate`` fixed), each on the gradient of one batch. Smaller batches give more
    (noisier) updates per epoch. The model is ``Dense(10, softmax)`` in float64, seeded, so every
    run starts from the same weights. Chapter 3, "Batch size and epochs".

    Args:
        x_train, y_train: training rows ``(N, d)`` and integer labels 0–9 ``(N,)``.
        x_val, y_val: validation rows and labels.
        batch_sizes: positive integers; default ``(8, 64, 1024)``.
        epochs: passes over the training set, positive; default 10.
        learning_rate: SGD's α > 0; default 0.1.
        seed: seed of the initial weights and the shuffling; default 0.

    Returns:
        One dict per batch size: ``batch_size``, ``updates_per_epoch``, ``updates``,
        ``train_loss`` (the last epoch's mean), ``val_accuracy``.
    """
    x_train, y_train, x_val, y_val = _classification_data(x_train, y_train, x_val, y_val)
    epochs = check_positive_int(epochs, "epochs")
    rows = []
    for batch_size in batch_sizes:
        batch_size = check_positive_int(batch_size, "batch_sizes entry")
        model = _softmax_regression(None, _positive(learning_rate, "learning_rate"), seed)
        history = model.fit(
            x_train,
            y_train,
            batch_size=batch_size,
            epochs=epochs,
            verbose=0,
            validation_data=(x_val, y_val),
        )
        per_epoch = -(-len(x_train) // batch_size)
        rows.append(
            {
                "batch_size": batch_size,
                "updates_per_epoch": per_epoch,
                "updates": per_epoch * epochs,
                "train_loss": history.history["loss"][-1],
                "val_accuracy": history.history["val_accuracy"][-1],
            }
        )
    return rows


@dataclass(frozen=True)
class RegularizedModel:
    """One model of :func:`regularization_experiment`.

    Attributes:
        kernel: the trained kernel, ``(d, 10)``.
        l2_norm: ``√Σ W²`` of the kernel.
        near_zero: fraction of kernel entries with ``|w| < 0.01``.
        train_accuracy, val_accuracy: accuracies after the last epoch.
    """

    kernel: np.ndarray
    l2_norm: float
    near_zero: float
    train_accuracy: float
    val_accuracy: float


def regularization_experiment(
    x_train: Any,
    y_train: Any,
    x_val: Any,
    y_val: Any,
    penalties: Mapping[str, Any] | None = None,
    epochs: int = 30,
    learning_rate: float = 0.1,
    seed: int = 0,
) -> dict[str, RegularizedModel]:
    """Train a softmax regression without and with L1 / L2 penalties on its kernel.

    Every model is ``Dense(10, softmax, kernel_regularizer=...)`` from the same seeded
    weights, trained with SGD (batch 32) on ``loss + penalty``. L2 (``λ Σ w²``) shrinks all
    weights towards 0; L1 (``λ Σ |w|``) pushes many of them to (nearly) exactly 0. Chapter 3,
    "Regularisation".

    Args:
        x_train, y_train, x_val, y_val: rows ``(N, d)`` and integer labels 0–9.
        penalties: ``{label: regularizer or None}``; default
            ``{"none": None, "L2": L2(0.003), "L1": L1(0.003)}``.
        epochs: positive; default 30.
        learning_rate: SGD's α > 0; default 0.1.
        seed: seed of the initial weights and the shuffling; default 0.

    Returns:
        ``{label: RegularizedModel}``.
    """
    x_train, y_train, x_val, y_val = _classification_data(x_train, y_train, x_val, y_val)
    if penalties is None:
        penalties = {
            "none": None,
            "L2": nn.regularizers.L2(0.003),
            "L1": nn.regularizers.L1(0.003),
        }
    epochs = check_positive_int(epochs, "epochs")
    results = {}
    for label, penalty in penalties.items():
        model = _softmax_regression(penalty, _positive(learning_rate, "learning_rate"), seed)
        history = model.fit(
            x_train,
            y_train,
            batch_size=32,
            epochs=epochs,
            verbose=0,
            validation_data=(x_val, y_val),
        )
        kernel = model.layers[0].params["kernel"].copy()
        results[label] = RegularizedModel(
            kernel=kernel,
            l2_norm=float(np.sqrt(np.sum(kernel**2))),
            near_zero=float(np.mean(np.abs(kernel) < 0.01)),
            train_accuracy=history.history["accuracy"][-1],
            val_accuracy=history.history["val_accuracy"][-1],
        )
    return results


def dropout_statistics(x: Any, out: Any, rate: float) -> dict[str, float | bool]:
    """What inverted dropout did to ``x``: how much it dropped and how it scaled the rest.

    Args:
        x: the input, any shape, no zeros (so a zero in ``out`` means "dropped").
        out: the output of a dropout layer at training time, same shape.
        rate: the rate the layer was given, in ``[0, 1)``.

    Returns:
        ``dropped`` (fraction of zeros in ``out``), ``kept_scaled`` (True if every kept entry
        equals ``x / (1 − rate)`` to 1e-6 relative), ``mean_ratio`` (``mean(out) / mean(x)``,
        close to 1: the expected output is the input). Chapter 3, "Dropout".
    """
    x = as_float_array(x, "x", dtype=np.float64)
    out = as_float_array(out, "out", dtype=np.float64)
    rate = check_probability(rate, "rate")
    if x.shape != out.shape:
        raise ValueError(
            f"Arguments `x` and `out` must have the same shape. Received: {x.shape} and {out.shape}"
        )
    if np.any(x == 0):
        raise ValueError("Argument `x` must hold no zeros (a zero in `out` must mean dropped).")
    kept = out != 0
    return {
        "dropped": float(np.mean(~kept)),
        "kept_scaled": bool(np.allclose(out[kept], x[kept] / (1 - rate), rtol=1e-6, atol=0)),
        "mean_ratio": float(out.mean() / x.mean()),
    }


# ---- convolution on a real digit ------------------------------------------------------------


def load_image(
    dataset: str = "digits", index: int = 0, data_dir: Any = None
) -> tuple[np.ndarray, int]:
    """One real handwritten digit, as a float64 image in ``[0, 1]`` with one channel.

    Args:
        dataset: ``"digits"`` (scikit-learn's 8×8 digits, offline; default) or ``"mnist"``
            (a 28×28 image of MNIST's test split via :func:`dlcourse.data.load_mnist`, which
            needs its files in ``data_dir`` or a known folder).
        index: which image, ≥ 0; default 0.
        data_dir: folder holding MNIST's files; default None (the loader's search path).

    Returns:
        ``(image, label)``: ``image`` of shape ``(H, W, 1)``, ``label`` an int. Chapter 3,
        "Convolution and pooling".
    """
    from dlcourse import data

    check_in(dataset, "dataset", ["digits", "mnist"])
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or index < 0:
        raise ValueError(f"Argument `index` must be a non-negative integer. Received: {index!r}")
    if dataset == "digits":
        x, y = data.load_digits()
        images = x.astype(np.float64)
    else:
        x, y = data.load_mnist("test", data_dir=data_dir)
        images = x.astype(np.float64)[..., None] / 255.0
    if index >= len(images):
        raise ValueError(
            f"Argument `index` must be below {len(images)} for {dataset}. Received: {index}"
        )
    return images[index], int(y[index])


def edge_kernels() -> tuple[np.ndarray, list[str]]:
    """Four hand-made 3×3 filters for a one-channel image, in Keras' Conv2D layout.

    Sobel filters for vertical and horizontal edges (they respond where the ink starts or ends
    from left to right, or from top to bottom), a diagonal edge, and a 3×3 average (a blur).

    Returns:
        ``(kernel, names)``: ``kernel`` float64 ``(3, 3, 1, 4)`` (kh, kw, c_in, c_out) and the
        four names. Chapter 3, "Convolution".
    """
    sobel_x = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
    diagonal = np.array([[0.0, 1.0, 2.0], [-1.0, 0.0, 1.0], [-2.0, -1.0, 0.0]])
    filters = [sobel_x, sobel_x.T, diagonal, np.full((3, 3), 1.0 / 9.0)]
    names = ["vertical edges", "horizontal edges", "diagonal edges", "blur (average)"]
    return np.stack(filters, axis=-1)[:, :, None, :], names


# ---- helpers ----------------------------------------------------------------------------------


def _positive(value: Any, name: str) -> float:
    if check_nonnegative(value, name) == 0:
        raise ValueError(f"Argument `{name}` must be a positive number. Received: {name}={value!r}")
    return float(value)


def _finite_number(value: Any, name: str) -> float:
    try:
        as_float = float(value)
    except (TypeError, ValueError):
        as_float = float("nan")
    if isinstance(value, bool) or not np.isfinite(as_float):
        raise ValueError(f"Argument `{name}` must be a finite number. Received: {name}={value!r}")
    return as_float


def _param_list(params: Sequence[np.ndarray]) -> list[np.ndarray]:
    if isinstance(params, np.ndarray) or not isinstance(params, Sequence) or not params:
        raise ValueError(
            "Argument `params` must be a non-empty list of NumPy arrays. "
            f"Received: {describe(params)}"
        )
    for i, p in enumerate(params):
        if not isinstance(p, np.ndarray) or not np.issubdtype(p.dtype, np.floating):
            raise ValueError(
                f"Argument `params` must hold float NumPy arrays. Received: params[{i}] = "
                f"{describe(p)}"
            )
    return list(params)
