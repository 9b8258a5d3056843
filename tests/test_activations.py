"""Tests of dlcourse.nn.activations: values against their formulas, derivatives and the
``Activation`` backward against finite differences (float64, relative error < 1e-7, random
upstream gradients), numerical stability at ±1e4 with warnings turned into errors, dtypes,
``get``, and a few spot checks against ``keras.activations``."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcourse.gradcheck import numerical_gradient, rel_error
from dlcourse.nn import activations

NAMES = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "softmax"]
ELEMENTWISE = {
    # name: (public function, public derivative, textbook formula written here)
    "linear": (activations.linear, activations.linear_derivative, lambda x: x),
    "sigmoid": (
        activations.sigmoid,
        activations.sigmoid_derivative,
        lambda x: 1 / (1 + np.exp(-x)),
    ),
    "tanh": (
        activations.tanh,
        activations.tanh_derivative,
        lambda x: (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x)),
    ),
    "relu": (activations.relu, activations.relu_derivative, lambda x: np.where(x > 0, x, 0.0)),
    "leaky_relu": (
        activations.leaky_relu,
        activations.leaky_relu_derivative,
        lambda x: np.where(x > 0, x, 0.2 * x),
    ),
}


# Central differences err by O(h²) (truncation) + O(ε·|f| / h) (rounding); h = 1e-5 ≈ ε^(1/3)
# balances the two, so that even gradient entries of ~1e-4 (softmax's small probabilities) are
# checked to a relative 1e-7. Inputs are moderate (|x| ≤ 2) for the same reason.
H = 1e-5


def away_from_kinks(rng, shape, low=-2.0, high=2.0):
    """Uniform draws with |x| ≥ 0.01, so that relu's kink at 0 is never within a step h."""
    x = rng.uniform(low, high, shape)
    return np.where(np.abs(x) < 0.01, 0.5, x)


class no_warnings:
    """Context: any floating-point warning or error becomes an exception."""

    def __enter__(self):
        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("error")
        # underflow to 0 (e^-1e4) is the right answer, not a failure; the rest must not happen
        self._e = np.errstate(over="raise", divide="raise", invalid="raise", under="ignore")
        self._e.__enter__()

    def __exit__(self, *exc):
        self._e.__exit__(*exc)
        self._w.__exit__(*exc)
        return False


# ---------------------------------------------------------------------------- values ---


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_values_match_the_textbook_formula(name):
    fn, _, formula = ELEMENTWISE[name]
    x = np.linspace(-6, 6, 61).reshape(61, 1) * np.ones((1, 3))
    np.testing.assert_allclose(fn(x), formula(x), rtol=1e-12, atol=1e-15)


def test_leaky_relu_takes_its_negative_slope():
    x = np.array([[-2.0, -0.5, 0.0, 3.0]])
    np.testing.assert_array_equal(
        activations.leaky_relu(x, negative_slope=0.1), [[-0.2, -0.05, 0, 3]]
    )
    np.testing.assert_array_equal(
        activations.leaky_relu_derivative(x, negative_slope=0.1), [[0.1, 0.1, 0.1, 1.0]]
    )


def test_softmax_against_its_definition_on_every_axis():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 3, 4))
    for axis in (-1, 0, 1, 2):
        e = np.exp(x)
        expected = e / e.sum(axis=axis, keepdims=True)
        np.testing.assert_allclose(activations.softmax(x, axis=axis), expected, rtol=1e-12)


