"""The bridge ``dlcourse.tfnn.to_keras`` / ``from_keras``: architecture and weights, both ways."""

from __future__ import annotations

import numpy as np
import pytest

from dlcourse import models_zoo as zoo
from dlcourse import nn
from dlcourse.tfnn import from_keras, keras, to_keras

from .helpers import assert_close, keras_floatx

KL = keras.layers


def numpy_model(dtype: str = "float64") -> nn.Sequential:
    """Every layer type the bridge knows, with non-default options."""
    return nn.Sequential(
        [
            nn.layers.InputLayer((9, 9, 2)),
            nn.layers.Conv2D(
                4,
                (3, 2),
                strides=2,
                padding="same",
                activation="tanh",
                kernel_regularizer=nn.regularizers.L2(0.125),
            ),
            nn.layers.MaxPooling2D(pool_size=2, strides=1, padding="valid"),
            nn.layers.Flatten(),
            nn.layers.Dropout(0.25, seed=3),
            nn.layers.Dense(
                6,
                activation="leaky_relu",
                use_bias=False,
                kernel_regularizer=nn.regularizers.L1L2(l1=0.25, l2=0.5),
            ),
            nn.layers.Activation("sigmoid"),
            nn.layers.Dense(3, activation="softmax", bias_regularizer=nn.regularizers.L1(0.25)),
        ],
        seed=0,
        dtype=dtype,
    )


def keras_model(dtype: str = "float64") -> keras.Sequential:
    return keras.Sequential(
        [
            keras.Input((9, 9, 2), dtype=dtype),
            KL.Conv2D(
                4,
                (3, 2),
                strides=2,
                padding="same",
                activation="tanh",
                dtype=dtype,
                kernel_regularizer=keras.regularizers.L2(0.125),
            ),
            KL.MaxPooling2D(pool_size=2, strides=1, dtype=dtype),
            KL.Flatten(dtype=dtype),
            KL.Dropout(0.25, seed=3, dtype=dtype),
            KL.Dense(
                6,
                activation="leaky_relu",
                use_bias=False,
                dtype=dtype,
                kernel_regularizer=keras.regularizers.L1L2(l1=0.25, l2=0.5),
            ),
            KL.Activation("sigmoid", dtype=dtype),
            KL.Dense(
                3, activation="softmax", dtype=dtype, bias_regularizer=keras.regularizers.L1(0.25)
            ),
        ]
    )


def images(dtype: str, n: int = 5) -> np.ndarray:
    return np.random.default_rng(1).standard_normal((n, 9, 9, 2)).astype(dtype)


def randomise(model, seed: int = 4) -> None:
    """Non-zero biases, so that copying them is tested too."""
    rng = np.random.default_rng(seed)
    model.set_weights([0.5 * rng.standard_normal(w.shape) for w in model.get_weights()])


