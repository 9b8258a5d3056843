"""A network playground in the notebook, trained by ``dlcourse.nn`` (chapter 3).

In the spirit of the TensorFlow Playground: pick a 2-D data set (circle, XOR, Gaussians,
spiral), its noise and train/test split, a network (hidden layers, units, activation), the
training settings (learning rate, L1/L2 regularisation and its rate, batch size, squared error
or cross-entropy), then press Play, Step or Reset. The picture shows the network's output over
the plane (orange: class 0, blue: class 1) with the training points (white edges) and test points
(black edges), and the training and test loss per epoch.

The network is a :class:`dlcourse.nn.Sequential`: ``Dense(units, activation)`` per hidden
layer, then ``Dense(1, "sigmoid")``, trained with plain ``SGD`` one epoch per step. Play is an
``ipywidgets.Play`` whose ticks each train one epoch in the kernel (no threads), so a test can
drive it by setting ``play.value``. Changing the learning rate or the batch size applies from
the next epoch; any other change starts again from new initial weights (as Reset does).
"""

from __future__ import annotations

import ipywidgets as w
import numpy as np

from dlcourse import plots
from dlcourse._checks import check_in, check_positive_int
from dlcourse.nn import Sequential
from dlcourse.widgets._display import FrameCanvas, PictureWidget
from dlcourse.widgets.playground_model import (
    ACTIVATIONS,
    DATASETS,
    LEARNING_RATES,
    LOSSES,
    REGULARIZATION_RATES,
    REGULARIZATIONS,
    check_int_in,
    data_loss,
    make_network,
)

__all__ = [
    "DATASETS",
    "LEARNING_RATES",
    "LOSSES",
    "Playground",
    "REGULARIZATION_RATES",
    "playground",
]

_WINDOW = (-1.6, 1.6)
_RESOLUTION = 60
# At most this many epochs per Play tick (when ticks arrive faster than the kernel trains).
_MAX_EPOCHS_PER_TICK = 5


