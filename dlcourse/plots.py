"""Static matplotlib pictures used by the chapters and by the widgets' still frames.

Three pictures recur in the course:

- :func:`optimizer_paths`: contour lines of a 2-D loss surface with the path of each optimizer
  (chapter 3, gradient descent; the optimizer race draws its background with
  :func:`draw_surface`);
- :func:`decision_boundary`: what a classifier predicts over the plane, with the points it was
  trained and tested on (chapters 2, 3 and 6; the neuron and the playground);
- :func:`loss_curves`: training and validation loss (and metrics) per epoch (chapters 3 and 6;
  :class:`dlcourse.widgets.LiveLoss` draws the same panels while a model trains).

Each function draws into ``ax`` when given one, else into a new ``plt.subplots()`` figure, and
returns the axes, so a notebook cell can end with ``plots.loss_curves(history);``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap, ListedColormap
from matplotlib.contour import QuadContourSet

from dlcourse._checks import as_float_array, check_positive_int, check_same_length, describe

__all__ = [
    "BOUNDARY_CMAP",
    "CLASS_COLOURS",
    "check_window",
    "decision_boundary",
    "draw_surface",
    "get_axes",
    "group_metrics",
    "loss_curves",
    "optimizer_paths",
]

#: Class colours (class 0 orange, class 1 blue, as in the TensorFlow playground, then more).
CLASS_COLOURS = ("#f59322", "#0877bd", "#3b9e3b", "#b5179e", "#6d6d6d")
BOUNDARY_CMAP = LinearSegmentedColormap.from_list(
    "dlcourse_boundary", ["#f59322", "#e8eaeb", "#0877bd"]
)
"""Colour map of a class-1 probability: orange (0), light grey (0.5), blue (1)."""


def get_axes(ax: Axes | None, figsize: tuple[float, float] = (5.0, 4.0)) -> Axes:
    """``ax`` itself, or new Axes of ``figsize`` when it is None (a ``TypeError`` otherwise)."""
    if ax is None:
        import matplotlib.pyplot as plt  # only here: the widgets draw without pyplot

        _, ax = plt.subplots(figsize=figsize)
    elif not isinstance(ax, Axes):
        raise TypeError(
            f"Argument `ax` must be a matplotlib Axes or None. Received: {describe(ax)}"
        )
    return ax


def check_window(lim: Any, name: str) -> tuple[float, float]:
    """``(low, high)`` as floats with ``low < high``, or a ``ValueError`` naming ``name``."""
    arr = as_float_array(lim, name, dtype=np.float64, ndim=1)
    if arr.shape != (2,) or not arr[0] < arr[1]:
        raise ValueError(
            f"Argument `{name}` must be (low, high) with low < high. Received: {name}={lim!r}"
        )
    return float(arr[0]), float(arr[1])


# ---- loss surfaces and optimizer paths ----------------------------------------------------


def draw_surface(
    ax: Axes,
    f: Callable[[np.ndarray, np.ndarray], np.ndarray],
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    *,
    f_min: float = 0.0,
    levels: int = 25,
    resolution: int = 200,
) -> QuadContourSet:
    """Contour lines of a 2-D function, evenly spaced in ``log10(f − f_min + 10⁻³)``.

    Log-spaced levels show both the steep walls and the flat floor of a valley.

    Args:
        ax: the axes to draw into (its limits become ``xlim`` and ``ylim``).
        f: vectorised ``f(X, Y)`` on arrays of the same shape.
        xlim, ylim: the window ``(low, high)``.
        f_min: the minimum of ``f`` (levels start just above it); default 0.
        levels: number of contour levels, positive; default 25.
        resolution: grid points per axis, positive; default 200.

    Returns:
        The contour set (its artists live in ``ax``).
    """
    xlim, ylim = check_window(xlim, "xlim"), check_window(ylim, "ylim")
    levels = check_positive_int(levels, "levels")
    resolution = check_positive_int(resolution, "resolution")
    X, Y = np.meshgrid(np.linspace(*xlim, resolution), np.linspace(*ylim, resolution))
    with np.errstate(all="ignore"):
        F = np.log10(np.maximum(f(X, Y) - f_min, 0.0) + 1e-3)
    contours = ax.contour(X, Y, F, levels=levels, cmap="viridis", linewidths=0.7, alpha=0.8)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    return contours


def optimizer_paths(
    surface: Any,
    paths: Mapping[str, Any],
    *,
    learning_rates: Mapping[str, float] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Contours of a teaching surface and each optimizer's path over it (chapter 3).

    Args:
        surface: a :class:`dlcourse.widgets.surfaces.Surface` (anything with ``f``, ``xlim``,
            ``ylim``, ``f_min``, ``start``, ``minima`` and ``formula``).
        paths: ``{label: array (steps + 1, 2)}``, e.g. from
            :func:`dlcourse.widgets.trajectories`.
        learning_rates: ``{label: learning rate}`` to show in the legend; default None.
        ax: axes to draw into; default a new figure.

    Returns:
        The axes.
    """
    ax = get_axes(ax, figsize=(6.0, 4.5))
    draw_surface(ax, surface.f, surface.xlim, surface.ylim, f_min=surface.f_min)
    for label, path in paths.items():
        path = as_float_array(
            path, f"paths[{label!r}]", dtype=np.float64, ndim=2, allow_nonfinite=True
        )
        if path.shape[1] != 2:
            raise ValueError(
                f"Argument `paths[{label!r}]` must have shape (steps + 1, 2). "
                f"Received: shape {path.shape}"
            )
        text = label
        if learning_rates is not None and label in learning_rates:
            text = f"{label} (lr={learning_rates[label]:g})"
        (line,) = ax.plot(path[:, 0], path[:, 1], lw=1.5, label=text)
        last = path[np.isfinite(path).all(axis=1)][-1:]
        ax.plot(last[:, 0], last[:, 1], "o", color=line.get_color(), ms=5)
    ax.plot(*surface.start, "kx", ms=8, mew=2, label="start")
    minima = np.asarray(surface.minima, dtype=np.float64).reshape(-1, 2)
    ax.plot(minima[:, 0], minima[:, 1], "k*", ms=10, label="minimum")
    ax.set_title(f"f(x, y) = {surface.formula}", fontsize=9)
    ax.legend(fontsize=8, loc="best")
    return ax


