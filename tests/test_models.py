"""Tests of dlcourse.nn.Sequential: the documents' models (build, parameter counts, summary()
exactly as Keras prints it, get_weights order and shapes as Keras), training that converges
(XOR, an MLP and a CNN on scikit-learn's digits), fit / evaluate / predict semantics (History
keys, validation_split, seeded shuffling, verbosity, sample and class weights, the loss
computed before each update), the fused softmax/sigmoid cross-entropy step against the unfused
one, the whole model's backward against finite differences, and save_weights / load_weights
(bit-for-bit round trip; corrupt and mismatched files refused)."""

from __future__ import annotations

import subprocess
import sys
import warnings
import zipfile

import numpy as np
import pytest

import dlcourse.nn as nn
from dlcourse.gradcheck import numerical_gradient, rel_error
from dlcourse.nn import Sequential, losses
from dlcourse.nn.layers import Conv2D, Dense, Dropout, Flatten, InputLayer, MaxPooling2D
from dlcourse.nn.optimizers import SGD, Adam

# The six models of the documents (COURSE_MAP chapter 4), written once against a namespace K
# that is either keras or dlcourse.nn, so that both build them with the same calls in the same
# order (and so get the same automatic names).
DOCUMENT_MODELS = """
def build_document_models(K):
    m0 = K.Sequential()                                          # [0] MNIST MLP
    m0.add(K.layers.Dense(units=32, activation="relu", input_dim=784))
    m0.add(K.layers.Dense(units=10, activation="softmax"))
    m1 = K.Sequential([                                          # [1] XOR
        K.layers.Dense(10, activation="relu", input_shape=(2,)),
        K.layers.Dense(1, activation="sigmoid"),
    ])
    m2 = K.Sequential([                                          # [1] CNN
        K.layers.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)),
        K.layers.MaxPooling2D((2, 2)),
        K.layers.Flatten(),
        K.layers.Dense(10, activation="softmax"),
    ])
    m3 = K.Sequential([                                          # [2] MLP 100-64-64-10
        K.layers.Dense(64, activation="relu", input_shape=(100,)),
        K.layers.Dense(64, activation="relu"),
        K.layers.Dense(10, activation="softmax"),
    ])
    m4 = K.Sequential()                                          # [3] binary MLP 8-16-16-1
    m4.add(K.layers.Dense(units=16, activation="relu", input_dim=8))
    m4.add(K.layers.Dense(units=16, activation="relu"))
    m4.add(K.layers.Dense(units=1, activation="sigmoid"))
    m5 = K.Sequential([                                          # [4] binary MLP 100-64-64-1
        K.layers.Dense(64, activation="relu", input_shape=(100,)),
        K.layers.Dense(64, activation="relu"),
        K.layers.Dense(1, activation="sigmoid"),
    ])
    return [m0, m1, m2, m3, m4, m5]
"""
namespace: dict = {}
exec(DOCUMENT_MODELS, namespace)
build_document_models = namespace["build_document_models"]

# Parameter counts worked out by hand: Dense in·out + out, Conv2D kh·kw·c_in·f + f.
PARAM_COUNTS = [
    784 * 32 + 32 + 32 * 10 + 10,  # 25,450
    2 * 10 + 10 + 10 + 1,  # 41
    3 * 3 * 1 * 32 + 32 + 13 * 13 * 32 * 10 + 10,  # 54,410
    100 * 64 + 64 + 64 * 64 + 64 + 64 * 10 + 10,  # 11,274
    8 * 16 + 16 + 16 * 16 + 16 + 16 + 1,  # 433
    100 * 64 + 64 + 64 * 64 + 64 + 64 + 1,  # 10,689
]
OUTPUT_SHAPES = [(None, 10), (None, 1), (None, 10), (None, 10), (None, 1), (None, 1)]


