"""Headless tests of the optimizer race: set controls from Python, check the artists' data."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from ipywidgets.widgets import widget_link
from PIL import Image

from dlcourse.widgets import OPTIMIZERS, SURFACES, Surface, optimizer_race, trajectories
from dlcourse.widgets.race import DEFAULT_RACERS


@pytest.fixture(scope="module")
def race():
    return optimizer_race("rosenbrock", steps=120)


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return Image.open(io.BytesIO(data)).size


def test_starts_at_the_last_step_with_the_default_racers(race):
    assert race.step == 120 and race.play.value == 120 and race.play.max == 120
    assert race.shown == list(DEFAULT_RACERS)
    assert repr(race) == (
        "OptimizerRace(surface='rosenbrock', optimizers=['SGD', 'Momentum', 'Adagrad', "
        "'RMSprop', 'Adam'], step=120/120)"
    )


def test_slider_sets_every_artist_to_the_trajectory_prefix(race):
    expected = trajectories("rosenbrock", steps=120)
    f = SURFACES["rosenbrock"].f
    lines = dict(race.lines)
    draws = race.frame_canvas.background_draws
    for k in (0, 1, 37, 120):
        race.step_slider.value = k
        for name in OPTIMIZERS:
            x, y = race.lines[name].get_data()
            np.testing.assert_array_equal(np.column_stack([x, y]), expected[name][: k + 1])
            mx, my = race.markers[name].get_data()
            np.testing.assert_array_equal(np.column_stack([mx, my]), expected[name][k : k + 1])
            steps, gap = race.loss_lines[name].get_data()
            np.testing.assert_array_equal(steps, np.arange(k + 1))
            path = expected[name][: k + 1]
            np.testing.assert_allclose(
                gap, np.maximum(f(path[:, 0], path[:, 1]), 1e-16), rtol=1e-12
            )
        assert race.step_text.get_text() == f"step {k}/120"
    # Artists updated in place, frames blitted over the cached background.
    assert all(race.lines[n] is lines[n] for n in OPTIMIZERS)
    assert race.frame_canvas.background_draws == draws
    race.step_slider.value = 120


def test_each_frame_changes_the_picture(race):
    race.step_slider.value = 10
    early = race.image.value
    race.step_slider.value = 90
    late = race.image.value
    assert early != late and late == race._png
    assert _png_size(late) == race.frame_canvas.canvas.get_width_height()
    race.step_slider.value = 120


def test_play_is_linked_to_the_slider_in_the_browser(race):
    link = race._link
    assert isinstance(link, widget_link.Link)
    assert link.source == (race.play, "value") and link.target == (race.step_slider, "value")
    assert race.play.min == race.step_slider.min == 0
    assert race.play.max == race.step_slider.max == race.steps


def test_mimebundle_has_widget_png_and_stable_text():
    a = optimizer_race("saddle", steps=50, optimizers=["SGD", "Adam"])
    b = optimizer_race("saddle", steps=50, optimizers=["SGD", "Adam"])
    bundle = a._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "image/png", "application/vnd.jupyter.widget-view+json"}
    assert (
        bundle["text/plain"]
        == "OptimizerRace(surface='saddle', optimizers=['SGD', 'Adam'], step=50/50)"
    )
    assert "0x" not in bundle["text/plain"]
    assert base64.b64decode(bundle["image/png"]) == a._png
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == a.model_id
    other = b._repr_mimebundle_()
    assert other["text/plain"] == bundle["text/plain"]
    assert other["image/png"] == bundle["image/png"]  # deterministic picture


def test_hidden_optimizers_are_not_drawn_and_ticking_shows_them():
    race = optimizer_race("quadratic", steps=30, optimizers=["Adam"])
    assert race.shown == ["Adam"]
    assert race.lines["Adam"].get_visible() and not race.lines["SGD"].get_visible()
    race.optimizer_boxes["SGD"].value = True
    assert race.shown == ["SGD", "Adam"] and race.lines["SGD"].get_visible()
    labels = [t.get_text() for t in race.loss_axes.get_legend().get_texts()]
    assert labels == ["SGD (lr=0.9)", "Adam (lr=0.1)"]
    race.optimizer_boxes["Adam"].value = False
    assert race.shown == ["SGD"] and not race.markers["Adam"].get_visible()


def test_learning_rate_slider_recomputes_that_path():
    race = optimizer_race("quadratic", steps=30)
    race.learning_rate_sliders["SGD"].value = 0.25
    expected = trajectories("quadratic", 30, ["SGD"], {"SGD": 0.25})["SGD"]
    np.testing.assert_array_equal(race.paths["SGD"], expected)
    x, y = race.lines["SGD"].get_data()
    np.testing.assert_array_equal(np.column_stack([x, y]), expected)
    assert race.learning_rates["SGD"] == 0.25
    assert "SGD (lr=0.25)" in [t.get_text() for t in race.loss_axes.get_legend().get_texts()]
    np.testing.assert_array_equal(  # the others are untouched
        race.paths["Adam"], trajectories("quadratic", 30, ["Adam"])["Adam"]
    )


def test_a_diverging_learning_rate_is_labelled():
    race = optimizer_race("quadratic", steps=40, optimizers=["SGD"])
    race.learning_rate_sliders["SGD"].value = 1.5
    labels = [t.get_text() for t in race.loss_axes.get_legend().get_texts()]
    assert labels == ["SGD (lr=1.5), diverged"]
    assert np.isnan(race.paths["SGD"][-1]).all()


def test_surface_control_switches_surface_and_presets():
    race = optimizer_race("rosenbrock", steps=25)
    race.surface_control.value = "beale"
    assert race.surface.name == "beale"
    for name in OPTIMIZERS:
        assert race.learning_rates[name] == SURFACES["beale"].learning_rates[name]
        assert race.learning_rate_sliders[name].value == pytest.approx(
            SURFACES["beale"].learning_rates[name], rel=1e-12
        )
    expected = trajectories("beale", 25)
    for name in OPTIMIZERS:
        np.testing.assert_array_equal(race.paths[name], expected[name])
    assert race.surface_axes.get_xlim() == SURFACES["beale"].xlim
    assert repr(race).startswith("OptimizerRace(surface='beale'")


def test_a_custom_surface_races_too():
    bowl = Surface(
        name="bowl",
        formula="x² + y²",
        f=lambda x, y: x * x + y * y,
        grad=lambda x, y: (2 * x, 2 * y),
        start=(1.0, -1.0),
        xlim=(-2.0, 2.0),
        ylim=(-2.0, 2.0),
        minima=((0.0, 0.0),),
        f_min=0.0,
        learning_rates={name: 0.1 for name in OPTIMIZERS},
    )
    race = optimizer_race(bowl, steps=10, optimizers=["SGD"])
    assert race.surface_control.value is None
    t = np.arange(11)  # SGD: θ_t = θ_0 (1 − 2α)^t
    np.testing.assert_allclose(race.paths["SGD"], np.outer(0.8**t, [1.0, -1.0]), rtol=1e-12)
    assert repr(race) == "OptimizerRace(surface='bowl', optimizers=['SGD'], step=10/10)"


def test_bad_input():
    with pytest.raises(ValueError, match="`surface` must be one of"):
        optimizer_race("everest")
    with pytest.raises(ValueError, match="`steps` must be a positive integer"):
        optimizer_race("beale", steps=0)
    with pytest.raises(ValueError, match="`optimizers` must be one of"):
        optimizer_race("beale", optimizers=["sgd"])
    with pytest.raises(ValueError, match=r"learning_rates\['SGD'\]"):
        optimizer_race("beale", learning_rates={"SGD": -1})