# ---- decision boundaries -------------------------------------------------------------------


def decision_boundary(
    predict: Callable[[np.ndarray], np.ndarray],
    x: Any,
    y: Any,
    *,
    x_test: Any = None,
    y_test: Any = None,
    xlim: tuple[float, float] | None = None,
    ylim: tuple[float, float] | None = None,
    resolution: int = 100,
    ax: Axes | None = None,
) -> Axes:
    """What a 2-D classifier predicts over the plane, with the labelled points on top.

    The background shows ``p = predict(points)`` on a ``resolution × resolution`` grid: for one
    output column (a sigmoid unit) the probability of class 1 from orange (0) to blue (1), with
    the line ``p = 0.5``; for several columns (softmax) the colour of the most likely class.
    Training points have white edges, test points black edges.

    Args:
        predict: maps an array ``(n, 2)`` to ``(n,)``, ``(n, 1)`` probabilities or ``(n, K)``
            class scores (e.g. ``model.predict`` with ``verbose=0``).
        x: float array ``(n, 2)``; y: integer labels ``(n,)``.
        x_test, y_test: optional test points, drawn with black edges.
        xlim, ylim: the window; default the points' range plus a margin.
        resolution: grid points per axis, positive; default 100.
        ax: axes to draw into; default a new figure.

    Returns:
        The axes.
    """
    x = as_float_array(x, "x", dtype=np.float64, ndim=2)
    y = np.asarray(y).reshape(-1)
    check_same_length(x, y)
    if x.shape[1] != 2:
        raise ValueError(f"Argument `x` must have shape (n, 2). Received: shape {x.shape}")
    resolution = check_positive_int(resolution, "resolution")
    every = x if x_test is None else np.vstack([x, as_float_array(x_test, "x_test", ndim=2)])
    margin = 0.1 * (every.max(axis=0) - every.min(axis=0)) + 1e-9
    xlim = (
        check_window(xlim, "xlim")
        if xlim is not None
        else (every[:, 0].min() - margin[0], every[:, 0].max() + margin[0])
    )
    ylim = (
        check_window(ylim, "ylim")
        if ylim is not None
        else (every[:, 1].min() - margin[1], every[:, 1].max() + margin[1])
    )
    ax = get_axes(ax)
    X, Y = np.meshgrid(np.linspace(*xlim, resolution), np.linspace(*ylim, resolution))
    scores = np.asarray(predict(np.column_stack([X.ravel(), Y.ravel()])))
    scores = scores.reshape(resolution * resolution, -1)
    extent = (*xlim, *ylim)
    if scores.shape[1] == 1:
        P = scores[:, 0].reshape(X.shape)
        ax.imshow(
            P,
            origin="lower",
            extent=extent,
            cmap=BOUNDARY_CMAP,
            vmin=0,
            vmax=1,
            alpha=0.6,
            aspect="auto",
            interpolation="bilinear",
        )
        ax.contour(X, Y, P, levels=[0.5], colors="k", linewidths=1)
    else:
        classes = scores.argmax(axis=1).reshape(X.shape)
        cmap = ListedColormap(CLASS_COLOURS[: scores.shape[1]])
        ax.imshow(
            classes,
            origin="lower",
            extent=extent,
            cmap=cmap,
            vmin=-0.5,
            vmax=scores.shape[1] - 0.5,
            alpha=0.35,
            aspect="auto",
            interpolation="nearest",
        )
    _scatter_classes(ax, x, y, edge="white")
    if x_test is not None:
        _scatter_classes(
            ax,
            as_float_array(x_test, "x_test", ndim=2),
            np.asarray(y_test).reshape(-1),
            edge="black",
        )
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    return ax


