"""Teaching loss surfaces in two dimensions, and optimizer trajectories over them (chapter 3).

Chapter 3 ("Gradient descent", 梯度下降) lets the optimizers it teaches race on small 2-D
functions ``f(θ)``, ``θ = (x, y)``, whose shapes each show one difficulty of training:

==============  =======================================  =====================================
name            f(x, y)                                  what it shows
==============  =======================================  =====================================
``quadratic``   x²/20 + y²                               an ill-conditioned valley (curvatures
                                                         0.1 and 2): plain descent zig-zags
``rosenbrock``  (1 − x)² + 100 (y − x²)²                 a narrow curved valley, minimum (1, 1)
``beale``       (1.5 − x + xy)² + (2.25 − x + xy²)²      flat plateaus and steep walls; started
                + (2.625 − x + xy³)²                     at (3, 4), minimum (3, 0.5)
``saddle``      x²/2 + y⁴/4 − y²/2                       a saddle point at (0, 0), started near
                                                         the line y = 0; minima (0, ±1)
``himmelblau``  (x² + y − 11)² + (x + y² − 7)²           four minima: where you end depends on
                                                         the optimizer
==============  =======================================  =====================================

:func:`trajectories` runs the course's own optimizers (:mod:`dlcourse.nn.optimizers`, the Keras
formulas) on a 2-element float64 array, exactly as they update a model's weights::

    theta = np.array(surface.start)
    for t in range(steps):
        optimizer.apply_gradients(zip([surface.gradient(theta)], [theta]))

The six racers are Keras optimizers: ``SGD`` (``keras.optimizers.SGD``), ``Momentum``
(``SGD(momentum=0.9)``), ``Nesterov`` (``SGD(momentum=0.9, nesterov=True)``), ``Adagrad``,
``RMSprop`` and ``Adam`` with their Keras defaults except the learning rate, which each surface
presets per optimizer (:attr:`Surface.learning_rates`), because one rate does not suit them all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dlcourse._checks import check_in, check_positive_int
from dlcourse.nn import optimizers as _optimizers

__all__ = [
    "OPTIMIZERS",
    "SURFACES",
    "Surface",
    "get_surface",
    "make_optimizer",
    "trajectories",
]

#: The racers, in legend order: name → how to build it from a learning rate.
OPTIMIZERS: dict[str, Callable[[float], _optimizers.Optimizer]] = {
    "SGD": lambda lr: _optimizers.SGD(learning_rate=lr),
    "Momentum": lambda lr: _optimizers.SGD(learning_rate=lr, momentum=0.9),
    "Nesterov": lambda lr: _optimizers.SGD(learning_rate=lr, momentum=0.9, nesterov=True),
    "Adagrad": lambda lr: _optimizers.Adagrad(learning_rate=lr),
    "RMSprop": lambda lr: _optimizers.RMSprop(learning_rate=lr),
    "Adam": lambda lr: _optimizers.Adam(learning_rate=lr),
}

# A path whose point leaves the square this many times the plotting window has diverged.
_ESCAPE_FACTOR = 1e4


@dataclass(frozen=True)
class Surface:
    """A 2-D loss surface ``f(x, y)`` with its gradient and the race's settings.

    Attributes:
        name: the key in :data:`SURFACES`.
        formula: ``f`` written out, for titles.
        f: ``f(x, y)``, vectorised: arrays of any (equal) shape in, same shape out.
        grad: ``(∂f/∂x, ∂f/∂y)`` at scalars or arrays ``x, y``.
        start: the starting point ``θ₀``.
        xlim, ylim: the plotting window ``(low, high)``.
        minima: the global minima (one or more points).
        f_min: the minimum value ``f*``.
        learning_rates: a preset learning rate per optimizer name.
    """

    name: str
    formula: str
    f: Callable[[Any, Any], Any]
    grad: Callable[[Any, Any], tuple[Any, Any]]
    start: tuple[float, float]
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    minima: tuple[tuple[float, float], ...]
    f_min: float
    learning_rates: Mapping[str, float] = field(default_factory=dict)

    def value(self, points: Any) -> np.ndarray:
        """``f`` at each row of ``points`` (shape ``(..., 2)``); returns shape ``(...)``."""
        points = np.asarray(points, dtype=np.float64)
        with np.errstate(all="ignore"):
            return self.f(points[..., 0], points[..., 1])

    def gradient(self, theta: Any) -> np.ndarray:
        """``∇f(θ)`` as a float64 array of shape ``(2,)``."""
        gx, gy = self.grad(float(theta[0]), float(theta[1]))
        return np.array([gx, gy], dtype=np.float64)

    def grid(self, n: int = 200) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(X, Y, F)``: an ``n × n`` grid over the window and ``f`` on it (for contours)."""
        xs = np.linspace(*self.xlim, n)
        ys = np.linspace(*self.ylim, n)
        X, Y = np.meshgrid(xs, ys)
        with np.errstate(all="ignore"):
            return X, Y, self.f(X, Y)


