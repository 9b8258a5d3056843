"""Tests of dlcourse.gradcheck: numerical gradients of known functions against their analytic
gradients (float64, relative error < 1e-7), the in-place perturbation leaving x exactly as it was,
rel_error's definition, check_layer on correct and deliberately wrong layers, and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from dlcourse.gradcheck import check_layer, numerical_gradient, rel_error

# ---- numerical_gradient -----------------------------------------------------------------------


def test_square_with_random_upstream_gradient():
    rng = np.random.default_rng(0)
    x, dout = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    numeric = numerical_gradient(lambda x: x**2, x, dout)
    assert rel_error(numeric, 2 * x * dout) < 1e-7


def test_sin_on_a_three_dimensional_array():
    rng = np.random.default_rng(1)
    x, dout = rng.uniform(-3, 3, (2, 3, 4)), rng.standard_normal((2, 3, 4))
    numeric = numerical_gradient(np.sin, x, dout)
    assert rel_error(numeric, np.cos(x) * dout) < 1e-7


def test_matrix_product_with_respect_to_both_factors():
    rng = np.random.default_rng(2)
    X, W = rng.standard_normal((5, 3)), rng.standard_normal((3, 4))
    dout = rng.standard_normal((5, 4))
    # dL/dW = X^T dout and dL/dX = dout W^T for L = sum((X @ W) * dout), as in a Dense layer.
    assert rel_error(numerical_gradient(lambda W: X @ W, W, dout), X.T @ dout) < 1e-7
    assert rel_error(numerical_gradient(lambda X: X @ W, X, dout), dout @ W.T) < 1e-7


def test_function_reading_the_array_from_a_closure():
    """f may ignore its argument and read the perturbed array elsewhere (a layer's weights)."""
    rng = np.random.default_rng(3)
    X, W = rng.standard_normal((4, 3)), rng.standard_normal((3, 2))
    dout = rng.standard_normal((4, 2))
    numeric = numerical_gradient(lambda _: np.tanh(X @ W), W, dout)
    assert rel_error(numeric, X.T @ ((1 - np.tanh(X @ W) ** 2) * dout)) < 1e-7


def test_scalar_function_and_default_upstream_gradient():
    x = np.array([[0.5, -1.5], [2.0, 0.25]])
    assert rel_error(numerical_gradient(lambda x: np.sum(x**3), x), 3 * x**2) < 1e-7
    # dout defaults to ones: the gradient of sum(f(x)).
    assert rel_error(numerical_gradient(np.exp, x), np.exp(x)) < 1e-7


def test_zero_dimensional_array():
    x = np.array(0.3)
    numeric = numerical_gradient(lambda x: np.log1p(x), x)
    assert numeric.shape == ()
    assert rel_error(numeric, 1 / 1.3) < 1e-7


def test_x_is_restored_bit_for_bit():
    x = np.array([0.1, -0.0, 1e-300, 3.3e5, np.pi, -7.25])
    before = x.tobytes()
    numerical_gradient(lambda x: np.sin(x) * x, x, h=1e-5)
    assert x.tobytes() == before


def test_strided_view_is_perturbed_and_restored_in_place():
    base = np.arange(12, dtype=np.float64).reshape(3, 4) / 7
    before = base.tobytes()
    view = base[:, ::2]  # not contiguous: writes go to base
    numeric = numerical_gradient(lambda v: v**2, view)
    assert rel_error(numeric, 2 * view) < 1e-7
    assert base.tobytes() == before


def test_x_is_restored_when_f_raises():
    x = np.array([1.0, 2.0, 3.0])
    before = x.tobytes()
    calls = []

    def f(x):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("boom")
        return x * 2

    with pytest.raises(RuntimeError, match="boom"):
        numerical_gradient(f, x)
    assert x.tobytes() == before


@pytest.mark.parametrize(
    "x, error, match",
    [
        (np.ones(3, dtype=np.float32), TypeError, "dtype float64: finite differences in float32"),
        (np.ones(3, dtype=np.int64), TypeError, "must have dtype float64"),
        ([1.0, 2.0], TypeError, "must be a float64 NumPy array"),
        (np.array([1.0, np.nan]), ValueError, "`x` must be finite"),
    ],
)
def test_numerical_gradient_rejects_bad_x(x, error, match):
    with pytest.raises(error, match=match):
        numerical_gradient(lambda x: x, x)


def test_numerical_gradient_rejects_bad_arguments():
    x = np.ones((2, 3))
    with pytest.raises(ValueError, match=r"shape of f\(x\), \(2, 3\).*dout of shape \(3, 2\)"):
        numerical_gradient(lambda x: x, x, np.ones((3, 2)))
    for h in [0, -1e-6, float("nan"), "1e-6", True]:
        with pytest.raises(ValueError, match="`h` must be a positive number"):
            numerical_gradient(lambda x: x, x, h=h)
    with pytest.raises(ValueError, match="`h` is too small for x\\[0\\] = 1e\\+300"):
        numerical_gradient(lambda x: x, np.array([1e300]))
    with pytest.raises(TypeError, match="`f` must be callable"):
        numerical_gradient("sin", x)
    with pytest.raises(ValueError, match=r"`f\(x\)` must be finite"):
        numerical_gradient(lambda x: x + np.inf, x)
    read_only = np.ones(3)
    read_only.flags.writeable = False
    with pytest.raises(ValueError, match="must be writeable"):
        numerical_gradient(lambda x: x, read_only)


# ---- rel_error --------------------------------------------------------------------------------


def test_rel_error_definition():
    assert rel_error(1.0, 1.1) == pytest.approx(0.1 / 2.1, rel=1e-12)
    # The largest elementwise error, not an average or a norm.
    assert rel_error([1.0, 2.0, 5.0], [1.0, 2.2, 5.0]) == pytest.approx(0.2 / 4.2, rel=1e-12)
    # Relative: independent of scale; symmetric.
    a, b = np.array([3.0, -4.0]), np.array([3.1, -4.3])
    assert rel_error(1e6 * a, 1e6 * b) == pytest.approx(rel_error(a, b), rel=1e-12)
    assert rel_error(a, b) == rel_error(b, a)
    # Zeros: both zero is no error; the 1e-8 floor bounds tiny denominators.
    assert rel_error(np.zeros((2, 2)), np.zeros((2, 2))) == 0.0
    assert rel_error(0.0, 1e-9) == pytest.approx(0.1, rel=1e-12)
    assert rel_error(a, a) == 0.0
    assert rel_error(np.zeros((0, 3)), np.zeros((0, 3))) == 0.0
    assert isinstance(rel_error(a, b), float)


def test_rel_error_bad_input():
    with pytest.raises(ValueError, match=r"a of shape \(2, 3\) and b of shape \(3, 2\)"):
        rel_error(np.ones((2, 3)), np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"a of shape \(3,\) and b of shape \(1,\)"):
        rel_error(np.ones(3), np.ones(1))  # no broadcasting
    with pytest.raises(ValueError, match="`b` must be finite"):
        rel_error([1.0], [np.inf])
    with pytest.raises(TypeError, match="`a` must hold numbers"):
        rel_error(["x"], [1.0])


# ---- check_layer ------------------------------------------------------------------------------


class Affine:
    """A fake layer following the dlcourse.nn contract: ``out = x @ W + b`` with an optional L2
    penalty ``l2 · sum(W²)``, built lazily on the first forward."""

    def __init__(self, units, l2=0.0, seed=1):
        self.units, self.l2, self.seed = units, l2, seed
        self.params, self.grads = {}, {}

    def forward(self, x, training=False):
        if not self.params:
            rng = np.random.default_rng(self.seed)
            self.params = {
                "kernel": rng.standard_normal((x.shape[-1], self.units)),
                "bias": rng.standard_normal(self.units),
            }
        self.x = x
        return x @ self.params["kernel"] + self.params["bias"]

    def backward(self, dout):
        W = self.params["kernel"]
        self.grads = {"kernel": self.x.T @ dout + 2 * self.l2 * W, "bias": dout.sum(axis=0)}
        return dout @ W.T

    def regularization_loss(self):
        return self.l2 * float(np.sum(self.params["kernel"] ** 2))


class BiasNotSummed(Affine):
    def backward(self, dout):
        dx = super().backward(dout)
        self.grads["bias"] = dout[0]  # forgot to sum over the batch
        return dx


class KernelTransposed(Affine):
    def backward(self, dout):
        dx = super().backward(dout)
        self.grads["kernel"] = self.grads["kernel"].T  # square kernel: the shape still fits
        return dx


class InputGradientNotTransposed(Affine):
    def backward(self, dout):
        super().backward(dout)
        return dout @ self.params["kernel"]  # square kernel: W instead of W^T


class ForgetsRegularizer(Affine):
    def backward(self, dout):
        dx = super().backward(dout)
        self.grads["kernel"] = self.x.T @ dout
        return dx


class Tanh:
    """A layer without parameters."""

    params, grads = {}, {}

    def forward(self, x, training=False):
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout):
        return dout * (1 - self.out**2)


