"""The FAQ's practical questions, answered by measurement (chapter 6, 附录常见问题与解答).

- deep vs machine learning [2][3][4]: :func:`compare_learners`;
- poor performance [0]: :func:`diagnose`, :func:`performance_sweep`;
- slow training [0]: :func:`mlp_training_flops`, :func:`epoch_seconds`;
- memory use [0]: :func:`activation_bytes`, :func:`cached_activation_bytes`,
  :func:`peak_step_bytes`;
- choosing a loss and an optimizer [2]: :data:`OPTIMIZERS`, :func:`optimizer_comparison`;
- choosing activations [2]: :func:`regression_outputs`, :func:`plot_regression_outputs`,
  :func:`hidden_activation_comparison`;
- CNN and fully connected layers [1]: :func:`conv_dense_parameters`, :func:`shift_equivariance`.

Data questions (how much data, overfitting, missing values, imbalance) are in
:mod:`dlcourse.experiments.ch6_data`; vanishing and exploding gradients in
:mod:`dlcourse.experiments.ch6_gradients`.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes

from dlcourse import nn
from dlcourse._checks import (
    as_float_array,
    check_positive_int,
    check_probability,
    check_same_length,
    describe,
)
from dlcourse.experiments.ch6_data import small_mlp
from dlcourse.experiments.ch6_gradients import fit_or_diverge
from dlcourse.nn.layers import Activation, Conv2D, Dense, Dropout

__all__ = [
    "OPTIMIZERS",
    "activation_bytes",
    "cached_activation_bytes",
    "compare_learners",
    "conv_dense_parameters",
    "diagnose",
    "epoch_seconds",
    "hidden_activation_comparison",
    "mlp_training_flops",
    "optimizer_comparison",
    "peak_step_bytes",
    "performance_sweep",
    "plot_regression_outputs",
    "regression_outputs",
    "shift_equivariance",
]


def _check_model(model: Any) -> nn.Sequential:
    if not isinstance(model, nn.Sequential) or not model.built:
        raise TypeError(
            f"Argument `model` must be a built dlcourse.nn.Sequential. Received: {describe(model)}"
        )
    return model


# ---- what deep learning is --------------------------------------------------------------------


def compare_learners(
    x_train: Any, y_train: Any, x_test: Any, y_test: Any, epochs: int = 30, seed: int = 0
) -> dict[str, float]:
    """Test accuracy of shallow learners and of neural networks of growing depth.

    Shallow (scikit-learn): Gaussian naive Bayes, a decision tree, an RBF-kernel SVM. Neural
    (``dlcourse.nn``, Adam 0.01, batches of 32): no hidden layer (softmax regression, a linear
    model), one hidden layer of 64 ReLU units, three hidden layers of 64.

    Args:
        x_train, y_train: training inputs ``(N, D)`` and integer labels ``(N,)``.
        x_test, y_test: test inputs and labels.
        epochs: epochs of each network. Defaults to 30.
        seed: seed of the tree and the networks. Defaults to 0.

    Returns:
        ``{learner: accuracy}``, shallow learners first.
    """
    from sklearn.naive_bayes import GaussianNB
    from sklearn.svm import SVC
    from sklearn.tree import DecisionTreeClassifier

    x_train = as_float_array(x_train, "x_train", ndim=2)
    check_same_length(x_train, y_train, "x_train", "y_train")
    epochs = check_positive_int(epochs, "epochs")
    results = {}
    for name, learner in (
        ("naive Bayes", GaussianNB()),
        ("decision tree", DecisionTreeClassifier(random_state=seed)),
        ("SVM (RBF kernel)", SVC()),
    ):
        results[name] = float(learner.fit(x_train, y_train).score(x_test, y_test))
    classes = int(max(np.max(y_train), np.max(y_test))) + 1
    for name, hidden in (
        ("network, no hidden layer", ()),
        ("network, 1 hidden layer", (64,)),
        ("network, 3 hidden layers", (64, 64, 64)),
    ):
        model = small_mlp(x_train.shape[1], hidden, classes, seed=seed)
        model.fit(x_train, y_train, batch_size=32, epochs=epochs, verbose=0)
        results[name] = model.evaluate(x_test, y_test, verbose=0)[1]
    return results


# ---- poor performance -------------------------------------------------------------------------


def diagnose(
    train_accuracy: float, val_accuracy: float, target: float = 0.95, gap: float = 0.05
) -> str:
    """Name the usual cause of poor performance from training and validation accuracy.

    - training accuracy below ``target``: **under-fitting** (the model cannot even fit the data
      it sees): a bigger model, better training parameters (learning rate, epochs);
    - training accuracy at least ``val_accuracy + gap``: **over-fitting**: more data,
      regularisation, a smaller model, early stopping;
    - otherwise ``"fine"``.

    Args:
        train_accuracy, val_accuracy: accuracies in ``[0, 1]``.
        target: the training accuracy expected of a good fit. Defaults to 0.95.
        gap: the largest acceptable train − validation difference. Defaults to 0.05.

    Returns:
        ``"under-fitting"``, ``"over-fitting"`` or ``"fine"``.
    """
    train_accuracy = check_probability(train_accuracy, "train_accuracy", inclusive_high=True)
    val_accuracy = check_probability(val_accuracy, "val_accuracy", inclusive_high=True)
    target = check_probability(target, "target", inclusive_high=True)
    gap = check_probability(gap, "gap", inclusive_high=True)
    if train_accuracy < target:
        return "under-fitting"
    if train_accuracy - val_accuracy >= gap:
        return "over-fitting"
    return "fine"


def performance_sweep(
    x_train: Any,
    y_train: Any,
    x_val: Any,
    y_val: Any,
    widths: Sequence[int] = (2, 8, 64),
    learning_rates: Sequence[float] = (1e-4, 0.1, 10.0),
    train_sizes: Sequence[int] = (30,),
    epochs: int = 20,
    seed: int = 0,
) -> list[dict[str, Any]]:
    """One-factor changes of a small MLP, each scored and diagnosed (:func:`diagnose`).

    The reference is ``D → 64 (ReLU) → classes``, SGD with learning rate 0.1, all training
    rows, ``epochs`` epochs. Each run changes one thing: the hidden width (model size), SGD's
    learning rate (training parameters) or the number of training rows (data; trained for as
    many gradient steps as the reference, so that it is not merely under-trained). A run whose
    loss becomes inf or NaN is reported as diverged.

    Returns:
        One dict per run: ``{"change", "train accuracy", "val accuracy", "diagnosis"}``.
    """
    x_train = as_float_array(x_train, "x_train", ndim=2)
    check_same_length(x_train, y_train, "x_train", "y_train")
    epochs = check_positive_int(epochs, "epochs")
    classes = int(max(np.max(y_train), np.max(y_val))) + 1
    n_all = len(x_train)
    runs = [(f"width {w}", check_positive_int(w, "widths"), 0.1, n_all) for w in widths]
    runs += [(f"learning rate {lr:g}", 64, lr, n_all) for lr in learning_rates]
    runs += [
        (f"{n} training rows", 64, 0.1, check_positive_int(n, "train_sizes")) for n in train_sizes
    ]
    rows = []
    for change, width, lr, n in runs:
        model = small_mlp(x_train.shape[1], (width,), classes, seed)
        model.compile(nn.optimizers.SGD(lr), "sparse_categorical_crossentropy", ["accuracy"])
        steps = epochs * -(-n_all // 32)
        run_epochs = -(-steps // -(-n // 32))
        row = {"change": change, "train accuracy": np.nan, "val accuracy": np.nan}
        if fit_or_diverge(model, x_train[:n], y_train[:n], batch_size=32, epochs=run_epochs):
            row["train accuracy"] = model.evaluate(x_train[:n], y_train[:n], verbose=0)[1]
            row["val accuracy"] = model.evaluate(x_val, y_val, verbose=0)[1]
            row["diagnosis"] = diagnose(row["train accuracy"], row["val accuracy"])
        else:
            row["diagnosis"] = "diverged"
        rows.append(row)
    return rows


# ---- slow training ----------------------------------------------------------------------------


def mlp_training_flops(layer_sizes: Sequence[int], n_samples: int) -> int:
    """Floating-point operations of the matrix products of one pass of training over
    ``n_samples`` rows, for an MLP of widths ``layer_sizes = (d_0, d_1, …, d_L)``.

    For each Dense layer ``d_{l−1} → d_l`` on ``n`` rows, a product costs ``2 n d_{l−1} d_l``
    FLOPs (a multiply and an add per term): one for ``z = x W`` (forward), one for
    ``dW = xᵀ dz`` and one for ``dx = dz Wᵀ`` (backward; the first layer skips ``dx``, as
    ``dlcourse.nn`` does). Element-wise work (activations, bias, the optimizer) is left out:
    it is a few FLOPs per unit or weight, small next to the products. The count does not depend
    on the batch size: only how the work is cut into steps does.

    Returns:
        ``Σ_l (3 − [l = 1]) · 2 · n · d_{l−1} · d_l``.
    """
    sizes = [check_positive_int(d, "layer_sizes") for d in layer_sizes]
    if len(sizes) < 2:
        raise ValueError(
            f"Argument `layer_sizes` must hold at least two widths (input, output). "
            f"Received: {list(layer_sizes)}"
        )
    n = check_positive_int(n_samples, "n_samples")
    pairs = list(zip(sizes[:-1], sizes[1:], strict=True))
    return sum((2 if i == 0 else 3) * 2 * n * a * b for i, (a, b) in enumerate(pairs))


def epoch_seconds(
    make_model: Callable[[], nn.Sequential],
    x: Any,
    y: Any,
    batch_size: int,
    repeats: int = 3,
    threads: int | None = None,
) -> float:
    """Wall-clock seconds of one training epoch (the fastest of ``repeats``).

    Args:
        make_model: returns a fresh compiled model (it is built once and reused).
        x, y: the training data.
        batch_size: rows per gradient step.
        repeats: epochs timed; the minimum is returned (the least disturbed). Defaults to 3.
        threads: BLAS threads for the matrix products (``threadpoolctl``); None (default)
            leaves the library's setting.

    Returns:
        Seconds. Timings vary from run to run and machine to machine: compare them on one
        machine, in one run.
    """
    from threadpoolctl import threadpool_limits

    if not callable(make_model):
        raise TypeError(f"Argument `make_model` must be callable. Received: {describe(make_model)}")
    batch_size = check_positive_int(batch_size, "batch_size")
    repeats = check_positive_int(repeats, "repeats")
    if threads is not None:
        threads = check_positive_int(threads, "threads")
    model = make_model()
    times = []
    with threadpool_limits(limits=threads, user_api="blas"):
        for _ in range(repeats):
            start = time.perf_counter()
            model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0)
            times.append(time.perf_counter() - start)
    return min(times)


# ---- memory -----------------------------------------------------------------------------------


def activation_bytes(model: nn.Sequential, batch_size: int) -> int:
    """Bytes of the arrays a training forward pass of ``batch_size`` rows keeps for backward,
    computed from the architecture alone.

    Per row, in the model's dtype: the input (the first layer keeps it for ``dW``), each
    Dense layer's output, each Activation layer's output, and for each Dropout layer with
    ``rate > 0`` its mask and its output: ``itemsize · batch_size · (d_0 + Σ outputs)``.
    Proportional to the batch size. Supports models of Dense, Activation and Dropout layers.
    """
    model = _check_model(model)
    batch_size = check_positive_int(batch_size, "batch_size")
    per_row = int(np.prod(model.input_shape[1:]))
    shape = model.input_shape
    for layer in model.layers:
        shape = layer.compute_output_shape(shape)
        size = int(np.prod(shape[1:]))
        if isinstance(layer, (Dense, Activation)):
            per_row += size
        elif isinstance(layer, Dropout):
            per_row += 2 * size if layer.rate > 0 else 0
        else:
            raise ValueError(
                f"activation_bytes supports Dense, Activation and Dropout layers; layer "
                f"{layer.name!r} is a {type(layer).__name__}. Use cached_activation_bytes."
            )
    return per_row * batch_size * model.dtype.itemsize


def _cached_arrays(model: nn.Sequential) -> list[np.ndarray]:
    """The distinct arrays the layers hold besides their parameters and gradients."""
    owned = {
        id(a) for layer in model.layers for a in (*layer.params.values(), *layer.grads.values())
    }
    found: dict[int, np.ndarray] = {}

    def collect(value: Any) -> None:
        if isinstance(value, np.ndarray):
            if id(value) not in owned:
                found[id(value)] = value
        elif isinstance(value, (tuple, list)):
            for item in value:
                collect(item)

    for layer in model.layers:
        for value in vars(layer).values():
            collect(value)
    return list(found.values())


def cached_activation_bytes(model: nn.Sequential, x: Any) -> int:
    """Bytes the layers actually hold after a training forward pass on ``x`` (measured).

    Runs ``model.forward(x, training=True)`` and adds up ``nbytes`` of every distinct array the
    layers keep in their attributes (their caches for backward), leaving out their parameters
    and gradients. For an MLP it equals :func:`activation_bytes`.
    """
    model = _check_model(model)
    x = as_float_array(x, "x", dtype=model.dtype, min_ndim=2)
    model.forward(x, training=True)
    return int(sum(a.nbytes for a in _cached_arrays(model)))


def peak_step_bytes(model: nn.Sequential, x: Any, y: Any) -> int:
    """Peak memory allocated during one training step on the whole of ``(x, y)``
    (``tracemalloc``, which sees NumPy's allocations), above what was allocated before it.

    One unmeasured step runs first, so that the optimizer's state already exists; the measured
    step then allocates the activations, the gradients and the temporaries of one batch of
    ``len(x)`` rows.

    Args:
        model: a built, compiled model.
        x, y: one batch.

    Returns:
        Bytes.
    """
    model = _check_model(model)
    x = as_float_array(x, "x", dtype=model.dtype, min_ndim=2)
    check_same_length(x, y)
    model.fit(x, y, batch_size=len(x), epochs=1, verbose=0, shuffle=False)
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        model.fit(x, y, batch_size=len(x), epochs=1, verbose=0, shuffle=False)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return int(peak - start)


# ---- choosing a loss, an optimizer and activations -------------------------------------------


#: Optimizers compared in chapter 6, each with a learning rate that suits it on the digits.
OPTIMIZERS: dict[str, Callable[[], nn.optimizers.Optimizer]] = {
    "SGD (0.01)": lambda: nn.optimizers.SGD(0.01),
    "SGD + momentum (0.01, 0.9)": lambda: nn.optimizers.SGD(0.01, momentum=0.9),
    "Adagrad (0.05)": lambda: nn.optimizers.Adagrad(0.05),
    "RMSprop (0.001)": lambda: nn.optimizers.RMSprop(0.001),
    "Adam (0.001)": lambda: nn.optimizers.Adam(0.001),
}


def optimizer_comparison(
    x_train: Any,
    y_train: Any,
    x_val: Any,
    y_val: Any,
    epochs: int = 10,
    seed: int = 0,
) -> dict[str, dict[str, list[float]]]:
    """Train the same MLP ``D → 64 → 10`` from the same weights with each of :data:`OPTIMIZERS`
    (cross-entropy), and once with Adam on the squared error of the softmax output.

    Args:
        x_train, y_train: training inputs ``(N, D)`` and integer labels.
        x_val, y_val: validation inputs and labels.
        epochs: epochs (batches of 32). Defaults to 10.
        seed: seed of the initial weights and shuffling. Defaults to 0.

    Returns:
        ``{name: history dict}`` (``loss``, ``accuracy``, ``val_loss``, ``val_accuracy`` per
        epoch); the squared-error run is named ``"Adam (0.001), squared error"``.
    """
    x_train = as_float_array(x_train, "x_train", ndim=2)
    classes = int(np.max(y_train)) + 1
    runs = {name: (make, "sparse_categorical_crossentropy") for name, make in OPTIMIZERS.items()}
    runs["Adam (0.001), squared error"] = (OPTIMIZERS["Adam (0.001)"], "mse")
    histories = {}
    for name, (make, loss) in runs.items():
        model = nn.Sequential(seed=seed)
        model.add(Dense(64, activation="relu", input_shape=(x_train.shape[1],)))
        model.add(Dense(classes, activation="softmax"))
        model.compile(optimizer=make(), loss=loss, metrics=["accuracy"])
        targets = nn.utils.to_categorical(y_train, classes) if loss == "mse" else y_train
        val = nn.utils.to_categorical(y_val, classes) if loss == "mse" else y_val
        history = model.fit(
            x_train, targets, batch_size=32, epochs=epochs, verbose=0, validation_data=(x_val, val)
        )
        histories[name] = history.history
    return histories


def regression_outputs(n: int = 400, epochs: int = 100, seed: int = 0) -> dict[str, dict[str, Any]]:
    """Fit ``y = 2 sin(1.5 x) + x / 2`` on ``x ∈ [−3, 3]`` (targets in about ``[−2.6, 2.6]``)
    with three activation choices and report the test error and the range of the predictions.

    Choices (hidden → output), each an MLP ``1 → 32 → 32 → 1`` trained with Adam (0.01) on the
    mean squared error: ``"ReLU → linear"`` (the usual choice), ``"ReLU → sigmoid"`` (document
    [2]'s "regression → sigmoid" on the output), ``"sigmoid → sigmoid"`` (sigmoid everywhere).

    Args:
        n: number of points; three quarters train, the rest test. Defaults to 400.
        epochs: training epochs (batches of 32). Defaults to 100.
        seed: seed of the data and the models. Defaults to 0.

    Returns:
        ``{choice: {"mse": test MSE, "min": lowest prediction, "max": highest prediction,
        "x": sorted test inputs (m,), "pred": their predictions (m,)}}`` plus ``"data"``:
        ``{"x": (m,), "y": (m,)}``, the sorted test points.
    """
    n = check_positive_int(n, "n")
    if n < 8:
        raise ValueError(f"Argument `n` must be at least 8. Received: n={n}")
    rng = np.random.default_rng(seed)
    x = rng.uniform(-3, 3, (n, 1))
    y = 2 * np.sin(1.5 * x) + 0.5 * x
    split = 3 * n // 4
    order = np.argsort(x[split:, 0])
    x_test, y_test = x[split:][order], y[split:][order]
    results: dict[str, dict[str, Any]] = {"data": {"x": x_test[:, 0], "y": y_test[:, 0]}}
    for name, hidden, output in (
        ("ReLU → linear", "relu", None),
        ("ReLU → sigmoid", "relu", "sigmoid"),
        ("sigmoid → sigmoid", "sigmoid", "sigmoid"),
    ):
        model = nn.Sequential(seed=seed, dtype="float64")
        model.add(Dense(32, activation=hidden, input_shape=(1,)))
        model.add(Dense(32, activation=hidden))
        model.add(Dense(1, activation=output))
        model.compile(optimizer=nn.optimizers.Adam(0.01), loss="mse")
        model.fit(x[:split], y[:split], batch_size=32, epochs=epochs, verbose=0)
        pred = model.predict(x_test, verbose=0)[:, 0]
        results[name] = {
            "mse": float(np.mean((pred - y_test[:, 0]) ** 2)),
            "min": float(pred.min()),
            "max": float(pred.max()),
            "x": x_test[:, 0],
            "pred": pred,
        }
    return results


def plot_regression_outputs(results: Mapping[str, Any], ax: Axes | None = None) -> Axes:
    """Draw :func:`regression_outputs`: the test points and each choice's predictions."""
    if not isinstance(results, Mapping) or "data" not in results:
        raise ValueError(
            f"Argument `results` must be regression_outputs' dict. Received: {describe(results)}"
        )
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(7.0, 3.8))
    ax.plot(results["data"]["x"], results["data"]["y"], "k.", ms=4, label="test targets")
    fits = [(name, res) for name, res in results.items() if name != "data"]
    for (name, res), style in zip(fits, ("-", "--", ":", "-."), strict=False):
        ax.plot(res["x"], res["pred"], style, lw=2, label=f"{name} (MSE {res['mse']:.3f})")
    ax.axhspan(0, 1, color="0.85", alpha=0.5, label="range of a sigmoid (0, 1)")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("Regression: the output activation decides what the model can reach")
    ax.legend(fontsize=8, loc="lower right")
    return ax


def hidden_activation_comparison(
    x_train: Any,
    y_train: Any,
    x_val: Any,
    y_val: Any,
    epochs: int = 10,
    seed: int = 0,
) -> dict[str, float]:
    """Validation accuracy of ``D → 64 → 64 → 64 → 10`` MLPs that differ only in activations.

    Hidden ``relu``, ``tanh`` or ``sigmoid`` with a softmax output, and ``relu`` everywhere
    including the output (document [2]'s "classification → ReLU" read literally); SGD (0.05),
    sparse categorical cross-entropy, batches of 32.

    Returns:
        ``{"hidden relu, output softmax": accuracy, ...}``.
    """
    x_train = as_float_array(x_train, "x_train", ndim=2)
    epochs = check_positive_int(epochs, "epochs")
    classes = int(np.max(y_train)) + 1
    results = {}
    for hidden, output in (
        ("relu", "softmax"),
        ("tanh", "softmax"),
        ("sigmoid", "softmax"),
        ("relu", "relu"),
    ):
        model = nn.Sequential(seed=seed)
        model.add(Dense(64, activation=hidden, input_shape=(x_train.shape[1],)))
        model.add(Dense(64, activation=hidden))
        model.add(Dense(64, activation=hidden))
        model.add(Dense(classes, activation=output))
        model.compile(
            optimizer=nn.optimizers.SGD(0.05),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        model.fit(x_train, y_train, batch_size=32, epochs=epochs, verbose=0)
        results[f"hidden {hidden}, output {output}"] = model.evaluate(x_val, y_val, verbose=0)[1]
    return results


# ---- convolutional and fully connected layers -------------------------------------------------


def conv_dense_parameters(
    input_shape: Sequence[int] = (8, 8, 1), filters: int = 32, kernel_size: int = 3
) -> dict[str, int]:
    """Parameters of ``Conv2D(filters, kernel_size)`` and of a Dense layer with as many outputs.

    A convolution reuses one ``k × k × C`` kernel per filter at every position:
    ``k·k·C·F + F`` parameters. A Dense layer producing the same ``H'·W'·F`` outputs from the
    ``H·W·C`` inputs has a weight for every input–output pair: ``H·W·C·H'·W'·F + H'·W'·F``.

    Returns:
        ``{"outputs": H'·W'·F, "conv2d": …, "dense": …}``.
    """
    h, w, c = (check_positive_int(s, "input_shape") for s in input_shape)
    conv = Conv2D(filters, kernel_size)
    conv.ensure_built((None, h, w, c), dtype="float32", rng=np.random.default_rng(0))
    outputs = int(np.prod(conv.compute_output_shape((None, h, w, c))[1:]))
    return {
        "outputs": outputs,
        "conv2d": conv.count_params(),
        "dense": h * w * c * outputs + outputs,
    }


def shift_equivariance(seed: int = 0) -> dict[str, float]:
    """How a convolution and a Dense layer respond to an image moved one pixel to the right.

    A random 8×8 image ``x`` and ``x`` shifted right by one column (a zero column enters on
    the left) go through a ``Conv2D(4, 3)`` and through a ``Dense`` layer with the same number
    of outputs (both linear, float64, random weights). The convolution's output moves with the
    image: ``conv(shift(x))[:, :, 1:] = conv(x)[:, :, :-1]`` exactly (same kernel at every
    position). The Dense layer's output has no such relation.

    Returns:
        ``{"conv2d": max |conv(shift x)[:, :, 1:] − conv(x)[:, :, :-1]|,
        "dense": the same difference for the Dense layer's outputs arranged as 6×6×4}``.
    """
    rng = np.random.default_rng(seed)
    x = rng.random((1, 8, 8, 1))
    shifted = np.zeros_like(x)
    shifted[:, :, 1:] = x[:, :, :-1]
    conv = Conv2D(4, 3, dtype="float64")
    dense = Dense(6 * 6 * 4, dtype="float64")
    conv.ensure_built((None, 8, 8, 1), rng=rng)
    dense.ensure_built((None, 64), rng=rng)
    diffs = {}
    for name, apply in (
        ("conv2d", lambda a: conv.forward(a)),
        ("dense", lambda a: dense.forward(a.reshape(1, 64)).reshape(1, 6, 6, 4)),
    ):
        diffs[name] = float(np.max(np.abs(apply(shifted)[:, :, 1:] - apply(x)[:, :, :-1])))
    return diffs
