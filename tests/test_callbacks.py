"""Tests of dlcourse.nn.callbacks with Sequential.fit: the order and arguments of the hooks,
History, EarlyStopping (stopping, patience, min_delta, baseline, mode, restoring the best
weights) and LambdaCallback, each called the way Keras calls them."""

from __future__ import annotations

import numpy as np
import pytest

from dlcourse.nn import Sequential, callbacks
from dlcourse.nn.layers import Dense
from dlcourse.nn.optimizers import SGD


def model_and_data(seed=0, n=32):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3))
    y = (x[:, :1] + 0.5 * x[:, 1:2] > 0).astype(float)
    model = Sequential(
        [Dense(8, activation="tanh", input_shape=(3,)), Dense(1, activation="sigmoid")], seed=seed
    )
    model.compile(optimizer=SGD(0.5), loss="binary_crossentropy", metrics=["accuracy"])
    return model, x, y


class Recorder(callbacks.Callback):
    """Records every hook call as (name, first argument, a copy of logs)."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def _record(self, name, *args, logs=None):
        self.calls.append((name, *args, dict(logs) if logs else logs))

    def on_train_begin(self, logs=None):
        self._record("train_begin", logs=logs)

    def on_train_end(self, logs=None):
        self._record("train_end", logs=logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._record("epoch_begin", epoch, logs=logs)

    def on_epoch_end(self, epoch, logs=None):
        self._record("epoch_end", epoch, logs=logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._record("batch_begin", batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        self._record("batch_end", batch, logs=logs)


def test_hooks_are_called_in_keras_order_with_model_and_params():
    model, x, y = model_and_data(n=20)
    recorder = Recorder()
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0, callbacks=[recorder])
    names = [call[0] for call in recorder.calls]
    one_epoch = ["epoch_begin"] + ["batch_begin", "batch_end"] * 3 + ["epoch_end"]
    assert names == ["train_begin", *one_epoch, *one_epoch, "train_end"]
    assert recorder.model is model
    assert recorder.params == {"verbose": 0, "epochs": 2, "steps": 3}
    batches = [call[1] for call in recorder.calls if call[0] == "batch_end"]
    assert batches == [0, 1, 2, 0, 1, 2]
    epoch_ends = [call for call in recorder.calls if call[0] == "epoch_end"]
    assert [call[1] for call in epoch_ends] == [0, 1]
    # the epoch logs are what History records
    for i, (_, _, logs) in enumerate(epoch_ends):
        assert logs == {key: values[i] for key, values in history.history.items()}
    # batch logs are running averages with the epoch's keys; the last equals the epoch's
    last_batch = [call for call in recorder.calls if call[0] == "batch_end"][2]
    assert set(last_batch[2]) == {"accuracy", "loss"}
    assert last_batch[2]["loss"] == pytest.approx(epoch_ends[0][2]["loss"])


def test_history_records_every_epoch_and_initial_epoch_counts_on():
    model, x, y = model_and_data()
    history = model.fit(x, y, epochs=5, initial_epoch=3, verbose=0, validation_data=(x, y))
    assert history.epoch == [3, 4]
    assert sorted(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert all(len(values) == 2 for values in history.history.values())
    assert all(isinstance(v, float) for values in history.history.values() for v in values)


def test_a_callback_stops_training_through_the_model():
    class StopAfterTwo(callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                self.model.stop_training = True

    model, x, y = model_and_data()
    history = model.fit(x, y, epochs=10, verbose=0, callbacks=[StopAfterTwo()])
    assert history.epoch == [0, 1]
    # a new fit starts afresh
    assert model.fit(x, y, epochs=3, verbose=0).epoch == [0, 1, 2]


# ------------------------------------------------------------------------- EarlyStopping ---


class WeightsPerEpoch(callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.weights = []

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append(self.model.get_weights())


@pytest.mark.parametrize("patience", [0, 2])
def test_early_stopping_stops_and_restores_the_best_weights(patience):
    """Validation labels are the training labels flipped: the better the model fits the
    training set, the worse val_loss gets, so it turns up after a few epochs."""
    model, x, y = model_and_data(seed=1)
    recorder = WeightsPerEpoch()
    stopper = callbacks.EarlyStopping(
        monitor="val_loss", patience=patience, restore_best_weights=True
    )
    history = model.fit(
        x,
        y,
        epochs=40,
        batch_size=8,
        verbose=0,
        validation_data=(x, 1 - y),
        callbacks=[recorder, stopper],
    )
    val_loss = history.history["val_loss"]
    best = int(np.argmin(val_loss))
    assert len(val_loss) < 40  # it stopped
    # Keras counts non-improving epochs and stops when the count reaches `patience`, but never
    # at the first one: patience 0 behaves like patience 1
    assert stopper.stopped_epoch == best + max(patience, 1)
    assert len(val_loss) == stopper.stopped_epoch + 1
    assert stopper.best == pytest.approx(val_loss[best])
    for restored, kept in zip(model.get_weights(), recorder.weights[best], strict=True):
        np.testing.assert_array_equal(restored, kept)


def test_early_stopping_without_restoring_keeps_the_last_weights():
    model, x, y = model_and_data(seed=1)
    recorder = WeightsPerEpoch()
    stopper = callbacks.EarlyStopping(monitor="val_loss", patience=1)
    model.fit(x, y, epochs=40, verbose=0, validation_data=(x, 1 - y), callbacks=[recorder, stopper])
    for final, last in zip(model.get_weights(), recorder.weights[-1], strict=True):
        np.testing.assert_array_equal(final, last)


class ScriptedModel:
    """A stand-in for the model: EarlyStopping only reads and writes its weights and flag."""

    def __init__(self):
        self.stop_training = False
        self.epoch = 0

    def get_weights(self):
        return [np.array([self.epoch])]

    def set_weights(self, weights):
        self.restored = int(weights[0][0])


def run_scripted(stopper, values, key="loss"):
    """Feed a sequence of monitored values; return (epochs run, the model stand-in)."""
    model = ScriptedModel()
    stopper.set_model(model)
    stopper.on_train_begin()
    ran = 0
    for epoch, value in enumerate(values):
        model.epoch = epoch
        stopper.on_epoch_end(epoch, {key: value})
        ran += 1
        if model.stop_training:
            break
    stopper.on_train_end()
    return ran, model


# (EarlyStopping arguments, monitored values, epochs run, epoch restored or None), worked out
# by hand from Keras' rules and confirmed against keras.callbacks.EarlyStopping below
SCRIPTS = [
    ({"patience": 2}, [1.0, 0.5, 0.6, 0.7, 0.4, 0.3], 4, None),
    ({"patience": 3}, [1.0, 0.5, 0.6, 0.7, 0.4, 0.3], 6, None),
    ({"patience": 0}, [1.0, 2.0, 3.0], 2, None),
    ({"patience": 0, "restore_best_weights": True}, [2.0, 1.0, 3.0], 3, 1),
    # improvements smaller than min_delta do not count
    ({"min_delta": 0.2, "patience": 1}, [1.0, 0.9, 0.85], 2, None),
    ({"min_delta": 0.2, "patience": 1}, [1.0, 0.7, 0.6, 0.55], 3, None),
    ({"mode": "max", "patience": 1, "restore_best_weights": True}, [0.5, 0.8, 0.7, 0.6], 3, 1),
    # a baseline never beaten keeps the wait from resetting (improving epochs never stop)
    ({"patience": 2, "baseline": 0.1}, [1.0, 0.9, 0.95, 0.97, 0.99], 3, None),
    ({"patience": 2}, [1.0, 0.9, 0.95, 0.97, 0.99], 4, None),
    # epochs before start_from_epoch are ignored
    ({"patience": 0, "start_from_epoch": 3}, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 5, None),
]


@pytest.mark.parametrize(("kwargs", "values", "ran", "restored"), SCRIPTS)
def test_early_stopping_rules(kwargs, values, ran, restored):
    got_ran, model = run_scripted(callbacks.EarlyStopping(monitor="loss", **kwargs), values)
    assert got_ran == ran
    assert getattr(model, "restored", None) == restored


def test_early_stopping_rules_agree_with_keras(keras):
    for kwargs, values, ran, restored in SCRIPTS:
        theirs = keras.callbacks.EarlyStopping(monitor="loss", **{"mode": "min", **kwargs})
        got_ran, model = run_scripted(theirs, values)
        assert (got_ran, getattr(model, "restored", None)) == (ran, restored), kwargs


def test_early_stopping_auto_mode():
    assert callbacks.EarlyStopping(monitor="val_accuracy").mode == "max"
    assert callbacks.EarlyStopping(monitor="val_loss").mode == "min"
    assert callbacks.EarlyStopping(monitor="loss", mode="max").mode == "max"


def test_early_stopping_on_a_missing_key_says_which_keys_exist():
    model, x, y = model_and_data()
    with pytest.raises(ValueError, match=r"monitoring 'val_loss'.*\['accuracy', 'loss'\]"):
        model.fit(x, y, epochs=2, verbose=0, callbacks=[callbacks.EarlyStopping()])


def test_early_stopping_refuses_bad_arguments():
    with pytest.raises(ValueError, match=r"`patience`.*patience=-1"):
        callbacks.EarlyStopping(patience=-1)
    with pytest.raises(ValueError, match=r"`mode`.*mode='maximum'"):
        callbacks.EarlyStopping(mode="maximum")


def test_early_stopping_verbose_prints_keras_messages(capsys):
    stopper = callbacks.EarlyStopping(
        monitor="loss", patience=0, verbose=1, restore_best_weights=True
    )
    run_scripted(stopper, [1.0, 2.0])
    assert capsys.readouterr().out.splitlines() == [
        "Epoch 2: early stopping",
        "Restoring model weights from the end of the best epoch: 1.",
    ]


# ------------------------------------------------------------------------ LambdaCallback ---


def test_lambda_callback_epoch_end_and_batch_end():
    model, x, y = model_and_data(n=20)
    epochs, batches = [], []
    callback = callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: epochs.append((epoch, logs["loss"])),
        on_train_batch_end=lambda batch, logs: batches.append(batch),
    )
    history = model.fit(x, y, epochs=3, batch_size=10, verbose=0, callbacks=[callback])
    assert epochs == list(enumerate(history.history["loss"]))
    assert batches == [0, 1] * 3


def test_lambda_callback_hooks_receive_logs_like_keras():
    model, x, y = model_and_data(n=20)
    calls = []
    callback = callbacks.LambdaCallback(
        on_train_begin=lambda logs: calls.append("train_begin"),
        on_epoch_begin=lambda epoch, logs: calls.append(f"epoch_begin {epoch}"),
        on_train_batch_begin=lambda batch, logs: calls.append(f"batch_begin {batch}"),
        on_train_end=lambda logs: calls.append("train_end"),
    )
    model.fit(x, y, epochs=1, batch_size=10, verbose=0, callbacks=[callback])
    assert calls == ["train_begin", "epoch_begin 0", "batch_begin 0", "batch_begin 1", "train_end"]


def test_lambda_callback_refuses_non_callables():
    with pytest.raises(ValueError, match=r"`on_epoch_end` must be callable"):
        callbacks.LambdaCallback(on_epoch_end="print")


def test_fit_refuses_objects_that_are_not_callbacks():
    model, x, y = model_and_data()
    with pytest.raises(TypeError, match=r"`callbacks`.*Callback"):
        model.fit(x, y, verbose=0, callbacks=[lambda epoch, logs: None])
