"""Parity of whole models: the documents' six models trained one epoch in NumPy and in Keras.

For each model of ``dlcourse.models_zoo`` (the documents' layers, loss, metrics and batch size):
build it with both backends, give the NumPy model the Keras model's initial weights
(``set_weights``), train both one full epoch on the same random data with ``shuffle=False`` and
the same batch size (the last batch is partial), and compare, through ``helpers.assert_close``,
every weight array, the epoch loss and accuracy that ``History`` reports, and the predictions
after the epoch.

What is compared in which dtype, and why:

* **float64, strict (rtol 1e-7)**: both sides in float64 (Keras: ``dtype="float64"`` on every
  layer, and ``keras.config.floatx()`` set to float64 by a fixture so that the loss, the metrics
  and the optimizer's learning rate are float64 too). Adam runs with β₁ = 0.875 and
  β₂ = 1 − 2⁻¹⁰ instead of the defaults 0.9 and 0.999: Keras computes the bias correction
  ``1 − β₂ᵗ`` from ``float32(β₂)`` even on float64 weights, and ``1 − float32(0.999)`` is off by
  1.3e-5 relative, which shifts every first Adam step by 6e-6 relative (see
  ``test_parity_optimizers.py``). With β's exact in float32 the two sides agree to ~1e-15, so
  any difference in the forward pass, backpropagation, loss fusion, batching, regularization or
  metric bookkeeping would show.
* **float32, the documents' exact ``compile`` (``optimizer='adam'``)**: epoch loss, accuracy and
  predictions at rtol 1e-5. The weights are not compared here at 1e-5: Adam divides each
  gradient by its own running RMS, so a gradient entry that is nearly zero (a sum over the batch
  that cancels) has its float32 round-off (different summation orders in oneDNN and NumPy's
  BLAS) amplified to a relative 1e-4 in a bias after three steps. The same float32 models
  trained with SGD, where nothing amplifies round-off, do agree at 1e-5 (third test).
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

from dlcourse import models_zoo as zoo
from dlcourse import nn
from dlcourse.tfnn import from_keras, keras

from .helpers import assert_close, keras_floatx

# Samples per model: several batches, the last one partial (XOR: its four-row truth table).
SAMPLES = {
    "doc0_mlp": 70,
    "doc1_xor": 4,
    "doc1_cnn": 40,
    "doc2_mlp": 70,
    "doc3_binary": 45,
    "doc4_binary": 70,
}
EXACT_BETAS = {"beta_1": 0.875, "beta_2": 1 - 2**-10}


def train_both(name: str, dtype: str, optimizer: str = "adam", **optimizer_args):
    """Both models after one epoch from the same weights: ``(np_model, keras_model, x, y,
    np_history, keras_history)``."""
    x, y = zoo.random_data(name, SAMPLES[name], seed=0, dtype=dtype)
    k_model = zoo.build(name, "keras", seed=1, dtype=dtype, compile=False)
    np_model = zoo.build(name, "numpy", seed=2, dtype=dtype, compile=False)
    np_model.set_weights(k_model.get_weights())
    args = zoo.compile_args(name)
    np_class = {"adam": nn.optimizers.Adam, "sgd": nn.optimizers.SGD}[optimizer]
    k_class = {"adam": keras.optimizers.Adam, "sgd": keras.optimizers.SGD}[optimizer]
    np_model.compile(np_class(**optimizer_args), loss=args["loss"], metrics=args["metrics"])
    k_model.compile(k_class(**optimizer_args), loss=args["loss"], metrics=args["metrics"])
    batch_size = zoo.fit_args(name)["batch_size"]
    k_hist = k_model.fit(x, y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
    np_hist = np_model.fit(x, y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
    return np_model, k_model, x, y, np_hist.history, k_hist.history


def compare_history(np_hist: dict, k_hist: dict, dtype: str, name: str) -> None:
    assert sorted(np_hist) == sorted(k_hist) == ["accuracy", "loss"]
    for key in ("loss", "accuracy"):
        assert len(np_hist[key]) == len(k_hist[key]) == 1
        assert_close(np_hist[key][0], k_hist[key][0], dtype, f"{name}: epoch {key}")


def compare_weights(np_model, k_model, dtype: str, name: str) -> None:
    np_weights, k_weights = np_model.get_weights(), k_model.get_weights()
    assert [w.shape for w in np_weights] == [w.shape for w in k_weights]
    for i, (a, b) in enumerate(zip(np_weights, k_weights, strict=True)):
        assert a.dtype == b.dtype == np.dtype(dtype)
        assert_close(a, b, dtype, f"{name}: weight array {i} after one epoch")


@pytest.fixture
def floatx64():
    with keras_floatx("float64"):
        yield


@pytest.mark.parametrize("name", zoo.names())
def test_model_parity_float64(name, floatx64):
    np_model, k_model, x, y, np_hist, k_hist = train_both(name, "float64", **EXACT_BETAS)
    initial = zoo.build(name, "numpy", seed=2, dtype="float64").get_weights()
    assert any(not np.allclose(a, b) for a, b in zip(initial, np_model.get_weights(), strict=True))
    compare_weights(np_model, k_model, "float64", name)
    compare_history(np_hist, k_hist, "float64", name)
    assert_close(
        np_model.predict(x, verbose=0),
        k_model.predict(x, verbose=0),
        "float64",
        f"{name}: predictions after one epoch",
    )


@pytest.mark.parametrize("name", zoo.names())
def test_model_parity_float32_documents_compile(name):
    assert keras.config.floatx() == "float32"
    np_model, k_model, x, y, np_hist, k_hist = train_both(name, "float32")
    assert k_model.optimizer.get_config()["beta_2"] == 0.999  # the documents' 'adam'
    compare_history(np_hist, k_hist, "float32", name)
    assert_close(
        np_model.predict(x, verbose=0),
        k_model.predict(x, verbose=0),
        "float32",
        f"{name}: predictions after one epoch",
    )


@pytest.mark.parametrize("name", zoo.names())
def test_model_parity_float32_sgd_weights(name):
    np_model, k_model, x, y, np_hist, k_hist = train_both(name, "float32", "sgd", learning_rate=0.1)
    compare_weights(np_model, k_model, "float32", name)
    compare_history(np_hist, k_hist, "float32", name)


def test_model_zoo_matches_the_documents():
    """The zoo's definitions: layer counts and sizes, compile and fit arguments."""
    expected_params = {
        "doc0_mlp": 784 * 32 + 32 + 32 * 10 + 10,
        "doc1_xor": 2 * 10 + 10 + 10 + 1,
        "doc1_cnn": 3 * 3 * 32 + 32 + 13 * 13 * 32 * 10 + 10,
        "doc2_mlp": 100 * 64 + 64 + 64 * 64 + 64 + 64 * 10 + 10,
        "doc3_binary": 8 * 16 + 16 + 16 * 16 + 16 + 16 + 1,
        "doc4_binary": 100 * 64 + 64 + 64 * 64 + 64 + 64 + 1,
    }
    for name, count in expected_params.items():
        np_model = zoo.build(name, "numpy", seed=0)
        k_model = zoo.build(name, "keras", seed=0)
        assert np_model.count_params() == k_model.count_params() == count, name
        assert [type(layer).__name__ for layer in np_model.layers] == [
            type(layer).__name__ for layer in k_model.layers
        ]
    assert zoo.fit_args("doc3_binary") == {"epochs": 100, "batch_size": 10}
    assert zoo.fit_args("doc1_xor") == {"epochs": 1000, "batch_size": 32}
    assert zoo.compile_args("doc0_mlp") == {
        "optimizer": "adam",
        "loss": "sparse_categorical_crossentropy",
        "metrics": ["accuracy"],
    }
    assert zoo.build("doc1_cnn", "numpy", input_shape=(8, 8, 1)).output_shape == (None, 10)
    assert zoo.build("doc0_mlp", "keras", input_dim=64).input_shape == (None, 64)


