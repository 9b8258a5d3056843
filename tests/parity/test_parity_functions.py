"""Parity of activations, losses and regularizers: NumPy reference against TensorFlow.

Each row: the NumPy function (forward and its hand-written gradient), the TensorFlow twin
(``dlcourse.tfnn`` or Keras itself, differentiated by ``tf.GradientTape``), how its input is
drawn. The helper and the comparison are in ``helpers.py``.
"""

from __future__ import annotations

import numpy as np
import pytest

from dlcourse import nn
from dlcourse.tfnn import activations as tf_act
from dlcourse.tfnn import keras, tf
from dlcourse.tfnn import losses as tf_losses

from .helpers import (
    Case,
    check_parity,
    function_row,
    normal,
    parametrize_cases,
    simplex,
    uniform,
)

A = nn.activations
X = (4, 5)


def _derivative(fn):
    """NumPy backward from a public ``*_derivative(x)``: ``dout · f'(x)``."""
    return lambda dout, x, out: dout * fn(x)


def _from_output(name):
    """NumPy backward as layers use it: ``Activation.backward(dout, out)``."""
    return lambda dout, x, out: A.get(name).backward(dout, out)


def _with_extremes(shape):
    """Normal draws with half of the entries replaced by values of magnitude up to 1e4.

    The normal half sets the scale of the comparison; on an array of extremes alone every
    sigmoid derivative is below 1e-170 and the comparison would be about underflow (see
    ``test_sigmoid_derivative_from_output_underflows_in_the_tail``).
    """

    def draw(rng):
        x = rng.standard_normal(shape)
        extreme = rng.random(shape) < 0.5
        x[extreme] = rng.uniform(-1e4, 1e4, size=shape)[extreme]
        return x

    return draw


def _with_zeros(shape):
    """Normal draws with a third of the entries exactly 0 (where relu's kink is)."""

    def draw(rng):
        x = rng.standard_normal(shape)
        x[rng.random(shape) < 1 / 3] = 0.0
        return x

    return draw


ACTIVATION_CASES = [
    # the public NumPy functions and their *_derivative(x), against dlcourse.tfnn's TF ops
    function_row(
        "sigmoid", A.sigmoid, _derivative(A.sigmoid_derivative), tf_act.sigmoid, normal(X)
    ),
    function_row("tanh", A.tanh, _derivative(A.tanh_derivative), tf_act.tanh, normal(X)),
    function_row("relu", A.relu, _derivative(A.relu_derivative), tf_act.relu, normal(X)),
    function_row(
        "leaky_relu",
        A.leaky_relu,
        _derivative(A.leaky_relu_derivative),
        tf_act.leaky_relu,
        normal(X),
    ),
    function_row("linear", A.linear, _derivative(A.linear_derivative), tf_act.linear, normal(X)),
    function_row(
        "softmax",
        A.softmax,
        lambda dout, x, out: A.softmax_backward(dout, out),
        tf_act.softmax,
        normal(X),
    ),
    function_row(
        "softmax_axis0_3d",
        lambda x: A.softmax(x, axis=0),
        lambda dout, x, out: A.softmax_backward(dout, out, axis=0),
        lambda x: tf_act.softmax(x, axis=0),
        normal((3, 4, 2)),
    ),
    function_row(
        "sigmoid_extreme",
        A.sigmoid,
        _derivative(A.sigmoid_derivative),
        tf_act.sigmoid,
        _with_extremes(X),
    ),
    function_row(
        "softmax_extreme",
        A.softmax,
        lambda dout, x, out: A.softmax_backward(dout, out),
        tf_act.softmax,
        _with_extremes(X),
    ),
    function_row(
        "sigmoid_at_zero",
        A.sigmoid,
        _derivative(A.sigmoid_derivative),
        tf_act.sigmoid,
        _with_zeros(X),
    ),
    function_row(
        "relu_at_zero", A.relu, _derivative(A.relu_derivative), tf_act.relu, _with_zeros(X)
    ),
    # what layers use (backward from the cached output), against Keras' own activations
    function_row(
        "keras_sigmoid", A.sigmoid, _from_output("sigmoid"), keras.activations.sigmoid, normal(X)
    ),
    function_row("keras_tanh", A.tanh, _from_output("tanh"), keras.activations.tanh, normal(X)),
    function_row(
        "keras_relu_at_zero", A.relu, _from_output("relu"), keras.activations.relu, _with_zeros(X)
    ),
    function_row(
        "keras_leaky_relu",
        A.leaky_relu,
        _from_output("leaky_relu"),
        keras.activations.leaky_relu,
        normal(X),
    ),
    function_row(
        "keras_softmax", A.softmax, _from_output("softmax"), keras.activations.softmax, normal(X)
    ),
    function_row(
        "keras_linear", A.linear, _from_output("linear"), keras.activations.linear, normal(X)
    ),
]