def digits(flat=True):
    """scikit-learn's 8×8 digits (ships with scikit-learn), scaled to [0, 1], split 75/25."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    data = load_digits()
    x = data.data / 16.0 if flat else (data.images / 16.0)[..., None]
    return train_test_split(x, data.target, test_size=0.25, random_state=0, stratify=data.target)


def small_classifier(seed=0, dtype="float32", **compile_kwargs):
    model = Sequential(
        [Dense(6, activation="tanh", input_shape=(4,)), Dense(3, activation="softmax")],
        seed=seed,
        dtype=dtype,
    )
    kwargs = {"optimizer": "sgd", "loss": "sparse_categorical_crossentropy"}
    kwargs.update(compile_kwargs)
    model.compile(metrics=["accuracy"], **kwargs)
    return model


def class_data(n=30, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 4)), rng.integers(0, 3, n)


# -------------------------------------------------------------------- documents' models ---


def test_document_models_build_with_the_documents_arguments():
    for model, count, shape in zip(
        build_document_models(nn), PARAM_COUNTS, OUTPUT_SHAPES, strict=True
    ):
        assert model.built
        assert model.count_params() == count
        assert model.output_shape == shape
        assert sum(w.size for w in model.get_weights()) == count


def test_summary_prints_exactly_what_keras_prints(keras):
    # The NumPy models are built in a fresh interpreter so that their automatic names
    # (dense, dense_1, ...) start from zero, as Keras' do after clear_session().
    script = (
        DOCUMENT_MODELS
        + "\nimport dlcourse.nn as K\nfor m in build_document_models(K):\n    m.summary()\n"
    )
    ours = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    keras.backend.clear_session()
    pieces = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Keras' advice to use keras.Input instead of input_shape
        for model in build_document_models(keras):
            model.summary(print_fn=lambda text, **kwargs: pieces.append(text))
    theirs = "\n".join(piece.rstrip("\n") for piece in pieces) + "\n"
    assert ours == theirs


XOR_TRAINED = """
import numpy as np
model = K.Sequential([
    K.layers.Dense(10, activation="relu", input_shape=(2,)),
    K.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(np.array([[0, 0], [0, 1], [1, 0], [1, 1]]), np.array([0, 1, 1, 0]), verbose=0)
"""


def test_summary_after_training_prints_what_keras_prints(keras):
    script = "import dlcourse.nn as K\n" + XOR_TRAINED + "model.summary()\n"
    ours = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    keras.backend.clear_session()
    pieces = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        namespace = {"K": keras}
        exec(XOR_TRAINED, namespace)
        namespace["model"].summary(print_fn=lambda text, **kwargs: pieces.append(text))
    assert ours == "\n".join(piece.rstrip("\n") for piece in pieces) + "\n"


def test_summary_with_print_fn_and_a_compiled_model():
    lines = []
    model = build_document_models(nn)[2]
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert len(lines) == 15  # name, 3 header lines, 4 layers with separators, 3 totals
    assert any(line.startswith("│ dense") and line.endswith("│        54,090 │") for line in lines)
    assert " Total params: 54,410 (212.54 KB)" in text
    assert " Non-trainable params: 0 (0.00 B)" in text


def test_get_weights_order_and_shapes_are_keras(keras):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = build_document_models(keras)
    for ours_model, their_model in zip(build_document_models(nn), theirs, strict=True):
        ours_shapes = [w.shape for w in ours_model.get_weights()]
        assert ours_shapes == [w.shape for w in their_model.get_weights()]
        assert all(w.dtype == np.float32 for w in ours_model.get_weights())


def test_keras_weights_give_keras_predictions(keras):
    """A Keras model's weights load into the NumPy model as they are (same order and layout)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        their_cnn, their_mlp = build_document_models(keras)[2], build_document_models(keras)[3]
    ours = build_document_models(nn)
    rng = np.random.default_rng(0)
    for our_model, their_model, x in [
        (ours[2], their_cnn, rng.uniform(size=(3, 28, 28, 1)).astype(np.float32)),
        (ours[3], their_mlp, rng.normal(size=(5, 100)).astype(np.float32)),
    ]:
        our_model.set_weights(their_model.get_weights())
        expected = np.asarray(their_model.predict(x, verbose=0))
        # float32 on both sides, summed in different orders
        np.testing.assert_allclose(our_model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)


# ----------------------------------------------------------------------- convergence ---


def test_xor_is_learned_for_most_seeds():
    """Document [1]'s XOR network, 2 → Dense(10, relu) → Dense(1, sigmoid), Adam(0.05).

    A ReLU net this small sometimes starts in a dead / saddle configuration and stays at 75 %
    (measured with this implementation: 2 of 30 seeds), so the claim tested is "most seeds",
    not one lucky seed: at least 9 of 12 seeds reach 100 % accuracy on the truth table (with a
    7 % failure rate per seed, a false alarm has a probability below 1 %).
    """
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    y = np.array([[0], [1], [1], [0]])
    solved = 0
    for seed in range(12):
        model = Sequential(
            [Dense(10, activation="relu", input_shape=(2,)), Dense(1, activation="sigmoid")],
            seed=seed,
        )
        model.compile(optimizer=Adam(0.05), loss="binary_crossentropy", metrics=["accuracy"])
        history = model.fit(x, y, epochs=1000, verbose=0)
        predictions = (model.predict(x, verbose=0) > 0.5).astype(int)
        assert history.history["accuracy"][-1] == np.mean(predictions == y)
        solved += bool(np.all(predictions == y))
    assert solved >= 9


@pytest.mark.parametrize("seed", [0, 1])
def test_digits_mlp_reaches_95_percent_test_accuracy(seed):
    x_train, x_test, y_train, y_test = digits()
    model = Sequential(
        [Dense(64, activation="relu", input_shape=(64,)), Dense(10, activation="softmax")],
        seed=seed,
    )
    model.compile(
        optimizer=Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    model.fit(x_train, y_train, epochs=20, batch_size=32, verbose=0)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert accuracy >= 0.95
    assert np.mean(model.predict(x_test, verbose=0).argmax(axis=1) == y_test) == accuracy


def test_digits_cnn_trains():
    x_train, x_test, y_train, y_test = digits(flat=False)
    assert x_train.shape[1:] == (8, 8, 1)
    model = Sequential(
        [
            Conv2D(8, (3, 3), activation="relu", input_shape=(8, 8, 1)),
            MaxPooling2D((2, 2)),
            Flatten(),
            Dense(10, activation="softmax"),
        ],
        seed=0,
    )
    model.compile(
        optimizer=Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    history = model.fit(x_train, y_train, epochs=5, batch_size=32, verbose=0)
    losses_ = history.history["loss"]
    assert losses_[-1] < 0.5 * losses_[0]
    assert all(b < a for a, b in zip(losses_, losses_[1:], strict=False))
    assert model.evaluate(x_test, y_test, verbose=0)[1] > 0.8  # chance is 0.1


# --------------------------------------------------------------------------------- fit ---


def test_fit_returns_a_history_with_keras_keys():
    x, y = class_data()
    model = small_classifier()
    history = model.fit(x, y, epochs=3, verbose=0, batch_size=8)
    assert list(history.history) == ["accuracy", "loss"]
    assert history.epoch == [0, 1, 2]
    assert all(len(v) == 3 for v in history.history.values())
    assert model.history is history
    assert history.params == {"verbose": 0, "epochs": 3, "steps": 4}
    history = model.fit(x, y, epochs=2, verbose=0, validation_data=(x[:5], y[:5]))
    assert list(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    history = Sequential([Dense(1, input_shape=(4,))], seed=0)
    history.compile(optimizer="sgd", loss="mse")
    assert list(history.fit(x, y, verbose=0).history) == ["loss"]


def test_validation_split_takes_the_last_fraction():
    x, y = class_data(n=50)
    a, b = small_classifier(seed=4), small_classifier(seed=4)
    history = a.fit(x, y, epochs=2, batch_size=8, verbose=0, validation_split=0.2, shuffle=False)
    b.fit(x[:40], y[:40], epochs=2, batch_size=8, verbose=0, shuffle=False)
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)  # trained on the first 40 samples only
    loss, accuracy = a.evaluate(x[40:], y[40:], verbose=0)
    assert history.history["val_loss"][-1] == pytest.approx(loss, rel=1e-6)
    assert history.history["val_accuracy"][-1] == pytest.approx(accuracy)


def test_shuffling_is_reproducible_with_the_model_seed():
    x, y = class_data(n=40)
    runs = []
    for shuffle in (True, True, False):
        model = small_classifier(seed=3)
        model.fit(x, y, epochs=3, batch_size=4, verbose=0, shuffle=shuffle)
        runs.append(model.get_weights())
    for a, b in zip(runs[0], runs[1], strict=True):
        np.testing.assert_array_equal(a, b)
    assert not all(
        np.array_equal(a, c) for a, c in zip(runs[0], runs[2], strict=True)
    )  # it did shuffle


def test_the_model_seed_fixes_initial_weights_and_dropout_masks():
    x, y = class_data(n=20)

    def trained(seed):
        model = Sequential(
            [Dense(8, activation="relu", input_shape=(4,)), Dropout(0.5), Dense(3)], seed=seed
        )
        model.compile(optimizer="adam", loss=losses.SparseCategoricalCrossentropy(from_logits=True))
        before = model.get_weights()
        model.fit(x, y, epochs=2, batch_size=5, verbose=0)
        return before, model.get_weights()

    (a0, a1), (b0, b1), (c0, _) = trained(7), trained(7), trained(8)
    for u, v in zip(a0 + a1, b0 + b1, strict=True):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a0[0], c0[0])


def test_verbosity(capsys):
    x, y = class_data()
    model = small_classifier()
    model.fit(x, y, epochs=3, verbose=0)
    model.evaluate(x, y, verbose=0)
    model.predict(x, verbose=0)
    assert capsys.readouterr().out == ""
    model.fit(x, y, epochs=3, verbose=2, batch_size=10)
    lines = capsys.readouterr().out.splitlines()
    # as Keras: "Epoch 1/3", then one line "3/3 - 0s - 1ms/step - accuracy: … - loss: …"
    assert [line for line in lines if line.startswith("Epoch")] == [
        f"Epoch {i}/3" for i in (1, 2, 3)
    ]
    progress = [line for line in lines if not line.startswith("Epoch")]
    assert len(progress) == 3
    assert all(line.startswith("3/3 - ") and "accuracy: " in line for line in progress)
    model.fit(x, y, epochs=1, verbose=1)
    assert "loss: " in capsys.readouterr().out


def test_evaluate_returns_loss_and_accuracy():
    x, y = class_data(n=25)
    model = small_classifier()
    probabilities = model.predict(x, verbose=0)
    expected_loss = float(np.mean(losses.sparse_categorical_crossentropy(y, probabilities)))
    expected_accuracy = float(np.mean(probabilities.argmax(axis=1) == y))
    loss, accuracy = model.evaluate(x, y, verbose=0, batch_size=7)
    assert loss == pytest.approx(expected_loss, rel=1e-6)
    assert accuracy == pytest.approx(expected_accuracy)
    assert model.evaluate(x, y, verbose=0, return_dict=True) == {
        "accuracy": pytest.approx(expected_accuracy),
        "loss": pytest.approx(expected_loss, rel=1e-6),
    }
    bare = Sequential([Dense(2, input_shape=(4,))], seed=0)
    bare.compile(optimizer="sgd", loss="mse")
    assert isinstance(bare.evaluate(x, np.zeros((25, 2)), verbose=0), float)


def test_predict_shape_batching_and_call():
    x, _ = class_data(n=70)
    model = small_classifier()
    out = model.predict(x, verbose=0)
    assert out.shape == (70, 3) and out.dtype == np.float32
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-6)
    for batch_size in (1, 7, 32, 100):
        np.testing.assert_allclose(
            model.predict(x, batch_size=batch_size, verbose=0), out, rtol=1e-6
        )
    np.testing.assert_array_equal(model(x), out)


def test_the_epoch_loss_is_computed_before_each_update():
    """With one batch per epoch, epoch k's loss is the loss of the weights after k updates."""
    x, y = class_data(n=16)
    model = small_classifier(optimizer=SGD(0.5))
    before = model.evaluate(x, y, verbose=0)
    history = model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    assert history.history["loss"][0] == pytest.approx(before[0], rel=1e-6)
    assert history.history["accuracy"][0] == pytest.approx(before[1])
    after_one = model.evaluate(x, y, verbose=0)
    history = model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    assert history.history["loss"][0] == pytest.approx(after_one[0], rel=1e-6)


def frozen_binary_model(seed=0, output_activation=None, **compile_kwargs):
    """A model whose weights fit() cannot change, so epoch logs equal plain evaluations."""
    model = Sequential(
        [
            Dense(5, activation="tanh", input_shape=(3,), trainable=False),
            Dense(1, activation=output_activation, trainable=False),
        ],
        seed=seed,
    )
    kwargs = {"loss": losses.BinaryCrossentropy(from_logits=True), "metrics": []}
    kwargs.update(compile_kwargs)
    model.compile(optimizer="sgd", **kwargs)
    return model


def test_the_epoch_loss_is_the_batch_size_weighted_mean():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(10, 3)), rng.integers(0, 2, (10, 1))
    model = frozen_binary_model()
    full = model.evaluate(x, y, verbose=0)
    history = model.fit(x, y, epochs=1, batch_size=4, verbose=0)  # batches of 4, 4 and 2
    assert history.history["loss"][0] == pytest.approx(full, rel=1e-6)


def test_sample_weight_and_class_weight_scale_each_samples_loss():
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(12, 3)), rng.integers(0, 2, (12, 1))
    model = frozen_binary_model()
    logits = model.predict(x, verbose=0)
    per_sample = losses.binary_crossentropy(y, logits, from_logits=True)
    w = rng.uniform(0.0, 3.0, 12)
    history = model.fit(x, y, epochs=1, batch_size=12, verbose=0, sample_weight=w)
    # Keras: Σ wᵢ lᵢ / N (the batch size, not Σ wᵢ)
    assert history.history["loss"][0] == pytest.approx(np.mean(w * per_sample), rel=1e-5)
    class_weight = {0: 0.25, 1: 4.0}
    history = model.fit(x, y, epochs=1, batch_size=12, verbose=0, class_weight=class_weight)
    cw = np.where(y[:, 0] == 1, 4.0, 0.25)
    assert history.history["loss"][0] == pytest.approx(np.mean(cw * per_sample), rel=1e-5)
    weighted = model.evaluate(x, y, verbose=0, sample_weight=w)
    assert weighted == pytest.approx(np.mean(w * per_sample), rel=1e-5)


