"""Tests of LiveLoss: recording, throttling (with an injected clock), callbacks, display bundle."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from dlcourse import nn
from dlcourse.widgets import LiveLoss


class FakeClock:
    """A clock that says what the test sets."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _tiny_problem():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 2)).astype(np.float32)
    y = (x[:, :1] * x[:, 1:] > 0).astype(np.float32)
    return x, y


def test_records_every_update_and_pairs_validation_panels():
    live = LiveLoss(display=False)
    live.update(1, loss=0.9, val_loss=1.0, accuracy=0.5)
    live.update(2, loss=0.7, val_loss=0.8, accuracy=0.6)
    live.update(3, loss=0.6)
    assert live.history == {"loss": [0.9, 0.7, 0.6], "val_loss": [1.0, 0.8], "accuracy": [0.5, 0.6]}
    assert live.steps == {"loss": [1, 2, 3], "val_loss": [1, 2], "accuracy": [1, 2]}
    live.png()
    assert list(live._axes) == ["loss", "accuracy"]
    x, y = live._lines["val_loss"].get_data()
    np.testing.assert_array_equal(x, [1, 2])
    np.testing.assert_array_equal(y, [1.0, 0.8])
    assert live._lines["val_loss"].axes is live._lines["loss"].axes


def test_throttles_redraws_and_forces_the_last_one():
    clock = FakeClock()
    live = LiveLoss(min_interval=0.3, display=False, clock=clock)
    for t in (0.0, 0.1, 0.2, 0.35, 0.5, 0.64, 0.66, 0.7):
        clock.now = t
        live.update(int(t * 100), loss=1.0 - t)
    # Draws at 0.0 (first), 0.35 (≥ 0.3 later) and 0.66; 0.7 is recorded but not drawn.
    assert live.redraws == 3
    assert len(live.history["loss"]) == 8
    live.finish()
    assert live.redraws == 4
    live.finish()  # nothing new: no redraw
    assert live.redraws == 4
    x, y = live._lines["loss"].get_data()
    np.testing.assert_array_equal(x, [0, 10, 20, 35, 50, 64, 66, 70])


def test_numpy_fit_callback_sees_every_epoch_and_draws_at_the_end():
    x, y = _tiny_problem()
    model = nn.Sequential(
        [
            nn.layers.Dense(4, activation="tanh", input_dim=2),
            nn.layers.Dense(1, activation="sigmoid"),
        ],
        seed=0,
    )
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    live = LiveLoss(min_interval=1e9, display=False)
    history = model.fit(
        x, y, epochs=6, batch_size=16, validation_split=0.25, verbose=0, callbacks=[live]
    )
    assert live.history == history.history
    assert live.steps["loss"] == [1, 2, 3, 4, 5, 6]
    assert live.redraws == 2  # the first epoch, then the forced final draw
    assert repr(live) == (
        "LiveLoss(metrics=['accuracy', 'loss', 'val_accuracy', 'val_loss'], updates=6, last_step=6)"
    )


def test_headless_without_a_kernel_keeps_data_and_does_not_display():
    live = LiveLoss()  # display=None: only inside a Jupyter kernel
    live.update(0, loss=1.0)
    live.update(1, loss=0.5)
    assert live._handle is None and live.history["loss"] == [1.0, 0.5]


def test_mimebundle_png_and_stable_text():
    clock = FakeClock()
    a = LiveLoss(display=False, clock=clock)
    b = LiveLoss(display=False, clock=clock)
    for live in (a, b):
        for step in range(1, 5):
            live.update(step, loss=1.0 / step, val_loss=1.2 / step)
    bundle = a._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "image/png"}
    assert bundle["text/plain"] == "LiveLoss(metrics=['loss', 'val_loss'])"  # no counts
    png = base64.b64decode(bundle["image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert bundle == b._repr_mimebundle_()  # deterministic, no ids
    empty = LiveLoss(display=False)._repr_mimebundle_()
    assert empty == {"text/plain": "LiveLoss(metrics=[])"}


def test_bad_input():
    live = LiveLoss(display=False)
    for step in (-1, 1.5, True, "3"):
        with pytest.raises(ValueError, match="`step` must be a non-negative integer"):
            live.update(step, loss=1.0)
    with pytest.raises(ValueError, match="at least one metric"):
        live.update(1)
    with pytest.raises(ValueError, match="`loss` must be a number. Received: loss='low'"):
        live.update(1, loss="low")
    with pytest.raises(ValueError, match="`accuracy` must be a number"):
        live.update(1, accuracy=True)
    assert live.history == {}
    with pytest.raises(ValueError, match="`min_interval` must be a non-negative number"):
        LiveLoss(min_interval=-1)
    with pytest.raises(ValueError, match="`display` must be True, False or None"):
        LiveLoss(display="yes")
    with pytest.raises(ValueError, match="`clock` must be callable"):
        LiveLoss(clock=3)


def test_keras_fit_callback(keras):
    x, y = _tiny_problem()
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((2,)),
            keras.layers.Dense(4, activation="tanh"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    live = LiveLoss(min_interval=1e9, display=False)
    callback = live.keras()
    assert isinstance(callback, keras.callbacks.Callback) and callback.live is live
    history = model.fit(
        x, y, epochs=3, batch_size=16, validation_split=0.25, verbose=0, callbacks=[callback]
    )
    assert live.steps["loss"] == [1, 2, 3]
    for key, values in history.history.items():
        np.testing.assert_allclose(live.history[key], values, rtol=1e-12)
    assert live.redraws == 2  # the first epoch, then the forced final draw