def test_model_zoo_refuses_bad_input():
    with pytest.raises(ValueError, match="name"):
        zoo.build("doc9")
    with pytest.raises(ValueError, match="backend"):
        zoo.build("doc0_mlp", backend="torch")
    with pytest.raises(ValueError, match="input_shape"):
        zoo.build("doc1_cnn", input_shape=(8, 8))
    with pytest.raises(ValueError, match="seed"):
        zoo.build("doc0_mlp", seed=-1)
    with pytest.raises(ValueError, match="not both"):
        zoo.build("doc0_mlp", input_shape=(64,), input_dim=64)
    with pytest.raises(ValueError, match="dtype"):
        zoo.random_data("doc0_mlp", 4, seed=0, dtype="int8")


# ------------------------------------------- weights, class weights, regularizers, validation


def with_l2_on_first_kernel(k_model):
    """The same Keras model with ``kernel_regularizer=L2(0.125)`` on its first layer (a Keras
    regularizer must be given before the layer is built, so the model is rebuilt)."""
    config = k_model.get_config()
    config["layers"][1]["config"]["kernel_regularizer"] = keras.regularizers.serialize(
        keras.regularizers.L2(0.125)
    )
    rebuilt = keras.Sequential.from_config(config)
    rebuilt.set_weights(k_model.get_weights())
    assert len(rebuilt.losses) == 1
    return rebuilt


