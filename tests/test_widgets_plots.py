"""Tests of dlcourse.plots, the static pictures behind the chapters and the widgets."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dlcourse import plots  # noqa: E402
from dlcourse.widgets import SURFACES, trajectories  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_optimizer_paths_draws_each_path():
    surface = SURFACES["saddle"]
    paths = trajectories("saddle", steps=20, optimizers=["SGD", "Adam"])
    ax = plots.optimizer_paths(surface, paths, learning_rates=surface.learning_rates)
    by_label = {line.get_label(): line for line in ax.lines}
    for name, path in paths.items():
        line = by_label[f"{name} (lr={surface.learning_rates[name]:g})"]
        np.testing.assert_array_equal(np.column_stack(line.get_data()), path)
    assert ax.get_xlim() == surface.xlim and ax.get_ylim() == surface.ylim
    with pytest.raises(ValueError, match=r"must have shape \(steps \+ 1, 2\)"):
        plots.optimizer_paths(surface, {"bad": np.zeros((4, 3))})


def test_draw_surface_levels_and_window():
    _, ax = plt.subplots()
    contours = plots.draw_surface(ax, lambda x, y: x**2 + y**2, (-1, 1), (-2, 2), levels=7)
    assert len(contours.levels) <= 9 and ax.get_ylim() == (-2.0, 2.0)
    with pytest.raises(ValueError, match="`xlim` must be \\(low, high\\) with low < high"):
        plots.draw_surface(ax, lambda x, y: x, (1, -1), (0, 1))
    with pytest.raises(ValueError, match="`levels` must be a positive integer"):
        plots.draw_surface(ax, lambda x, y: x, (0, 1), (0, 1), levels=0)


def test_decision_boundary_shows_the_prediction():
    x = np.array([[-1.0, -1.0], [1.0, 1.0], [0.5, -0.5]])
    y = np.array([0, 1, 1])

    def predict(points):
        return 1.0 / (1.0 + np.exp(-(points[:, 0] + points[:, 1])))

    ax = plots.decision_boundary(predict, x, y, xlim=(-2, 2), ylim=(-2, 2), resolution=11)
    heat = np.asarray(ax.images[0].get_array())
    g = np.linspace(-2, 2, 11)
    gx, gy = np.meshgrid(g, g)
    np.testing.assert_allclose(heat, 1.0 / (1.0 + np.exp(-(gx + gy))), rtol=1e-12)
    np.testing.assert_array_equal(ax.collections[-1].get_offsets(), x)
    with pytest.raises(ValueError, match=r"`x` must have shape \(n, 2\)"):
        plots.decision_boundary(predict, np.zeros((3, 3)), y)
    with pytest.raises(ValueError, match="same number of samples"):
        plots.decision_boundary(predict, x, y[:2])


def test_decision_boundary_with_several_classes_uses_argmax():
    x = np.array([[0.0, 0.0], [1.0, 1.0]])

    def scores(points):
        return np.column_stack([points[:, 0], points[:, 1], np.zeros(len(points))])

    ax = plots.decision_boundary(scores, x, [0, 1], xlim=(-1, 1), ylim=(-1, 1), resolution=5)
    classes = np.asarray(ax.images[0].get_array())
    g = np.linspace(-1, 1, 5)
    gx, gy = np.meshgrid(g, g)
    expected = np.stack([gx, gy, np.zeros_like(gx)]).argmax(axis=0)
    np.testing.assert_array_equal(classes, expected)


def test_group_metrics_and_loss_curves():
    assert plots.group_metrics(["accuracy", "loss", "val_accuracy", "val_loss"]) == {
        "loss": ["loss", "val_loss"],
        "accuracy": ["accuracy", "val_accuracy"],
    }
    history = {"loss": [1.0, 0.5, 0.25], "val_loss": [1.1, 0.6, 0.4], "accuracy": [0.5, 0.7, 0.8]}
    axes = plots.loss_curves(history, logy=True)
    assert [ax.get_title() for ax in axes] == ["loss", "accuracy"]
    train, val = axes[0].lines
    np.testing.assert_array_equal(train.get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(val.get_ydata(), history["val_loss"])
    assert axes[0].get_yscale() == "log"
    only = plots.loss_curves(history, metrics=["accuracy"])
    assert len(only) == 1 and len(only[0].lines) == 1
    with pytest.raises(ValueError, match="names \\['auc'\\], which the history does not hold"):
        plots.loss_curves(history, metrics=["auc"])
    with pytest.raises(ValueError, match="`history` must be a History or a non-empty dict"):
        plots.loss_curves({})
    with pytest.raises(TypeError, match="`ax` must be a matplotlib Axes"):
        plots.optimizer_paths(SURFACES["beale"], {}, ax="left")
