"""Parity of layers: each NumPy layer against its Keras twin, on the same weights.

One row per layer configuration: the NumPy layer, the Keras layer (built with ``dtype`` equal to
the case's dtype, so float64 cases compute in float64), the input shape. The helper
(``helpers.layer_row`` and ``check_parity``) differentiates ``x`` and every weight under a random
upstream gradient; a layer's regularizers count too (NumPy adds their gradients to ``grads``,
Keras lists the penalties in ``layer.losses``).

Dropout: Keras draws its mask from its own seed generator, which NumPy cannot reproduce, so the
Dropout rows give TensorFlow the NumPy layer's mask (``x * layer.mask`` in a ``Lambda`` layer),
and ``test_keras_dropout_is_x_times_a_mask`` checks that Keras' Dropout is of that form.
"""

from __future__ import annotations

import numpy as np
import pytest

from dlcourse import nn
from dlcourse.tfnn import keras, tf

from .helpers import check_parity, layer_row, parametrize_cases

NL, KL = nn.layers, keras.layers


def dense(units, **kw):
    return lambda: NL.Dense(units, **kw)


def k_dense(units, **kw):
    return lambda dtype, data: KL.Dense(units, dtype=dtype, **kw)


def conv(filters, kernel, **kw):
    return (
        lambda: NL.Conv2D(filters, kernel, **kw),
        lambda dtype, data: KL.Conv2D(filters, kernel, dtype=dtype, **kw),
    )


def pool(**kw):
    return (lambda: NL.MaxPooling2D(**kw), lambda dtype, data: KL.MaxPooling2D(dtype=dtype, **kw))


def shared_mask(dtype, data):
    """TensorFlow side of a Dropout row: the NumPy layer's mask, as ``x * mask``."""
    mask = data["np_layer"].mask
    assert mask is not None, "the NumPy Dropout drew no mask (was it called with training=True?)"
    return KL.Lambda(lambda x: x * tf.constant(mask, dtype=dtype), dtype=dtype)


def integer_grid(shape):
    """Small integers: max-pooling windows with ties."""
    return lambda rng: rng.integers(0, 3, size=shape).astype(float)


IMG = (2, 7, 7, 3)  # odd size: 'same' pads one side only when the stride is 2
IMG6 = (2, 6, 6, 2)  # even size