def test_accuracy_ignores_sample_weights_like_keras():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(40, 3)), rng.integers(0, 2, (40, 1))
    model = frozen_binary_model(
        output_activation="sigmoid", loss="binary_crossentropy", metrics=["accuracy"]
    )
    plain = float(np.mean((model.predict(x, verbose=0) > 0.5) == y))
    w = np.linspace(0.0, 2.0, 40)
    history = model.fit(x, y, epochs=1, batch_size=40, verbose=0, sample_weight=w)
    assert history.history["accuracy"][0] == pytest.approx(plain)
    assert model.evaluate(x, y, verbose=0, sample_weight=w)[1] == pytest.approx(plain)


# ----------------------------------------------------- fused cross-entropy, model backward ---


@pytest.mark.parametrize(
    ("activation", "loss", "logits_loss", "labels"),
    [
        ("softmax", "categorical_crossentropy", losses.CategoricalCrossentropy, "one_hot"),
        ("softmax", "sparse_categorical_crossentropy", losses.SparseCategoricalCrossentropy, "int"),
        ("sigmoid", "binary_crossentropy", losses.BinaryCrossentropy, "binary"),
    ],
)
def test_fused_training_step_equals_the_from_logits_one(activation, loss, logits_loss, labels):
    """Dense(softmax) + cross-entropy trains exactly like Dense(linear) + from_logits=True."""
    rng = np.random.default_rng(4)
    x = rng.normal(size=(24, 5))
    units = 1 if labels == "binary" else 3
    y = {
        "one_hot": np.eye(3)[rng.integers(0, 3, 24)],
        "int": rng.integers(0, 3, 24),
        "binary": rng.integers(0, 2, (24, 1)).astype(float),
    }[labels]
    fused = Sequential(
        [Dense(7, activation="tanh", input_shape=(5,)), Dense(units, activation=activation)],
        seed=1,
        dtype="float64",
    )
    plain = Sequential(
        [Dense(7, activation="tanh", input_shape=(5,)), Dense(units)], seed=2, dtype="float64"
    )
    plain.set_weights(fused.get_weights())
    fused.compile(optimizer=SGD(0.3), loss=loss)
    plain.compile(optimizer=SGD(0.3), loss=logits_loss(from_logits=True))
    h_fused = fused.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)
    h_plain = plain.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)
    np.testing.assert_allclose(h_fused.history["loss"], h_plain.history["loss"], rtol=1e-10)
    for a, b in zip(fused.get_weights(), plain.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-13)


