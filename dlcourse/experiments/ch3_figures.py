"""Figures of chapter 3, "Algorithms and maths" (核心算法原理…数学模型公式详细讲解).

==================================  ===============================================================
:func:`plot_activations`            sigmoid, tanh, ReLU and their derivatives; softmax of three
                                    scores as one of them varies
:func:`plot_line_fit`               linear regression by gradient descent: the data and the lines,
                                    the loss per step, the path over the loss surface ``J(w, b)``
:func:`plot_learning_rates`         the same descent with a too small, a good and a too large α
:func:`plot_optimizer_surfaces`     optimizers' paths over two teaching surfaces (static twin of
                                    the optimizer race)
:func:`plot_regularized_kernels`    the weights of one class without, with L2 and with L1
:func:`plot_feature_maps`           a digit, hand-made filters, the feature maps and their pooling
==================================  ===============================================================

Each function returns the matplotlib ``Figure``; a notebook cell ends with ``plt.show()`` or
``;``. The numbers come from :mod:`dlcourse.experiments.ch3_maths` and :mod:`dlcourse.nn`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from dlcourse import plots
from dlcourse._checks import as_float_array, check_positive_int, describe
from dlcourse.experiments.ch3_maths import LinearFit, RegularizedModel, half_mse, least_squares
from dlcourse.nn import activations

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "plot_activations",
    "plot_feature_maps",
    "plot_learning_rates",
    "plot_line_fit",
    "plot_optimizer_surfaces",
    "plot_regularized_kernels",
]


def _figure(ncols: int, figsize: tuple[float, float], nrows: int = 1):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, squeeze=False)
    return fig, axes


def plot_activations(x_range: tuple[float, float] = (-6.0, 6.0)) -> Figure:
    """Three panels: the activations, their derivatives, and softmax (chapter 3, 激活函数).

    Left: ``σ(x)``, ``tanh(x)``, ``ReLU(x)``. Middle: ``σ'(x) = σ(1 − σ)`` (at most 1/4),
    ``tanh'(x) = 1 − tanh²`` (at most 1) and ``ReLU'(x)`` (0 or 1), from
    :mod:`dlcourse.nn.activations`. Right: ``softmax([z, 1, 0])`` as ``z`` varies: the three
    probabilities always sum to one.

    Args:
        x_range: ``(low, high)`` of the x axis; default ``(-6, 6)``.

    Returns:
        The figure.
    """
    low, high = plots.check_window(x_range, "x_range")
    x = np.linspace(low, high, 401)
    fig, axes = _figure(3, (13.5, 3.6))
    curves = {
        "sigmoid": (activations.sigmoid, activations.sigmoid_derivative),
        "tanh": (activations.tanh, activations.tanh_derivative),
        "ReLU": (activations.relu, activations.relu_derivative),
    }
    for name, (f, df) in curves.items():
        axes[0, 0].plot(x, f(x), label=name)
        axes[0, 1].plot(x, df(x), label=name + "'")
    axes[0, 0].set_ylim(-1.2, 2.2)
    axes[0, 0].set_title("activations f(x)")
    axes[0, 1].set_title("derivatives f'(x)")
    probs = activations.softmax(np.stack([x, np.ones_like(x), np.zeros_like(x)], axis=1))
    for i, label in enumerate(("z", "1", "0")):
        axes[0, 2].plot(x, probs[:, i], label=f"p(score {label})")
    axes[0, 2].plot(x, probs.sum(axis=1), "k:", label="sum")
    axes[0, 2].set_title("softmax([z, 1, 0])")
    for ax in axes[0]:
        ax.axhline(0, color="0.6", lw=0.6)
        ax.axvline(0, color="0.6", lw=0.6)
        ax.set_xlabel("x" if ax is not axes[0, 2] else "z")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="center left" if ax is axes[0, 2] else "upper left")
    fig.tight_layout()
    return fig


def _excess_loss(fit: LinearFit, minimum: float) -> np.ndarray:
    """``J(θ_t) − min J`` per step, floored at 1e-16 for a log axis (rounding ends there)."""
    return np.maximum(fit.losses - minimum, 1e-16)


def _loss_contours(ax: Axes, x: np.ndarray, y: np.ndarray, paths: Mapping[str, np.ndarray]):
    """Contours of ``J(w, b)`` around the least-squares point, with descent paths over them."""
    w_star, b_star = least_squares(x, y)
    finite = [p[np.isfinite(p).all(axis=1)] for p in paths.values()]
    points = np.concatenate([np.array([[w_star, b_star]]), *finite])
    span = np.clip(np.abs(points - [w_star, b_star]).max(axis=0), 1.0, 4.0) * 1.25
    ws = np.linspace(w_star - span[0], w_star + span[0], 121)
    bs = np.linspace(b_star - span[1], b_star + span[1], 121)
    W, B = np.meshgrid(ws, bs)
    err = W[..., None] * x + B[..., None] - y
    J = np.mean(err**2, axis=-1) / 2
    ax.contour(W, B, np.log10(J), levels=20, cmap="viridis", linewidths=0.7)
    for label, path in paths.items():
        ax.plot(path[:, 0], path[:, 1], ".-", ms=3, lw=1, label=label)
    ax.plot(w_star, b_star, "k*", ms=11, label="least squares")
    ax.set_xlim(ws[0], ws[-1])
    ax.set_ylim(bs[0], bs[-1])
    ax.set_xlabel("w")
    ax.set_ylabel("b")
    ax.set_title("path over the loss surface J(w, b)")
    ax.legend(fontsize=8, loc="upper left")


def plot_line_fit(x: Any, y: Any, fit: LinearFit) -> Figure:
    """Linear regression by gradient descent, in three panels (chapter 3, 线性回归).

    Left: the points, the line found by gradient descent and the least-squares line. Middle:
    the excess loss ``J(θ_t) − min J`` per step on a log scale (a straight line: the error
    shrinks by a constant factor per step). Right: the path of ``(w, b)`` over the contours of
    ``J``.

    Args:
        x, y: the data, float arrays ``(m,)``.
        fit: the result of :func:`~dlcourse.experiments.ch3_maths.fit_line_gd` on them.

    Returns:
        The figure.
    """
    x, y = _xy(x, y)
    _check_fit(fit)
    w_star, b_star = least_squares(x, y)
    fig, axes = _figure(3, (14.0, 3.9))
    ax = axes[0, 0]
    ax.scatter(x, y, s=14, color="0.4", label="data")
    grid = np.linspace(x.min(), x.max(), 2)
    ax.plot(grid, fit.w * grid + fit.b, lw=2.5, label=f"gradient descent: {fit.w:.2f}x{fit.b:+.2f}")
    ax.plot(grid, w_star * grid + b_star, "k--", lw=1, label="least squares")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("y = wx + b")
    ax.legend(fontsize=8)
    ax = axes[0, 1]
    ax.semilogy(
        _excess_loss(fit, half_mse(w_star, b_star, x, y)), label=f"α = {fit.learning_rate:g}"
    )
    ax.set_xlabel("step")
    ax.set_title("J(θ) − min J  (log scale)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    _loss_contours(axes[0, 2], x, y, {f"α = {fit.learning_rate:g}": fit.path})
    fig.tight_layout()
    return fig


def plot_learning_rates(x: Any, y: Any, fits: Sequence[LinearFit]) -> Figure:
    """Gradient descent with several learning rates (chapter 3, 学习率).

    Left: ``J(θ_t) − min J`` per step (log scale) for each α. Right: the paths over
    ``J(w, b)`` (only the first 8 steps of a diverging path, which soon leaves the window).

    Args:
        x, y: the data, float arrays ``(m,)``.
        fits: results of :func:`~dlcourse.experiments.ch3_maths.fit_line_gd`, one per α.

    Returns:
        The figure.
    """
    x, y = _xy(x, y)
    if isinstance(fits, LinearFit) or not fits:
        raise ValueError(
            f"Argument `fits` must be a non-empty list of LinearFit. Received: {fits!r}"
        )
    for fit in fits:
        _check_fit(fit)
    fig, axes = _figure(2, (12.0, 4.0))
    w_star, b_star = least_squares(x, y)
    minimum = half_mse(w_star, b_star, x, y)
    paths = {}
    for fit in fits:
        status = "diverges" if fit.diverged else f"J = {fit.losses[-1]:.3f}"
        label = f"α = {fit.learning_rate:g} ({status})"
        axes[0, 0].semilogy(_excess_loss(fit, minimum), label=label)
        paths[f"α = {fit.learning_rate:g}"] = fit.path[:8] if fit.diverged else fit.path
    axes[0, 0].set_xlabel("step")
    axes[0, 0].set_title("J(θ) − min J  (log scale)")
    axes[0, 0].grid(alpha=0.3)
    axes[0, 0].legend(fontsize=8)
    _loss_contours(axes[0, 1], x, y, paths)
    fig.tight_layout()
    return fig


def plot_optimizer_surfaces(
    surfaces: Sequence[str] = ("quadratic", "saddle"), steps: int = 150
) -> Figure:
    """Optimizers' paths over teaching surfaces, side by side (chapter 3, 优化算法).

    The paths are :func:`dlcourse.widgets.trajectories` (the course's NumPy optimizers with
    each surface's preset learning rates), drawn by :func:`dlcourse.plots.optimizer_paths`.

    Args:
        surfaces: names from ``dlcourse.widgets.SURFACES``; default ``("quadratic", "saddle")``.
        steps: steps per path, positive; default 150.

    Returns:
        The figure.
    """
    from dlcourse.widgets import surfaces as S

    steps = check_positive_int(steps, "steps")
    if isinstance(surfaces, str) or not surfaces:
        raise ValueError(
            f"Argument `surfaces` must be a non-empty list of names. Received: {surfaces!r}"
        )
    fig, axes = _figure(len(surfaces), (6.2 * len(surfaces), 4.6))
    for ax, name in zip(axes[0], surfaces, strict=True):
        surface = S.get_surface(name)
        paths = S.trajectories(surface, steps=steps)
        plots.optimizer_paths(surface, paths, learning_rates=surface.learning_rates, ax=ax)
        ax.set_title(f"{name}: f(x, y) = {surface.formula}, {steps} steps", fontsize=9)
    fig.tight_layout()
    return fig


def plot_regularized_kernels(
    results: Mapping[str, RegularizedModel], digit: int = 0, image_shape: tuple[int, int] = (8, 8)
) -> Figure:
    """The weights one class gives each pixel, per penalty, and all weights' histogram.

    One image per model: column ``digit`` of the kernel reshaped to the image (red positive,
    blue negative, white zero, one colour scale for all). Last panel: histogram of every
    kernel entry per model (L1 piles them up at zero). Chapter 3, "Regularisation" (正则化).

    Args:
        results: the output of
            :func:`~dlcourse.experiments.ch3_maths.regularization_experiment`.
        digit: the class whose weights are shown, 0–9; default 0.
        image_shape: ``(H, W)`` of the images; default ``(8, 8)``.

    Returns:
        The figure.
    """
    if not isinstance(results, Mapping) or not results:
        raise ValueError(
            f"Argument `results` must be a non-empty dict of RegularizedModel. "
            f"Received: {describe(results)}"
        )
    if isinstance(digit, bool) or not isinstance(digit, (int, np.integer)) or not 0 <= digit < 10:
        raise ValueError(f"Argument `digit` must be an integer in [0, 9]. Received: {digit!r}")
    n = len(results)
    fig, axes = _figure(n + 1, (3.0 * n + 4.5, 3.3))
    kernels = {k: r.kernel for k, r in results.items()}
    limit = max(np.abs(k[:, digit]).max() for k in kernels.values())
    for ax, (label, result) in zip(axes[0], results.items(), strict=False):
        image = result.kernel[:, digit].reshape(image_shape)
        ax.imshow(image, cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(f"{label}: ‖W‖ = {result.l2_norm:.1f}", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    ax = axes[0, n]
    bins = np.linspace(-1.5, 1.5, 61)
    for label, kernel in kernels.items():
        ax.hist(np.clip(kernel.ravel(), bins[0], bins[-1]), bins=bins, histtype="step", label=label)
    ax.set_yscale("log")
    ax.set_xlabel("weight")
    ax.set_title("all 640 weights", fontsize=9)
    ax.legend(fontsize=8)
    fig.suptitle(f"weights of class {digit}, one per pixel (red > 0, blue < 0)", fontsize=10)
    fig.tight_layout()
    return fig


def plot_feature_maps(
    image: Any, kernel: Any, names: Sequence[str], feature_maps: Any, pooled: Any
) -> Figure:
    """A digit, the filters, what each filter sees, and the pooled maps (chapter 3, 卷积, 池化).

    Args:
        image: the input ``(H, W, 1)``.
        kernel: the filters ``(kh, kw, 1, F)``.
        names: ``F`` filter names.
        feature_maps: the convolution's output ``(H', W', F)`` (one image, no batch axis).
        pooled: the pooling's output ``(H'', W'', F)``.

    Returns:
        The figure: row 1 the input and the filters, row 2 the feature maps, row 3 the pooled
        maps.
    """
    image = as_float_array(image, "image", ndim=3)
    kernel = as_float_array(kernel, "kernel", ndim=4)
    feature_maps = as_float_array(feature_maps, "feature_maps", ndim=3)
    pooled = as_float_array(pooled, "pooled", ndim=3)
    filters = kernel.shape[-1]
    if not (len(names) == feature_maps.shape[-1] == pooled.shape[-1] == filters):
        raise ValueError(
            f"Arguments `names`, `feature_maps` and `pooled` must have one entry per filter "
            f"({filters}). Received: {len(names)} names, feature maps {feature_maps.shape}, "
            f"pooled {pooled.shape}"
        )
    fig, axes = _figure(filters + 1, (2.3 * (filters + 1), 7.0), nrows=3)
    for ax in axes.ravel():
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0, 0].imshow(image[..., 0], cmap="gray_r")
    axes[0, 0].set_title(f"input {image.shape[0]}×{image.shape[1]}", fontsize=9)
    axes[1, 0].axis("off")
    axes[2, 0].axis("off")
    axes[1, 0].text(0.5, 0.5, "convolution\n→ feature maps", ha="center", va="center")
    axes[2, 0].text(0.5, 0.5, "max pooling 2×2\n→ pooled maps", ha="center", va="center")
    for f in range(filters):
        k, fmap = kernel[:, :, 0, f], feature_maps[..., f]
        lim = np.abs(k).max()
        axes[0, f + 1].imshow(k, cmap="RdBu_r", vmin=-lim, vmax=lim)
        axes[0, f + 1].set_title(names[f], fontsize=9)
        lim = max(np.abs(fmap).max(), 1e-12)
        axes[1, f + 1].imshow(fmap, cmap="RdBu_r", vmin=-lim, vmax=lim)
        axes[1, f + 1].set_title(f"{fmap.shape[0]}×{fmap.shape[1]}", fontsize=9)
        axes[2, f + 1].imshow(pooled[..., f], cmap="RdBu_r", vmin=-lim, vmax=lim)
        axes[2, f + 1].set_title(f"{pooled.shape[0]}×{pooled.shape[1]}", fontsize=9)
    fig.tight_layout()
    return fig


# ---- helpers ----------------------------------------------------------------------------------


def _xy(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    x = as_float_array(x, "x", dtype=np.float64, ndim=1)
    y = as_float_array(y, "y", dtype=np.float64, ndim=1)
    if len(x) != len(y) or len(x) < 2:
        raise ValueError(
            f"Arguments `x` and `y` must be two arrays of the same length ≥ 2. "
            f"Received: {describe(x)} and {describe(y)}"
        )
    return x, y


def _check_fit(fit: Any) -> None:
    if not isinstance(fit, LinearFit):
        raise TypeError(f"Argument `fit` must be a LinearFit. Received: {describe(fit)}")