@functools.cache
def train_weighted(name: str, weighting: str):
    """Two epochs with an L2 penalty, sample or class weights, and validation data (computed
    once per model for the two tests below, in float64: call it under the floatx64 fixture)."""
    x, y = zoo.random_data(name, 45, seed=0, dtype="float64")
    val = zoo.random_data(name, 13, seed=9, dtype="float64")
    k_model = with_l2_on_first_kernel(
        zoo.build(name, "keras", seed=1, dtype="float64", compile=False)
    )
    np_model = from_keras(k_model)
    assert isinstance(np_model.layers[0].regularizers["kernel"], nn.regularizers.L2)
    loss = zoo.compile_args(name)["loss"]
    k_model.compile(keras.optimizers.Adam(**EXACT_BETAS), loss=loss, metrics=["accuracy"])
    np_model.compile(nn.optimizers.Adam(**EXACT_BETAS), loss=loss, metrics=["accuracy"])
    kwargs = {"batch_size": 10, "epochs": 2, "shuffle": False, "verbose": 0, "validation_data": val}
    if weighting == "class_weight":
        kwargs["class_weight"] = {c: 0.5 + c / 10 for c in range(10)}
    else:
        kwargs["sample_weight"] = np.random.default_rng(3).uniform(0.2, 2.0, size=45)
    k_hist = k_model.fit(x, y, **kwargs).history
    np_hist = np_model.fit(x, y, **kwargs).history
    return np_model, k_model, val, np_hist, k_hist


WEIGHTED = [
    ("doc3_binary", "sample_weight"),
    ("doc2_mlp", "sample_weight"),
    ("doc0_mlp", "class_weight"),
]


@pytest.mark.parametrize(("name", "weighting"), WEIGHTED)
def test_model_parity_float64_weighted_regularized_validated(name, weighting, floatx64):
    """Loss (with the penalty, weighted), val_loss, val_accuracy and weights agree exactly.

    Training and evaluation accuracy under weights: see the next test.
    """
    np_model, k_model, val, np_hist, k_hist = train_weighted(name, weighting)
    assert sorted(np_hist) == sorted(k_hist) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    for key in ("loss", "val_loss", "val_accuracy"):
        assert_close(np_hist[key], k_hist[key], "float64", f"{name}: {key} per epoch")
    compare_weights(np_model, k_model, "float64", name)
    assert_close(
        np_model.evaluate(*val, verbose=0),
        k_model.evaluate(*val, verbose=0),
        "float64",
        f"{name}: evaluate",
    )


@pytest.mark.parametrize(("name", "weighting"), WEIGHTED)
def test_model_parity_float64_weighted_accuracy(name, weighting, floatx64):
    """Keras 3 weights only ``weighted_metrics`` by sample or class weights: the ``'accuracy'``
    of ``metrics=[...]`` is unweighted in fit and in evaluate, and so must be NumPy's."""
    np_model, k_model, val, np_hist, k_hist = train_weighted(name, weighting)
    x_val, y_val = val
    w_val = np.linspace(0.2, 2.0, len(x_val))
    k_eval = k_model.evaluate(x_val, y_val, sample_weight=w_val, verbose=0)
    np_eval = np_model.evaluate(x_val, y_val, sample_weight=w_val, verbose=0)
    assert_close(np_eval[1], k_eval[1], "float64", f"{name}: evaluate accuracy, weighted")
    assert_close(np_hist["accuracy"], k_hist["accuracy"], "float64", f"{name}: accuracy")
