"""Experiments and figures of chapter 1, "Background (背景介绍)".

==================================  ==========================================================
:func:`draw_ai_ml_dl`               AI ⊃ machine learning ⊃ deep learning, as nested regions
:func:`train_digits`,               a live example: a small ``dlcourse.nn`` MLP recognising
:func:`show_digit_predictions`      scikit-learn's 8×8 handwritten digits
:func:`layer_costs`,                parameters and FLOPs of the documents' six models, counted
:func:`parameter_table`             by formula, by ``dlcourse.nn`` and by Keras
:func:`numpy_train_step`,           one training step (predict, loss, gradient, update) and
:func:`time_training_steps`         its time on this machine, NumPy against TensorFlow
:func:`dense_scaling`,              the time of a Dense layer's training step grows with its
:func:`plot_scaling`                FLOPs, ``6 · in · out`` per sample
==================================  ==========================================================

The cost model. A Dense layer ``out = f(x W + b)`` with ``in`` inputs and ``out`` units has
``(in + 1) · out`` parameters and costs ``2 · in · out`` floating-point operations (FLOPs) per
sample in the forward pass (one multiply and one add per weight). Backpropagation costs twice
that again (``dW = xᵀ dz`` and ``dx = dz Wᵀ``, one matrix product each), so one training step
of a dense network costs about ``6 · N · B`` FLOPs for ``N`` weights and a batch of ``B``.
A Conv2D layer applies its ``kh · kw · c_in · filters`` weights at every output position, so it
costs ``2 · kh · kw · c_in · filters · H_out · W_out`` per sample: few parameters, many FLOPs.

Importing this module imports neither TensorFlow nor matplotlib; the functions that need them
import them when called. Chapter 1.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from dlcourse import models_zoo
from dlcourse._checks import check_in, check_positive_int, describe

__all__ = [
    "DigitsResult",
    "dense_scaling",
    "draw_ai_ml_dl",
    "layer_costs",
    "markdown_table",
    "numpy_train_step",
    "parameter_table",
    "plot_scaling",
    "show_digit_predictions",
    "time_training_steps",
    "train_digits",
    "training_step_flops",
]


# ---------------------------------------------------------------------- AI ⊃ ML ⊃ DL


def markdown_table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str]]) -> str:
    """Rows of dicts as a Markdown table, for ``display(Markdown(...))``.

    Args:
        rows: one dict per row.
        columns: ``(key, header)`` pairs, in order. Integers get a thousands separator,
            floats 3 significant digits.

    Returns:
        The table's Markdown text (header, rule, one line per row).
    """
    if isinstance(rows, dict) or not all(isinstance(r, dict) for r in rows):
        raise TypeError(f"Argument `rows` must be a list of dicts. Received: {describe(rows)}")
    if not columns:
        raise ValueError(f"Argument `columns` must name at least one column. Received: {columns}")

    def cell(value: Any) -> str:
        if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            return f"{value:,}"
        if isinstance(value, (float, np.floating)):
            return f"{value:.3g}"
        return str(value)

    lines = ["| " + " | ".join(h for _, h in columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(r[k]) for k, _ in columns) + " |" for r in rows]
    return "\n".join(lines)


_REGIONS = (  # label, examples, colour, (centre x, centre y, width, height)
    (
        "Artificial intelligence",
        "search, planning, rule-based expert systems",
        "#d9e7f5",
        (0.5, 0.5, 0.98, 0.96),
    ),
    (
        "Machine learning",
        "learns from data: linear models, SVM,\ndecision trees, naive Bayes",
        "#a9cbe8",
        (0.5, 0.42, 0.76, 0.74),
    ),
    (
        "Deep learning",
        "neural networks with several\nhidden layers: MLP, CNN, RNN",
        "#5b9bd1",
        (0.5, 0.33, 0.5, 0.46),
    ),
)


def draw_ai_ml_dl(ax: Any = None) -> Any:
    """Draw AI ⊃ machine learning ⊃ deep learning as three nested ellipses, labelled.

    Each region holds its name and a few examples of what lies in it but not inside the next
    one. The labels are English (matplotlib may lack a Chinese font); the chapter's text gives
    the Chinese terms 人工智能 ⊃ 机器学习 ⊃ 深度学习. Chapter 1, after [0][2][4].

    Args:
        ax: a matplotlib Axes to draw into; default None makes a new 7×5.2-inch figure.

    Returns:
        The Axes, with the three ``Ellipse`` patches in ``ax.patches`` (outermost first).
    """
    from matplotlib.patches import Ellipse

    from dlcourse.plots import get_axes

    ax = get_axes(ax, figsize=(7.0, 5.2))
    for label, examples, colour, (cx, cy, w, h) in _REGIONS:
        ax.add_patch(Ellipse((cx, cy), w, h, facecolor=colour, edgecolor="#1f4e79", lw=1.5))
        top = cy + h / 2
        ax.text(cx, top - 0.07, label, ha="center", va="center", fontsize=13, weight="bold")
        ax.text(cx, top - 0.15, examples, ha="center", va="center", fontsize=9.5)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("auto")
    ax.axis("off")
    ax.set_title("Deep learning is part of machine learning, which is part of AI", fontsize=11)
    return ax


# ---------------------------------------------------------------- a live example: digits


@dataclass
class DigitsResult:
    """What :func:`train_digits` returns.

    Attributes:
        model: the trained :class:`dlcourse.nn.Sequential`.
        history: its ``History`` (``history.history["loss"]`` per epoch, …).
        x_test: test images as rows, float32 ``(n_test, 64)`` in ``[0, 1]``.
        y_test: their labels, int64 ``(n_test,)``.
        predictions: predicted labels, int64 ``(n_test,)``.
        test_accuracy: fraction of test images recognised, a float.
    """

    model: Any
    history: Any
    x_test: np.ndarray
    y_test: np.ndarray
    predictions: np.ndarray
    test_accuracy: float


def train_digits(
    hidden_units: int = 32,
    epochs: int = 20,
    batch_size: int = 32,
    seed: int = 0,
    callbacks: Sequence[Any] | None = None,
) -> DigitsResult:
    """Train ``64 → Dense(hidden_units, relu) → Dense(10, softmax)`` on the 8×8 digits.

    [0]'s MNIST model on scikit-learn's offline digits (1,797 images; 70 % train, 15 %
    validation, 15 % test, stratified): adam, sparse categorical cross-entropy, all in NumPy
    (``dlcourse.nn``). Deterministic for a given ``seed``. Chapter 1 (image recognition).

    Args:
        hidden_units: width of the hidden layer; default 32, as in [0].
        epochs: passes over the training set; default 20.
        batch_size: default 32, Keras' default.
        seed: seeds the split, the initial weights and the shuffling; default 0.
        callbacks: passed to ``fit``, e.g. ``[dlcourse.widgets.LiveLoss()]``.

    Returns:
        A :class:`DigitsResult`.
    """
    from dlcourse import data, nn

    hidden_units = check_positive_int(hidden_units, "hidden_units")
    epochs = check_positive_int(epochs, "epochs")
    batch_size = check_positive_int(batch_size, "batch_size")
    x, y = data.load_digits(flat=True)
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = data.train_val_test_split(
        x, y, val=0.15, test=0.15, seed=seed
    )
    model = nn.Sequential(
        [
            nn.layers.InputLayer((64,)),
            nn.layers.Dense(hidden_units, activation="relu"),
            nn.layers.Dense(10, activation="softmax"),
        ],
        seed=seed,
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(
        x_train,
        y_train,
        epochs=epochs,
        batch_size=batch_size,
        validation_data=(x_val, y_val),
        callbacks=list(callbacks or []),
        verbose=0,
    )
    predictions = model.predict(x_test, verbose=0).argmax(axis=1)
    accuracy = float((predictions == y_test).mean())
    return DigitsResult(model, history, x_test, y_test, predictions, accuracy)


def show_digit_predictions(result: DigitsResult, count: int = 12, columns: int = 6) -> Any:
    """Show the first ``count`` test digits with the predicted and true labels (errors in red).

    Args:
        result: from :func:`train_digits`.
        count: how many test images; default 12.
        columns: images per row; default 6.

    Returns:
        The matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    if not isinstance(result, DigitsResult):
        raise TypeError(
            f"Argument `result` must be what train_digits returns. Received: {describe(result)}"
        )
    count = min(check_positive_int(count, "count"), len(result.y_test))
    columns = min(check_positive_int(columns, "columns"), count)
    rows = math.ceil(count / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(1.3 * columns, 1.75 * rows), squeeze=False)
    for i, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if i >= count:
            continue
        pred, true = int(result.predictions[i]), int(result.y_test[i])
        ax.imshow(result.x_test[i].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(f"pred {pred}\n(true {true})", fontsize=9, color="k" if pred == true else "r")
    fig.tight_layout()
    return fig


# ------------------------------------------------------------- parameters and FLOPs


def _pair(value: Any) -> tuple[int, int]:
    return (int(value), int(value)) if np.isscalar(value) else (int(value[0]), int(value[1]))


def _spatial(size: int, window: int, stride: int, padding: str) -> int:
    """Output length along one axis: ``⌊(n − k)/s⌋ + 1`` ('valid') or ``⌈n/s⌉`` ('same')."""
    return -(-size // stride) if padding == "same" else (size - window) // stride + 1


def layer_costs(name: str, input_shape: Sequence[int] | None = None) -> list[dict[str, Any]]:
    """Per layer of a document's model: output shape, parameters and forward FLOPs, by formula.

    Counted from the layer list of :mod:`dlcourse.models_zoo` with pen-and-paper formulas,
    independently of any library (tests compare them with ``dlcourse.nn`` and Keras):

    - ``Dense(out)`` on ``in`` features: ``(in + 1) · out`` parameters, ``2 · in · out`` FLOPs;
    - ``Conv2D(filters, (kh, kw))`` on ``c_in`` channels: ``(kh · kw · c_in + 1) · filters``
      parameters, ``2 · kh · kw · c_in · filters · H_out · W_out`` FLOPs;
    - ``MaxPooling2D`` and ``Flatten``: no parameters, no multiply-adds (counted as 0).

    Args:
        name: one of ``models_zoo.names()``, e.g. ``"doc0_mlp"``.
        input_shape: one sample's shape; default the document's (784, 2, 28×28×1, 100, 8, 100).

    Returns:
        ``[{"layer", "output_shape", "params", "flops"}, ...]``, FLOPs per sample.
    """
    spec = models_zoo.spec(name)
    shape = tuple(spec.input_shape if input_shape is None else input_shape)
    if len(shape) != len(spec.input_shape) or not all(
        isinstance(d, (int, np.integer)) and d > 0 for d in shape
    ):
        raise ValueError(
            f"Argument `input_shape` of {name!r} must be {len(spec.input_shape)} positive "
            f"integers, like {spec.input_shape}. Received: input_shape={input_shape!r}"
        )
    rows = []
    for kind, args in spec.layers:
        params = flops = 0
        if kind == "Dense":
            n_in, units = shape[-1], args["units"]
            params, flops = (n_in + 1) * units, 2 * n_in * units * math.prod(shape[:-1])
            shape = shape[:-1] + (units,)
        elif kind == "Conv2D":
            (kh, kw), (sh, sw) = _pair(args["kernel_size"]), _pair(args.get("strides", 1))
            padding, (h, w, c_in), filters = args.get("padding", "valid"), shape, args["filters"]
            shape = (_spatial(h, kh, sh, padding), _spatial(w, kw, sw, padding), filters)
            params = (kh * kw * c_in + 1) * filters
            flops = 2 * kh * kw * c_in * filters * shape[0] * shape[1]
        elif kind == "MaxPooling2D":
            pool = _pair(args.get("pool_size", 2))
            strides = _pair(args.get("strides") or pool)
            padding, (h, w, c) = args.get("padding", "valid"), shape
            shape = tuple(
                _spatial(n, k, s, padding) for n, k, s in zip((h, w), pool, strides, strict=True)
            ) + (c,)
        elif kind == "Flatten":
            shape = (math.prod(shape),)
        else:  # pragma: no cover - models_zoo only uses the four kinds above
            raise ValueError(f"layer_costs does not know layers of kind {kind!r}")
        rows.append({"layer": kind, "output_shape": shape, "params": params, "flops": flops})
    return rows


def training_step_flops(name: str, batch_size: int = 32) -> int:
    """FLOPs of one training step of a document's model: about ``3 ×`` forward ``× batch``.

    Forward ``2·in·out`` per Dense layer and sample; backward ``dW = xᵀ dz`` and
    ``dx = dz Wᵀ`` cost the same again each, hence the factor 3 (``6·N·B`` for a dense net
    with ``N`` weights). Activations, the loss and the optimizer's update are ``O(N + B·units)``
    and left out. Chapter 1.
    """
    batch_size = check_positive_int(batch_size, "batch_size")
    return 3 * batch_size * sum(row["flops"] for row in layer_costs(name))


def parameter_table(names: Iterable[str] | None = None, keras: bool = True) -> list[dict]:
    """Parameters of the documents' models, counted three ways, with their forward FLOPs.

    Args:
        names: model names (default all six of ``models_zoo.names()``), at the documents'
            input shapes.
        keras: also build each model in Keras and ask ``count_params()`` (imports
            TensorFlow). Default True.

    Returns:
        One dict per model: ``name``, ``doc`` (``"[k]"``), ``title``, ``formula`` (by
        :func:`layer_costs`), ``numpy`` (``dlcourse.nn``'s ``count_params()``), ``keras``
        (Keras' ``count_params()``, or None), ``megabytes`` (float32 weights, 4 bytes each) and
        ``flops`` (forward FLOPs per sample).
    """
    if not isinstance(keras, bool):
        raise ValueError(f"Argument `keras` must be True or False. Received: keras={keras!r}")
    rows = []
    for name in models_zoo.names() if names is None else list(names):
        costs = layer_costs(name)
        formula = sum(r["params"] for r in costs)
        numpy_count = models_zoo.build(name, "numpy", seed=0, compile=False).count_params()
        keras_count = None
        if keras:
            keras_count = models_zoo.build(name, "keras", seed=0, compile=False).count_params()
        rows.append(
            {
                "name": name,
                "doc": f"[{models_zoo.spec(name).document}]",
                "title": models_zoo.spec(name).title,
                "formula": formula,
                "numpy": int(numpy_count),
                "keras": None if keras_count is None else int(keras_count),
                "megabytes": f"{4 * formula / 1e6:.3f}",
                "flops": sum(r["flops"] for r in costs),
            }
        )
    return rows


# ------------------------------------------------------------------ one training step


def numpy_train_step(model: Any, x: np.ndarray, y: np.ndarray) -> float:
    """One training step of a compiled ``dlcourse.nn.Sequential``, in [0]'s four steps.

    1. predict: ``out = model.forward(x, training=True)``;
    2. loss: ``L = model.loss(y, out)``;
    3. gradient: ``dout = ∂L/∂out``, then each layer's ``backward``, last to first, fills its
       ``grads`` and passes ``∂L/∂input`` down (backpropagation, chapter 3); the first layer
       skips that input gradient (``need_dx=False``): nothing uses it;
    4. update: ``model.optimizer.apply_gradients(zip(grads, params))``.

    The same update as ``model.fit(x, y, batch_size=len(x), epochs=1, shuffle=False)``, without
    fit's bookkeeping (metrics, callbacks, history).

    Args:
        model: a built and compiled ``dlcourse.nn.Sequential``.
        x: one batch of inputs ``(B, ...)``; y: its targets in the loss' format.

    Returns:
        The loss of the batch before the update, a float.
    """
    if not getattr(model, "compiled", False) or not hasattr(model, "backward"):
        raise ValueError(
            f"Argument `model` must be a compiled dlcourse.nn.Sequential. Received: "
            f"{describe(model)}"
        )
    out = model.forward(x, training=True)
    loss = float(model.loss(y, out))
    dout = model.loss.gradient(y, out)
    for i, layer in reversed(list(enumerate(model.layers))):
        dout = layer.backward(dout, need_dx=i > 0)
    grads, params = [], []
    for layer in model.layers:
        for key, param in layer.params.items():
            params.append(param)
            grads.append(layer.grads[key])
    model.optimizer.apply_gradients(zip(grads, params, strict=True))
    return loss


def _best_seconds(step: Callable[[], Any], repeats: int, warmup: int = 2) -> float:
    """The fastest of ``repeats`` calls of ``step``, after ``warmup`` untimed calls.

    The minimum, as ``timeit`` recommends: other programs only ever add time, so the fastest
    run is the best estimate of what the computation itself costs.
    """
    for _ in range(warmup):
        step()
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        best = min(best, time.perf_counter() - start)
    return best


def time_training_steps(
    names: Iterable[str] | None = None,
    batch_size: int = 32,
    repeats: int = 10,
    seed: int = 0,
    backends: Sequence[str] = ("numpy", "tensorflow"),
) -> list[dict[str, Any]]:
    """Time of one training step of the documents' models (best of ``repeats``), NumPy and TF.

    NumPy: :func:`numpy_train_step` on a ``dlcourse.nn`` model. TensorFlow: Keras'
    ``train_on_batch`` (a compiled ``tf.function``, traced during two warm-up steps), on
    whatever device TensorFlow chose. Both on the same random batch
    (``models_zoo.random_data``) at the documents' input shapes. Timings vary from run to run:
    print them, do not compare them exactly. Chapter 1.

    Args:
        names: model names, default all six.
        batch_size: default 32.
        repeats: timed steps per model and backend, after 2 warm-up steps; the fastest
            counts. Default 10.
        seed: seed of the batch and the initial weights; default 0.
        backends: any of ``"numpy"``, ``"tensorflow"``; default both.

    Returns:
        One dict per model: ``name``, ``flops`` (:func:`training_step_flops`), and for each
        backend ``<backend>_ms`` (milliseconds per step) and ``<backend>_gflops`` (FLOPs per
        second / 10⁹).
    """
    batch_size = check_positive_int(batch_size, "batch_size")
    repeats = check_positive_int(repeats, "repeats")
    if isinstance(backends, str) or not backends:
        raise ValueError(
            f"Argument `backends` must be a non-empty list of 'numpy', 'tensorflow'. "
            f"Received: backends={backends!r}"
        )
    for backend in backends:
        check_in(backend, "backends", ("numpy", "tensorflow"))
    rows = []
    for name in models_zoo.names() if names is None else list(names):
        x, y = models_zoo.random_data(name, batch_size, seed=seed)
        row: dict[str, Any] = {"name": name, "flops": training_step_flops(name, batch_size)}
        for backend in backends:
            if backend == "numpy":
                model = models_zoo.build(name, "numpy", seed=seed)
                seconds = _best_seconds(partial(numpy_train_step, model, x, y), repeats)
            else:
                model = models_zoo.build(name, "keras", seed=seed)
                seconds = _best_seconds(partial(model.train_on_batch, x, y), repeats)
            row[f"{backend}_ms"] = 1e3 * seconds
            row[f"{backend}_gflops"] = row["flops"] / seconds / 1e9
        rows.append(row)
    return rows


# -------------------------------------------------------------- time grows with FLOPs


def _numpy_dense_step(width: int, batch_size: int, seed: int) -> Callable[[], Any]:
    from dlcourse.nn.layers import Dense

    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch_size, width)).astype(np.float32)
    dout = rng.standard_normal((batch_size, width)).astype(np.float32)
    layer = Dense(width)
    layer.ensure_built((None, width), dtype="float32", rng=rng)

    def step() -> np.ndarray:
        layer.forward(x, training=True)
        dx = layer.backward(dout)
        for key, param in layer.params.items():
            param -= np.float32(0.01) * layer.grads[key]
        return dx

    return step


