"""One neuron with sliders: weights, bias, activation, and what it computes (chapter 2).

A neuron with two inputs computes ``out = f(z)``, ``z = w₁x₁ + w₂x₂ + b``. The picture shows
``out`` over the plane as a colour map, the line ``z = 0`` where the neuron changes its mind
(``w₁x₁ + w₂x₂ + b = 0``: the weights set its direction, the bias shifts it), and a small
labelled data set; the title says how many points the rule "class 1 where ``z > 0``" gets right.
On ``"xor"`` no setting gets more than three quarters right: one neuron draws one line, which is
why XOR needs a hidden layer (chapter 2).
"""

from __future__ import annotations

import ipywidgets as w
import numpy as np

from dlcourse import data as _data
from dlcourse import plots
from dlcourse._checks import check_in
from dlcourse.nn import activations as _activations
from dlcourse.widgets._display import FrameCanvas, PictureWidget

__all__ = ["ACTIVATIONS", "DATASETS", "Neuron", "neuron"]

#: Activations offered, with the colour range of their output.
ACTIVATIONS = {
    "sigmoid": (0.0, 1.0),
    "tanh": (-1.0, 1.0),
    "relu": (0.0, 4.0),
    "linear": (-4.0, 4.0),
}
#: Small data sets: name → function of a seed returning (x (n, 2), y (n,)).
DATASETS = {
    "blobs": lambda seed: _data.make_blobs(
        60, centers=np.array([[-1.2, -1.0], [1.2, 1.0]]), noise=0.6, seed=seed
    ),
    "xor": lambda seed: _scaled_xor(seed),
}
_WINDOW = (-3.0, 3.0)
_RESOLUTION = 120


def _scaled_xor(seed: int) -> tuple[np.ndarray, np.ndarray]:
    x, y = _data.make_xor(60, noise=0.12, seed=seed)
    return (x - 0.5) * 3.0, y