def _scatter_classes(ax: Axes, x: np.ndarray, y: np.ndarray, edge: str) -> None:
    colours = np.array(CLASS_COLOURS)[np.asarray(y, dtype=np.int64) % len(CLASS_COLOURS)]
    ax.scatter(x[:, 0], x[:, 1], c=colours, s=18, edgecolors=edge, linewidths=0.8)


# ---- loss curves ----------------------------------------------------------------------------


def group_metrics(keys: Iterable[str]) -> dict[str, list[str]]:
    """Pair each metric with its validation twin: ``{"loss": ["loss", "val_loss"], ...}``.

    The order is first appearance of the base name; ``loss`` comes first when present.
    """
    groups: dict[str, list[str]] = {}
    for key in keys:
        base = key[4:] if key.startswith("val_") else key
        members = groups.setdefault(base, [])
        if key not in members:
            members.append(key)
    for members in groups.values():
        members.sort(key=lambda k: k.startswith("val_"))
    if "loss" in groups:
        groups = {"loss": groups.pop("loss"), **groups}
    return groups


def loss_curves(
    history: Any,
    *,
    metrics: Sequence[str] | None = None,
    logy: bool = False,
    axes: Sequence[Axes] | None = None,
) -> list[Axes]:
    """Training and validation curves per epoch, one panel per quantity (chapters 3 and 6).

    Args:
        history: a ``History`` (``fit``'s return value, NumPy or Keras) or a dict
            ``{"loss": [...], "val_loss": [...], "accuracy": [...], ...}``.
        metrics: the base names to draw (``"loss"``, ``"accuracy"``, ...); default all.
        logy: log scale for the loss panel; default False.
        axes: one axes per panel; default a new figure with a row of panels.

    Returns:
        The list of axes, one per panel.
    """
    logs = getattr(history, "history", history)
    if not isinstance(logs, Mapping) or not logs:
        raise ValueError(
            "Argument `history` must be a History or a non-empty dict of lists. "
            f"Received: {describe(history)}"
        )
    groups = group_metrics(logs)
    if metrics is not None:
        unknown = [m for m in metrics if m not in groups]
        if unknown:
            raise ValueError(
                f"Argument `metrics` names {unknown}, which the history does not hold. "
                f"Available: {list(groups)}"
            )
        groups = {m: groups[m] for m in metrics}
    if axes is None:
        import matplotlib.pyplot as plt

        _, created = plt.subplots(1, len(groups), figsize=(4.5 * len(groups), 3.2), squeeze=False)
        axes = list(created[0])
    elif len(axes) != len(groups):
        raise ValueError(
            f"Argument `axes` must hold one axes per panel ({len(groups)}: {list(groups)}). "
            f"Received: {len(axes)} axes"
        )
    for ax, (base, keys) in zip(axes, groups.items(), strict=True):
        for key in keys:
            values = np.asarray(logs[key], dtype=np.float64)
            epochs = np.arange(1, len(values) + 1)
            style = "--" if key.startswith("val_") else "-"
            label = "validation" if key.startswith("val_") else "training"
            ax.plot(epochs, values, style, label=label)
        ax.set_xlabel("epoch")
        ax.set_title(base)
        if logy and base == "loss":
            ax.set_yscale("log")
        ax.legend(fontsize=8)
    return list(axes)