def test_model_backward_matches_finite_differences():
    """forward → loss.gradient → backward through Conv2D, MaxPooling2D, Flatten and Dense."""
    rng = np.random.default_rng(5)
    model = Sequential(
        [
            Conv2D(2, 3, padding="same", activation="tanh", input_shape=(5, 5, 1)),
            MaxPooling2D(2, strides=1),
            Flatten(),
            Dense(3, activation="softmax", kernel_regularizer="l2"),
        ],
        seed=3,
        dtype="float64",
    )
    # distinct, well-separated inputs so no pooling maximum changes place under a perturbation
    x = rng.permutation(50).reshape(2, 5, 5, 1) / 10.0
    y = np.eye(3)[[0, 2]]
    loss = losses.CategoricalCrossentropy()

    def objective(_):
        return loss(y, model.forward(x)) + model.regularization_loss()

    out = model.forward(x)
    dx = model.backward(loss.gradient(y, out))
    assert dx.shape == x.shape
    for layer in model.layers:
        for key, param in layer.params.items():
            analytic = layer.grads[key].copy()
            numeric = numerical_gradient(objective, param, h=1e-5)
            assert rel_error(analytic, numeric) < 1e-7, (layer.name, key)
    numeric_dx = numerical_gradient(objective, x, h=1e-5)
    assert rel_error(dx, numeric_dx) < 1e-7


