"""Headless tests of the single-neuron widget."""

from __future__ import annotations

import base64
import itertools

import numpy as np
import pytest

from dlcourse.widgets import neuron


def _grid(n: int) -> np.ndarray:
    g = np.linspace(-3.0, 3.0, n)
    gx, gy = np.meshgrid(g, g)
    return np.column_stack([gx.ravel(), gy.ravel()])


def test_output_is_the_neuron_formula():
    cell = neuron(w1=1.5, w2=-0.5, b=0.3, activation="sigmoid")
    x = np.array([[0.0, 0.0], [1.0, 2.0], [-2.0, 0.5]])
    z = 1.5 * x[:, 0] - 0.5 * x[:, 1] + 0.3
    np.testing.assert_allclose(cell.output(x), 1.0 / (1.0 + np.exp(-z)), rtol=1e-12)
    cell.activation_control.value = "relu"
    np.testing.assert_allclose(cell.output(x), np.maximum(z, 0.0), rtol=1e-12)


def test_sliders_update_the_surface_line_and_title():
    cell = neuron()
    image = cell.output_image
    cell.w1.value, cell.w2.value, cell.b.value = 2.0, -1.0, 0.5
    cell.activation_control.value = "tanh"
    assert cell.output_image is image  # updated in place
    z = _grid(image.get_array().shape[0]) @ np.array([2.0, -1.0]) + 0.5
    np.testing.assert_allclose(np.asarray(image.get_array()).ravel(), np.tanh(z), rtol=1e-12)
    assert image.get_clim() == (-1.0, 1.0)
    x1, x2 = cell.boundary.get_data()
    assert len(x1) == 2
    np.testing.assert_allclose(2.0 * np.asarray(x1) - 1.0 * np.asarray(x2) + 0.5, 0.0, atol=1e-12)
    assert cell.title.get_text().startswith("tanh(2.0·x₁ + -1.0·x₂ + 0.5)")
    cell.w1.value = cell.w2.value = 0.0
    assert len(cell.boundary.get_data()[0]) == 0  # no line when w = 0


def test_accuracy_counts_the_side_of_the_line():
    cell = neuron(w1=1.0, w2=1.0, b=0.0, dataset="blobs")
    z = cell.x @ np.array([1.0, 1.0])
    assert cell.accuracy() == pytest.approx(np.mean((z > 0) == cell.y))
    assert cell.accuracy() >= 0.95  # two clouds a line separates
    assert f"accuracy {cell.accuracy():.0%}" in cell.title.get_text()


def test_one_neuron_cannot_solve_xor():
    cell = neuron(dataset="xor")
    best = 0.0
    for w1, w2, b in itertools.product(np.linspace(-5, 5, 21), repeat=3):
        z = cell.x @ np.array([w1, w2]) + b
        best = max(best, float(np.mean((z > 0) == cell.y)))
    assert best <= 0.8


def test_picture_changes_and_bundle_is_stable():
    a, b = neuron(), neuron()
    before = a.image.value
    a.b.value = 1.0
    assert a.image.value != before and a.image.value == a._png
    bundle = a._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "image/png", "application/vnd.jupyter.widget-view+json"}
    assert bundle["text/plain"] == (
        "Neuron(w1=1.00, w2=1.00, b=1.00, activation='sigmoid', dataset='blobs')"
    )
    assert base64.b64decode(b._repr_mimebundle_()["image/png"]) == before  # deterministic


def test_bad_input():
    with pytest.raises(ValueError, match="`activation` must be one of"):
        neuron(activation="softmax")
    with pytest.raises(ValueError, match="`dataset` must be one of"):
        neuron(dataset="mnist")
    with pytest.raises(ValueError, match=r"`w1` must be a number in \[-5, 5\]. Received: w1=9"):
        neuron(w1=9)
    with pytest.raises(ValueError, match="`b` must be a number"):
        neuron(b="0")
