"""Tests of dlcourse.nn.regularizers: penalties against Keras' formulas (no 1/2 in L2),
gradients against finite differences, ``get``, bad arguments, how layers add the penalty to
their gradients and the model to its loss, and a spot check against ``keras.regularizers``."""

from __future__ import annotations

import numpy as np
import pytest

from dlcourse.gradcheck import numerical_gradient, rel_error
from dlcourse.nn import Sequential, regularizers
from dlcourse.nn.layers import Conv2D, Dense


def weights(seed=0, shape=(4, 5)):
    """Random weights with |w| ≥ 0.05, so the L1 kink at 0 is never within a step h."""
    w = np.random.default_rng(seed).uniform(-1, 1, shape)
    return np.where(np.abs(w) < 0.05, 0.3, w)


def test_penalties_are_keras_formulas():
    w = weights()
    assert regularizers.L1(0.3)(w) == pytest.approx(0.3 * np.abs(w).sum(), rel=1e-12)
    assert regularizers.L2(0.3)(w) == pytest.approx(0.3 * (w**2).sum(), rel=1e-12)  # no 1/2
    both = regularizers.L1L2(l1=0.1, l2=0.2)(w)
    assert both == pytest.approx(0.1 * np.abs(w).sum() + 0.2 * (w**2).sum(), rel=1e-12)
    assert regularizers.L1L2()(w) == 0.0


def test_defaults_are_keras_defaults():
    assert regularizers.L1().l1 == 0.01
    assert regularizers.L2().l2 == 0.01
    assert (regularizers.L1L2().l1, regularizers.L1L2().l2) == (0.0, 0.0)
    assert regularizers.l2 is regularizers.L2 and regularizers.l1_l2 is regularizers.L1L2


@pytest.mark.parametrize(
    "reg",
    [regularizers.L1(0.3), regularizers.L2(0.7), regularizers.L1L2(l1=0.2, l2=0.05)],
    ids=["l1", "l2", "l1l2"],
)
@pytest.mark.parametrize("shape", [(4, 5), (7,), (3, 3, 2, 4)])
def test_gradient_matches_finite_differences(reg, shape):
    w = weights(1, shape)
    analytic = reg.gradient(w)
    assert analytic.shape == w.shape and analytic.dtype == w.dtype
    numeric = numerical_gradient(lambda v: reg(v), w.copy())
    assert rel_error(analytic, numeric) < 1e-7


def test_l1_subgradient_at_zero_is_zero():
    np.testing.assert_array_equal(regularizers.L1(0.5).gradient(np.zeros(3)), np.zeros(3))


def test_gradient_keeps_float32():
    w = weights(2).astype(np.float32)
    assert regularizers.L1L2(0.1, 0.1).gradient(w).dtype == np.float32


def test_get():
    assert regularizers.get(None) is None
    assert isinstance(regularizers.get("l2"), regularizers.L2)
    assert isinstance(regularizers.get("l1"), regularizers.L1)
    assert isinstance(regularizers.get("l1_l2"), regularizers.L1L2)
    mine = regularizers.L2(0.5)
    assert regularizers.get(mine) is mine


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match=r"Unknown regularizer 'l3'.*regularizer='l3'"):
        regularizers.get("l3")
    with pytest.raises(ValueError, match=r"`l2`.*Received: l2=-0.1"):
        regularizers.L2(-0.1)
    with pytest.raises(ValueError, match=r"`l1`.*Received: l1=nan"):
        regularizers.L1(float("nan"))
    with pytest.raises(ValueError, match=r"`l1`.*Received: l1='big'"):
        regularizers.L1L2(l1="big")


def test_a_layer_adds_the_penalty_gradient_to_its_grads():
    x = np.random.default_rng(3).normal(size=(6, 4))
    dout = np.random.default_rng(4).normal(size=(6, 3))
    plain = Dense(3, kernel_initializer=seeded_glorot(), bias_initializer="ones")
    reg = Dense(
        3,
        kernel_initializer=seeded_glorot(),
        bias_initializer="ones",
        kernel_regularizer=regularizers.L2(0.1),
        bias_regularizer=regularizers.L1(0.2),
    )
    for layer in (plain, reg):
        layer.forward(x)
        layer.backward(dout)
    W, b = reg.params["kernel"], reg.params["bias"]
    np.testing.assert_allclose(reg.grads["kernel"], plain.grads["kernel"] + 0.2 * W, rtol=1e-12)
    np.testing.assert_allclose(reg.grads["bias"], plain.grads["bias"] + 0.2 * np.sign(b))
    assert reg.regularization_loss() == pytest.approx(0.1 * (W**2).sum() + 0.2 * np.abs(b).sum())
    assert plain.regularization_loss() == 0.0


def seeded_glorot():
    from dlcourse.nn.initializers import GlorotUniform

    return GlorotUniform(seed=5)


def test_string_shortcut_on_a_conv_layer():
    conv = Conv2D(2, 3, kernel_regularizer="l2", bias_regularizer="l1", bias_initializer="ones")
    conv.forward(np.zeros((1, 4, 4, 1)))
    k = conv.params["kernel"]
    assert conv.regularization_loss() == pytest.approx(0.01 * (k**2).sum() + 0.01 * 2)


def test_the_model_loss_includes_the_penalties():
    rng = np.random.default_rng(6)
    x, y = rng.normal(size=(10, 3)), rng.normal(size=(10, 1))
    model = Sequential(
        [Dense(4, input_shape=(3,), kernel_regularizer=regularizers.L2(0.5)), Dense(1)], seed=0
    )
    model.compile(optimizer="sgd", loss="mse", metrics=[])
    k = model.layers[0].params["kernel"]
    penalty = 0.5 * (k**2).sum()
    mse = ((model.predict(x, verbose=0) - y) ** 2).mean()
    assert model.evaluate(x, y, verbose=0) == pytest.approx(mse + penalty, rel=1e-6)


def test_penalties_agree_with_keras(keras):
    w = weights(7)
    for ours, theirs in [
        (regularizers.L1(0.3), keras.regularizers.L1(0.3)),
        (regularizers.L2(0.3), keras.regularizers.L2(0.3)),
        (regularizers.L1L2(0.1, 0.2), keras.regularizers.L1L2(0.1, 0.2)),
    ]:
        assert ours(w) == pytest.approx(float(theirs(w)), rel=1e-6)