# ----------------------------------------------------------------- weights and their files ---


def test_weights_are_the_layers_arrays_and_set_weights_checks_them():
    model = small_classifier()
    assert model.weights[0] is model.layers[0].params["kernel"]
    assert [w.shape for w in model.get_weights()] == [(4, 6), (6,), (6, 3), (3,)]
    new = [np.full(w.shape, i, np.float32) for i, w in enumerate(model.get_weights())]
    model.set_weights(new)
    for w, n in zip(model.weights, new, strict=True):
        np.testing.assert_array_equal(w, n)
    with pytest.raises(ValueError, match=r"expects 4 weight arrays.*Received: 3 arrays"):
        model.set_weights(new[:3])
    with pytest.raises(ValueError, match=r"shape \(4, 6\).*shape \(6, 4\)"):
        model.set_weights([new[0].T, *new[1:]])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_save_and_load_weights_round_trip_bit_for_bit(tmp_path, dtype):
    x, y = class_data()
    model = small_classifier(seed=1, dtype=dtype)
    model.fit(x, y, epochs=2, verbose=0)  # weights that are not just the initial draw
    path = tmp_path / "model.weights.npz"
    model.save_weights(path)
    clone = small_classifier(seed=2, dtype=dtype)
    assert not np.array_equal(clone.get_weights()[0], model.get_weights()[0])
    clone.load_weights(path)
    for a, b in zip(model.get_weights(), clone.get_weights(), strict=True):
        assert a.dtype == b.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(model.predict(x, verbose=0), clone.predict(x, verbose=0))
    kernel = clone.layers[0].params["kernel"]
    clone.load_weights(str(path))  # a str works too, and the arrays are filled in place
    assert clone.layers[0].params["kernel"] is kernel