def keras_regularization(model) -> float:
    return float(sum(float(loss) for loss in model.losses))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_to_keras_copies_layers_config_and_weights(dtype):
    np_model = numpy_model(dtype)
    randomise(np_model)
    k_model = to_keras(np_model)
    assert [type(layer).__name__ for layer in k_model.layers] == [
        "Conv2D",
        "MaxPooling2D",
        "Flatten",
        "Dropout",
        "Dense",
        "Activation",
        "Dense",
    ]
    assert [layer.name for layer in k_model.layers] == [layer.name for layer in np_model.layers]
    assert k_model.input_shape == np_model.input_shape
    conv, pool, _, drop, dense, act, out = k_model.layers
    assert (conv.filters, tuple(conv.kernel_size), tuple(conv.strides), conv.padding) == (
        4,
        (3, 2),
        (2, 2),
        "same",
    )
    assert (tuple(pool.pool_size), tuple(pool.strides), pool.padding) == ((2, 2), (1, 1), "valid")
    assert (drop.rate, drop.seed) == (0.25, 3)
    assert dense.use_bias is False and keras.activations.serialize(dense.activation) == (
        "leaky_relu"
    )
    assert keras.activations.serialize(act.activation) == "sigmoid"
    assert dense.kernel_regularizer.get_config() == {"l1": 0.25, "l2": 0.5}
    assert out.bias_regularizer.get_config() == {"l1": 0.25}
    assert all(w.dtype == dtype for w in k_model.get_weights())
    for a, b in zip(np_model.get_weights(), k_model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    x = images(dtype)
    assert_close(
        np_model.predict(x, verbose=0), k_model.predict(x, verbose=0), dtype, "to_keras predictions"
    )
    assert_close(
        np_model.regularization_loss(),
        keras_regularization(k_model),
        dtype,
        "regularization penalty",
    )


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_from_keras_copies_layers_config_and_weights(dtype):
    k_model = keras_model(dtype)
    randomise(k_model)
    np_model = from_keras(k_model)
    assert np_model.dtype == np.dtype(dtype)
    assert [type(layer).__name__ for layer in np_model.layers] == [
        type(layer).__name__ for layer in k_model.layers
    ]
    assert [layer.name for layer in np_model.layers] == [layer.name for layer in k_model.layers]
    conv, pool, _, drop, dense, act, out = np_model.layers
    assert (conv.kernel_size, conv.strides, conv.padding, conv.activation.name) == (
        (3, 2),
        (2, 2),
        "same",
        "tanh",
    )
    assert (pool.pool_size, pool.strides) == ((2, 2), (1, 1))
    assert (drop.rate, drop.seed) == (0.25, 3)
    assert (dense.units, dense.use_bias, dense.activation.name) == (6, False, "leaky_relu")
    assert act.activation.name == "sigmoid" and out.activation.name == "softmax"
    assert isinstance(dense.regularizers["kernel"], nn.regularizers.L1L2)
    assert isinstance(out.regularizers["bias"], nn.regularizers.L1)
    for a, b in zip(np_model.get_weights(), k_model.get_weights(), strict=True):
        assert a.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(a, b)
    x = images(dtype)
    assert_close(
        np_model.predict(x, verbose=0),
        k_model.predict(x, verbose=0),
        dtype,
        "from_keras predictions",
    )
    assert_close(
        np_model.regularization_loss(),
        keras_regularization(k_model),
        dtype,
        "regularization penalty",
    )


def test_round_trips_keep_predictions_and_weights():
    k_model = keras_model("float64")
    randomise(k_model)
    back = to_keras(from_keras(k_model))
    x = images("float64")
    np.testing.assert_array_equal(back.predict(x, verbose=0), k_model.predict(x, verbose=0))
    np_model = numpy_model("float64")
    randomise(np_model)
    again = from_keras(to_keras(np_model))
    np.testing.assert_array_equal(again.predict(x, verbose=0), np_model.predict(x, verbose=0))
    assert [layer.get_config() for layer in again.layers] == [
        layer.get_config() for layer in np_model.layers
    ]


@pytest.mark.parametrize("name", zoo.names())
def test_from_keras_of_each_document_model_trains_like_keras(name):
    """The bridge path of chapter 4: from_keras, compile alike, one epoch, same weights."""
    with keras_floatx("float64"):
        k_model = zoo.build(name, "keras", seed=5, dtype="float64", compile=False)
        np_model = from_keras(k_model)
        betas = {"beta_1": 0.875, "beta_2": 1 - 2**-10}  # exact in float32: see test_parity_models
        loss = zoo.compile_args(name)["loss"]
        k_model.compile(keras.optimizers.Adam(**betas), loss=loss)
        np_model.compile(nn.optimizers.Adam(**betas), loss=loss)
        x, y = zoo.random_data(name, 12, seed=6, dtype="float64")
        k_model.fit(x, y, batch_size=5, shuffle=False, verbose=0)
        np_model.fit(x, y, batch_size=5, shuffle=False, verbose=0)
        for i, (a, b) in enumerate(zip(np_model.get_weights(), k_model.get_weights(), strict=True)):
            assert_close(a, b, "float64", f"{name}: weight array {i}")


def test_tfnn_mirrors_nn_module_for_module():
    """Every public name of dlcourse.nn's modules has a twin of the same name in dlcourse.tfnn,
    except the NumPy-only machinery listed here."""
    import dlcourse.tfnn as tfnn

    numpy_only = {
        "activations": {"Activation"},
        "initializers": {"compute_fans"},
        "metrics": {"resolve_accuracy"},
    }
    modules = [
        "activations",
        "callbacks",
        "initializers",
        "layers",
        "losses",
        "metrics",
        "models",
        "optimizers",
        "regularizers",
        "utils",
    ]
    for module in modules:
        names = set(getattr(nn, module).__all__) - numpy_only.get(module, set())
        missing = sorted(n for n in names if not hasattr(getattr(tfnn, module), n))
        assert not missing, f"dlcourse.tfnn.{module} lacks {missing}"
    assert tfnn.layers.Dense is keras.layers.Dense and tfnn.Sequential is keras.Sequential
    assert tfnn.optimizers.Adam is keras.optimizers.Adam


# ---------------------------------------------------------------------------- refusals


def keras_with(*layers, dtype="float32"):
    return keras.Sequential([keras.Input((8, 8, 1), dtype=dtype), *layers])


@pytest.mark.parametrize(
    ("layer", "match"),
    [
        (KL.BatchNormalization(name="bn"), "'bn' \\(BatchNormalization\\)"),
        (KL.Dense(3, activation="gelu", name="gelu_dense"), "'gelu_dense'.*activation='gelu'"),
        (KL.Conv2D(2, 3, dilation_rate=2, name="dilated"), "'dilated'.*dilation_rate"),
        (
            KL.Conv2D(2, 3, groups=1, kernel_constraint="non_neg", name="constrained"),
            "'constrained'.*kernel_constraint",
        ),
        (KL.Dense(3, activity_regularizer="l2", name="active"), "'active'.*activity_regularizer"),
        (KL.AveragePooling2D(2, name="avg"), "'avg' \\(AveragePooling2D\\)"),
    ],
)
def test_from_keras_refuses_what_numpy_cannot_do_naming_the_layer(layer, match):
    with pytest.raises(ValueError, match=match):
        from_keras(keras_with(layer))


def test_bridge_refuses_bad_models():
    with pytest.raises(TypeError, match="keras.Sequential"):
        from_keras(numpy_model())
    with pytest.raises(TypeError, match="dlcourse.nn.Sequential"):
        to_keras(keras_model())
    with pytest.raises(ValueError, match="not built"):
        from_keras(keras.Sequential([KL.Dense(3)]))
    with pytest.raises(ValueError, match="not built"):
        to_keras(nn.Sequential([nn.layers.Dense(3)]))
    mixed = keras.Sequential([keras.Input((4,)), KL.Dense(3, dtype="mixed_float16")])
    with pytest.raises(ValueError, match="mixed precision"):
        from_keras(mixed)
    two_dtypes = keras.Sequential(
        [keras.Input((4,)), KL.Dense(3, dtype="float64"), KL.Dense(2, dtype="float32")]
    )
    with pytest.raises(ValueError, match="different dtypes"):
        from_keras(two_dtypes)