# ---- the surfaces -------------------------------------------------------------------------


def _quadratic(x, y):
    return x * x / 20.0 + y * y


def _quadratic_grad(x, y):
    return x / 10.0, 2.0 * y


def _rosenbrock(x, y):
    return (1.0 - x) ** 2 + 100.0 * (y - x * x) ** 2


def _rosenbrock_grad(x, y):
    return -2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)


def _beale(x, y):
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def _beale_grad(x, y):
    a = 1.5 - x + x * y
    b = 2.25 - x + x * y**2
    c = 2.625 - x + x * y**3
    dx = 2 * a * (y - 1) + 2 * b * (y**2 - 1) + 2 * c * (y**3 - 1)
    dy = 2 * a * x + 2 * b * 2 * x * y + 2 * c * 3 * x * y**2
    return dx, dy


def _saddle(x, y):
    return x * x / 2.0 + y**4 / 4.0 - y * y / 2.0


def _saddle_grad(x, y):
    return x, y**3 - y


def _himmelblau(x, y):
    return (x * x + y - 11.0) ** 2 + (x + y * y - 7.0) ** 2


def _himmelblau_grad(x, y):
    a = x * x + y - 11.0
    b = x + y * y - 7.0
    return 4.0 * a * x + 2.0 * b, 2.0 * a + 4.0 * b * y


SURFACES: dict[str, Surface] = {
    s.name: s
    for s in [
        Surface(
            name="quadratic",
            formula="x²/20 + y²",
            f=_quadratic,
            grad=_quadratic_grad,
            start=(-4.5, 1.5),
            xlim=(-5.0, 5.0),
            ylim=(-2.0, 2.0),
            minima=((0.0, 0.0),),
            f_min=0.0,
            learning_rates={
                "SGD": 0.9,
                "Momentum": 0.1,
                "Nesterov": 0.1,
                "Adagrad": 0.5,
                "RMSprop": 0.05,
                "Adam": 0.1,
            },
        ),
        Surface(
            name="rosenbrock",
            formula="(1 − x)² + 100 (y − x²)²",
            f=_rosenbrock,
            grad=_rosenbrock_grad,
            start=(-1.2, 1.0),
            xlim=(-2.0, 2.0),
            ylim=(-1.0, 3.0),
            minima=((1.0, 1.0),),
            f_min=0.0,
            learning_rates={
                "SGD": 0.002,
                "Momentum": 0.001,
                "Nesterov": 0.001,
                "Adagrad": 1.0,
                "RMSprop": 0.01,
                "Adam": 0.3,
            },
        ),
        Surface(
            name="beale",
            formula="(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
            f=_beale,
            grad=_beale_grad,
            start=(3.0, 4.0),
            xlim=(-4.5, 4.5),
            ylim=(-4.5, 4.5),
            minima=((3.0, 0.5),),
            f_min=0.0,
            learning_rates={
                "SGD": 3e-05,
                "Momentum": 3e-05,
                "Nesterov": 3e-06,
                "Adagrad": 1.0,
                "RMSprop": 0.03,
                "Adam": 0.3,
            },
        ),
        Surface(
            name="saddle",
            formula="x²/2 + y⁴/4 − y²/2",
            f=_saddle,
            grad=_saddle_grad,
            start=(-2.5, 1e-3),
            xlim=(-3.0, 3.0),
            ylim=(-1.6, 1.6),
            minima=((0.0, -1.0), (0.0, 1.0)),
            f_min=-0.25,
            learning_rates={
                "SGD": 0.05,
                "Momentum": 0.01,
                "Nesterov": 0.01,
                "Adagrad": 0.5,
                "RMSprop": 0.02,
                "Adam": 0.05,
            },
        ),
        Surface(
            name="himmelblau",
            formula="(x² + y − 11)² + (x + y² − 7)²",
            f=_himmelblau,
            grad=_himmelblau_grad,
            start=(-0.27, -0.92),
            xlim=(-5.0, 5.0),
            ylim=(-5.0, 5.0),
            minima=(
                (3.0, 2.0),
                (-2.805118, 3.131312),
                (-3.779310, -3.283186),
                (3.584428, -1.848126),
            ),
            f_min=0.0,
            learning_rates={
                "SGD": 0.003,
                "Momentum": 0.0003,
                "Nesterov": 0.0003,
                "Adagrad": 0.5,
                "RMSprop": 0.03,
                "Adam": 0.1,
            },
        ),
    ]
}


def get_surface(surface: str | Surface) -> Surface:
    """The :class:`Surface` called ``surface`` (one of :data:`SURFACES`), or ``surface`` itself.

    Raises:
        ValueError: for an unknown name, listing the known ones.
    """
    if isinstance(surface, Surface):
        return surface
    return SURFACES[check_in(surface, "surface", list(SURFACES))]