def test_save_weights_writes_to_the_exact_path(tmp_path):
    model = small_classifier()
    model.save_weights(tmp_path / "weights.bin")
    assert (tmp_path / "weights.bin").exists()
    assert not (tmp_path / "weights.bin.npz").exists()


@pytest.fixture
def saved(tmp_path):
    model = small_classifier(seed=1)
    path = tmp_path / "model.weights.npz"
    model.save_weights(path)
    return model, path


def test_a_truncated_file_is_refused(saved, tmp_path):
    model, path = saved
    data = path.read_bytes()
    for size in (0, 10, len(data) // 2, len(data) - 1):
        bad = tmp_path / f"truncated_{size}.npz"
        bad.write_bytes(data[:size])
        with pytest.raises(ValueError, match=r"not a readable weights file"):
            model.load_weights(bad)


def test_a_file_with_a_flipped_byte_in_its_data_is_refused(saved, tmp_path):
    model, path = saved
    data = bytearray(path.read_bytes())
    before = model.get_weights()
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("0/kernel.npy")
    # inside the stored bytes of the first kernel: the CRC-32 of the member no longer matches
    offset = info.header_offset + 30 + len(info.filename) + len(info.extra) + info.file_size // 2
    data[offset] ^= 0x01
    bad = tmp_path / "flipped.npz"
    bad.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"not a readable weights file"):
        model.load_weights(bad)
    for a, b in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)  # nothing half-loaded