def batch(shape=(6, 4), seed=5):
    return np.random.default_rng(seed).standard_normal(shape)


def test_check_layer_passes_a_correct_layer():
    errors = check_layer(Affine(units=3), batch())
    assert set(errors) == {"x", "kernel", "bias"}
    assert max(errors.values()) < 1e-7


def test_check_layer_includes_the_regularizer():
    errors = check_layer(Affine(units=3, l2=0.5), batch())
    assert max(errors.values()) < 1e-7
    errors = check_layer(ForgetsRegularizer(units=3, l2=0.5), batch())
    assert errors["kernel"] > 1e-2
    assert errors["x"] < 1e-7 and errors["bias"] < 1e-7


@pytest.mark.parametrize(
    "layer_class, wrong",
    [(BiasNotSummed, "bias"), (KernelTransposed, "kernel"), (InputGradientNotTransposed, "x")],
)
def test_check_layer_flags_a_wrong_gradient(layer_class, wrong):
    errors = check_layer(layer_class(units=4), batch((6, 4)))  # square kernel
    assert errors[wrong] > 1e-2
    assert all(err < 1e-7 for name, err in errors.items() if name != wrong)


def test_check_layer_without_parameters_and_any_input_shape():
    errors = check_layer(Tanh(), batch((2, 3, 4)), seed=3)
    assert list(errors) == ["x"]
    assert errors["x"] < 1e-7


