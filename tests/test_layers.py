"""Tests of dlcourse.nn.layers: every layer's backward against finite differences under random
upstream gradients (float64, relative error < 1e-7, with and without regularizers), Conv2D and
MaxPooling2D against naive loop implementations written here, property tests over shapes with
hypothesis, the layer contract (params/grads, dtypes, in-place weights, shapes, names), Dropout's
masks, and spot checks against keras.layers with copied weights."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcourse.gradcheck import check_layer, numerical_gradient, rel_error
from dlcourse.nn import initializers, regularizers
from dlcourse.nn.layers import (
    Activation,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    InputLayer,
    MaxPooling2D,
)

ACTIVATIONS = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "softmax"]
# Central differences with h = 1e-5 ≈ ε^(1/3) balance truncation and rounding (see
# test_activations.py); a kink of relu met within 1e-5 is a ~1e-5-probability event per unit.
H = 1e-5
TOL = 1e-7


def assert_layer_gradients(layer, x, seed=0):
    """check_layer's errors (dx and every parameter) all below 1e-7."""
    errors = check_layer(layer, x, seed=seed, h=H)
    assert set(errors) == {"x", *layer.params}
    assert max(errors.values()) < TOL, errors


def assert_gradient_close(analytic, numeric, what):
    """Relative error < 1e-7 wherever finite differences can resolve it.

    A central difference with h = 1e-5 is accurate to about 1e-11 for a well-scaled function,
    but to ~1e-10 where third derivatives are large (log of a probability of 0.1), so an entry
    that is tiny by cancellation (softmax · Σp − p with soft targets, dx = Σ dout·W) cannot be
    checked to a relative 1e-7. Entries of at least 1e-2 are checked to a relative 1e-7, the
    smaller ones to an absolute 1e-9 (relative 1e-7 at 1e-2). The fixed-case tests use plain
    rel_error; this is for the hypothesis tests, which do draw such entries.
    """
    resolved = np.abs(numeric) >= 1e-2
    assert rel_error(analytic[resolved], numeric[resolved]) < TOL, what
    assert np.max(np.abs(analytic - numeric)[~resolved], initial=0.0) < 1e-9, what


def assert_layer_gradients_resolved(layer, x, seed=0):
    """Like check_layer (same objective: Σ out·dout + regularization), entry by entry."""
    out = layer.forward(x)
    dout = np.random.default_rng(seed).standard_normal(out.shape)
    dx = layer.backward(dout)
    analytic = {"x": dx, **{k: g.copy() for k, g in layer.grads.items()}}
    x = x.copy()

    weights = np.append(dout.ravel(), 1.0)

    def terms(_):
        # the outputs, then the penalty: numerical_gradient subtracts them before weighting, so
        # the outputs that do not depend on the perturbed entry cancel exactly
        return np.append(layer.forward(x).ravel(), layer.regularization_loss())

    for name, array in {"x": x, **layer.params}.items():
        numeric = numerical_gradient(terms, array, weights, h=H)
        assert_gradient_close(analytic[name], numeric, name)


def random_bias(seed):
    """A bias far from zero, so that an L1 penalty's kink is never met and b matters."""
    return initializers.RandomUniform(0.2, 1.0, seed=seed)


# ------------------------------------------------------------- independent references ---


def same_pads(length, window, stride):
    """TensorFlow's documented 'same' padding: output ⌈L / s⌉, the odd pixel after."""
    out = math.ceil(length / stride)
    total = max((out - 1) * stride + window - length, 0)
    return out, total // 2


def output_and_offset(length, window, stride, padding):
    if padding == "same":
        return same_pads(length, window, stride)
    return (length - window) // stride + 1, 0