@pytest.mark.parametrize(("field", "bit"), [(8, 0x01), (10, 0x01), (8, 0x20)])
def test_a_flipped_byte_in_the_zip_directory_is_refused_with_a_value_error(
    saved, tmp_path, field, bit
):
    model, path = saved
    data = bytearray(path.read_bytes())
    central = data.find(b"PK\x01\x02")  # the first central-directory record
    data[central + field] ^= bit  # field 8: general-purpose flags, 10: compression method
    bad = tmp_path / "directory.npz"
    bad.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"not a readable weights file"):
        model.load_weights(bad)


def test_a_random_file_is_refused(saved, tmp_path):
    model, _ = saved
    bad = tmp_path / "random.npz"
    bad.write_bytes(np.random.default_rng(0).bytes(2000))
    with pytest.raises(ValueError, match=r"not a readable weights file"):
        model.load_weights(bad)
    text = tmp_path / "notes.txt"
    text.write_text("weights: 1, 2, 3\n")
    with pytest.raises(ValueError, match=r"not a readable weights file"):
        model.load_weights(text)
    other_zip = tmp_path / "other.npz"
    np.savez(other_zip, a=np.zeros(3))  # a real .npz, but not one save_weights wrote
    with pytest.raises(ValueError, match=r"not written by dlcourse's save_weights"):
        model.load_weights(other_zip)


def test_a_npy_file_is_refused_with_a_value_error(saved, tmp_path):
    model, _ = saved
    npy = tmp_path / "array.npy"
    np.save(npy, np.arange(5.0))
    with pytest.raises(ValueError, match=r"not a readable weights file"):
        model.load_weights(npy)


def test_a_file_from_another_architecture_is_refused(saved, tmp_path):
    _, path = saved
    wider = Sequential(
        [Dense(7, activation="tanh", input_shape=(4,)), Dense(3, activation="softmax")], seed=0
    )
    with pytest.raises(
        ValueError,
        match=r"does not match this model: layer 0 .*weight 'kernel' has shape \(4, 6\) in the "
        r"file, \(4, 7\) in the model",
    ):
        wider.load_weights(path)
    deeper = Sequential([Dense(6, input_shape=(4,)), Dense(3), Dense(3)], seed=0)
    with pytest.raises(ValueError, match=r"does not match this model.*layer 2"):
        deeper.load_weights(path)
    shallower = Sequential([Dense(6, input_shape=(4,))], seed=0)
    with pytest.raises(ValueError, match=r"does not match this model.*holds weights the model"):
        shallower.load_weights(path)


def test_a_missing_file_is_a_file_not_found_error(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"No weights file"):
        small_classifier().load_weights(tmp_path / "missing.npz")


# ---------------------------------------------------------------------------- building ---


def test_building_from_data_input_layer_and_shapes():
    model = Sequential([Dense(4), Dense(2)], seed=0)
    assert not model.built and model.input_shape is None
    out = model.predict(np.ones((3, 5)), verbose=0)
    assert model.built and model.input_shape == (None, 5) and out.shape == (3, 2)
    declared = Sequential([InputLayer((5,)), Dense(4)], seed=0)
    assert declared.built and declared.output_shape == (None, 4)
    assert len(declared.layers) == 1  # like Keras, the InputLayer is not a layer of the stack
    keras_style = Sequential([nn.keras.Input(shape=(5,)), Dense(4)], seed=0)
    assert keras_style.count_params() == 24
    built = Sequential([Dense(4), Dense(2)], seed=0)
    built.build((None, 5))
    assert built.count_params() == 5 * 4 + 4 + 4 * 2 + 2


def test_compile_defaults_are_keras_defaults():
    model = Sequential([Dense(1, input_shape=(2,))])
    model.compile(loss="mse")
    assert type(model.optimizer).__name__ == "RMSprop"
    assert isinstance(model.loss, losses.MeanSquaredError)