# ------------------------------------------------------------------------------------ losses

N, K = 6, 4
L = nn.losses

# How predictions and targets are drawn for each kind of loss.
PREDICTIONS = {
    "regression": normal((N, K)),
    "probability": uniform((N, 1), 0.02, 0.98),
    "logit1": normal((N, 1)),
    "probability3": uniform((N, 3), 0.02, 0.98),  # three independent labels per sample
    "rows": simplex((N, K)),
    "positive_rows": uniform((N, K), 0.1, 1.0),  # CCE renormalises rows that do not sum to 1
    "logits": normal((N, K)),
}
TARGETS = {
    "regression": lambda rng: rng.standard_normal((N, K)),
    "binary": lambda rng: rng.integers(0, 2, size=(N, 1)).astype(float),
    "soft_binary": lambda rng: rng.uniform(0, 1, size=(N, 1)),
    "binary3": lambda rng: rng.integers(0, 2, size=(N, 3)).astype(float),
    "sparse_column": lambda rng: rng.integers(0, K, size=(N, 1)),
    "onehot": lambda rng: np.eye(K)[rng.integers(0, K, size=N)],
    "soft": simplex((N, K)),  # soft targets (label smoothing, distillation): rows sum to 1
    "sparse": lambda rng: rng.integers(0, K, size=N),
}

# name -> (NumPy class, Keras class, from_logits, predictions, targets)
LOSSES = {
    "mse": (L.MeanSquaredError, keras.losses.MeanSquaredError, None, "regression", "regression"),
    "mae": (L.MeanAbsoluteError, keras.losses.MeanAbsoluteError, None, "regression", "regression"),
    "bce": (L.BinaryCrossentropy, keras.losses.BinaryCrossentropy, False, "probability", "binary"),
    "bce_logits": (
        L.BinaryCrossentropy,
        keras.losses.BinaryCrossentropy,
        True,
        "logit1",
        "soft_binary",
    ),
    "cce": (
        L.CategoricalCrossentropy,
        keras.losses.CategoricalCrossentropy,
        False,
        "positive_rows",
        "onehot",
    ),
    "cce_logits": (
        L.CategoricalCrossentropy,
        keras.losses.CategoricalCrossentropy,
        True,
        "logits",
        "onehot",
    ),
    "scce": (
        L.SparseCategoricalCrossentropy,
        keras.losses.SparseCategoricalCrossentropy,
        False,
        "rows",
        "sparse",
    ),
    "scce_logits": (
        L.SparseCategoricalCrossentropy,
        keras.losses.SparseCategoricalCrossentropy,
        True,
        "logits",
        "sparse",
    ),
}
REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "none")