class Neuron(PictureWidget):
    """A single neuron ``f(w₁x₁ + w₂x₂ + b)`` with sliders; use :func:`neuron` to make one.

    Attributes:
        w1, w2, b: the sliders (``FloatSlider``) of the two weights and the bias.
        activation_control: the ``Dropdown`` of the activation.
        x, y: the data set, ``(n, 2)`` float and ``(n,)`` labels in {0, 1}.
        output_image: the ``AxesImage`` of ``f(z)`` over the plane.
        boundary: the ``Line2D`` of ``z = 0`` (empty when ``w₁ = w₂ = 0``).
        image: the ``ipywidgets.Image`` showing the picture.
    """

    def __init__(
        self,
        w1: float = 1.0,
        w2: float = 1.0,
        b: float = 0.0,
        activation: str = "sigmoid",
        dataset: str = "blobs",
        seed: int = 0,
    ) -> None:
        check_in(activation, "activation", list(ACTIVATIONS))
        check_in(dataset, "dataset", list(DATASETS))
        self.dataset = dataset
        self.x, self.y = DATASETS[dataset](seed)
        self.x = self.x.astype(np.float64)
        grid = np.linspace(*_WINDOW, _RESOLUTION)
        self._gx, self._gy = np.meshgrid(grid, grid)

        slider = dict(
            min=-5.0, max=5.0, step=0.1, continuous_update=True, layout=w.Layout(width="300px")
        )
        self.w1 = w.FloatSlider(value=_number(w1, "w1"), description="w₁", **slider)
        self.w2 = w.FloatSlider(value=_number(w2, "w2"), description="w₂", **slider)
        self.b = w.FloatSlider(value=_number(b, "b"), description="b", **slider)
        self.activation_control = w.Dropdown(
            options=list(ACTIVATIONS),
            value=activation,
            description="activation",
            layout=w.Layout(width="220px"),
        )
        self.image = w.Image(format="png", layout=w.Layout(width="480px"))

        self._build_figure()
        for control in (self.w1, self.w2, self.b, self.activation_control):
            control.observe(self._on_change, names="value")
        self._redraw()
        super().__init__(
            children=[
                w.HBox([self.image, w.VBox([self.w1, self.w2, self.b, self.activation_control])])
            ]
        )

    def _build_figure(self) -> None:
        self.frame_canvas = FrameCanvas(figsize=(6.0, 4.6), dpi=80)
        fig = self.frame_canvas.figure
        ax = fig.subplots()
        self.axes = ax
        self.output_image = ax.imshow(
            np.zeros_like(self._gx),
            origin="lower",
            extent=(*_WINDOW, *_WINDOW),
            cmap=plots.BOUNDARY_CMAP,
            aspect="auto",
            interpolation="bilinear",
            alpha=0.85,
        )
        fig.subplots_adjust(left=0.11, right=0.84, bottom=0.11, top=0.9)
        self.colorbar = fig.colorbar(self.output_image, cax=fig.add_axes((0.87, 0.11, 0.03, 0.79)))
        (self.boundary,) = ax.plot([], [], "k-", lw=2)
        colours = np.array(plots.CLASS_COLOURS)[self.y]
        self.points = ax.scatter(
            self.x[:, 0], self.x[:, 1], c=colours, s=28, edgecolors="k", linewidths=0.6, zorder=3
        )
        ax.set_xlim(_WINDOW)
        ax.set_ylim(_WINDOW)
        ax.set_xlabel("x₁")
        ax.set_ylabel("x₂")
        self.title = ax.set_title("", fontsize=10)
        self.frame_canvas.animate([self.output_image, self.boundary, self.points, self.title])

    @property
    def weights(self) -> tuple[float, float, float]:
        """``(w₁, w₂, b)`` as set by the sliders."""
        return float(self.w1.value), float(self.w2.value), float(self.b.value)

    def output(self, x: np.ndarray) -> np.ndarray:
        """The neuron's output ``f(x W + b)`` for inputs ``x`` of shape ``(n, 2)``."""
        w1, w2, b = self.weights
        act = _activations.get(self.activation_control.value)
        return act.forward(np.asarray(x, dtype=np.float64) @ np.array([w1, w2]) + b)

    def accuracy(self) -> float:
        """The fraction of points on the right side: class 1 where ``z > 0``."""
        w1, w2, b = self.weights
        z = self.x @ np.array([w1, w2]) + b
        return float(np.mean((z > 0).astype(int) == self.y))

    def _on_change(self, change: dict) -> None:
        if change["owner"] is self.activation_control:
            self.frame_canvas.invalidate()  # the colour bar changes
        self._redraw()

    def _redraw(self) -> None:
        w1, w2, b = self.weights
        name = self.activation_control.value
        out = self.output(np.column_stack([self._gx.ravel(), self._gy.ravel()]))
        self.output_image.set_data(out.reshape(self._gx.shape))
        self.output_image.set_clim(*ACTIVATIONS[name])
        self.boundary.set_data(*_line(w1, w2, b))
        self.title.set_text(
            f"{name}({w1:.1f}·x₁ + {w2:.1f}·x₂ + {b:.1f});  accuracy {self.accuracy():.0%}"
        )
        self._png = self.frame_canvas.render()
        self.image.value = self._png

    def __repr__(self) -> str:
        w1, w2, b = self.weights
        return (
            f"Neuron(w1={w1:.2f}, w2={w2:.2f}, b={b:.2f}, "
            f"activation={self.activation_control.value!r}, dataset={self.dataset!r})"
        )


def _number(value: float, name: str) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float, np.floating, np.integer))
        or not -5.0 <= float(value) <= 5.0
    ):
        raise ValueError(
            f"Argument `{name}` must be a number in [-5, 5]. Received: {name}={value!r}"
        )
    return float(value)


def _line(w1: float, w2: float, b: float) -> tuple[np.ndarray, np.ndarray]:
    """Two points of ``w₁x₁ + w₂x₂ + b = 0`` spanning the window (empty if ``w = 0``)."""
    low, high = _WINDOW
    if abs(w2) >= abs(w1) and w2 != 0:
        xs = np.array([low, high])
        return xs, -(w1 * xs + b) / w2
    if w1 != 0:
        ys = np.array([low, high])
        return -(w2 * ys + b) / w1, ys
    return np.array([]), np.array([])


def neuron(
    w1: float = 1.0,
    w2: float = 1.0,
    b: float = 0.0,
    activation: str = "sigmoid",
    dataset: str = "blobs",
    seed: int = 0,
) -> Neuron:
    """One neuron ``out = f(w₁x₁ + w₂x₂ + b)`` with sliders, over a small data set (chapter 2).

    Args:
        w1, w2: the weights, numbers in [-5, 5]; default 1.
        b: the bias, a number in [-5, 5]; default 0.
        activation: ``"sigmoid"`` (default), ``"tanh"``, ``"relu"`` or ``"linear"``.
        dataset: ``"blobs"`` (default; two Gaussian clouds a line separates) or ``"xor"``
            (which no single line separates).
        seed: seed of the data set; default 0.

    Returns:
        A :class:`Neuron` widget.
    """
    return Neuron(w1=w1, w2=w2, b=b, activation=activation, dataset=dataset, seed=seed)