def test_check_layer_leaves_x_and_parameters_exactly_as_they_were():
    layer, x = Affine(units=3, l2=0.1), batch()
    before_x = x.tobytes()
    layer.forward(x)
    before = {k: v.copy() for k, v in layer.params.items()}
    check_layer(layer, x)
    assert x.tobytes() == before_x
    for k, v in layer.params.items():
        assert v.tobytes() == before[k].tobytes()


def test_check_layer_upstream_gradient_depends_on_seed():
    """A different seed draws a different dout, hence different analytic gradients."""
    grads = []
    for seed in (0, 1):
        layer = Affine(units=3)
        check_layer(layer, batch(), seed=seed)
        grads.append(layer.grads["bias"].copy())
    assert not np.allclose(grads[0], grads[1])


class Float32Layer(Affine):
    def forward(self, x, training=False):
        return super().forward(x).astype(np.float32)


class MissingBiasGradient(Affine):
    def backward(self, dout):
        dx = super().backward(dout)
        del self.grads["bias"]
        return dx


class WrongBiasShape(Affine):
    def backward(self, dout):
        dx = super().backward(dout)
        self.grads["bias"] = dout  # not summed: shape (batch, units)
        return dx


def test_check_layer_bad_input():
    with pytest.raises(TypeError, match="it lacks backward, params, grads"):
        check_layer(type("OnlyForward", (), {"forward": lambda self, x: x})(), batch())
    with pytest.raises(TypeError, match="float32 are too inaccurate"):
        check_layer(Affine(units=3), batch().astype(np.float32))
    with pytest.raises(TypeError, match="computes in float64.*float32"):
        check_layer(Float32Layer(units=3), batch())
    with pytest.raises(ValueError, match=r"grads keys \['kernel'\]"):
        check_layer(MissingBiasGradient(units=3), batch())
    with pytest.raises(ValueError, match=r"grads\['bias'\] must have shape \(3,\).*\(6, 3\)"):
        check_layer(WrongBiasShape(units=3), batch())
    for seed in (-1, 1.5, True):
        with pytest.raises(ValueError, match="`seed` must be a non-negative integer"):
            check_layer(Affine(units=3), batch(), seed=seed)
    with pytest.raises(ValueError, match="`h` must be a positive number"):
        check_layer(Affine(units=3), batch(), h=0.0)