def loss_row(
    name: str,
    np_cls,
    keras_cls,
    from_logits,
    preds: str,
    targets: str,
    reduction: str,
    *,
    sample_weight: bool = False,
    draw_pred=None,
) -> Case:
    """A loss object with a reduction: NumPy ``loss`` and ``loss.gradient`` against Keras'.

    For ``reduction='none'`` the output has one value per sample; the NumPy gradient of the
    weighted sum ``Σ dout_n · l_n`` is ``dout_n`` times the gradient of ``l_n``, row by row.
    The Keras loss is built with ``dtype`` equal to the case's dtype (Keras' default would cast
    float64 predictions to float32 first).
    """
    kwargs = {} if from_logits is None else {"from_logits": from_logits}
    draw_pred = draw_pred or PREDICTIONS[preds]

    def sample(rng, dtype):
        data = {"y_true": TARGETS[targets](rng)}
        if sample_weight:
            data["sample_weight"] = rng.uniform(0.1, 2.0, size=N)
        return [draw_pred(rng)], data

    def weights(data, dtype):
        w = data.get("sample_weight")
        return None if w is None else w.astype(dtype)

    def numpy(arrays, data):
        y_pred = arrays[0]
        y_true = data["y_true"]
        loss = np_cls(reduction=reduction, **kwargs)
        w = weights(data, y_pred.dtype)
        out = loss(y_true, y_pred, sample_weight=w)

        def backward(dout):
            grad = loss.gradient(y_true, y_pred, sample_weight=w)
            if reduction == "none":
                return [grad * dout[:, None]]
            return [grad * dout]

        return out, backward

    def tensorflow(arrays, data):
        y_pred = tf.Variable(arrays[0])
        dtype = arrays[0].dtype.name
        loss = keras_cls(reduction=reduction, dtype=dtype, **kwargs)
        y_true = data["y_true"]
        if not targets.startswith("sparse"):
            y_true = y_true.astype(dtype)
        w = weights(data, dtype)
        return [y_pred], lambda: loss(y_true, y_pred, sample_weight=w)

    return Case(name, sample, numpy, tensorflow)


def function_loss_row(
    name: str, np_fn, tf_fn, np_cls, from_logits, preds: str, targets: str
) -> Case:
    """A per-sample loss function: NumPy against its ``dlcourse.tfnn.losses`` twin.

    The NumPy functions have no gradient of their own; the gradient is the class's (reduction
    'none', i.e. of the sum), row by row times ``dout``.
    """
    kwargs = {} if from_logits is None else {"from_logits": from_logits}

    def sample(rng, dtype):
        return [PREDICTIONS[preds](rng)], {"y_true": TARGETS[targets](rng)}

    def numpy(arrays, data):
        y_pred, y_true = arrays[0], data["y_true"]
        out = np_fn(y_true, y_pred, **kwargs)
        grad = np_cls(reduction="none", **kwargs).gradient(y_true, y_pred)
        return out, lambda dout: [grad * dout[:, None]]

    def tensorflow(arrays, data):
        y_pred = tf.Variable(arrays[0])
        return [y_pred], lambda: tf_fn(data["y_true"], y_pred, **kwargs)

    return Case(name, sample, numpy, tensorflow)


def _clipped_probabilities(shape):
    """Probabilities with exact 0s and 1s, so that Keras' clip to [1e-7, 1 − 1e-7] is active."""

    def draw(rng):
        p = rng.uniform(0.05, 0.95, size=shape)
        if shape[-1] == 1:
            p[:2, 0] = [0.0, 1.0]
        else:
            p[0, 0] = 0.0  # one class at exactly 0
            p[1] = np.eye(shape[-1])[0]  # a row (1, 0, 0, ...)
            p[2, 1] = 1e-9 * p[2].sum()  # below ε after renormalisation
        return p

    return draw