def make_optimizer(name: str, learning_rate: float) -> _optimizers.Optimizer:
    """A fresh racer: ``make_optimizer("Momentum", 0.01)`` is ``SGD(0.01, momentum=0.9)``."""
    return OPTIMIZERS[check_in(name, "optimizer", list(OPTIMIZERS))](learning_rate)


def _check_learning_rate(value: Any, name: str) -> float:
    try:
        as_float = float(value)
    except (TypeError, ValueError):
        as_float = float("nan")
    if isinstance(value, bool) or not np.isfinite(as_float) or as_float <= 0:
        raise ValueError(
            f"Argument `learning_rates` must map optimizer names to positive numbers. "
            f"Received: learning_rates[{name!r}]={value!r}"
        )
    return as_float


def resolve_learning_rates(
    surface: Surface, names: Sequence[str], learning_rates: Mapping[str, float] | None
) -> dict[str, float]:
    """The learning rate of each optimizer in ``names``: ``learning_rates`` over the presets."""
    given = {} if learning_rates is None else learning_rates
    if not isinstance(given, Mapping):
        raise ValueError(
            "Argument `learning_rates` must be a dict {optimizer name: learning rate} or None. "
            f"Received: learning_rates={given!r}"
        )
    for key in given:
        check_in(key, "learning_rates key", list(OPTIMIZERS))
    return {
        name: _check_learning_rate(given[name], name)
        if name in given
        else surface.learning_rates[name]
        for name in names
    }


def resolve_optimizers(optimizers: Sequence[str] | None) -> list[str]:
    """The optimizer names to race (all of :data:`OPTIMIZERS` for None), checked, in order."""
    if optimizers is None:
        return list(OPTIMIZERS)
    if isinstance(optimizers, str) or not isinstance(optimizers, Sequence):
        raise ValueError(
            "Argument `optimizers` must be a list of optimizer names or None. "
            f"Received: optimizers={optimizers!r}"
        )
    names = [check_in(name, "optimizers", list(OPTIMIZERS)) for name in optimizers]
    if len(set(names)) != len(names):
        raise ValueError(
            f"Argument `optimizers` must not repeat a name. Received: optimizers={optimizers!r}"
        )
    return names


def trajectory(surface: Surface, name: str, learning_rate: float, steps: int) -> np.ndarray:
    """One optimizer's path: ``θ₀, θ₁, …, θ_steps`` as an array ``(steps + 1, 2)``.

    ``θ_{t+1}`` is ``θ_t`` after one ``apply_gradients`` of the optimizer with ``∇f(θ_t)``. If
    the gradient overflows or the point leaves the square ``10⁴`` times the plotting window, the
    path has diverged and its remaining rows are NaN (a plot shows them as a gap).
    """
    optimizer = make_optimizer(name, learning_rate)
    out = np.full((steps + 1, 2), np.nan)
    theta = np.array(surface.start, dtype=np.float64)
    out[0] = theta
    span = max(surface.xlim[1] - surface.xlim[0], surface.ylim[1] - surface.ylim[0])
    bound = _ESCAPE_FACTOR * span
    grad = surface.grad
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            gx, gy = grad(theta[0], theta[1])
            g = np.array([gx, gy])
            if not np.isfinite(g).all():
                break
            optimizer.apply_gradients(zip([g], [theta], strict=True))
            if not (np.isfinite(theta).all() and np.abs(theta).max() < bound):
                break
            out[t] = theta
    return out


def trajectories(
    surface: str | Surface,
    steps: int = 300,
    optimizers: Sequence[str] | None = None,
    learning_rates: Mapping[str, float] | None = None,
) -> dict[str, np.ndarray]:
    """Every optimizer's path over a teaching surface, precomputed in NumPy (chapter 3).

    Each optimizer starts at ``surface.start`` and takes ``steps`` steps
    ``θ := θ − update(∇f(θ))`` with :mod:`dlcourse.nn.optimizers` (the Keras formulas; see
    :data:`OPTIMIZERS` for the six racers).

    Args:
        surface: a name from :data:`SURFACES` (``"quadratic"``, ``"rosenbrock"``, ``"beale"``,
            ``"saddle"``, ``"himmelblau"``) or a :class:`Surface`.
        steps: positive integer, the number of steps; default 300.
        optimizers: names from :data:`OPTIMIZERS` to run, in order; default all six.
        learning_rates: ``{name: learning rate > 0}`` overriding the surface's presets
            (:attr:`Surface.learning_rates`); default None (the presets).

    Returns:
        ``{optimizer name: array (steps + 1, 2)}`` in float64: row ``t`` is ``θ_t`` (row 0 is
        the start). Rows after a divergence are NaN.

    Raises:
        ValueError: for an unknown surface or optimizer name (listing the known ones), a
            ``steps`` that is not a positive integer, or a learning rate that is not positive.
    """
    surface = get_surface(surface)
    steps = check_positive_int(steps, "steps")
    names = resolve_optimizers(optimizers)
    rates = resolve_learning_rates(surface, names, learning_rates)
    return {name: trajectory(surface, name, rates[name], steps) for name in names}