def naive_conv2d(x, W, b, strides, padding):
    """Cross-correlation by explicit loops over outputs and kernel offsets (channels-last)."""
    n, h, w, _ = x.shape
    kh, kw, _, f = W.shape
    oh, top = output_and_offset(h, kh, strides[0], padding)
    ow, left = output_and_offset(w, kw, strides[1], padding)
    out = np.zeros((n, oh, ow, f))
    for i in range(oh):
        for j in range(ow):
            for di in range(kh):
                for dj in range(kw):
                    r, c = i * strides[0] + di - top, j * strides[1] + dj - left
                    if 0 <= r < h and 0 <= c < w:  # outside: zero padding
                        out[:, i, j, :] += x[:, r, c, :] @ W[di, dj]
    return out if b is None else out + b


def naive_maxpool(x, pool, strides, padding):
    """Max over each window by explicit loops; padded positions are ignored (TensorFlow)."""
    n, h, w, c = x.shape
    oh, top = output_and_offset(h, pool[0], strides[0], padding)
    ow, left = output_and_offset(w, pool[1], strides[1], padding)
    out = np.full((n, oh, ow, c), -np.inf)
    for i in range(oh):
        for j in range(ow):
            for di in range(pool[0]):
                for dj in range(pool[1]):
                    r, s = i * strides[0] + di - top, j * strides[1] + dj - left
                    if 0 <= r < h and 0 <= s < w:
                        out[:, i, j, :] = np.maximum(out[:, i, j, :], x[:, r, s, :])
    return out


def distinct_values(rng, shape):
    """Values whose gaps (≥ 1/size) dwarf h, so no max changes place under a perturbation."""
    size = math.prod(shape)
    return rng.permutation(size).reshape(shape) / size + 0.5


# --------------------------------------------------------------------------------- Dense ---


@pytest.mark.parametrize("reg", ["none", "kernel", "both"])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_dense_gradients(activation, reg):
    rng = np.random.default_rng(1)
    layer = Dense(
        4,
        activation=activation,
        kernel_initializer=initializers.GlorotUniform(seed=2),
        bias_initializer=random_bias(3),
        kernel_regularizer=None if reg == "none" else regularizers.L2(0.3),
        bias_regularizer=regularizers.L1L2(l1=0.2, l2=0.1) if reg == "both" else None,
    )
    assert_layer_gradients(layer, rng.normal(size=(5, 3)))


def test_dense_without_bias_has_only_a_kernel():
    layer = Dense(3, use_bias=False, activation="tanh", kernel_regularizer=regularizers.L1(0.1))
    x = np.random.default_rng(4).normal(size=(4, 2))
    assert_layer_gradients(layer, x)
    assert list(layer.params) == ["kernel"] and list(layer.grads) == ["kernel"]
    np.testing.assert_allclose(layer.forward(x), np.tanh(x @ layer.params["kernel"]))


def test_dense_on_a_rank_3_input_acts_on_the_last_axis():
    layer = Dense(3, activation="sigmoid", bias_initializer=random_bias(5))
    x = np.random.default_rng(6).normal(size=(2, 4, 5))
    out = layer.forward(x)
    assert out.shape == (2, 4, 3)
    W, b = layer.params["kernel"], layer.params["bias"]
    np.testing.assert_allclose(out, 1 / (1 + np.exp(-(x @ W + b))), rtol=1e-12)
    assert_layer_gradients(layer, x)


def test_dense_values_are_x_w_plus_b():
    x = np.random.default_rng(7).normal(size=(6, 4))
    layer = Dense(5, activation="relu", bias_initializer=random_bias(8))
    out = layer.forward(x)
    W, b = layer.params["kernel"], layer.params["bias"]
    assert W.shape == (4, 5) and b.shape == (5,)  # Keras' kernel layout (in, out)
    np.testing.assert_allclose(out, np.maximum(x @ W + b, 0), rtol=1e-12)


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 6),
    features=st.integers(1, 6),
    units=st.integers(1, 5),
    activation=st.sampled_from(ACTIVATIONS),
    seed=st.integers(0, 2**16),
)
def test_dense_gradients_over_shapes(n, features, units, activation, seed):
    layer = Dense(
        units,
        activation=activation,
        kernel_initializer=initializers.GlorotUniform(seed=seed),
        bias_initializer=random_bias(seed),
    )
    x = np.random.default_rng(seed).normal(size=(n, features))
    out = layer.forward(x)
    assert out.shape == layer.compute_output_shape((n, features)) == (n, units)
    # the relu family's kink: an example where a pre-activation lies within 1e-4 of 0 is
    # ill-posed for finite differences, not a failure of the layer
    z = x @ layer.params["kernel"] + layer.params["bias"]
    if activation in ("relu", "leaky_relu") and np.abs(z).min() < 1e-4:
        return
    assert_layer_gradients_resolved(layer, x, seed=seed)