def _tensorflow_dense_step(width: int, batch_size: int, seed: int) -> Callable[[], Any]:
    from dlcourse.tfnn import tf

    rng = np.random.default_rng(seed)
    x = tf.constant(rng.standard_normal((batch_size, width)).astype(np.float32))
    dout = tf.constant(rng.standard_normal((batch_size, width)).astype(np.float32))
    limit = np.sqrt(6.0 / (2 * width))  # Glorot uniform, as Dense
    W = tf.Variable(rng.uniform(-limit, limit, (width, width)).astype(np.float32))
    b = tf.Variable(np.zeros(width, np.float32))

    @tf.function
    def step() -> Any:
        with tf.GradientTape() as tape:
            tape.watch(x)
            out = tf.matmul(x, W) + b
        dx, dW, db = tape.gradient(out, [x, W, b], output_gradients=dout)
        W.assign_sub(0.01 * dW)
        b.assign_sub(0.01 * db)
        return dx

    return step


def dense_scaling(
    widths: Sequence[int] = (64, 128, 256, 512, 1024),
    batch_size: int = 64,
    repeats: int = 5,
    seed: int = 0,
    backends: Sequence[str] = ("numpy", "tensorflow"),
) -> dict[str, np.ndarray]:
    """Time one training step of a square Dense layer (``width → width``) for growing widths.

    A step is forward ``x W + b``, backward ``dx = dout Wᵀ``, ``dW = xᵀ dout``, ``db``, and an
    SGD update: ``6 · width² · batch_size`` FLOPs. If time is proportional to FLOPs, the points
    lie on a line of slope 1 in a log-log plot (:func:`plot_scaling`); small layers sit above it
    because a step also has a fixed overhead. Chapter 1.

    Args:
        widths: layer widths, positive integers; default 64 to 1024.
        batch_size: default 64.
        repeats: timed steps per width, after 2 warm-up steps; the fastest counts.
            Default 5.
        seed: seed of the inputs and weights; default 0.
        backends: any of ``"numpy"`` (``dlcourse.nn.layers.Dense``) and ``"tensorflow"``
            (the same maths in a ``tf.function`` with ``tf.GradientTape``); default both.

    Returns:
        ``{"widths", "flops", "<backend>_seconds", ...}``: arrays, one entry per width.
    """
    if isinstance(widths, (int, np.integer)) or not len(widths):
        raise ValueError(
            f"Argument `widths` must be a non-empty list of positive integers. "
            f"Received: widths={widths!r}"
        )
    widths = [check_positive_int(w, "widths") for w in widths]
    batch_size = check_positive_int(batch_size, "batch_size")
    repeats = check_positive_int(repeats, "repeats")
    if isinstance(backends, str) or not backends:
        raise ValueError(
            f"Argument `backends` must be a non-empty list of 'numpy', 'tensorflow'. "
            f"Received: backends={backends!r}"
        )
    makers = {"numpy": _numpy_dense_step, "tensorflow": _tensorflow_dense_step}
    for backend in backends:
        check_in(backend, "backends", tuple(makers))
    result = {
        "widths": np.array(widths),
        "flops": np.array([6 * w * w * batch_size for w in widths], dtype=np.float64),
    }
    for backend in backends:
        result[f"{backend}_seconds"] = np.array(
            [_best_seconds(makers[backend](w, batch_size, seed), repeats) for w in widths]
        )
    return result