class Playground(PictureWidget):
    """A small network trained in the notebook; use :func:`playground` to make one.

    Attributes:
        model: the current :class:`dlcourse.nn.Sequential`.
        epoch: epochs trained since the last reset.
        x_train, y_train, x_test, y_test: the data; ``x`` float32 ``(n, 2)``, ``y`` ``(n,)``.
        history: ``{"epoch": [...], "train_loss": [...], "test_loss": [...]}``, from epoch 0
            (the untrained network); data loss, without the regularisation term.
        play, step_button, reset_button: the run controls; the settings' controls are
            ``dataset``, ``noise``, ``train_ratio``, ``hidden_layers``, ``units``,
            ``activation``, ``learning_rate``, ``regularization``, ``regularization_rate``,
            ``batch_size``, ``loss`` (each an ipywidget).
        heatmap: the ``AxesImage`` of the output probability over the plane.
        train_line, test_line: the loss curves (``Line2D``).
        image: the ``ipywidgets.Image`` showing the picture.
    """

    def __init__(
        self,
        dataset: str = "circle",
        noise: int = 0,
        train_ratio: int = 50,
        hidden_layers: int = 2,
        units: int = 4,
        activation: str = "tanh",
        learning_rate: float = 0.1,
        regularization: str = "none",
        regularization_rate: float = 0.0,
        batch_size: int = 10,
        loss: str = "cross-entropy",
        n: int = 300,
        seed: int = 0,
    ) -> None:
        check_in(dataset, "dataset", list(DATASETS))
        check_int_in(noise, "noise", 0, 50)
        check_int_in(train_ratio, "train_ratio", 10, 90)
        check_int_in(hidden_layers, "hidden_layers", 0, 6)
        check_int_in(units, "units", 1, 8)
        check_in(activation, "activation", list(ACTIVATIONS))
        check_in(learning_rate, "learning_rate", list(LEARNING_RATES))
        check_in(regularization, "regularization", list(REGULARIZATIONS))
        check_in(regularization_rate, "regularization_rate", list(REGULARIZATION_RATES))
        check_int_in(batch_size, "batch_size", 1, 30)
        check_in(loss, "loss", list(LOSSES))
        self.n = check_positive_int(n, "n")
        self.seed = check_int_in(seed, "seed", 0, 2**32 - 1)
        self.message = ""

        def slider(value, low, high, description):
            return w.IntSlider(
                value=value,
                min=low,
                max=high,
                description=description,
                continuous_update=False,
                style={"description_width": "90px"},
                layout=w.Layout(width="290px"),
            )

        def dropdown(options, value, description):
            return w.Dropdown(
                options=options,
                value=value,
                description=description,
                style={"description_width": "90px"},
                layout=w.Layout(width="230px"),
            )

        self.dataset = dropdown(list(DATASETS), dataset, "data")
        self.noise = slider(noise, 0, 50, "noise (%)")
        self.train_ratio = slider(train_ratio, 10, 90, "train (%)")
        self.batch_size = slider(batch_size, 1, 30, "batch size")
        self.hidden_layers = slider(hidden_layers, 0, 6, "hidden layers")
        self.units = slider(units, 1, 8, "units / layer")
        self.activation = dropdown(list(ACTIVATIONS), activation, "activation")
        self.loss = dropdown(list(LOSSES), loss, "loss")
        self.learning_rate = dropdown(list(LEARNING_RATES), learning_rate, "learning rate")
        self.regularization = dropdown(list(REGULARIZATIONS), regularization, "regularization")
        self.regularization_rate = dropdown(
            list(REGULARIZATION_RATES), regularization_rate, "reg. rate"
        )
        self.play = w.Play(
            value=0, min=0, max=100_000, step=1, interval=150, description="Play", show_repeat=False
        )
        self.step_button = w.Button(
            description="Step", icon="step-forward", layout=w.Layout(width="90px")
        )
        self.reset_button = w.Button(
            description="Reset", icon="refresh", layout=w.Layout(width="90px")
        )
        self.status = w.HTML()
        self.image = w.Image(format="png", layout=w.Layout(width="760px"))

        self._build_figure()
        self._make_data()
        self.reset()

        for control in (self.dataset, self.noise, self.train_ratio):
            control.observe(self._on_data, names="value")
        for control in (
            self.hidden_layers,
            self.units,
            self.activation,
            self.loss,
            self.regularization,
            self.regularization_rate,
        ):
            control.observe(self._on_model, names="value")
        self.learning_rate.observe(self._on_learning_rate, names="value")
        self.play.observe(self._on_play, names="value")
        self.step_button.on_click(lambda _: self.step())
        self.reset_button.on_click(lambda _: self.reset())
        super().__init__(
            children=[
                w.HBox([self.play, self.step_button, self.reset_button, self.status]),
                self.image,
                w.HBox(
                    [
                        w.VBox([self.dataset, self.noise, self.train_ratio, self.batch_size]),
                        w.VBox([self.hidden_layers, self.units, self.activation, self.loss]),
                        w.VBox([self.learning_rate, self.regularization, self.regularization_rate]),
                    ]
                ),
            ]
        )

    # ---- data and model -----------------------------------------------------------------------

    def _make_data(self) -> None:
        x, y = DATASETS[self.dataset.value](self.n, self.noise.value / 100, self.seed)
        x = x.astype(np.float32)
        y = y.astype(np.float32)
        split = min(max(1, round(self.n * self.train_ratio.value / 100)), self.n - 1)
        self.x_train, self.y_train = x[:split], y[:split]
        self.x_test, self.y_test = x[split:], y[split:]
        for points, xs, ys in (
            (self.train_points, self.x_train, self.y_train),
            (self.test_points, self.x_test, self.y_test),
        ):
            points.set_offsets(xs)
            points.set_facecolors(np.array(plots.CLASS_COLOURS)[ys.astype(int)])

    def _make_model(self) -> Sequential:
        return make_network(
            self.hidden_layers.value,
            self.units.value,
            self.activation.value,
            self.learning_rate.value,
            self.regularization.value,
            self.regularization_rate.value,
            self.loss.value,
            self.seed,
        )

    def _data_loss(self, x: np.ndarray, y: np.ndarray) -> float:
        return data_loss(self.model, self.loss.value, x, y)

    def _record(self) -> None:
        self.history["epoch"].append(self.epoch)
        self.history["train_loss"].append(self._data_loss(self.x_train, self.y_train))
        self.history["test_loss"].append(self._data_loss(self.x_test, self.y_test))

    def reset(self) -> None:
        """New network with the initial weights of ``seed``, epoch 0, Play stopped."""
        self.model = self._make_model()
        self.epoch = 0
        self.message = ""
        self.history = {"epoch": [], "train_loss": [], "test_loss": []}
        self._record()
        if self.play.playing:
            self.play.playing = False
        self.play.value = 0
        self._loss_limits(force=True)
        self._redraw()

    def step(self, epochs: int = 1) -> None:
        """Train ``epochs`` more epochs (default 1) and redraw."""
        epochs = check_positive_int(epochs, "epochs")
        self.model.optimizer.learning_rate = self.learning_rate.value
        for _ in range(epochs):
            try:
                self.model.fit(
                    self.x_train,
                    self.y_train.reshape(-1, 1),
                    batch_size=self.batch_size.value,
                    epochs=1,
                    verbose=0,
                )
            except FloatingPointError:
                self.message = "training diverged: lower the learning rate and press Reset"
                self.play.playing = False
                break
            self.epoch += 1
            self._record()
        self._redraw()

    # ---- picture ------------------------------------------------------------------------------

    def _build_figure(self) -> None:
        self.frame_canvas = FrameCanvas(figsize=(9.5, 4.0), dpi=80)
        fig = self.frame_canvas.figure
        self.boundary_axes, self.loss_axes = fig.subplots(
            1, 2, gridspec_kw={"width_ratios": [1.0, 1.15]}
        )
        ax = self.boundary_axes
        self.heatmap = ax.imshow(
            np.full((_RESOLUTION, _RESOLUTION), 0.5),
            origin="lower",
            extent=(*_WINDOW, *_WINDOW),
            cmap=plots.BOUNDARY_CMAP,
            vmin=0.0,
            vmax=1.0,
            alpha=0.75,
            aspect="auto",
            interpolation="bilinear",
        )
        self.train_points = ax.scatter([], [], s=22, edgecolors="white", linewidths=0.9, zorder=3)
        self.test_points = ax.scatter([], [], s=22, edgecolors="black", linewidths=0.9, zorder=3)
        ax.set_xlim(_WINDOW)
        ax.set_ylim(_WINDOW)
        ax.set_xticks([-1, 0, 1])
        ax.set_yticks([-1, 0, 1])
        self.title = ax.set_title("", fontsize=10)
        (self.train_line,) = self.loss_axes.plot([], [], "-", color="0.45", label="training loss")
        (self.test_line,) = self.loss_axes.plot([], [], "-", color="k", label="test loss")
        self.loss_axes.set_xlabel("epoch")
        self.loss_axes.legend(fontsize=8, loc="upper right")
        self.loss_axes.grid(True, alpha=0.3)
        self.loss_text = self.loss_axes.set_title("", fontsize=10)
        self.frame_canvas.animate(
            [
                self.heatmap,
                self.train_points,
                self.test_points,
                self.title,
                self.train_line,
                self.test_line,
                self.loss_text,
            ]
        )
        fig.subplots_adjust(left=0.05, right=0.98, bottom=0.12, top=0.9, wspace=0.15)
        grid = np.linspace(*_WINDOW, _RESOLUTION)
        gx, gy = np.meshgrid(grid, grid)
        self._grid = np.column_stack([gx.ravel(), gy.ravel()]).astype(np.float32)

    def _loss_limits(self, force: bool = False) -> None:
        """Grow the loss axes' limits when the curves leave them (a background redraw)."""
        epochs = self.history["epoch"][-1]
        top = max(max(self.history["train_loss"]), max(self.history["test_loss"]))
        x_high = self.loss_axes.get_xlim()[1]
        y_high = self.loss_axes.get_ylim()[1]
        if force or epochs > x_high or not np.isfinite(y_high) or top > y_high:
            self.loss_axes.set_xlim(0, max(20, 2 * epochs) if not force else 20)
            self.loss_axes.set_ylim(0, 1.15 * top if np.isfinite(top) and top > 0 else 1.0)
            self.frame_canvas.invalidate()

    def _redraw(self) -> None:
        p = self.model.predict(self._grid, verbose=0).reshape(_RESOLUTION, _RESOLUTION)
        self.heatmap.set_data(p)
        self.train_line.set_data(self.history["epoch"], self.history["train_loss"])
        self.test_line.set_data(self.history["epoch"], self.history["test_loss"])
        self._loss_limits()
        train, test = self.history["train_loss"][-1], self.history["test_loss"][-1]
        self.title.set_text(f"{self.dataset.value}, {self._architecture()}")
        self.loss_text.set_text(f"epoch {self.epoch}: test loss {test:.3f}, training {train:.3f}")
        self.status.value = (
            f"<b>Epoch {self.epoch:,}</b> &nbsp; test loss {test:.3f} &nbsp; "
            f"training loss {train:.3f}"
            + (f" &nbsp; <i>{self.message}</i>" if self.message else "")
        )
        self._png = self.frame_canvas.render()
        self.image.value = self._png

    def _architecture(self) -> str:
        sizes = [2] + [self.units.value] * self.hidden_layers.value + [1]
        return "–".join(str(s) for s in sizes) + f" {self.activation.value}"

    # ---- events -------------------------------------------------------------------------------

    def _on_play(self, change: dict) -> None:
        ticks = change["new"] - change["old"]
        if ticks > 0:
            self.step(min(ticks, _MAX_EPOCHS_PER_TICK))

    def _on_data(self, change: dict) -> None:
        self._make_data()
        self.reset()

    def _on_model(self, change: dict) -> None:
        self.reset()

    def _on_learning_rate(self, change: dict) -> None:
        self.model.optimizer.learning_rate = change["new"]

    def __repr__(self) -> str:
        reg = self.regularization.value
        reg_text = "none" if reg == "none" else f"{reg}({self.regularization_rate.value:g})"
        return (
            f"Playground(dataset={self.dataset.value!r}, network='{self._architecture()}', "
            f"loss={self.loss.value!r}, learning_rate={self.learning_rate.value:g}, "
            f"regularization={reg_text!r}, batch_size={self.batch_size.value}, "
            f"epoch={self.epoch})"
        )