LOSS_CASES = (
    [
        loss_row(f"{name}-{reduction}", *spec, reduction)
        for name, spec in LOSSES.items()
        for reduction in REDUCTIONS
    ]
    + [
        loss_row(f"{name}-sample_weight", *LOSSES[name], "sum_over_batch_size", sample_weight=True)
        for name in ("mse", "bce", "cce_logits", "scce")
    ]
    + [
        loss_row(
            "bce-multilabel",
            L.BinaryCrossentropy,
            keras.losses.BinaryCrossentropy,
            False,
            "probability3",
            "binary3",
            "none",
        ),
        loss_row("scce-column_labels", *LOSSES["scce"][:4], "sparse_column", "sum"),
        loss_row("cce-soft_targets", *LOSSES["cce"][:4], "soft", "sum_over_batch_size"),
        loss_row("cce_logits-soft_targets", *LOSSES["cce_logits"][:4], "soft", "sum"),
        loss_row(
            "bce-clipped",
            *LOSSES["bce"],
            "sum_over_batch_size",
            draw_pred=_clipped_probabilities((N, 1)),
        ),
        loss_row(
            "cce-clipped",
            *LOSSES["cce"],
            "sum_over_batch_size",
            draw_pred=_clipped_probabilities((N, K)),
        ),
        loss_row(
            "scce-clipped",
            *LOSSES["scce"],
            "sum_over_batch_size",
            draw_pred=_clipped_probabilities((N, K)),
        ),
        loss_row(
            "bce_logits-extreme",
            *LOSSES["bce_logits"],
            "sum_over_batch_size",
            draw_pred=_with_extremes((N, 1)),
        ),
        loss_row(
            "cce_logits-extreme",
            *LOSSES["cce_logits"],
            "sum_over_batch_size",
            draw_pred=_with_extremes((N, K)),
        ),
        loss_row(
            "bce_logits-at_zero",
            *LOSSES["bce_logits"],
            "sum_over_batch_size",
            draw_pred=lambda rng: np.zeros((N, 1)),
        ),
    ]
    + [
        function_loss_row(
            f"fn-{name}",
            np_fn,
            tf_fn,
            LOSSES[name][0],
            LOSSES[name][2],
            LOSSES[name][3],
            LOSSES[name][4],
        )
        for name, np_fn, tf_fn in [
            ("mse", L.mean_squared_error, tf_losses.mean_squared_error),
            ("mae", L.mean_absolute_error, tf_losses.mean_absolute_error),
            ("bce", L.binary_crossentropy, tf_losses.binary_crossentropy),
            ("bce_logits", L.binary_crossentropy, tf_losses.binary_crossentropy),
            ("cce", L.categorical_crossentropy, tf_losses.categorical_crossentropy),
            ("cce_logits", L.categorical_crossentropy, tf_losses.categorical_crossentropy),
            ("scce", L.sparse_categorical_crossentropy, tf_losses.sparse_categorical_crossentropy),
            (
                "scce_logits",
                L.sparse_categorical_crossentropy,
                tf_losses.sparse_categorical_crossentropy,
            ),
        ]
    ]
)


# ------------------------------------------------------------------------------ regularizers

R = nn.regularizers


def regularizer_row(name: str, np_reg, keras_reg) -> Case:
    """A penalty ``R(W)``: NumPy ``reg(W)`` and ``reg.gradient(W)`` against Keras'."""

    def sample(rng, dtype):
        return [rng.standard_normal((5, 3))], {}

    def numpy(arrays, data):
        w = arrays[0]
        return np_reg(w), lambda dout: [dout * np_reg.gradient(w)]

    def tensorflow(arrays, data):
        w = tf.Variable(arrays[0])
        return [w], lambda: tf.cast(keras_reg(w), w.dtype)

    return Case(name, sample, numpy, tensorflow)


REGULARIZER_CASES = [
    # 0.25 and 0.125 are exact in float32: see test_keras_l1_keeps_its_factor_in_float32.
    regularizer_row("l1", R.L1(0.25), keras.regularizers.L1(0.25)),
    regularizer_row("l2", R.L2(0.125), keras.regularizers.L2(0.125)),
    regularizer_row("l1l2", R.L1L2(l1=0.25, l2=0.125), keras.regularizers.L1L2(l1=0.25, l2=0.125)),
    regularizer_row("l2_default", R.L2(), keras.regularizers.L2()),
    regularizer_row("l1l2_default", R.L1L2(l2=0.01), keras.regularizers.L1L2(l2=0.01)),
]


@pytest.mark.parametrize(("case", "dtype"), parametrize_cases(ACTIVATION_CASES))
def test_activation_parity(case, dtype):
    check_parity(case, dtype)


@pytest.mark.parametrize(("case", "dtype"), parametrize_cases(LOSS_CASES))
def test_loss_parity(case, dtype):
    check_parity(case, dtype)