LAYER_CASES = [
    layer_row("dense_linear", dense(4), k_dense(4), (5, 3)),
    layer_row("dense_relu", dense(4, activation="relu"), k_dense(4, activation="relu"), (5, 3)),
    layer_row(
        "dense_sigmoid", dense(4, activation="sigmoid"), k_dense(4, activation="sigmoid"), (5, 3)
    ),
    layer_row("dense_tanh", dense(4, activation="tanh"), k_dense(4, activation="tanh"), (5, 3)),
    layer_row(
        "dense_softmax", dense(4, activation="softmax"), k_dense(4, activation="softmax"), (5, 3)
    ),
    layer_row("dense_no_bias", dense(4, use_bias=False), k_dense(4, use_bias=False), (5, 3)),
    layer_row(
        "dense_3d_input", dense(4, activation="relu"), k_dense(4, activation="relu"), (2, 3, 5)
    ),
    layer_row(
        "dense_l2_l1",
        dense(
            4,
            activation="relu",
            kernel_regularizer=nn.regularizers.L2(0.125),
            bias_regularizer=nn.regularizers.L1(0.25),
        ),
        k_dense(
            4,
            activation="relu",
            kernel_regularizer=keras.regularizers.L2(0.125),
            bias_regularizer=keras.regularizers.L1(0.25),
        ),
        (5, 3),
    ),
    layer_row("conv_valid_s1", *conv(3, 3, activation="relu"), IMG),
    layer_row("conv_valid_s2", *conv(3, 3, strides=2), IMG),
    layer_row("conv_same_s1", *conv(3, 3, padding="same", activation="relu"), IMG),
    layer_row("conv_same_s2_odd", *conv(3, 3, strides=2, padding="same"), IMG),
    layer_row("conv_same_s2_even", *conv(3, 3, strides=2, padding="same"), IMG6),
    layer_row("conv_2x3_same_s2x1", *conv(2, (2, 3), strides=(2, 1), padding="same"), IMG6),
    layer_row("conv_1x1_no_bias", *conv(4, 1, use_bias=False), IMG6),
    layer_row("conv_l2", *conv(2, 3, kernel_regularizer="l2"), IMG6),
    layer_row("maxpool_2", *pool(), IMG6),
    layer_row("maxpool_2_valid_odd", *pool(), IMG),
    layer_row("maxpool_2_same_odd", *pool(padding="same"), IMG),
    layer_row("maxpool_3_s2_overlap", *pool(pool_size=3, strides=2), IMG),
    layer_row("maxpool_2_s1_same", *pool(pool_size=2, strides=1, padding="same"), IMG6),
    layer_row("maxpool_2_ties", *pool(), IMG6, draw=integer_grid(IMG6)),
    layer_row(
        "maxpool_3_s1_ties_overlap", *pool(pool_size=3, strides=1), IMG6, draw=integer_grid(IMG6)
    ),
    layer_row("flatten", lambda: NL.Flatten(), lambda dtype, data: KL.Flatten(dtype=dtype), IMG6),
    layer_row(
        "dropout_shared_mask", lambda: NL.Dropout(0.4, seed=7), shared_mask, (6, 5), training=True
    ),
    layer_row(
        "dropout_noise_shape",
        lambda: NL.Dropout(0.5, noise_shape=(None, 1, 1, 2), seed=3),
        shared_mask,
        IMG6,
        training=True,
    ),
    layer_row(
        "dropout_inference",
        lambda: NL.Dropout(0.4, seed=7),
        lambda dtype, data: KL.Dropout(0.4, dtype=dtype),
        (6, 5),
    ),
    layer_row(
        "activation_softmax",
        lambda: NL.Activation("softmax"),
        lambda dtype, data: KL.Activation("softmax", dtype=dtype),
        (4, 5),
    ),
    layer_row(
        "activation_tanh",
        lambda: NL.Activation("tanh"),
        lambda dtype, data: KL.Activation("tanh", dtype=dtype),
        (4, 5),
    ),
]


@pytest.mark.parametrize(("case", "dtype"), parametrize_cases(LAYER_CASES))
def test_layer_parity(case, dtype):
    check_parity(case, dtype)


def test_keras_dropout_is_x_times_a_mask():
    """Keras' Dropout (training) is ``x * mask`` with mask entries in {0, 1/(1 − rate)}, and its
    gradient is ``dout * mask``: the form the Dropout rows give TensorFlow. At inference it is
    the identity, like the NumPy layer."""
    rate = 0.4
    rng = np.random.default_rng(0)
    x = tf.Variable(rng.uniform(0.5, 1.5, size=(50, 40)))
    layer = KL.Dropout(rate, seed=11, dtype="float64")
    dout = rng.standard_normal((50, 40))
    with tf.GradientTape() as tape:
        out = layer(x, training=True)
    dx = tape.gradient(out, x, output_gradients=tf.constant(dout)).numpy()
    mask = out.numpy() / x.numpy()
    scale = 1 / (1 - rate)
    assert set(np.round(np.unique(mask), 12)) == {0.0, round(scale, 12)}
    np.testing.assert_allclose(dx, dout * mask, rtol=1e-15, atol=0)
    assert abs((mask == 0).mean() - rate) < 0.05  # 2000 draws: 5 standard deviations ≈ 0.055
    np.testing.assert_array_equal(layer(x, training=False).numpy(), x.numpy())
    np_layer = NL.Dropout(rate, seed=11)
    np.testing.assert_array_equal(np_layer.forward(x.numpy(), training=False), x.numpy())
    np_out = np_layer.forward(x.numpy(), training=True)
    assert set(np.round(np.unique(np_out / x.numpy()), 12)) == {0.0, round(scale, 12)}