def playground(
    dataset: str = "circle",
    noise: int = 0,
    train_ratio: int = 50,
    hidden_layers: int = 2,
    units: int = 4,
    activation: str = "tanh",
    learning_rate: float = 0.1,
    regularization: str = "none",
    regularization_rate: float = 0.0,
    batch_size: int = 10,
    loss: str = "cross-entropy",
    n: int = 300,
    seed: int = 0,
) -> Playground:
    """A network playground trained by ``dlcourse.nn`` in the notebook (chapter 3).

    Args:
        dataset: ``"circle"`` (default), ``"xor"``, ``"gaussian"`` or ``"spiral"``.
        noise: integer percentage in [0, 50]; default 0.
        train_ratio: percentage of the points used for training, integer in [10, 90]; default
            50 (the rest is the test set).
        hidden_layers: integer in [0, 6]; default 2 (0 is logistic regression).
        units: units per hidden layer, integer in [1, 8]; default 4.
        activation: of the hidden layers: ``"tanh"`` (default), ``"relu"``, ``"sigmoid"``,
            ``"linear"``.
        learning_rate: one of :data:`LEARNING_RATES`; default 0.1.
        regularization: ``"none"`` (default), ``"L1"`` or ``"L2"`` on every kernel.
        regularization_rate: one of :data:`REGULARIZATION_RATES`; default 0.
        batch_size: integer in [1, 30]; default 10.
        loss: ``"cross-entropy"`` (default) or ``"squared error"``.
        n: number of points, positive; default 300.
        seed: non-negative integer for the data and the initial weights; default 0.

    Returns:
        A :class:`Playground` widget at epoch 0.
    """
    return Playground(
        dataset=dataset,
        noise=noise,
        train_ratio=train_ratio,
        hidden_layers=hidden_layers,
        units=units,
        activation=activation,
        learning_rate=learning_rate,
        regularization=regularization,
        regularization_rate=regularization_rate,
        batch_size=batch_size,
        loss=loss,
        n=n,
        seed=seed,
    )