@pytest.mark.parametrize(("case", "dtype"), parametrize_cases(REGULARIZER_CASES))
def test_regularizer_parity(case, dtype):
    check_parity(case, dtype)


# ------------------------------------------------------- what the table does not show alone


def test_parity_tfnn_derivatives_are_tape_gradients_of_keras_activations():
    """The TF twins' derivatives (by GradientTape) equal NumPy's hand-written ones, pointwise."""
    x = np.random.default_rng(0).standard_normal(20)
    x[:3] = 0.0
    for name in ("sigmoid", "tanh", "relu", "leaky_relu", "linear"):
        np_d = getattr(A, f"{name}_derivative")(x)
        tf_d = getattr(tf_act, f"{name}_derivative")(x).numpy()
        np.testing.assert_allclose(np_d, tf_d, rtol=1e-12, atol=0, err_msg=name)
    z, dout = np.random.default_rng(1).standard_normal((2, 3, 4))
    zv = tf.Variable(z)
    with tf.GradientTape() as tape:
        out = tf_act.softmax(zv)
    by_tape = tape.gradient(out, zv, output_gradients=tf.constant(dout)).numpy()
    by_formula = tf_act.softmax_backward(dout, out).numpy()
    np.testing.assert_allclose(by_formula, by_tape, rtol=1e-12)
    np.testing.assert_allclose(A.softmax_backward(dout, A.softmax(z)), by_tape, rtol=1e-12)
    np.testing.assert_array_equal(tf_act.relu_derivative(np.array([0.0])).numpy(), [0.0])
    np.testing.assert_allclose(tf_act.sigmoid_derivative(np.array([0.0])).numpy(), [0.25])


def test_sigmoid_derivative_from_output_underflows_in_the_tail():
    """Not a bug, a consequence of computing the derivative from the output.

    NumPy's ``σ'(x) = σ(x)(1 − σ(x))`` is 0 once ``σ(x)`` rounds to 1 (x > 36.7 in float64),
    while TensorFlow differentiates the stable forward form and keeps ``e^{−x}``: at x = 398.8
    NumPy says 0 and TensorFlow 1.2e-173. Both are 0 at the scale of any real gradient.
    """
    x = np.array([20.0, 40.0, 398.8])
    exact = np.exp(-x) / (1 + np.exp(-x)) ** 2
    np.testing.assert_allclose(tf_act.sigmoid_derivative(x).numpy(), exact, rtol=1e-12)
    np_d = A.sigmoid_derivative(x)
    assert np_d[0] == pytest.approx(exact[0], rel=1e-6)
    assert np_d[0] != pytest.approx(exact[0], rel=1e-12, abs=0)  # 1 − σ(20) keeps only ~8 digits
    assert np_d[1] == 0.0 and np_d[2] == 0.0


def test_keras_regularizer_factors_are_float32():
    """Keras' regularizers multiply by their factor as a float32 number, even on float64 weights.

    ``L1`` stores ``l1`` as a float32 tensor; ``L2`` and ``L1L2`` keep a Python float but the
    product goes through a float32 constant. So ``L2(0.01)`` penalises with 0.009999999776, a
    relative difference of 2.2e-8 from NumPy's 0.01: below the float64 tolerance of 1e-7, but
    real. The table's ``l1``/``l2``/``l1l2`` rows use factors exact in float32; this pins the rest.
    """
    w = np.random.default_rng(1).standard_normal((5, 3))
    for keras_reg, np_reg, base in [
        (keras.regularizers.L1(0.1), R.L1(0.1), np.abs(w).sum() * float(np.float32(0.1))),
        (keras.regularizers.L2(0.01), R.L2(0.01), np.square(w).sum() * float(np.float32(0.01))),
        (
            keras.regularizers.L1L2(l2=0.01),
            R.L1L2(l2=0.01),
            np.square(w).sum() * float(np.float32(0.01)),
        ),
    ]:
        keras_value = float(keras_reg(tf.constant(w)))
        assert keras_value == pytest.approx(base, rel=1e-15)
        assert keras_value != pytest.approx(np_reg(w), rel=1e-9, abs=0)