# -------------------------------------------------------------------------------- Conv2D ---

CONV_CASES = [
    # (input shape, filters, kernel, strides, padding, use_bias)
    ((2, 5, 5, 1), 1, 3, 1, "valid", True),
    ((2, 5, 5, 1), 2, 3, 1, "same", True),
    ((2, 6, 6, 2), 3, 3, 2, "valid", True),
    ((2, 6, 6, 2), 3, 3, 2, "same", False),
    ((1, 7, 6, 3), 2, (2, 3), (2, 1), "same", True),
    ((2, 5, 4, 2), 4, 2, 1, "valid", False),
    ((1, 8, 8, 1), 2, 4, 2, "same", True),  # even kernel, even size: asymmetric padding
    ((1, 7, 7, 2), 1, 1, 2, "valid", True),
]


@pytest.mark.parametrize(("shape", "filters", "kernel", "strides", "padding", "bias"), CONV_CASES)
def test_conv2d_matches_a_naive_loop(shape, filters, kernel, strides, padding, bias):
    rng = np.random.default_rng(10)
    x = rng.normal(size=shape)
    layer = Conv2D(
        filters,
        kernel,
        strides=strides,
        padding=padding,
        use_bias=bias,
        bias_initializer=random_bias(11),
    )
    out = layer.forward(x)
    W = layer.params["kernel"]
    k = (kernel, kernel) if isinstance(kernel, int) else kernel
    s = (strides, strides) if isinstance(strides, int) else strides
    assert W.shape == (*k, shape[-1], filters)  # Keras' layout (kh, kw, c_in, c_out)
    expected = naive_conv2d(x, W, layer.params["bias"] if bias else None, s, padding)
    assert out.shape == expected.shape == layer.compute_output_shape(shape)
    np.testing.assert_allclose(out, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("reg", [False, True])
@pytest.mark.parametrize(("shape", "filters", "kernel", "strides", "padding", "bias"), CONV_CASES)
def test_conv2d_gradients(shape, filters, kernel, strides, padding, bias, reg):
    layer = Conv2D(
        filters,
        kernel,
        strides=strides,
        padding=padding,
        use_bias=bias,
        activation="tanh",
        kernel_initializer=initializers.GlorotUniform(seed=12),
        bias_initializer=random_bias(13),
        kernel_regularizer=regularizers.L1L2(0.05, 0.2) if reg else None,
        bias_regularizer=regularizers.L2(0.3) if reg else None,
    )
    assert_layer_gradients(layer, np.random.default_rng(14).normal(size=shape), seed=1)


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "linear"])
def test_conv2d_gradients_with_other_activations(activation):
    layer = Conv2D(3, 3, padding="same", activation=activation, bias_initializer=random_bias(15))
    assert_layer_gradients(layer, np.random.default_rng(16).normal(size=(2, 4, 5, 2)))


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 2),
    size=st.tuples(st.integers(3, 7), st.integers(3, 7)),
    channels=st.integers(1, 3),
    filters=st.integers(1, 3),
    kernel=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    strides=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    padding=st.sampled_from(["valid", "same"]),
    use_bias=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_conv2d_over_shapes(n, size, channels, filters, kernel, strides, padding, use_bias, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, *size, channels))
    layer = Conv2D(
        filters,
        kernel,
        strides=strides,
        padding=padding,
        use_bias=use_bias,
        kernel_initializer=initializers.GlorotUniform(seed=seed),
        bias_initializer=random_bias(seed),
    )
    out = layer.forward(x)
    b = layer.params["bias"] if use_bias else None
    expected = naive_conv2d(x, layer.params["kernel"], b, strides, padding)
    assert out.shape == expected.shape == layer.compute_output_shape(x.shape)
    np.testing.assert_allclose(out, expected, rtol=1e-10, atol=1e-12)
    assert_layer_gradients_resolved(layer, x, seed=seed)


