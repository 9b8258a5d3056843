"""The optimizer race: gradient descent animated on a 2-D loss surface (chapter 3).

Every path is precomputed by :func:`~dlcourse.widgets.surfaces.trajectories` with the course's
own optimizers; the widget only shows it. A ``Play`` control, linked in the browser to the step
slider (``jslink``), moves through the steps; each frame changes the lines' data in place
(``Line2D.set_data``) and blits them over a cached background (contours, axes, legend), so a
frame costs a few milliseconds. Changing the surface, an optimizer's learning rate or the set of
optimizers recomputes the affected paths and redraws the background once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as w
import numpy as np

from dlcourse import plots
from dlcourse._checks import check_positive_int
from dlcourse.widgets._display import FrameCanvas, PictureWidget
from dlcourse.widgets.surfaces import (
    OPTIMIZERS,
    SURFACES,
    Surface,
    get_surface,
    resolve_learning_rates,
    resolve_optimizers,
    trajectory,
)

__all__ = ["DEFAULT_RACERS", "OptimizerRace", "optimizer_race"]

#: The optimizers shown by default (Nesterov is one tick away: it mostly overlaps Momentum).
DEFAULT_RACERS = ("SGD", "Momentum", "Adagrad", "RMSprop", "Adam")

# The loss panel shows f(θ) − f* on a log scale, floored here (exact zeros happen).
_GAP_FLOOR = 1e-16


class OptimizerRace(PictureWidget):
    """Optimizers racing on a loss surface: contours with paths, loss per step, Play control.

    Use :func:`optimizer_race` to make one. The picture has two panels: the contour lines of
    ``f`` with one path and a marker (the current point) per optimizer, and the gap
    ``f(θ_t) − f*`` per step on a log scale. Below it: the surface, Play and the step slider,
    and per optimizer a tick box and a learning-rate slider (shown in the legend).

    Attributes:
        surface: the current :class:`~dlcourse.widgets.surfaces.Surface`.
        steps: the number of steps of every path.
        paths: ``{name: array (steps + 1, 2)}`` for all six optimizers (hidden ones too).
        learning_rates: ``{name: learning rate}`` for all six.
        lines, markers, loss_lines: ``{name: Line2D}``: path, current point, loss curve.
        step_slider, play, surface_control: the controls; ``optimizer_boxes`` and
            ``learning_rate_sliders`` map each name to its tick box and slider.
        image: the ``ipywidgets.Image`` showing the picture.
        frame_canvas: the :class:`~dlcourse.widgets._display.FrameCanvas` that draws it.
    """

    def __init__(
        self,
        surface: str | Surface = "rosenbrock",
        steps: int = 300,
        optimizers: Sequence[str] | None = None,
        learning_rates: Mapping[str, float] | None = None,
        interval: int = 60,
    ) -> None:
        self.surface = get_surface(surface)
        self.steps = check_positive_int(steps, "steps")
        interval = check_positive_int(interval, "interval")
        shown = resolve_optimizers(DEFAULT_RACERS if optimizers is None else optimizers)
        self.learning_rates = resolve_learning_rates(self.surface, list(OPTIMIZERS), learning_rates)
        self.paths: dict[str, np.ndarray] = {}
        self._gaps: dict[str, np.ndarray] = {}
        self._compute(OPTIMIZERS)
        self._updating = False

        self._build_figure()
        self._build_controls(shown, interval)
        for name in OPTIMIZERS:
            self._set_visible(name, name in shown)
        self._restyle()
        self._draw_frame()
        super().__init__(children=[self._top_row, self.image, self._optimizer_grid])

    # ---- computing --------------------------------------------------------------------------

    def _compute(self, names: Sequence[str]) -> None:
        """The paths of ``names`` and their gaps ``f(θ_t) − f*`` (floored for the log scale)."""
        for name in names:
            path = trajectory(self.surface, name, self.learning_rates[name], self.steps)
            self.paths[name] = path
            with np.errstate(invalid="ignore"):
                gap = self.surface.value(path) - self.surface.f_min
                self._gaps[name] = np.maximum(gap, _GAP_FLOOR)

    @property
    def shown(self) -> list[str]:
        """The names of the optimizers on the picture, in legend order."""
        return [name for name in OPTIMIZERS if self.optimizer_boxes[name].value]

    @property
    def step(self) -> int:
        """The step the picture shows (the slider's value)."""
        return int(self.step_slider.value)

    # ---- building ---------------------------------------------------------------------------

    def _build_figure(self) -> None:
        self.frame_canvas = FrameCanvas(figsize=(10.8, 3.9), dpi=80)
        fig = self.frame_canvas.figure
        self.surface_axes, self.loss_axes = fig.subplots(
            1, 2, gridspec_kw={"width_ratios": [1.15, 1.0]}
        )
        self.lines, self.markers, self.loss_lines = {}, {}, {}
        for i, name in enumerate(OPTIMIZERS):
            colour = f"C{i}"
            (self.lines[name],) = self.surface_axes.plot([], [], lw=1.6, color=colour, zorder=3)
            (self.markers[name],) = self.surface_axes.plot(
                [], [], "o", ms=7, color=colour, mec="white", mew=1.0, zorder=4
            )
            (self.loss_lines[name],) = self.loss_axes.plot([], [], lw=1.4, color=colour)
        self.step_text = self.surface_axes.text(
            0.02,
            0.97,
            "",
            transform=self.surface_axes.transAxes,
            va="top",
            fontsize=9,
            bbox={"boxstyle": "round", "fc": "white", "ec": "0.7", "alpha": 0.85},
        )
        self.frame_canvas.animate(
            [
                *self.lines.values(),
                *self.markers.values(),
                *self.loss_lines.values(),
                self.step_text,
            ]
        )
        self.loss_axes.set_yscale("log")
        self.loss_axes.set_xlabel("step")
        self.loss_axes.set_title("f(θ) − f*  (log scale)", fontsize=10)
        self.loss_axes.grid(True, which="major", alpha=0.3)
        self._surface_artists: list[Any] = []
        fig.subplots_adjust(left=0.055, right=0.82, bottom=0.13, top=0.9, wspace=0.16)

    def _build_controls(self, shown: list[str], interval: int) -> None:
        self.surface_control = w.Dropdown(
            options=list(SURFACES),
            value=self.surface.name if self.surface.name in SURFACES else None,
            description="surface",
            layout=w.Layout(width="220px"),
        )
        self.play = w.Play(
            value=self.steps,
            min=0,
            max=self.steps,
            step=2,
            interval=interval,
            description="Play",
            show_repeat=False,
        )
        self.step_slider = w.IntSlider(
            value=self.steps,
            min=0,
            max=self.steps,
            description="step",
            layout=w.Layout(width="420px"),
        )
        self._link = w.jslink((self.play, "value"), (self.step_slider, "value"))
        self.image = w.Image(format="png", layout=w.Layout(width="864px"))
        self.optimizer_boxes: dict[str, w.Checkbox] = {}
        self.learning_rate_sliders: dict[str, w.FloatLogSlider] = {}
        cells = []
        for name in OPTIMIZERS:
            box = w.Checkbox(
                value=name in shown, description=name, indent=False, layout=w.Layout(width="100px")
            )
            slider = w.FloatLogSlider(
                value=self.learning_rates[name],
                base=10,
                min=-7,
                max=1,
                step=0.1,
                readout_format=".1e",
                continuous_update=False,
                description="lr",
                style={"description_width": "18px"},
                layout=w.Layout(width="170px"),
            )
            box.observe(self._on_box, names="value")
            slider.observe(self._on_rate, names="value")
            self.optimizer_boxes[name] = box
            self.learning_rate_sliders[name] = slider
            cells.append(w.HBox([box, slider]))
        self.surface_control.observe(self._on_surface, names="value")
        self.step_slider.observe(self._on_step, names="value")
        self._top_row = w.HBox([self.surface_control, self.play, self.step_slider])
        self._optimizer_grid = w.GridBox(
            cells, layout=w.Layout(grid_template_columns="repeat(3, 275px)")
        )

    # ---- drawing ----------------------------------------------------------------------------

    def _restyle(self) -> None:
        """Redraw the background: contours, legend, loss limits (after a change of settings)."""
        surface = self.surface
        ax = self.surface_axes
        for artist in self._surface_artists:
            artist.remove()
        contours = plots.draw_surface(
            ax, surface.f, surface.xlim, surface.ylim, f_min=surface.f_min
        )
        minima = np.asarray(surface.minima).reshape(-1, 2)
        (stars,) = ax.plot(minima[:, 0], minima[:, 1], "*", color="k", ms=11, zorder=2)
        (start,) = ax.plot(*surface.start, "x", color="k", ms=8, mew=2, zorder=2)
        self._surface_artists = [contours, stars, start]
        ax.set_title(f"{surface.name}: f(x, y) = {surface.formula}", fontsize=9)

        handles, labels, gaps = [], [], []
        for name in self.shown:
            handles.append(self.loss_lines[name])
            diverged = not np.isfinite(self.paths[name][-1]).all()
            labels.append(
                f"{name} (lr={self.learning_rates[name]:.2g})" + (", diverged" if diverged else "")
            )
            gap = self._gaps[name]
            gaps.append(gap[np.isfinite(gap)])
        legend = self.loss_axes.get_legend()
        if legend is not None:
            legend.remove()
        if handles:
            self.loss_axes.legend(
                handles,
                labels,
                fontsize=8,
                loc="upper left",
                bbox_to_anchor=(1.02, 1.0),
                borderaxespad=0.0,
            )
        every = np.concatenate(gaps) if gaps else np.array([1.0])
        low, high = float(every.min()), float(every.max())
        self.loss_axes.set_xlim(0, self.steps)
        self.loss_axes.set_ylim(low / 3, high * 3 if high > low else low * 10)
        self.frame_canvas.invalidate()

    def _draw_frame(self) -> None:
        """Show step ``k`` of every path: set the artists' data, blit, update the image."""
        k = self.step
        steps = np.arange(k + 1)
        for name in OPTIMIZERS:
            path = self.paths[name]
            self.lines[name].set_data(path[: k + 1, 0], path[: k + 1, 1])
            self.markers[name].set_data(path[k : k + 1, 0], path[k : k + 1, 1])
            self.loss_lines[name].set_data(steps, self._gaps[name][: k + 1])
        self.step_text.set_text(f"step {k}/{self.steps}")
        self._png = self.frame_canvas.render()
        self.image.value = self._png

    def _set_visible(self, name: str, visible: bool) -> None:
        for artists in (self.lines, self.markers, self.loss_lines):
            artists[name].set_visible(visible)

    # ---- events -----------------------------------------------------------------------------

    def _on_step(self, change: dict) -> None:
        self._draw_frame()

    def _on_box(self, change: dict) -> None:
        if self._updating:
            return
        name = change["owner"].description
        self._set_visible(name, bool(change["new"]))
        self._restyle()
        self._draw_frame()

    def _on_rate(self, change: dict) -> None:
        if self._updating:
            return
        name = next(n for n, s in self.learning_rate_sliders.items() if s is change["owner"])
        self.learning_rates[name] = float(change["new"])
        self._compute([name])
        self._restyle()
        self._draw_frame()

    def _on_surface(self, change: dict) -> None:
        if change["new"] is None:
            return
        self.set_surface(change["new"])

    def set_surface(self, surface: str | Surface) -> None:
        """Race on another surface, with its preset learning rates."""
        self.surface = get_surface(surface)
        self.learning_rates = dict(self.surface.learning_rates)
        self._updating = True
        try:
            if self.surface.name in SURFACES:
                self.surface_control.value = self.surface.name
            for name, slider in self.learning_rate_sliders.items():
                slider.value = self.learning_rates[name]
        finally:
            self._updating = False
        self._compute(OPTIMIZERS)
        self._restyle()
        self._draw_frame()

    def __repr__(self) -> str:
        return (
            f"OptimizerRace(surface={self.surface.name!r}, optimizers={self.shown}, "
            f"step={self.step}/{self.steps})"
        )


def optimizer_race(
    surface: str | Surface = "rosenbrock",
    steps: int = 300,
    optimizers: Sequence[str] | None = None,
    learning_rates: Mapping[str, float] | None = None,
) -> OptimizerRace:
    """Optimizers racing on a 2-D loss surface, animated in the notebook (chapter 3).

    The paths come from :func:`~dlcourse.widgets.trajectories` (the course's own
    :mod:`dlcourse.nn.optimizers`); press Play or move the step slider to watch them. Pick the
    surface, tick optimizers on and off, and change each learning rate (shown in the legend).

    Args:
        surface: ``"quadratic"``, ``"rosenbrock"`` (default), ``"beale"``, ``"saddle"``,
            ``"himmelblau"``, or a :class:`~dlcourse.widgets.surfaces.Surface`.
        steps: positive integer, steps per path; default 300.
        optimizers: names to show first (any of ``SGD, Momentum, Nesterov, Adagrad, RMSprop,
            Adam``); default all but Nesterov.
        learning_rates: ``{name: rate > 0}`` overriding the surface's presets; default None.

    Returns:
        An :class:`OptimizerRace` widget, showing the last step.
    """
    return OptimizerRace(surface, steps=steps, optimizers=optimizers, learning_rates=learning_rates)
