"""Experiments and figures of chapter 2, "Core concepts (核心概念与联系)".

=====================================  ===========================================================
Pictures                               :func:`draw_neuron` (one artificial neuron),
                                       :func:`draw_network` (input, hidden and output layers),
                                       :func:`draw_brain_analogy` (a biological neuron beside it)
Layers and depth                       :func:`weight_table` (each layer's weights: the input
                                       layer has none), :func:`depth_table` (hidden layers of the
                                       documents' six models)
XOR (异或)                             :func:`best_line_accuracy` (the best any straight line
                                       can do), :func:`train_xor`, :func:`binary_accuracy`,
                                       :func:`xor_success_rates`, :func:`plot_xor`
Deep versus shallow learners           :func:`load_flat_images`, :func:`train_mlp`,
                                       :func:`hidden_features`, :func:`compare_learners`,
                                       :func:`accuracy_table`, :func:`plot_hidden_units`,
                                       :func:`top_input_purity`
=====================================  ===========================================================

The networks are :class:`dlcourse.nn.Sequential` models (NumPy, seeded, so every number the
chapter prints is reproducible); scikit-learn supplies the shallow learners, matplotlib the
pictures. Both are imported inside the functions that need them, so importing this module is
cheap.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from dlcourse import nn
from dlcourse._checks import (
    as_float_array,
    check_in,
    check_positive_int,
    check_same_length,
    describe,
)
from dlcourse.nn.layers import Dense

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "DATASETS",
    "accuracy_table",
    "best_line_accuracy",
    "binary_accuracy",
    "compare_learners",
    "depth_table",
    "draw_brain_analogy",
    "draw_network",
    "draw_neuron",
    "hidden_features",
    "load_flat_images",
    "plot_hidden_units",
    "plot_xor",
    "train_mlp",
    "top_input_purity",
    "train_xor",
    "weight_table",
    "xor_success_rates",
]

#: Image data sets of :func:`load_flat_images`: name → shape of one image.
DATASETS = {"digits": (8, 8), "mnist": (28, 28)}

_INPUT_COLOUR, _HIDDEN_COLOUR, _OUTPUT_COLOUR = "#d6e6f5", "#e4e4e4", "#fcd9b6"
_DX = 2.4  # distance between two columns of draw_network (a unit is a circle of radius 0.19)


def _new_axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    from dlcourse.plots import get_axes  # matplotlib only when a figure is drawn

    return get_axes(ax, figsize)


def _labels01(y: Any, name: str = "y") -> np.ndarray:
    """``y`` as an int64 vector of 0s and 1s, or a ValueError naming ``name``."""
    arr = np.asarray(y).reshape(-1)
    if arr.size == 0 or not np.isin(arr, (0, 1)).all():
        raise ValueError(f"Argument `{name}` must hold labels 0 and 1. Received: {describe(y)}")
    return arr.astype(np.int64)


def _points2d(x: Any, name: str = "x") -> np.ndarray:
    arr = as_float_array(x, name, dtype=np.float64, ndim=2)
    if arr.shape[1] != 2:
        raise ValueError(f"Argument `{name}` must have shape (n, 2). Received: shape {arr.shape}")
    return arr


# ---- pictures -------------------------------------------------------------------------------


def draw_neuron(ax: Axes | None = None, n_inputs: int = 3) -> Axes:
    """Draw one artificial neuron, ``y = f(w·x + b)``: inputs, weights, sum, activation, output.

    Chapter 2.1, "The neuron (神经元)". Each input ``xᵢ`` reaches the sum node along an edge
    labelled with its weight ``wᵢ``; the bias ``b`` enters from above; the activation ``f``
    turns ``z = Σ wᵢxᵢ + b`` into the output ``y``.

    Args:
        ax: axes to draw in; default a new 6 × 3 inch figure.
        n_inputs: number of inputs drawn, an integer in [1, 6]; default 3.

    Returns:
        The axes.
    """
    n_inputs = check_positive_int(n_inputs, "n_inputs")
    if n_inputs > 6:
        raise ValueError(f"Argument `n_inputs` must be at most 6. Received: n_inputs={n_inputs}")
    from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

    ax = _new_axes(ax, (6.0, 3.0))
    ys = np.linspace(1.0, -1.0, n_inputs) if n_inputs > 1 else np.zeros(1)
    arrow = {"arrowstyle": "-|>", "mutation_scale": 12, "color": "#555555", "lw": 1.2}
    for i, y in enumerate(ys, start=1):
        ax.add_patch(Circle((0.0, y), 0.22, fc=_INPUT_COLOUR, ec="#444444", zorder=2))
        ax.text(0.0, y, f"$x_{i}$", ha="center", va="center", fontsize=11, zorder=3)
        ax.add_patch(FancyArrowPatch((0.22, y), (1.78, 0.0), shrinkB=24, **arrow))
        ax.text(0.85, 0.62 * y + 0.09, f"$w_{i}$", ha="center", va="bottom", fontsize=10)
    ax.add_patch(Circle((2.1, 0.0), 0.34, fc=_HIDDEN_COLOUR, ec="#444444", zorder=2))
    ax.text(2.1, 0.0, r"$\Sigma$", ha="center", va="center", fontsize=14, zorder=3)
    ax.add_patch(FancyArrowPatch((2.1, 1.15), (2.1, 0.36), **arrow))
    ax.text(2.1, 1.2, "bias $b$", ha="center", va="bottom", fontsize=10)
    ax.text(2.1, -0.5, r"$z = w^\top x + b$", ha="center", va="top", fontsize=10)
    box = FancyBboxPatch((3.0, -0.3), 0.6, 0.6, boxstyle="round,pad=0.02", fc=_OUTPUT_COLOUR)
    ax.add_patch(box)
    ax.text(3.3, 0.0, "$f$", ha="center", va="center", fontsize=13)
    ax.text(3.3, -0.5, "activation", ha="center", va="top", fontsize=9)
    ax.add_patch(FancyArrowPatch((2.44, 0.0), (3.0, 0.0), **arrow))
    ax.add_patch(FancyArrowPatch((3.62, 0.0), (4.3, 0.0), **arrow))
    ax.text(4.35, 0.0, "$y = f(z)$", ha="left", va="center", fontsize=11)
    ax.set_xlim(-0.4, 5.3)
    ax.set_ylim(-1.4, 1.55)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax


def draw_network(
    sizes: Sequence[int], ax: Axes | None = None, max_units: int = 6, title: str | None = None
) -> Axes:
    """Draw a fully connected network, labelling the input, hidden and output layers.

    Chapter 2.2, "Layers (层)". Column ``i`` holds ``sizes[i]`` units (at most ``max_units`` drawn,
    with "⋮" standing for the others); every unit is joined to every unit of the next column.
    Below each column: its role, its size, and its number of weights, ``sizes[i-1] · sizes[i]``
    plus ``sizes[i]`` biases. The input column has none: it is the data.

    Args:
        sizes: units per layer, input first, at least two positive integers, e.g.
            ``(784, 32, 10)`` for document [0]'s model.
        ax: axes to draw in; default a new figure.
        max_units: most units drawn per column, an integer ≥ 3; default 6.
        title: optional title.

    Returns:
        The axes.
    """
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Iterable):
        raise TypeError(f"Argument `sizes` must be a sequence of integers. Received: {sizes!r}")
    sizes = [check_positive_int(s, "sizes[i]") for s in sizes]
    if len(sizes) < 2:
        raise ValueError(
            f"Argument `sizes` must have at least 2 entries (input, output). Received: {sizes}"
        )
    max_units = check_positive_int(max_units, "max_units")
    if max_units < 3:
        raise ValueError(f"Argument `max_units` must be at least 3. Received: {max_units}")
    from matplotlib.patches import Circle

    n_layers = len(sizes)
    ax = _new_axes(ax, (2.2 * n_layers + 0.4, 3.6))
    columns = []
    for size in sizes:
        drawn = min(size, max_units)
        ys = np.linspace((drawn - 1) / 2, -(drawn - 1) / 2, drawn) * 0.6
        columns.append((ys, size > max_units))

    def units_drawn(i: int) -> np.ndarray:  # the slot of "⋮" gets no edges
        ys, cut = columns[i]
        return np.delete(ys, len(ys) - 2) if cut else ys

    for i in range(n_layers - 1):
        for y0 in units_drawn(i):
            for y1 in units_drawn(i + 1):
                ax.plot([_DX * i, _DX * (i + 1)], [y0, y1], color="#9a9a9a", lw=0.5, zorder=1)
    for i, (size, (ys, cut)) in enumerate(zip(sizes, columns, strict=True)):
        colour = (
            _INPUT_COLOUR if i == 0 else _OUTPUT_COLOUR if i == n_layers - 1 else _HIDDEN_COLOUR
        )
        for k, y in enumerate(ys):
            if cut and k == len(ys) - 2:  # this slot shows the units not drawn
                ax.text(_DX * i, y, "⋮", ha="center", va="center", fontsize=14, zorder=3)
                continue
            ax.add_patch(Circle((_DX * i, y), 0.19, fc=colour, ec="#444444", lw=0.9, zorder=2))
        if i == 0:
            role, weights = "input layer", "no weights"
        else:
            role = "output layer" if i == n_layers - 1 else f"hidden layer {i}"
            weights = f"{sizes[i - 1] * size + size:,} weights"
        ax.text(
            _DX * i,
            ys[-1] - 0.45,
            f"{role}\n{size:,} units\n{weights}",
            ha="center",
            va="top",
            fontsize=9,
        )
    top = max(ys[0] for ys, _ in columns)
    ax.set_xlim(-1.1, _DX * (n_layers - 1) + 1.1)
    ax.set_ylim(-top - 1.55, top + 0.4)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def _draw_biological_neuron(ax: Axes) -> None:
    """A stylised nerve cell: dendrites, cell body, axon with myelin, terminals and synapses."""
    from matplotlib.patches import Circle, FancyBboxPatch

    line = {"color": "#7a4b2a", "lw": 2.0, "solid_capstyle": "round", "zorder": 1}
    for angle in np.deg2rad([145, 168, 191, 214, 237]):  # dendrites, each forked twice
        start = np.array([np.cos(angle), np.sin(angle)]) * 0.45
        end = start + np.array([np.cos(angle), np.sin(angle)]) * 0.7
        ax.plot(*zip(start, end, strict=True), **line)
        for turn in (-0.4, 0.4):
            tip = end + 0.4 * np.array([np.cos(angle + turn), np.sin(angle + turn)])
            ax.plot(*zip(end, tip, strict=True), **{**line, "lw": 1.3})
    ax.add_patch(Circle((0, 0), 0.5, fc="#e9b98f", ec="#7a4b2a", lw=1.5, zorder=2))
    ax.add_patch(Circle((0.05, 0.05), 0.17, fc="#b5651d", ec="none", zorder=3))
    ax.plot([0.5, 3.9], [0, 0], **line)
    for x0 in (0.8, 1.6, 2.4, 3.2):  # myelin sheath
        ax.add_patch(
            FancyBboxPatch(
                (x0, -0.12),
                0.6,
                0.24,
                boxstyle="round,pad=0.02",
                fc="#f3e3c3",
                ec="#7a4b2a",
                lw=1.0,
                zorder=2,
            )
        )
    for dy in (-0.55, 0.0, 0.55):  # axon terminals and synapses
        end = np.array([4.5, dy])
        ax.plot([3.9, end[0]], [0, dy], **{**line, "lw": 1.3})
        ax.add_patch(Circle(end, 0.1, fc="#b5651d", ec="none", zorder=2))
    notes = [
        (-1.5, 1.35, "dendrites: receive\nsignals at synapses"),
        (0.75, -0.8, "cell body: adds\nthe inputs up"),
        (2.2, 0.35, "axon: fires a spike\nabove a threshold"),
        (4.5, -0.95, "synapses: strengths\nchange as it learns"),
    ]
    for x, y, text in notes:
        ax.text(x, y, text, ha="center", va="center", fontsize=9)
    ax.set_xlim(-2.4, 5.3)
    ax.set_ylim(-1.45, 1.8)
    ax.set_aspect("equal")
    ax.set_axis_off()


def draw_brain_analogy() -> Figure:
    """A biological neuron beside an artificial one: the analogy, and where it stops.

    Chapter 2, "The brain analogy (大脑类比)". Left: dendrites, cell body, axon, synapses;
    right: :func:`draw_neuron`. Dendrites ↔ inputs, synapse strengths ↔ weights, cell body ↔
    the sum and the activation, axon ↔ output.

    Returns:
        The matplotlib ``Figure`` (two panels).
    """
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11.0, 3.3))
    _draw_biological_neuron(left)
    left.set_title("a biological neuron (a sketch)", fontsize=11)
    draw_neuron(right)
    right.set_title("an artificial neuron: $y = f(w^\\top x + b)$", fontsize=11)
    fig.tight_layout()
    return fig


# ---- layers and depth -----------------------------------------------------------------------


def _weights_of(layer: Any) -> list[tuple[str, tuple[int, ...]]]:
    """``(name, shape)`` of each weight of a dlcourse.nn or a Keras layer."""
    params = getattr(layer, "params", None)
    if isinstance(params, dict):  # dlcourse.nn
        return [(key, tuple(value.shape)) for key, value in params.items()]
    return [(w.name.split("/")[-1], tuple(w.shape)) for w in layer.weights]  # Keras


def weight_table(model: Any) -> str:
    """A text table of a built model's layers and their weights, the input layer first.

    Chapter 2.4, the claim check "input layer or hidden layer? (输入层还是隐藏层)": the input
    row holds the data's shape and no weights; every ``Dense`` row holds a kernel
    ``(inputs, units)`` and a bias ``(units,)``.

    Args:
        model: a built :class:`dlcourse.nn.Sequential` or ``keras.Sequential``.

    Returns:
        The table, one line per layer, columns ``layer``, ``weights (shapes)``, ``parameters``.
        Layers are numbered from 1 after the input (their names are left out: they depend on
        how many layers the session made before).
    """
    layers = getattr(model, "layers", None)
    if layers is None:
        raise TypeError(f"Argument `model` must be a Sequential model. Received: {describe(model)}")
    shape = tuple(getattr(model, "input_shape", None) or ())
    shape_text = str(shape[1:]) if shape and shape[0] is None else str(shape)
    rows = [("input", f"none: it is the data, one sample of shape {shape_text}", "0")]
    weighted = [layer for layer in layers if type(layer).__name__ != "InputLayer"]
    for i, layer in enumerate(weighted, start=1):
        weights = ", ".join(f"{name} {shp}" for name, shp in _weights_of(layer)) or "none"
        count = sum(int(np.prod(shp)) for _, shp in _weights_of(layer))
        rows.append((f"{i}: {type(layer).__name__}", weights, f"{count:,}"))
    widths = [
        max(len(r[k]) for r in rows + [("layer", "weights (shapes)", "parameters")])
        for k in range(3)
    ]
    lines = [
        f"{'layer':<{widths[0]}}  {'weights (shapes)':<{widths[1]}}  {'parameters':>{widths[2]}}"
    ]
    lines += [f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c:>{widths[2]}}" for a, b, c in rows]
    return "\n".join(lines)


def depth_table() -> str:
    """The documents' six models with their number of hidden layers, as a text table.

    Chapter 2.5, "Neural networks and deep learning (神经网络与深度学习)": a hidden layer is a
    layer with weights before the output layer (``Dense`` or ``Conv2D``); pooling and
    flattening have no weights and are not counted.

    Returns:
        One line per model of :mod:`dlcourse.models_zoo`: name, document, layers, hidden layers.
    """
    from dlcourse import models_zoo

    lines = [f"{'model':<12} {'doc':<4} {'hidden layers':>13}  layers"]
    for name in models_zoo.names():
        s = models_zoo.spec(name)
        weighted = [kind for kind, _ in s.layers if kind in ("Dense", "Conv2D")]
        arrows = " → ".join(
            f"{kind}({args.get('units', args.get('filters', ''))})" if args else kind
            for kind, args in s.layers
        )
        lines.append(f"{name:<12} [{s.document}]  {len(weighted) - 1:>13}  {arrows}")
    return "\n".join(lines)


# ---- XOR ------------------------------------------------------------------------------------


def best_line_accuracy(x: Any, y: Any, n_directions: int = 720) -> float:
    """The highest accuracy any straight line reaches on labelled 2-D points.

    Chapter 2.3, "XOR is not linearly separable (线性不可分)". A line classifies by the side a
    point falls on: class 1 where ``u·x > t``. For each of ``n_directions`` unit vectors
    ``u = (cos θ, sin θ)``, ``θ ∈ [0, π)``, the points are sorted by ``u·x`` and every threshold
    between two distinct projections (and beyond both ends) is tried, with both orientations
    (class 1 above or below). For the four rows of XOR the answer is 3/4: no line gets all four.

    Args:
        x: points, float array ``(n, 2)``.
        y: labels ``(n,)`` in {0, 1}.
        n_directions: directions tried, positive integer; default 720 (every quarter degree).

    Returns:
        The best fraction of points on their correct side, in ``[0.5, 1]``.
    """
    x = _points2d(x)
    y = _labels01(y)
    check_same_length(x, y)
    n_directions = check_positive_int(n_directions, "n_directions")
    theta = np.linspace(0.0, np.pi, n_directions, endpoint=False)
    proj = x @ np.stack([np.cos(theta), np.sin(theta)])  # (n, directions)
    order = np.argsort(proj, axis=0, kind="stable")
    p = np.take_along_axis(proj, order, axis=0)
    ones = y[order]  # (n, directions): labels in projection order
    n = len(y)
    zeros_below = np.vstack([np.zeros((1, n_directions)), np.cumsum(1 - ones, axis=0)])
    ones_above = ones.sum(axis=0) - np.vstack([np.zeros((1, n_directions)), np.cumsum(ones, 0)])
    correct = zeros_below + ones_above  # split k: the k lowest are called class 0
    valid = np.ones_like(correct, dtype=bool)
    valid[1:n] = p[1:] > p[:-1] + 1e-9  # a threshold cannot separate equal projections
    best = np.maximum(np.where(valid, correct, -1), np.where(valid, n - correct, -1)).max()
    return float(best) / n


def train_xor(
    hidden_units: int = 2,
    x: Any = None,
    y: Any = None,
    *,
    activation: str = "tanh",
    epochs: int = 500,
    learning_rate: float = 0.05,
    batch_size: int | None = None,
    seed: int = 0,
) -> nn.Sequential:
    """Train ``2 → Dense(hidden_units, activation) → Dense(1, sigmoid)`` on XOR with Adam.

    Chapter 2.3. With ``hidden_units=0`` there is no hidden layer: the model is logistic
    regression, ``p = σ(x·w + b)``, a straight line. Binary cross-entropy, ``dlcourse.nn``.

    Args:
        hidden_units: units of the hidden layer, integer ≥ 0; default 2 (0: no hidden layer).
        x, y: points ``(n, 2)`` and labels ``(n,)`` in {0, 1}; default the four rows of
            :func:`dlcourse.data.xor_table`.
        activation: of the hidden layer; default ``"tanh"``.
        epochs: positive integer; default 500.
        learning_rate: Adam's step size; default 0.05.
        batch_size: default ``None``: the whole data set per step.
        seed: seed of the initial weights and the shuffling; default 0.

    Returns:
        The trained :class:`dlcourse.nn.Sequential`.
    """
    from dlcourse import data

    if (
        isinstance(hidden_units, bool)
        or not isinstance(hidden_units, (int, np.integer))
        or (hidden_units < 0)
    ):
        raise ValueError(
            f"Argument `hidden_units` must be a non-negative integer. "
            f"Received: hidden_units={hidden_units!r}"
        )
    if (x is None) != (y is None):
        raise ValueError("Arguments `x` and `y` must be given together (or both left out).")
    if x is None:
        x, y = data.xor_table()
    x = _points2d(x).astype(np.float32)
    y = _labels01(y)
    check_same_length(x, y)
    epochs = check_positive_int(epochs, "epochs")
    batch_size = len(x) if batch_size is None else check_positive_int(batch_size, "batch_size")
    layers = [Dense(int(hidden_units), activation=activation)] if hidden_units else []
    model = nn.Sequential([*layers, Dense(1, activation="sigmoid")], seed=seed)
    model.compile(
        optimizer=nn.optimizers.Adam(learning_rate=learning_rate),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    model.fit(x, y.reshape(-1, 1), epochs=epochs, batch_size=batch_size, verbose=0)
    return model


def binary_accuracy(model: Any, x: Any, y: Any) -> float:
    """Fraction of points whose predicted probability is on the right side of 1/2.

    Args:
        model: anything with ``predict(x, verbose=0) -> (n, 1)`` probabilities of class 1.
        x: inputs ``(n, d)``; y: labels ``(n,)`` in {0, 1}.

    Returns:
        The accuracy, a float in [0, 1].
    """
    x = as_float_array(x, "x", min_ndim=2)
    y = _labels01(y)
    check_same_length(x, y)
    p = np.asarray(model.predict(x, verbose=0)).reshape(-1)
    return float(np.mean((p > 0.5) == (y == 1)))


def xor_success_rates(
    units: Sequence[int] = (0, 1, 2, 4, 8), seeds: int = 10, **train_kwargs: Any
) -> dict[int, float]:
    """For each hidden-layer size, the fraction of seeds whose network learns all of XOR.

    Chapter 2.3: training from ``seeds`` different initial weights (seeds ``0 … seeds-1``), how
    often does ``2 → Dense(u) → Dense(1)`` reach 100 % on the four XOR rows? No hidden layer
    never does (at most 3/4 is possible); two hidden units can, but gradient descent sometimes
    stalls in a poor solution; wider layers succeed more reliably.

    Args:
        units: hidden-layer sizes to try, integers ≥ 0; default ``(0, 1, 2, 4, 8)``.
        seeds: number of initial weights per size, positive integer; default 10.
        **train_kwargs: passed to :func:`train_xor` (``activation``, ``epochs``, …).

    Returns:
        ``{units: fraction of seeds with accuracy 1.0}``.
    """
    from dlcourse import data

    seeds = check_positive_int(seeds, "seeds")
    x, y = data.xor_table()
    rates = {}
    for u in units:
        solved = [
            binary_accuracy(train_xor(u, x, y, seed=s, **train_kwargs), x, y) == 1.0
            for s in range(seeds)
        ]
        rates[int(u)] = float(np.mean(solved))
    return rates


def plot_xor(linear: Any, network: Any, x: Any, y: Any) -> Figure:
    """Three panels: a linear model on XOR, a network with a hidden layer, its hidden space.

    Chapter 2.3 and 2.7 (representation learning). Left: the decision boundary of ``linear``
    (no hidden layer): one straight line. Middle: ``network``'s boundary, curved. Right: the
    points at their hidden activations ``h = f(x W₁ + b₁)`` (two hidden units), where the
    output neuron's single line ``h W₂ + b₂ = 0`` now separates the classes.

    Args:
        linear: a trained model with no hidden layer (``predict(x, verbose=0) -> (n, 1)``).
        network: a trained :class:`dlcourse.nn.Sequential` whose first layer has 2 units and
            whose second layer is the output.
        x: points ``(n, 2)``; y: labels ``(n,)`` in {0, 1}.

    Returns:
        The matplotlib ``Figure``.
    """
    import matplotlib.pyplot as plt

    from dlcourse import plots

    x = _points2d(x)
    y = _labels01(y)
    check_same_length(x, y)
    if len(network.layers) != 2 or network.layers[0].params["kernel"].shape[1] != 2:
        raise ValueError(
            "Argument `network` must have one hidden layer of 2 units and an output layer. "
            f"Received layers: {[layer.name for layer in network.layers]}"
        )
    fig, axes = plt.subplots(1, 3, figsize=(13.5, 4.2))
    window = (float(x.min()) - 0.4, float(x.max()) + 0.4)
    for ax, model, name in ((axes[0], linear, "no hidden layer"), (axes[1], network, "2 hidden")):
        plots.decision_boundary(
            lambda p, m=model: m.predict(p.astype(np.float32), verbose=0),
            x,
            y,
            xlim=window,
            ylim=window,
            ax=ax,
        )
        ax.set_title(f"{name}: accuracy {binary_accuracy(model, x, y):.2f}", fontsize=11)
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
    axes[1].set_title(
        f"one hidden layer (2 units): accuracy {binary_accuracy(network, x, y):.2f}", fontsize=11
    )
    h = hidden_features(network, x.astype(np.float32))
    output = network.layers[1]
    plots.decision_boundary(
        lambda p: output.forward(p.astype(np.float32)),
        h,
        y,
        xlim=(-1.1, 1.1),
        ylim=(-1.1, 1.1),
        ax=axes[2],
    )
    axes[2].set_title("hidden space: one line separates", fontsize=11)
    axes[2].set_xlabel("$h_1$ (hidden unit 1)")
    axes[2].set_ylabel("$h_2$ (hidden unit 2)")
    fig.tight_layout()
    return fig


# ---- deep versus shallow learners, learned features -----------------------------------------


def load_flat_images(
    dataset: str = "digits", n: int | None = None, seed: int = 0, split: str = "train"
) -> tuple[np.ndarray, np.ndarray, tuple[int, int]]:
    """Images as rows of pixels in [0, 1], for the learners' comparison of chapter 2.6.

    Args:
        dataset: ``"digits"`` (default; scikit-learn's 1,797 8×8 images, offline) or
            ``"mnist"`` (28×28, from :func:`dlcourse.data.load_mnist`).
        n: keep a random subset of ``n`` images (positive integer); default ``None``: all.
        seed: seed of that subset; default 0.
        split: ``"train"`` (default) or ``"test"``, for MNIST; digits has one split.

    Returns:
        ``x`` float32 ``(n, H·W)``, ``y`` int64 ``(n,)``, and the image shape ``(H, W)``.
    """
    from dlcourse import data

    check_in(dataset, "dataset", list(DATASETS))
    check_in(split, "split", ("train", "test"))
    if dataset == "digits":
        x, y = data.load_digits(flat=True)
    else:
        images, labels = data.load_mnist(split)
        x = images.reshape(len(images), -1).astype(np.float32) / np.float32(255.0)
        y = labels.astype(np.int64)
    if n is not None:
        n = check_positive_int(n, "n")
        if n < len(x):
            keep = np.sort(np.random.default_rng(seed).choice(len(x), size=n, replace=False))
            x, y = x[keep], y[keep]
    return x, y, DATASETS[dataset]


def train_mlp(
    x: Any, y: Any, hidden_units: int = 64, epochs: int = 30, batch_size: int = 32, seed: int = 0
) -> nn.Sequential:
    """Train ``d → Dense(hidden_units, relu) → Dense(classes, softmax)`` with Adam.

    Chapter 2.6: the multilayer perceptron (多层感知机) of the comparison with shallow learners;
    sparse categorical cross-entropy on integer labels, ``dlcourse.nn``.

    Args:
        x: inputs ``(n, d)``; y: integer labels ``(n,)`` from 0.
        hidden_units: positive integer; default 64.
        epochs, batch_size: positive integers; defaults 30 and 32.
        seed: seed of the initial weights and the shuffling; default 0.

    Returns:
        The trained :class:`dlcourse.nn.Sequential`.
    """
    x = as_float_array(x, "x", ndim=2)
    y = np.asarray(y)
    check_same_length(x, y)
    if not np.issubdtype(y.dtype, np.integer) or y.ndim != 1 or y.min() < 0:
        raise ValueError(
            f"Argument `y` must hold integer class labels (n,) from 0. Received: {describe(y)}"
        )
    model = nn.Sequential(
        [
            Dense(check_positive_int(hidden_units, "hidden_units"), activation="relu"),
            Dense(int(y.max()) + 1, activation="softmax"),
        ],
        seed=seed,
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(
        x,
        y,
        epochs=check_positive_int(epochs, "epochs"),
        batch_size=check_positive_int(batch_size, "batch_size"),
        verbose=0,
    )
    return model


def hidden_features(model: Any, x: Any) -> np.ndarray:
    """The first hidden layer's output ``h = f(x W₁ + b₁)``: the features the network learned.

    Args:
        model: a :class:`dlcourse.nn.Sequential` with at least two layers.
        x: inputs ``(n, d)``.

    Returns:
        ``h`` of shape ``(n, units of the first layer)``.
    """
    layers = getattr(model, "layers", None)
    if not layers or len(layers) < 2:
        raise ValueError(
            "Argument `model` must have a hidden layer before its output layer. "
            f"Received: {describe(model)}"
        )
    return layers[0].forward(as_float_array(x, "x", min_ndim=2))


def compare_learners(
    x_train: Any, y_train: Any, x_test: Any, y_test: Any, mlp: Any
) -> dict[str, dict[str, float]]:
    """Test accuracy of shallow learners on raw pixels and on the MLP's learned features.

    Chapter 2.6, "Deep learning and machine learning (深度学习与机器学习)". Shallow learners
    (scikit-learn, default settings): an SVM with an RBF kernel (``SVC``), a decision tree
    (``DecisionTreeClassifier(random_state=0)``) and Gaussian naive Bayes (``GaussianNB``).
    Each is trained twice: on the raw pixels, and on ``h = hidden_features(mlp, x)``, the
    features the MLP's hidden layer learned from the training set (representation learning,
    表示学习). The MLP itself is evaluated on raw pixels.

    Args:
        x_train, y_train: training rows ``(n, d)`` and integer labels ``(n,)``.
        x_test, y_test: test rows ``(m, d)`` and labels ``(m,)``.
        mlp: a trained :class:`dlcourse.nn.Sequential` (e.g. from :func:`train_mlp`).

    Returns:
        ``{learner: {"raw pixels": accuracy, "learned features": accuracy}}``; the MLP's entry
        has only ``"raw pixels"``.
    """
    from sklearn.naive_bayes import GaussianNB
    from sklearn.svm import SVC
    from sklearn.tree import DecisionTreeClassifier

    x_train = as_float_array(x_train, "x_train", ndim=2)
    x_test = as_float_array(x_test, "x_test", ndim=2)
    y_train, y_test = np.asarray(y_train), np.asarray(y_test)
    check_same_length(x_train, y_train, "x_train", "y_train")
    check_same_length(x_test, y_test, "x_test", "y_test")
    h_train, h_test = hidden_features(mlp, x_train), hidden_features(mlp, x_test)
    learners = {
        "SVM (RBF kernel)": lambda: SVC(),
        "decision tree": lambda: DecisionTreeClassifier(random_state=0),
        "naive Bayes": lambda: GaussianNB(),
    }
    results: dict[str, dict[str, float]] = {}
    for name, make in learners.items():
        results[name] = {
            "raw pixels": float(make().fit(x_train, y_train).score(x_test, y_test)),
            "learned features": float(make().fit(h_train, y_train).score(h_test, y_test)),
        }
    predicted = np.asarray(mlp.predict(x_test, verbose=0)).argmax(axis=1)
    results["MLP (1 hidden layer)"] = {"raw pixels": float(np.mean(predicted == y_test))}
    return results


def accuracy_table(results: Mapping[str, Mapping[str, float]], digits: int = 2) -> str:
    """``compare_learners``' results as a text table, accuracies rounded to ``digits`` decimals.

    Returns:
        One line per learner, one column per feature set ("—" where not measured).
    """
    columns: list[str] = []
    for row in results.values():
        columns += [c for c in row if c not in columns]
    width = max(len(name) for name in results) + 2
    lines = [" " * width + "  ".join(f"{c:>16}" for c in columns)]
    for name, row in results.items():
        cells = [f"{row[c]:>16.{digits}f}" if c in row else f"{'—':>16}" for c in columns]
        lines.append(f"{name:<{width}}" + "  ".join(cells))
    return "\n".join(lines)


def plot_hidden_units(
    model: Any, x: Any, image_shape: tuple[int, int] = (8, 8), n_units: int = 8, top: int = 20
) -> Figure:
    """What hidden units learned: their weights as images, and the inputs that excite them most.

    Chapter 2.7, "Representation learning (表示学习)". For the ``n_units`` units of the first
    hidden layer whose activations vary most over ``x``: top row, the unit's weights
    ``W₁[:, j]`` reshaped to an image (red positive, blue negative: the pattern the unit
    looks for); bottom row, the mean of the ``top`` inputs with the highest activation.

    Args:
        model: a :class:`dlcourse.nn.Sequential` whose first layer is ``Dense``.
        x: inputs ``(n, H·W)``, e.g. the training images.
        image_shape: ``(H, W)``; default ``(8, 8)``.
        n_units: units shown, positive integer; default 8.
        top: inputs averaged per unit, positive integer; default 20.

    Returns:
        The matplotlib ``Figure`` (2 rows × ``n_units`` columns).
    """
    import matplotlib.pyplot as plt

    x = as_float_array(x, "x", ndim=2)
    kernel = model.layers[0].params["kernel"]
    if kernel.shape[0] != int(np.prod(image_shape)) or x.shape[1] != kernel.shape[0]:
        raise ValueError(
            f"The first layer's kernel {kernel.shape} and x {x.shape} must have "
            f"{int(np.prod(image_shape))} inputs, for images of shape {image_shape}."
        )
    n_units = min(check_positive_int(n_units, "n_units"), kernel.shape[1])
    top = min(check_positive_int(top, "top"), len(x))
    h = hidden_features(model, x)
    units = _most_varied_units(h, n_units)
    fig, axes = plt.subplots(2, n_units, figsize=(1.35 * n_units, 3.2), squeeze=False)
    for col, j in enumerate(units):
        w = kernel[:, j].reshape(image_shape)
        limit = float(np.abs(w).max()) or 1.0
        axes[0, col].imshow(w, cmap="RdBu_r", vmin=-limit, vmax=limit)
        axes[0, col].set_title(f"unit {j}", fontsize=9)
        best = np.argsort(-h[:, j], kind="stable")[:top]
        axes[1, col].imshow(x[best].mean(axis=0).reshape(image_shape), cmap="gray_r")
        for ax in axes[:, col]:
            ax.set_xticks([])
            ax.set_yticks([])
    axes[0, 0].set_ylabel("weights", fontsize=9)
    axes[1, 0].set_ylabel(f"top {top}\ninputs", fontsize=9)
    fig.tight_layout()
    return fig


def _most_varied_units(h: np.ndarray, n_units: int) -> np.ndarray:
    """Indices of the ``n_units`` columns of ``h`` with the largest standard deviation."""
    return np.argsort(-h.std(axis=0), kind="stable")[:n_units]


def top_input_purity(
    model: Any, x: Any, y: Any, n_units: int = 10, top: int = 20, seed: int = 0
) -> tuple[float, float]:
    """How often the inputs that excite a hidden unit most share one class, against chance.

    Chapter 2.7. For each of the ``n_units`` units that :func:`plot_hidden_units` shows (the
    first hidden layer's units whose activations vary most over ``x``), take the ``top`` inputs
    with the highest activation and the fraction of them that belong to their most common
    class; average over the units. The same for 1,000 random sets of ``top`` inputs gives the
    chance level. A unit that has learned a feature of some class scores well above chance.

    Args:
        model: a :class:`dlcourse.nn.Sequential` with a hidden layer.
        x: inputs ``(n, d)``; y: integer labels ``(n,)``.
        n_units, top: positive integers; defaults 10 and 20.
        seed: seed of the random sets; default 0.

    Returns:
        ``(purity of the top inputs, purity of random sets)``, each in ``(0, 1]``.
    """
    x = as_float_array(x, "x", ndim=2)
    y = np.asarray(y)
    check_same_length(x, y)
    if not np.issubdtype(y.dtype, np.integer) or y.ndim != 1 or y.min() < 0:
        raise ValueError(
            f"Argument `y` must hold integer class labels (n,) from 0. Received: {describe(y)}"
        )
    top = min(check_positive_int(top, "top"), len(x))
    h = hidden_features(model, x)
    units = _most_varied_units(h, check_positive_int(n_units, "n_units"))

    def purity(rows: np.ndarray) -> float:
        return np.bincount(y[rows]).max() / len(rows)

    best = [purity(np.argsort(-h[:, j], kind="stable")[:top]) for j in units]
    rng = np.random.default_rng(seed)
    random = [purity(rng.choice(len(x), size=top, replace=False)) for _ in range(1000)]
    return float(np.mean(best)), float(np.mean(random))