# -------------------------------------------------------------------------- MaxPooling2D ---

POOL_CASES = [
    # (input shape, pool_size, strides, padding)
    ((2, 4, 4, 1), (2, 2), None, "valid"),
    ((2, 5, 5, 2), (2, 2), None, "valid"),  # odd size: the last row and column are dropped
    ((1, 6, 6, 2), 3, 2, "valid"),  # overlapping windows
    ((1, 5, 6, 1), 2, 1, "valid"),
    ((2, 5, 5, 2), (2, 2), None, "same"),
    ((1, 7, 6, 3), 3, 2, "same"),
    ((1, 6, 7, 1), (2, 3), (1, 2), "same"),
    ((1, 4, 4, 1), (1, 1), (2, 2), "valid"),  # stride larger than the pool
]


@pytest.mark.parametrize(("shape", "pool", "strides", "padding"), POOL_CASES)
def test_maxpool_matches_a_naive_loop(shape, pool, strides, padding):
    x = np.random.default_rng(20).normal(size=shape)
    layer = MaxPooling2D(pool, strides=strides, padding=padding)
    out = layer.forward(x)
    p = (pool, pool) if isinstance(pool, int) else pool
    s = p if strides is None else ((strides, strides) if isinstance(strides, int) else strides)
    expected = naive_maxpool(x, p, s, padding)
    assert out.shape == expected.shape == layer.compute_output_shape(shape)
    np.testing.assert_array_equal(out, expected)
    assert not layer.params and layer.count_params() == 0


@pytest.mark.parametrize(("shape", "pool", "strides", "padding"), POOL_CASES)
def test_maxpool_gradients(shape, pool, strides, padding):
    x = distinct_values(np.random.default_rng(21), shape)
    assert_layer_gradients(MaxPooling2D(pool, strides=strides, padding=padding), x, seed=2)


def test_maxpool_sends_the_gradient_to_the_first_of_tied_maxima():
    """TensorFlow's MaxPoolGrad routes a tie to the first maximum in row-major order."""
    x = np.ones((1, 2, 2, 1))
    layer = MaxPooling2D()
    layer.forward(x)
    dx = layer.backward(np.array([[[[3.0]]]]))
    np.testing.assert_array_equal(dx[0, :, :, 0], [[3.0, 0.0], [0.0, 0.0]])


def test_maxpool_with_overlapping_windows_accumulates_gradients():
    x = np.zeros((1, 3, 3, 1))
    x[0, 1, 1, 0] = 5.0  # the centre is the maximum of all four 2x2 windows
    layer = MaxPooling2D(2, strides=1)
    layer.forward(x)
    dx = layer.backward(np.arange(1.0, 5.0).reshape(1, 2, 2, 1))
    assert dx[0, 1, 1, 0] == 1 + 2 + 3 + 4
    assert np.count_nonzero(dx) == 1


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 2),
    size=st.tuples(st.integers(2, 7), st.integers(2, 7)),
    channels=st.integers(1, 3),
    pool=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    strides=st.one_of(st.none(), st.tuples(st.integers(1, 3), st.integers(1, 3))),
    padding=st.sampled_from(["valid", "same"]),
    seed=st.integers(0, 2**16),
)
def test_maxpool_over_shapes(n, size, channels, pool, strides, padding, seed):
    if padding == "valid" and (size[0] < pool[0] or size[1] < pool[1]):
        return  # no valid window: refused, tested in test_bad_input.py
    x = distinct_values(np.random.default_rng(seed), (n, *size, channels))
    layer = MaxPooling2D(pool, strides=strides, padding=padding)
    out = layer.forward(x)
    expected = naive_maxpool(x, pool, pool if strides is None else strides, padding)
    assert out.shape == expected.shape == layer.compute_output_shape(x.shape)
    np.testing.assert_array_equal(out, expected)
    assert_layer_gradients_resolved(layer, x, seed=seed)