def test_keras_leaky_relu_slope_is_float32():
    """``tf.nn.leaky_relu`` takes ``alpha`` as a 32-bit op attribute, so Keras' leaky ReLU on
    float64 uses float32(0.2) = 0.20000000298 in forward and backward; NumPy and
    ``dlcourse.tfnn`` use 0.2 (a relative difference of 1.5e-8)."""
    x = tf.Variable(-np.ones(3))
    with tf.GradientTape() as tape:
        y = keras.activations.leaky_relu(x)
    slope32 = float(np.float32(0.2))
    np.testing.assert_array_equal(y.numpy(), [-slope32] * 3)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [slope32] * 3)
    np.testing.assert_array_equal(tf_act.leaky_relu(-np.ones(3)).numpy(), [-0.2] * 3)
    np.testing.assert_array_equal(A.leaky_relu(-np.ones(3)), [-0.2] * 3)


def test_keras_loss_object_casts_float64_to_floatx():
    """Without ``dtype=``, a Keras loss computes in floatx (float32) even on float64 inputs."""
    rng = np.random.default_rng(2)
    y, p = rng.integers(0, 2, (6, 1)).astype(float), rng.uniform(0.1, 0.9, (6, 1))
    assert keras.losses.BinaryCrossentropy()(y, p).dtype == tf.float32
    assert keras.losses.BinaryCrossentropy(dtype="float64")(y, p).dtype == tf.float64


def test_tfnn_functions_refuse_bad_input():
    with pytest.raises(ValueError, match="finite"):
        tf_act.sigmoid(np.array([np.nan]))
    with pytest.raises(ValueError, match="negative_slope"):
        tf_act.leaky_relu(np.ones(2), negative_slope=-1)
    with pytest.raises(ValueError, match="axis"):
        tf_act.softmax(np.ones((2, 3)), axis=2)
    with pytest.raises(ValueError, match="same shape"):
        tf_losses.mean_squared_error(np.ones((3, 2)), np.ones((3, 4)))
    with pytest.raises(ValueError, match="integer labels of shape"):
        tf_losses.sparse_categorical_crossentropy(np.eye(3), np.full((3, 3), 1 / 3))
    with pytest.raises(TypeError, match="real numbers"):
        tf_act.relu(np.array(["a"]))
    with pytest.raises(ValueError, match="Unknown activation"):
        tf_act.get("no_such_activation")


def test_keras_cce_from_logits_gradient_assumes_targets_sum_to_one():
    """TensorFlow's fused ``softmax_cross_entropy_with_logits`` returns ``softmax(z) − y`` as the
    gradient, which is exact only when each target row sums to 1. For rows that do not (say, a
    multi-label 0/1 matrix given to a categorical loss), the loss values still agree, but
    Keras' gradient is not the gradient of its loss; NumPy's (and ``dlcourse.tfnn``'s, written
    with plain TF ops) is ``softmax(z)·Σy − y``, the exact one."""
    rng = np.random.default_rng(0)
    z, y = rng.standard_normal((3, 4)), rng.uniform(0, 1, (3, 4))
    softmax = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    exact = (softmax * y.sum(axis=1, keepdims=True) - y) / 3
    np_loss = L.CategoricalCrossentropy(from_logits=True)
    np.testing.assert_allclose(np_loss.gradient(y, z), exact, rtol=1e-12)
    zv = tf.Variable(z)
    with tf.GradientTape(persistent=True) as tape:
        keras_value = keras.losses.CategoricalCrossentropy(from_logits=True, dtype="float64")(y, zv)
        twin_value = tf.reduce_mean(tf_losses.categorical_crossentropy(y, zv, from_logits=True))
    assert float(keras_value) == pytest.approx(np_loss(y, z), rel=1e-14)
    assert float(twin_value) == pytest.approx(np_loss(y, z), rel=1e-14)
    np.testing.assert_allclose(tape.gradient(twin_value, zv).numpy(), exact, rtol=1e-12)
    np.testing.assert_allclose(
        tape.gradient(keras_value, zv).numpy(), (softmax - y) / 3, rtol=1e-12
    )
