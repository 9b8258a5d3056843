"""Live loss curves: training and validation loss (and metrics) drawn while a model trains.

Chapter 3 watches a model learn, chapter 6 watches it overfit. :class:`LiveLoss` has one core,
``update(step, **metrics)``, which records the numbers and redraws at most every
``min_interval`` seconds (0.3 s by default: training is not slowed down by drawing). The picture
is a PNG shown through a display handle (``display(..., display_id=True)``, then
``handle.update(...)``; never ``clear_output``), so the final figure stays in the notebook, in
nbconvert's HTML and on GitHub, with a stable ``text/plain`` for nbval.

The same object is a :class:`dlcourse.nn.callbacks.Callback`::

    live = LiveLoss()
    model.fit(x, y, epochs=50, validation_split=0.2, verbose=0, callbacks=[live])

and ``live.keras()`` gives a ``keras.callbacks.Callback`` feeding it from Keras' ``fit``
(Keras is imported only then)::

    keras_model.fit(x, y, epochs=50, validation_split=0.2, verbose=0, callbacks=[live.keras()])

Outside a notebook (a script, a test) nothing is displayed and nothing fails: the numbers are
kept in ``live.history`` and ``live.png()`` draws the picture on demand.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from dlcourse import plots
from dlcourse._checks import check_nonnegative
from dlcourse.nn.callbacks import Callback
from dlcourse.widgets._display import FrameCanvas

__all__ = ["LiveLoss"]

_KERAS_CALLBACK_TYPE: type | None = None


def _in_kernel() -> bool:
    """True inside a Jupyter kernel (where ``display`` reaches a notebook)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class LiveLoss(Callback):
    """Training curves that draw themselves while a model trains (chapters 3 and 6).

    One panel per quantity (``loss``, then each metric such as ``accuracy``), with the
    training values as a solid line and the validation ones (``val_*``) dashed, against the
    step (the epoch, counted from 1, when used as a callback).

    Args:
        min_interval: seconds ≥ 0 between two redraws; default 0.3. Updates in between are
            recorded and drawn by the next redraw; the end of training always redraws.
        logy: log scale for the loss panel; default False.
        display: show the picture in the notebook: True, False, or None (default) for "when
            running in a Jupyter kernel".
        clock: a function returning seconds (``time.monotonic`` by default; tests inject one).

    Attributes:
        history: ``{name: [value, ...]}`` for every metric given to :meth:`update`.
        steps: ``{name: [step, ...]}``, the step of each value.
        redraws: how many times the picture has been drawn.
    """

    def __init__(
        self,
        min_interval: float = 0.3,
        logy: bool = False,
        display: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.min_interval = check_nonnegative(min_interval, "min_interval")
        if display not in (None, True, False):
            raise ValueError(
                f"Argument `display` must be True, False or None. Received: display={display!r}"
            )
        if not callable(clock):
            raise ValueError(f"Argument `clock` must be callable. Received: clock={clock!r}")
        self.logy = bool(logy)
        self._display = display
        self._clock = clock
        self.history: dict[str, list[float]] = {}
        self.steps: dict[str, list[int]] = {}
        self.redraws = 0
        self._last_draw: float | None = None
        self._dirty = False
        self._handle: Any = None
        self._frame = FrameCanvas(figsize=(4.6, 3.2), dpi=80)
        self._groups: dict[str, list[str]] = {}
        self._axes: dict[str, Any] = {}
        self._lines: dict[str, Any] = {}
        self._png = b""

    # ---- the core -----------------------------------------------------------------------------

    def update(self, step: int, **metrics: float) -> None:
        """Record ``metrics`` at ``step`` and redraw if ``min_interval`` has passed.

        Args:
            step: a non-negative integer (an epoch or a batch count); it sets the x axis.
            **metrics: name → number, e.g. ``loss=0.31, val_loss=0.35, accuracy=0.9``.
                Names starting with ``val_`` share the panel of the name without it.
        """
        if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or step < 0:
            raise ValueError(
                f"Argument `step` must be a non-negative integer. Received: step={step!r}"
            )
        if not metrics:
            raise ValueError("update() needs at least one metric, e.g. update(step, loss=0.5)")
        values = {}
        for name, value in metrics.items():
            try:
                values[name] = float(value)
            except (TypeError, ValueError):
                values[name] = None
            if isinstance(value, bool) or values[name] is None:
                raise ValueError(f"Argument `{name}` must be a number. Received: {name}={value!r}")
        for name, value in values.items():
            self.history.setdefault(name, []).append(value)
            self.steps.setdefault(name, []).append(int(step))
        self._dirty = True
        now = self._clock()
        if self._last_draw is None or now - self._last_draw >= self.min_interval:
            self._draw(now)

    def draw(self) -> None:
        """Redraw now (throttling aside) and update the notebook's picture."""
        self._draw(self._clock())

    def _draw(self, now: float) -> None:
        self._last_draw = now
        self._dirty = False
        self._render()
        self.redraws += 1
        if self._display is True or (self._display is None and _in_kernel()):
            self._show()

    def finish(self) -> None:
        """Draw the last updates if the throttle held them back (the end of training)."""
        if self._dirty:
            self.draw()

    def png(self) -> bytes:
        """The picture of everything recorded so far, as PNG bytes."""
        if self._dirty or not self._png:
            self._render()
        return self._png

    # ---- drawing ------------------------------------------------------------------------------

    def _layout(self) -> None:
        """(Re)make one panel per metric group; called when a new group appears."""
        fig = self._frame.figure
        fig.clear()
        n = len(self._groups)
        fig.set_size_inches(4.2 * n + 0.4, 3.2)
        axes = fig.subplots(1, n, squeeze=False)[0]
        self._axes, self._lines = {}, {}
        for ax, (base, keys) in zip(axes, self._groups.items(), strict=True):
            self._axes[base] = ax
            ax.set_title(base, fontsize=10)
            ax.set_xlabel("epoch")
            ax.grid(True, alpha=0.3)
            if self.logy and base == "loss":
                ax.set_yscale("log")
            for key in keys:
                validation = key.startswith("val_")
                (self._lines[key],) = ax.plot(
                    [],
                    [],
                    "--" if validation else "-",
                    color="C1" if validation else "C0",
                    marker="." if validation else None,
                    label="validation" if validation else "training",
                )
            ax.legend(fontsize=8, loc="best")
        fig.subplots_adjust(left=0.1 / n + 0.02, right=0.98, bottom=0.16, top=0.88, wspace=0.25)

    def _render(self) -> None:
        groups = plots.group_metrics(self.history)
        if groups != self._groups:
            self._groups = groups
            self._layout()
        for key, line in self._lines.items():
            line.set_data(self.steps[key], self.history[key])
        for ax in self._axes.values():
            ax.relim()
            ax.autoscale_view()
        self._frame.invalidate()  # axis limits move: a full draw
        self._png = self._frame.render()

    def _show(self) -> None:
        from IPython.display import display

        if self._handle is None:
            self._handle = display(self, display_id=True)
        else:
            self._handle.update(self)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        # The displayed text names the metrics only, not how many updates were drawn: nbval
        # compares the stored (final) display with the first one of its own run, because it
        # ignores display updates; the counts are in repr() and in the picture.
        data: dict[str, Any] = {"text/plain": f"LiveLoss(metrics={list(self.history)})"}
        if self.history:
            data["image/png"] = base64.b64encode(self.png()).decode("ascii")
        return data

    def __repr__(self) -> str:
        last = max((s[-1] for s in self.steps.values()), default=None)
        return (
            f"LiveLoss(metrics={list(self.history)}, updates={self._updates()}, last_step={last})"
        )

    def _updates(self) -> int:
        return max((len(v) for v in self.history.values()), default=0)

    # ---- as a dlcourse.nn callback ------------------------------------------------------------

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """``fit``'s hook: ``update(epoch + 1, **logs)``."""
        if logs:
            self.update(epoch + 1, **logs)

    def on_train_end(self, logs: dict | None = None) -> None:
        """``fit``'s hook: the forced final draw."""
        self.finish()

    # ---- for Keras ----------------------------------------------------------------------------

    def keras(self) -> Any:
        """A ``keras.callbacks.Callback`` that feeds this object from Keras' ``fit``.

        Imports Keras (and so its backend, e.g. TensorFlow) on first use only.

        Returns:
            A new Keras callback; its ``live`` attribute is this object.
        """
        callback = _keras_callback_type()()
        callback.live = self
        return callback


def _keras_callback_type() -> type:
    """The Keras callback class, made on first use (so importing this module skips Keras)."""
    global _KERAS_CALLBACK_TYPE
    if _KERAS_CALLBACK_TYPE is None:
        import keras

        class KerasLiveLoss(keras.callbacks.Callback):
            """Forwards Keras' epoch logs to a :class:`LiveLoss` (its ``live`` attribute)."""

            live: LiveLoss

            def on_epoch_end(self, epoch, logs=None):
                self.live.on_epoch_end(epoch, logs)

            def on_train_end(self, logs=None):
                self.live.on_train_end(logs)

        _KERAS_CALLBACK_TYPE = KerasLiveLoss
    return _KERAS_CALLBACK_TYPE