# ----------------------------------------------------------- Flatten, Activation, Dropout ---


def test_flatten_is_a_channels_last_reshape_and_back():
    x = np.random.default_rng(30).normal(size=(3, 4, 2, 5))
    layer = Flatten()
    out = layer.forward(x)
    np.testing.assert_array_equal(out, x.reshape(3, 40))
    assert layer.compute_output_shape((None, 4, 2, 5)) == (None, 40)
    assert_layer_gradients(Flatten(), x)
    dout = np.random.default_rng(31).normal(size=(3, 40))
    np.testing.assert_array_equal(layer.backward(dout), dout.reshape(x.shape))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_activation_layer_gradients(activation):
    x = np.random.default_rng(32).uniform(-2, 2, (4, 5))
    x = np.where(np.abs(x) < 0.01, 0.5, x)  # away from relu's kink
    assert_layer_gradients(Activation(activation), x)


def test_dropout_gradient_in_training_mode_with_a_fixed_mask():
    rng = np.random.default_rng(33)
    x, dout = rng.normal(size=(6, 7)), rng.normal(size=(6, 7))
    layer = Dropout(0.4, seed=5)
    out = layer.forward(x, training=True)
    mask = layer.mask.copy()
    dx = layer.backward(dout)

    def forward_with_the_same_mask(v):
        # a fresh layer with the same seed draws the same mask for the same shape
        return Dropout(0.4, seed=5).forward(v, training=True).copy()

    numeric = numerical_gradient(forward_with_the_same_mask, x.copy(), dout)
    assert rel_error(dx, numeric) < TOL
    np.testing.assert_array_equal(out, x * mask)
    np.testing.assert_array_equal(dx, dout * mask)
    assert set(np.unique(mask)) == {0.0, 1 / (1 - 0.4)}


def test_dropout_is_the_identity_at_inference():
    x = np.random.default_rng(34).normal(size=(5, 4))
    layer = Dropout(0.5, seed=1)
    np.testing.assert_array_equal(layer.forward(x), x)
    assert layer.mask is None
    dout = np.ones_like(x)
    np.testing.assert_array_equal(layer.backward(dout), dout)
    assert_layer_gradients(Dropout(0.5), x)