@settings(max_examples=25, deadline=None)
@given(
    shape=st.lists(st.integers(1, 5), min_size=1, max_size=3).map(tuple),
    shift=st.floats(-1e3, 1e3),
    seed=st.integers(0, 2**16),
)
def test_softmax_rows_sum_to_one_and_ignore_a_shift(shape, shift, seed):
    x = np.random.default_rng(seed).normal(scale=5.0, size=shape)
    s = activations.softmax(x)
    assert s.shape == x.shape
    assert np.all(s >= 0)
    np.testing.assert_allclose(s.sum(axis=-1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(activations.softmax(x + shift), s, rtol=1e-9, atol=1e-300)


def test_relu_derivative_at_zero_is_zero_like_tensorflow():
    assert activations.relu_derivative(np.array([0.0]))[0] == 0.0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_dtype_and_shape_are_kept(name, dtype):
    x = np.linspace(-3, 3, 12, dtype=dtype).reshape(3, 4)
    act = activations.get(name)
    out = act.forward(x)
    assert out.dtype == dtype and out.shape == x.shape
    dx = act.backward(np.ones_like(out), out)
    assert dx.dtype == dtype and dx.shape == x.shape
    public = getattr(activations, name)(x)
    assert public.dtype == dtype
    np.testing.assert_array_equal(public, out)


def test_integer_input_becomes_float32():
    out = activations.sigmoid(np.array([[0, 1, 2]]))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, 1 / (1 + np.exp(-np.array([[0.0, 1.0, 2.0]]))), rtol=1e-6)


# -------------------------------------------------------------------------- gradients ---


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_public_derivative_matches_finite_differences(name):
    fn, derivative, _ = ELEMENTWISE[name]
    x = away_from_kinks(np.random.default_rng(1), (4, 5))
    # elementwise, so d sum(f(x)) / dx_i = f'(x_i). The copy: linear(x) returns x itself, and
    # numerical_gradient does not copy f's output (see the report on dlcourse.gradcheck).
    numeric = numerical_gradient(lambda v: fn(v).copy(), x.copy(), h=H)
    assert rel_error(derivative(x), numeric) < 1e-7


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("name", NAMES)
def test_activation_backward_under_random_upstream_gradient(name, seed):
    rng = np.random.default_rng(seed)
    x = away_from_kinks(rng, (5, 6))
    dout = rng.standard_normal((5, 6))
    act = activations.get(name)
    out = act.forward(x)
    dx = act.backward(dout, out)
    numeric = numerical_gradient(lambda v: act.forward(v).copy(), x.copy(), dout, h=H)
    assert rel_error(dx, numeric) < 1e-7


@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_softmax_backward_on_any_axis(axis):
    rng = np.random.default_rng(3)
    x, dout = rng.normal(size=(3, 4, 5)), rng.normal(size=(3, 4, 5))
    out = activations.softmax(x, axis=axis)
    dx = activations.softmax_backward(dout, out, axis=axis)
    numeric = numerical_gradient(lambda v: activations.softmax(v, axis=axis), x.copy(), dout, h=H)
    assert rel_error(dx, numeric) < 1e-7


def test_softmax_backward_equals_the_full_jacobian_product():
    rng = np.random.default_rng(4)
    x, dout = rng.normal(size=5), rng.normal(size=5)
    s = activations.softmax(x)
    jacobian = np.diag(s) - np.outer(s, s)
    np.testing.assert_allclose(activations.softmax_backward(dout, s), jacobian.T @ dout, rtol=1e-12)


# -------------------------------------------------------------------------- stability ---

EXTREMES = np.array([[-1e4, -1e3, -50.0, 0.0, 50.0, 1e3, 1e4]])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_extreme_inputs_are_finite_without_warnings(name, dtype):
    x = EXTREMES.astype(dtype)
    act = activations.get(name)
    with no_warnings():
        out = act.forward(x)
        dx = act.backward(np.ones_like(out), out)
        public = getattr(activations, name)(x)
    assert np.isfinite(out).all() and np.isfinite(dx).all() and np.isfinite(public).all()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_and_softmax_saturate_to_the_right_values(dtype):
    with no_warnings():
        s = activations.sigmoid(np.array([-1e4, 1e4], dtype=dtype))
        sm = activations.softmax(np.array([[1e4, 0.0, -1e4]], dtype=dtype))
        tail = activations.sigmoid(np.array([-30.0], dtype=dtype))
        ds = activations.sigmoid_derivative(np.array([-1e4, 1e4], dtype=dtype))
    np.testing.assert_array_equal(s, [0.0, 1.0])
    np.testing.assert_array_equal(sm, [[1.0, 0.0, 0.0]])
    np.testing.assert_array_equal(ds, [0.0, 0.0])
    # the stable form keeps the far tail's relative precision, e^-30 / (1 + e^-30)
    np.testing.assert_allclose(tail, [np.exp(-30.0) / (1 + np.exp(-30.0))], rtol=1e-6)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu", "linear"])
def test_public_derivatives_are_finite_at_extremes(name):
    _, derivative, _ = ELEMENTWISE[name]
    with no_warnings():
        d = derivative(EXTREMES)
    assert np.isfinite(d).all()


# ------------------------------------------------------------------------------- get ---


def test_get_accepts_names_functions_instances_and_none():
    assert activations.get(None).name == "linear"
    assert activations.get("relu").name == "relu"
    assert activations.get(activations.softmax).name == "softmax"
    relu = activations.get("relu")
    assert activations.get(relu) is relu
    assert activations.serialize(activations.get("tanh")) == "tanh"


def test_get_refuses_unknown_names_and_foreign_functions():
    with pytest.raises(
        ValueError, match=r"Unknown activation 'swishy'.*Received: activation='swishy'"
    ):
        activations.get("swishy")
    with pytest.raises(ValueError, match=r"derivative"):
        activations.get(np.exp)


def test_public_functions_refuse_bad_input():
    with pytest.raises(ValueError, match=r"`x` must be finite"):
        activations.relu(np.array([1.0, np.nan]))
    with pytest.raises(TypeError, match=r"`x` must hold numbers"):
        activations.sigmoid(np.array(["a", "b"]))
    with pytest.raises(ValueError, match=r"`axis`.*Received: axis=2"):
        activations.softmax(np.zeros((2, 3)), axis=2)
    with pytest.raises(ValueError, match=r"`negative_slope`.*Received: negative_slope=-1"):
        activations.leaky_relu(np.zeros(3), negative_slope=-1)
    with pytest.raises(ValueError, match=r"same shape"):
        activations.softmax_backward(np.zeros((2, 3)), np.zeros((3, 2)))


# ---------------------------------------------------------------------- keras spot checks ---


def test_values_agree_with_keras_activations(keras):
    x = np.random.default_rng(5).normal(scale=4.0, size=(4, 6))
    pairs = {
        "sigmoid": keras.activations.sigmoid,
        "tanh": keras.activations.tanh,
        "relu": keras.activations.relu,
        "leaky_relu": keras.activations.leaky_relu,
        "softmax": keras.activations.softmax,
        "linear": keras.activations.linear,
    }
    for name, keras_fn in pairs.items():
        expected = np.asarray(keras_fn(x))
        assert expected.dtype == np.float64, name
        np.testing.assert_allclose(getattr(activations, name)(x), expected, rtol=1e-7, err_msg=name)
