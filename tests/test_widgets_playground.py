"""Headless tests of the network playground: controls set from Python, the model's state checked."""

from __future__ import annotations

import numpy as np
import pytest

from dlcourse.nn import regularizers
from dlcourse.widgets import playground
from dlcourse.widgets.playground import DATASETS


def _weights_equal(a, b) -> bool:
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def _bce(y, p):
    p = np.clip(p.astype(np.float64), 1e-7, 1 - 1e-7)
    return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))


def test_initial_state():
    pg = playground(n=100)
    assert pg.epoch == 0 and pg.play.value == 0
    assert [layer.units for layer in pg.model.layers] == [4, 4, 1]
    assert len(pg.x_train) == 50 and len(pg.x_test) == 50
    assert pg.history["epoch"] == [0]
    assert repr(pg) == (
        "Playground(dataset='circle', network='2–4–4–1 tanh', loss='cross-entropy', "
        "learning_rate=0.1, regularization='none', batch_size=10, epoch=0)"
    )


def test_step_trains_one_epoch_of_fit_and_reset_restores_the_start():
    pg = playground(n=100, seed=3)
    start = pg.model.get_weights()
    pg.step_button.click()
    assert pg.epoch == 1 and pg.history["epoch"] == [0, 1]
    assert not _weights_equal(start, pg.model.get_weights())
    # The same as one epoch of Sequential.fit from the same initial weights and seed.
    twin = pg._make_model()
    assert _weights_equal(start, twin.get_weights())
    twin.fit(pg.x_train, pg.y_train.reshape(-1, 1), batch_size=10, epochs=1, verbose=0)
    assert _weights_equal(twin.get_weights(), pg.model.get_weights())
    # The recorded losses are the data losses of the model now.
    p_test = pg.model.predict(pg.x_test, verbose=0).ravel()
    assert pg.history["test_loss"][-1] == pytest.approx(_bce(pg.y_test, p_test), rel=1e-5)
    pg.reset_button.click()
    assert pg.epoch == 0 and pg.history["epoch"] == [0]
    assert _weights_equal(start, pg.model.get_weights())


def test_play_ticks_train_one_epoch_each_and_going_back_does_not():
    pg = playground(n=80)
    for tick in (1, 2, 3):
        pg.play.value = tick
    assert pg.epoch == 3
    weights = pg.model.get_weights()
    pg.play.value = 0  # the frontend's stop button
    assert pg.epoch == 3 and _weights_equal(weights, pg.model.get_weights())
    pg.play.value = 2  # a jump trains the missed epochs
    assert pg.epoch == 5


def test_picture_follows_the_model():
    pg = playground(n=80)
    before = pg.image.value
    pg.step(3)
    assert pg.image.value != before and pg.image.value == pg._png
    heat = np.asarray(pg.heatmap.get_array())
    grid = pg._grid
    np.testing.assert_allclose(heat.ravel(), pg.model.predict(grid, verbose=0).ravel(), rtol=1e-6)
    x, y = pg.test_line.get_data()
    np.testing.assert_array_equal(x, [0, 1, 2, 3])
    np.testing.assert_array_equal(y, pg.history["test_loss"])
    assert "Epoch 3" in pg.status.value
    assert pg.loss_text.get_text().startswith("epoch 3: test loss")


def test_data_controls_regenerate_the_data_and_reset():
    pg = playground(n=120, seed=1)
    pg.step()
    pg.dataset.value = "xor"
    x, y = DATASETS["xor"](120, 0.0, 1)
    np.testing.assert_array_equal(pg.x_train, x[:60].astype(np.float32))
    np.testing.assert_array_equal(pg.y_test, y[60:].astype(np.float32))
    assert pg.epoch == 0
    pg.noise.value = 30
    x, y = DATASETS["xor"](120, 0.3, 1)
    np.testing.assert_array_equal(pg.x_test, x[60:].astype(np.float32))
    pg.train_ratio.value = 80
    assert (len(pg.x_train), len(pg.x_test)) == (96, 24)
    np.testing.assert_array_equal(pg.train_points.get_offsets(), pg.x_train)


@pytest.mark.parametrize("name", list(DATASETS))
def test_every_dataset_is_two_classes_in_the_window(name):
    x, y = DATASETS[name](200, 0.0, 0)
    assert x.shape == (200, 2) and set(np.unique(y)) == {0, 1}
    assert np.abs(x).max() <= 1.6


def test_model_controls_rebuild_the_network():
    pg = playground(n=80)
    pg.step()
    pg.hidden_layers.value = 3
    pg.units.value = 6
    pg.activation.value = "relu"
    assert [layer.units for layer in pg.model.layers] == [6, 6, 6, 1]
    assert pg.model.layers[0].activation.name == "relu" and pg.epoch == 0
    pg.regularization.value = "L2"
    pg.regularization_rate.value = 0.03
    reg = pg.model.layers[0].kernel_regularizer
    assert isinstance(reg, regularizers.L2) and reg.l2 == pytest.approx(0.03)
    pg.hidden_layers.value = 0
    assert [layer.units for layer in pg.model.layers] == [1]  # logistic regression
    pg.loss.value = "squared error"
    pg.step()
    p = pg.model.predict(pg.x_train, verbose=0).ravel().astype(np.float64)
    assert pg.history["train_loss"][-1] == pytest.approx(np.mean((pg.y_train - p) ** 2), rel=1e-5)


def test_learning_rate_and_batch_size_apply_without_reset():
    pg = playground(n=80)
    pg.step()
    pg.learning_rate.value = 0.3
    pg.batch_size.value = 4
    assert pg.epoch == 1 and pg.model.optimizer.learning_rate == 0.3
    iterations = pg.model.optimizer.iterations
    pg.step()
    # 40 training points in batches of 4: ten updates this epoch.
    assert pg.model.optimizer.iterations - iterations == 10
    assert pg.epoch == 2


def test_bad_input():
    with pytest.raises(ValueError, match="`dataset` must be one of"):
        playground(dataset="moons")
    with pytest.raises(ValueError, match=r"`noise` must be an integer in \[0, 50\]"):
        playground(noise=0.2)
    with pytest.raises(ValueError, match="`learning_rate` must be one of"):
        playground(learning_rate=0.5)
    with pytest.raises(ValueError, match="`loss` must be one of"):
        playground(loss="hinge")
    with pytest.raises(ValueError, match=r"`units` must be an integer in \[1, 8\]"):
        playground(units=0)
    with pytest.raises(ValueError, match="`seed` must be an integer"):
        playground(seed=-1)
    with pytest.raises(ValueError, match="`epochs` must be a positive integer"):
        playground(n=40).step(0)