def test_dropout_statistics_and_scaling():
    """About `rate` of the entries dropped, the rest scaled so that the mean is kept.

    For n Bernoulli(rate) drops the dropped fraction has standard error √(rate(1 − rate)/n);
    five standard errors bound it.
    """
    rate, n = 0.3, 200_000
    x = np.ones((n // 100, 100))
    out = Dropout(rate, seed=7).forward(x, training=True)
    dropped = np.mean(out == 0)
    assert abs(dropped - rate) < 5 * math.sqrt(rate * (1 - rate) / n)
    np.testing.assert_allclose(out[out != 0], 1 / (1 - rate))
    assert abs(out.mean() - 1.0) < 5 * math.sqrt(rate / (1 - rate) / n)


def test_dropout_seeds_and_noise_shape():
    x = np.ones((8, 6))
    a = Dropout(0.5, seed=3)
    m1 = a.forward(x, training=True).copy()
    m2 = a.forward(x, training=True).copy()
    assert not np.array_equal(m1, m2)  # a new mask at every training call
    np.testing.assert_array_equal(m1, Dropout(0.5, seed=3).forward(x, training=True))
    rows = Dropout(0.5, noise_shape=(8, 1), seed=4).forward(x, training=True)
    assert np.all(rows == rows[:, :1])  # one decision per sample, shared by its features
    none_entry = Dropout(0.5, noise_shape=(None, 1), seed=4).forward(x, training=True)
    np.testing.assert_array_equal(none_entry, rows)


def test_dropout_rate_zero_keeps_everything():
    x = np.random.default_rng(35).normal(size=(3, 3))
    np.testing.assert_array_equal(Dropout(0.0).forward(x, training=True), x)


def test_input_layer_passes_its_input_through():
    layer = InputLayer((3,))
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(layer.forward(x), x)


# ------------------------------------------------------------------------ layer contract ---


def test_params_and_grads_share_keys_shapes_and_dtype():
    x = np.random.default_rng(40).normal(size=(2, 5, 5, 3))
    for layer in (Conv2D(4, 3), Dense(2)):
        inp = x if isinstance(layer, Conv2D) else x.reshape(2, -1)
        out = layer.forward(inp)
        layer.backward(np.ones_like(out))
        assert list(layer.params) == list(layer.grads) == ["kernel", "bias"]
        for key in layer.params:
            assert layer.grads[key].shape == layer.params[key].shape
            assert layer.grads[key].dtype == layer.params[key].dtype == np.float64


@pytest.mark.parametrize(
    ("x_dtype", "layer_dtype", "expected"),
    [
        (np.float64, None, np.float64),
        (np.float32, None, np.float32),
        (np.int64, None, np.float32),
        (np.float32, "float64", np.float64),
        (np.float64, "float32", np.float32),
    ],
)
def test_the_layer_dtype_comes_from_the_first_input_or_the_argument(x_dtype, layer_dtype, expected):
    layer = Dense(3, dtype=layer_dtype)
    out = layer.forward(np.ones((2, 4), dtype=x_dtype))
    assert layer.params["kernel"].dtype == expected and out.dtype == expected
    dx = layer.backward(np.ones((2, 3)))
    assert dx.dtype == expected and layer.grads["kernel"].dtype == expected


def test_weights_are_updated_in_place_and_set_weights_keeps_the_arrays():
    layer = Dense(3)
    layer.forward(np.ones((2, 4)))
    kernel = layer.params["kernel"]
    assert layer.weights[0] is kernel
    new = [np.full((4, 3), 0.5), np.arange(3.0)]
    layer.set_weights(new)
    assert layer.params["kernel"] is kernel  # optimizers hold these very arrays
    np.testing.assert_array_equal(kernel, 0.5)
    got = layer.get_weights()
    got[0][...] = 7.0  # get_weights returns copies
    np.testing.assert_array_equal(layer.params["kernel"], 0.5)
    layer.backward(np.ones((2, 3)))
    assert layer.params["kernel"] is kernel


def test_forward_and_backward_leave_their_inputs_alone():
    rng = np.random.default_rng(41)
    x = rng.normal(size=(2, 6, 6, 2))
    dout = rng.normal(size=(2, 3, 3, 2))
    x0, dout0 = x.copy(), dout.copy()
    for layer in (MaxPooling2D(), Conv2D(2, 3, strides=2, padding="same", activation="relu")):
        layer.forward(x, training=True)
        layer.backward(dout)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(dout, dout0)


def test_count_params_and_compute_output_shape():
    conv = Conv2D(32, (3, 3), input_shape=(28, 28, 1))
    assert conv.compute_output_shape((None, 28, 28, 1)) == (None, 26, 26, 32)
    conv.forward(np.zeros((1, 28, 28, 1)))
    assert conv.count_params() == 3 * 3 * 1 * 32 + 32
    dense = Dense(10)
    dense.forward(np.zeros((1, 5408)))
    assert dense.count_params() == 5408 * 10 + 10
    assert MaxPooling2D((2, 2)).compute_output_shape((None, 26, 26, 32)) == (None, 13, 13, 32)
    same = Conv2D(8, 3, strides=2, padding="same")
    assert same.compute_output_shape((4, 7, 8, 1)) == (4, 4, 4, 8)  # ⌈7/2⌉, ⌈8/2⌉


def test_names_follow_keras():
    assert Dense(2, name="hidden").name == "hidden"
    assert MaxPooling2D().name.startswith("max_pooling2d")
    assert Conv2D(1, 1).name.startswith("conv2d")
    a, b = Dense(1), Dense(1)
    assert a.name != b.name and a.name.startswith("dense") and b.name.startswith("dense")


def test_a_built_layer_refuses_inputs_of_another_shape():
    layer = Dense(3)
    layer.forward(np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"expected input of shape \(None, 4\).*\(2, 5\)"):
        layer.forward(np.ones((2, 5)))


def test_backward_needs_a_forward_and_the_right_dout_shape():
    with pytest.raises(RuntimeError, match=r"forward\(\) before backward\(\)"):
        Dense(3).backward(np.ones((2, 3)))
    layer = Conv2D(2, 3)
    layer.forward(np.ones((1, 5, 5, 1)))
    with pytest.raises(ValueError, match=r"`dout` of shape \(1, 3, 3, 2\).*\(1, 3, 3, 3\)"):
        layer.backward(np.ones((1, 3, 3, 3)))
    with pytest.raises(ValueError, match=r"`dout` holding NaN"):
        layer.backward(np.full((1, 3, 3, 2), np.nan))


def test_set_weights_refuses_wrong_counts_and_shapes():
    layer = Dense(3)
    layer.forward(np.ones((1, 2)))
    with pytest.raises(ValueError, match=r"expects 2 weight array\(s\).*Received: 1"):
        layer.set_weights([np.zeros((2, 3))])
    with pytest.raises(ValueError, match=r"'kernel' of shape \(2, 3\).*shape \(3, 2\)"):
        layer.set_weights([np.zeros((3, 2)), np.zeros(3)])
    with pytest.raises(ValueError, match=r"finite"):
        layer.set_weights([np.full((2, 3), np.inf), np.zeros(3)])


# -------------------------------------------------------------------- keras spot checks ---


@pytest.mark.parametrize(
    ("shape", "filters", "kernel", "strides", "padding"),
    [
        ((2, 8, 8, 1), 4, 3, 2, "same"),  # even size, stride 2: TensorFlow pads after
        ((2, 7, 6, 3), 2, (2, 3), (1, 2), "valid"),
        ((1, 6, 6, 2), 3, 4, 1, "same"),
    ],
)
def test_conv2d_agrees_with_keras_with_copied_weights(
    keras, shape, filters, kernel, strides, padding
):
    rng = np.random.default_rng(50)
    x = rng.normal(size=shape)
    ours = Conv2D(
        filters,
        kernel,
        strides=strides,
        padding=padding,
        activation="relu",
        bias_initializer=random_bias(51),
    )
    out = ours.forward(x)
    theirs = keras.layers.Conv2D(
        filters, kernel, strides=strides, padding=padding, activation="relu", dtype="float64"
    )
    theirs.build(shape)
    theirs.set_weights(ours.get_weights())  # same layout: no transposition
    np.testing.assert_allclose(out, np.asarray(theirs(x)), rtol=1e-10, atol=1e-12)


def test_maxpool_dense_and_flatten_agree_with_keras(keras):
    rng = np.random.default_rng(52)
    x = rng.normal(size=(2, 7, 6, 3))
    for pool, strides, padding in [(3, 2, "same"), ((2, 3), (1, 2), "valid"), (2, None, "same")]:
        ours = MaxPooling2D(pool, strides=strides, padding=padding).forward(x)
        theirs = keras.layers.MaxPooling2D(pool, strides, padding, dtype="float64")(x)
        np.testing.assert_array_equal(ours, np.asarray(theirs))
    np.testing.assert_array_equal(
        Flatten().forward(x), np.asarray(keras.layers.Flatten(dtype="float64")(x))
    )
    dense = Dense(4, activation="softmax")
    flat = x.reshape(2, -1)
    out = dense.forward(flat)
    k_dense = keras.layers.Dense(4, activation="softmax", dtype="float64")
    k_dense.build(flat.shape)
    k_dense.set_weights(dense.get_weights())
    np.testing.assert_allclose(out, np.asarray(k_dense(flat)), rtol=1e-10)