def plot_scaling(result: dict[str, np.ndarray], ax: Any = None) -> Any:
    """Log-log plot of :func:`dense_scaling`: seconds per step against FLOPs, per backend.

    Dotted grey lines mark constant speeds (1, 10 and 100 GFLOP/s): a backend whose points
    follow one of them runs at that speed. Returns the Axes.
    """
    if not isinstance(result, dict) or "flops" not in result:
        raise TypeError(
            f"Argument `result` must be what dense_scaling returns. Received: {describe(result)}"
        )
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(6.0, 4.2))
    flops = result["flops"]
    span = np.array([flops.min() / 2, flops.max() * 2])
    for rate in (1e9, 1e10, 1e11):
        ax.loglog(span, span / rate, ":", color="grey", lw=1)
        ax.annotate(
            f"{rate / 1e9:g} GFLOP/s",
            (span[0], span[0] / rate),
            fontsize=8,
            color="grey",
            ha="left",
            va="bottom",
        )
    for i, key in enumerate(k for k in result if k.endswith("_seconds")):
        label = {"numpy": "NumPy (dlcourse.nn)", "tensorflow": "TensorFlow"}.get(
            key.removesuffix("_seconds"), key
        )
        ax.loglog(flops, result[key], "o-", color=f"C{i}", label=label)
    highest = np.max([result[k] for k in result if k.endswith("_seconds")], axis=0)
    for w, f, s in zip(result["widths"], flops, highest, strict=True):
        ax.annotate(f"width {w}", (f, s), textcoords="offset points", xytext=(0, 7),
                    fontsize=7, ha="center")  # fmt: skip
    ax.set_xlabel("FLOPs of one training step (6 · width² · batch)")
    ax.set_ylabel("seconds per step")
    ax.set_title("One training step of a Dense layer (width → width)", fontsize=11)
    ax.legend(fontsize=9, loc="upper left")
    ax.grid(True, which="major", alpha=0.3)
    return ax
