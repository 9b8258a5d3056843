"""Tests for dlcourse.widgets.surfaces: the teaching surfaces and `trajectories`.

References are closed forms and plain-float loops written from the formulas (Keras' SGD with
momentum, Kingma and Ba's Adam in Keras' epsilon form), not calls to the code under test.
"""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

from dlcourse.widgets import OPTIMIZERS, SURFACES, trajectories
from dlcourse.widgets.surfaces import get_surface, make_optimizer

RTOL = 1e-12


def test_import_does_not_load_tensorflow_or_keras():
    code = (
        "import sys, dlcourse.widgets; "
        "bad = [m for m in ('tensorflow', 'keras') if m in sys.modules]; "
        "sys.exit(str(bad) if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", list(SURFACES))
def test_gradient_matches_central_differences(name):
    surface = SURFACES[name]
    rng = np.random.default_rng(0)
    h = 1e-6
    for _ in range(5):
        p = np.array([rng.uniform(*surface.xlim), rng.uniform(*surface.ylim)])
        numeric = np.array(
            [(surface.value(p + h * e) - surface.value(p - h * e)) / (2 * h) for e in np.eye(2)]
        )
        analytic = surface.gradient(p)
        scale = max(1.0, np.abs(analytic).max())
        np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-6 * scale)


@pytest.mark.parametrize("name", list(SURFACES))
def test_minima_are_where_the_surface_says(name):
    surface = SURFACES[name]
    for point in surface.minima:
        assert abs(surface.value(np.array(point)) - surface.f_min) < 1e-9
        assert np.abs(surface.gradient(np.array(point))).max() < 1e-4
    # f_min is a lower bound over the window
    _, _, F = surface.grid(150)
    assert F.min() >= surface.f_min - 1e-12


def test_shapes_keys_and_start():
    paths = trajectories("rosenbrock", steps=7)
    assert list(paths) == list(OPTIMIZERS)
    for path in paths.values():
        assert path.shape == (8, 2) and path.dtype == np.float64
        np.testing.assert_array_equal(path[0], SURFACES["rosenbrock"].start)
    some = trajectories("beale", steps=3, optimizers=["Adam", "SGD"])
    assert list(some) == ["Adam", "SGD"]


def test_sgd_on_the_quadratic_is_the_closed_form():
    # f = x²/20 + y², so x_t = x0 (1 − α/10)^t and y_t = y0 (1 − 2α)^t.
    alpha, steps = 0.3, 40
    path = trajectories("quadratic", steps, ["SGD"], {"SGD": alpha})["SGD"]
    x0, y0 = SURFACES["quadratic"].start
    t = np.arange(steps + 1)
    expected = np.column_stack([x0 * (1 - alpha / 10) ** t, y0 * (1 - 2 * alpha) ** t])
    np.testing.assert_allclose(path, expected, rtol=RTOL, atol=1e-300)


def test_momentum_and_nesterov_follow_keras_formulas():
    surface = SURFACES["rosenbrock"]
    alpha, mu, steps = 0.0005, 0.9, 60
    for nesterov, name in ((False, "Momentum"), (True, "Nesterov")):
        x, y = surface.start
        vx = vy = 0.0
        expected = [(x, y)]
        for _ in range(steps):
            gx, gy = surface.grad(x, y)
            vx, vy = mu * vx - alpha * gx, mu * vy - alpha * gy
            if nesterov:
                x, y = x + mu * vx - alpha * gx, y + mu * vy - alpha * gy
            else:
                x, y = x + vx, y + vy
            expected.append((x, y))
        path = trajectories(surface, steps, [name], {name: alpha})[name]
        np.testing.assert_allclose(path, np.array(expected), rtol=RTOL)


def test_adam_follows_kingma_and_ba():
    surface = SURFACES["himmelblau"]
    alpha, b1, b2, eps, steps = 0.05, 0.9, 0.999, 1e-7, 80
    theta = list(surface.start)
    m, v = [0.0, 0.0], [0.0, 0.0]
    expected = [tuple(theta)]
    for t in range(1, steps + 1):
        g = surface.grad(*theta)
        alpha_t = alpha * math.sqrt(1 - b2**t) / (1 - b1**t)
        for i in range(2):
            m[i] = b1 * m[i] + (1 - b1) * g[i]
            v[i] = b2 * v[i] + (1 - b2) * g[i] ** 2
            theta[i] -= alpha_t * m[i] / (math.sqrt(v[i]) + eps)
        expected.append(tuple(theta))
    path = trajectories(surface, steps, ["Adam"], {"Adam": alpha})["Adam"]
    np.testing.assert_allclose(path, np.array(expected), rtol=1e-10)


def test_racers_are_the_course_optimizers():
    configs = {name: make_optimizer(name, 0.01).get_config() for name in OPTIMIZERS}
    assert configs["SGD"]["momentum"] == 0.0
    assert configs["Momentum"]["momentum"] == 0.9 and not configs["Momentum"]["nesterov"]
    assert configs["Nesterov"]["momentum"] == 0.9 and configs["Nesterov"]["nesterov"]
    assert type(make_optimizer("Adagrad", 0.1)).__module__.startswith("dlcourse.nn.optimizers")
    assert all(c["learning_rate"] == 0.01 for c in configs.values())


def test_a_diverging_path_turns_to_nan():
    # SGD with α = 1.5 multiplies y by (1 − 3) = −2 each step: it leaves the window for good.
    steps = 40
    path = trajectories("quadratic", steps, ["SGD"], {"SGD": 1.5})["SGD"]
    finite = np.isfinite(path).all(axis=1)
    first_bad = int(np.argmin(finite))
    assert 0 < first_bad < steps and not finite[first_bad:].any() and finite[:first_bad].all()
    y0 = SURFACES["quadratic"].start[1]
    np.testing.assert_allclose(path[:first_bad, 1], y0 * (-2.0) ** np.arange(first_bad), rtol=RTOL)


@pytest.mark.parametrize("name", list(SURFACES))
def test_presets_never_diverge(name):
    for optimizer, path in trajectories(name).items():
        assert np.isfinite(path).all(), f"{optimizer} diverges on {name} with its preset"


def test_presets_show_what_the_surfaces_teach():
    quadratic = trajectories("quadratic")
    for optimizer, path in quadratic.items():
        assert np.hypot(*path[-1]) < 0.05, optimizer
    # Plain SGD lingers at the saddle; Adam's normalised steps escape at once.
    saddle = trajectories("saddle")
    assert abs(saddle["SGD"][50, 1]) < 0.05 and abs(saddle["Adam"][50, 1]) > 0.5
    for path in saddle.values():
        assert abs(abs(path[-1, 1]) - 1.0) < 0.02
    # From Himmelblau's hilltop, gradient descent and Adam roll into different valleys.
    himmelblau = trajectories("himmelblau")
    assert np.allclose(himmelblau["SGD"][-1], (3.584428, -1.848126), atol=1e-3)
    assert np.allclose(himmelblau["Adam"][-1], (3.0, 2.0), atol=1e-3)


def test_bad_input():
    with pytest.raises(ValueError, match=r"`surface` must be one of \['quadratic', 'rosenbrock'"):
        trajectories("nope")
    for steps in (0, -3, 2.5, True, "10"):
        with pytest.raises(ValueError, match="`steps` must be a positive integer"):
            trajectories("beale", steps=steps)
    for rate in (0, -0.1, float("nan"), float("inf"), "fast", True):
        with pytest.raises(ValueError, match=r"learning_rates\['Adam'\]"):
            trajectories("beale", learning_rates={"Adam": rate})
    with pytest.raises(ValueError, match="`learning_rates key` must be one of"):
        trajectories("beale", learning_rates={"adam": 0.1})
    with pytest.raises(ValueError, match="`optimizers` must be one of"):
        trajectories("beale", optimizers=["LBFGS"])
    with pytest.raises(ValueError, match="must not repeat"):
        trajectories("beale", optimizers=["SGD", "SGD"])
    with pytest.raises(ValueError, match="list of optimizer names"):
        trajectories("beale", optimizers="SGD")
    with pytest.raises(ValueError, match="`surface` must be one of"):
        get_surface(3)
