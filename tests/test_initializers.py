"""Tests of dlcourse.nn.initializers: shapes and dtypes, seeded reproducibility and no use of
NumPy's global random state, fans of Dense and Conv2D kernels, and statistics (bounds, mean and
variance) of every variance-scaling initializer within sampling tolerances derived from the
sample size."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dlcourse.nn import initializers
from dlcourse.nn.layers import Conv2D, Dense

TRUNCATED_STD = 0.87962566103423978  # std of a standard normal truncated to [-2, 2]

ALL = [
    "zeros",
    "ones",
    "constant",
    "random_normal",
    "random_uniform",
    "variance_scaling",
    "glorot_uniform",
    "glorot_normal",
    "he_normal",
    "he_uniform",
    "lecun_normal",
    "lecun_uniform",
]
SEEDED = {
    "random_normal": initializers.RandomNormal,
    "random_uniform": initializers.RandomUniform,
    "variance_scaling": initializers.VarianceScaling,
    "glorot_uniform": initializers.GlorotUniform,
    "glorot_normal": initializers.GlorotNormal,
    "he_normal": initializers.HeNormal,
    "he_uniform": initializers.HeUniform,
    "lecun_normal": initializers.LecunNormal,
    "lecun_uniform": initializers.LecunUniform,
}


@pytest.mark.parametrize("shape", [(3,), (4, 5), (3, 3, 2, 8)])
@pytest.mark.parametrize("dtype", ["float32", "float64", np.float16])
@pytest.mark.parametrize("name", ALL)
def test_shape_and_dtype(name, dtype, shape):
    out = initializers.get(name)(shape, dtype=dtype, rng=np.random.default_rng(0))
    assert out.shape == shape
    assert out.dtype == np.dtype(dtype)
    assert np.isfinite(out).all()


def test_default_dtype_is_float32():
    assert initializers.GlorotUniform(seed=0)((2, 3)).dtype == np.float32


@pytest.mark.parametrize("name", sorted(SEEDED))
def test_a_seeded_initializer_returns_the_same_values_every_call(name):
    init = SEEDED[name](seed=42)
    a, b = init((6, 7)), init((6, 7))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, SEEDED[name](seed=42)((6, 7)))
    assert not np.array_equal(a, SEEDED[name](seed=43)((6, 7)))
    # the seed wins over a generator passed in
    np.testing.assert_array_equal(a, init((6, 7), rng=np.random.default_rng(999)))


@pytest.mark.parametrize("name", sorted(SEEDED))
def test_an_unseeded_initializer_draws_from_the_given_generator(name):
    init = SEEDED[name]()
    a = init((5, 4), rng=np.random.default_rng(7))
    b = init((5, 4), rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)
    rng = np.random.default_rng(7)
    first, second = init((5, 4), rng=rng), init((5, 4), rng=rng)
    assert not np.array_equal(first, second)  # the generator advances


@pytest.mark.parametrize("name", ALL)
def test_numpy_global_random_state_is_never_used(name):
    # reading the legacy global state is the point of this test (it must not move)
    before = np.random.get_state()  # noqa: NPY002
    initializers.get(name)((10, 10))
    initializers.get(name)((10, 10), rng=np.random.default_rng(0))
    after = np.random.get_state()  # noqa: NPY002
    np.testing.assert_array_equal(before[1], after[1])
    assert before[2] == after[2]


# ---------------------------------------------------------------------------------- fans ---


def test_compute_fans_of_dense_and_conv_kernels():
    assert initializers.compute_fans((784, 32)) == (784, 32)
    # Conv2D kernel (kh, kw, c_in, c_out): the receptive field multiplies both fans
    assert initializers.compute_fans((3, 3, 1, 32)) == (9, 288)
    assert initializers.compute_fans((5, 3, 4, 6)) == (60, 90)
    assert initializers.compute_fans((7,)) == (7, 7)


def test_a_conv_kernel_gets_the_glorot_limit_of_its_fans():
    shape = (3, 3, 2, 4)  # fan_in 18, fan_out 36
    limit = math.sqrt(6 / (18 + 36))
    w = initializers.GlorotUniform(seed=0)(shape, dtype="float64")
    assert np.abs(w).max() <= limit
    # many kernels of the same shape: U(-limit, limit), so the extremes approach the limit
    rng = np.random.default_rng(1)
    many = np.stack([initializers.GlorotUniform()(shape, "float64", rng) for _ in range(300)])
    assert np.abs(many).max() <= limit
    assert np.abs(many).max() > 0.999 * limit  # P(fail) = 0.999^21600 ≈ 4e-10
    _check_moments(many, limit / math.sqrt(3), "glorot_uniform conv")
    conv = Conv2D(4, 3, kernel_initializer=initializers.GlorotUniform(seed=1))
    conv.forward(np.zeros((1, 5, 5, 2)))
    assert conv.params["kernel"].shape == shape
    assert np.abs(conv.params["kernel"]).max() <= limit


# ---------------------------------------------------------------------------- statistics ---

N_DRAWS = 200_000


def _check_moments(w, std, name):
    """Mean 0 and standard deviation ``std`` within 5 standard errors of the estimates.

    For n independent draws the sample mean has standard error σ/√n, and the sample variance
    s² has standard error √((μ₄ − σ⁴)/n); μ₄ is estimated from the sample itself, so the
    tolerance follows from the sample size and the distribution, not from the code under test.
    Five standard errors make a false failure a ~1e-6 event.
    """
    w = w.astype(np.float64).ravel()
    n = w.size
    assert abs(w.mean()) < 5 * std / math.sqrt(n), name
    var = w.var()
    mu4 = np.mean((w - w.mean()) ** 4)
    se_var = math.sqrt((mu4 - var**2) / n)
    assert abs(var - std**2) < 5 * se_var, (name, var, std**2, se_var)


# name: (scale, which fan, distribution)
VARIANCE_SCALING = {
    "glorot_uniform": (1.0, "avg", "uniform"),
    "glorot_normal": (1.0, "avg", "truncated"),
    "he_normal": (2.0, "in", "truncated"),
    "he_uniform": (2.0, "in", "uniform"),
    "lecun_normal": (1.0, "in", "truncated"),
    "lecun_uniform": (1.0, "in", "uniform"),
}


@pytest.mark.parametrize("name", sorted(VARIANCE_SCALING))
def test_variance_scaling_statistics(name):
    scale, mode, distribution = VARIANCE_SCALING[name]
    shape = (400, 500)  # fan_in 400, fan_out 500
    fan = {"in": 400, "avg": 450}[mode]
    std = math.sqrt(scale / fan)
    w = initializers.get(name)(shape, dtype="float64", rng=np.random.default_rng(2024))
    _check_moments(w, std, name)
    if distribution == "uniform":
        limit = math.sqrt(3) * std  # e.g. glorot: sqrt(6 / (fan_in + fan_out))
        assert np.abs(w).max() <= limit
        assert np.abs(w).max() > 0.999 * limit
    else:
        # a normal of std / 0.8796 cut at two of its standard deviations
        cut = 2 * std / TRUNCATED_STD
        assert np.abs(w).max() <= cut
        assert np.abs(w).max() > 0.99 * cut


def test_glorot_uniform_limit_is_the_papers():
    for fan_in, fan_out in [(2, 10), (10, 1), (784, 32), (64, 64)]:
        w = initializers.GlorotUniform(seed=0)((fan_in, fan_out), dtype="float64")
        assert np.abs(w).max() <= math.sqrt(6 / (fan_in + fan_out))


def test_he_normal_on_a_conv_kernel_uses_the_receptive_field():
    shape = (3, 3, 16, 64)  # fan_in = 3·3·16 = 144
    w = initializers.HeNormal(seed=3)(shape, dtype="float64")
    _check_moments(w, math.sqrt(2 / 144), "he_normal conv")


def test_variance_scaling_modes_and_untruncated_normal():
    shape = (300, 600)
    rng = np.random.default_rng(5)
    for mode, fan in [("fan_in", 300), ("fan_out", 600), ("fan_avg", 450)]:
        for dist in ("truncated_normal", "untruncated_normal", "uniform"):
            init = initializers.VarianceScaling(scale=3.0, mode=mode, distribution=dist)
            _check_moments(
                init(shape, dtype="float64", rng=rng), math.sqrt(3.0 / fan), (mode, dist)
            )


def test_random_normal_and_uniform_defaults_are_keras():
    rng = np.random.default_rng(6)
    w = initializers.RandomNormal()((N_DRAWS,), dtype="float64", rng=rng)
    _check_moments(w, 0.05, "random_normal")
    u = initializers.RandomUniform()((N_DRAWS,), dtype="float64", rng=rng)
    assert u.min() >= -0.05 and u.max() < 0.05
    _check_moments(u, 0.05 / math.sqrt(3), "random_uniform")
    shifted = initializers.RandomNormal(mean=2.0, stddev=0.5)((N_DRAWS,), "float64", rng)
    _check_moments(shifted - 2.0, 0.5, "random_normal mean 2")


def test_constant_initializers():
    np.testing.assert_array_equal(initializers.Zeros()((2, 3)), np.zeros((2, 3)))
    np.testing.assert_array_equal(initializers.Ones()((2, 3)), np.ones((2, 3)))
    np.testing.assert_array_equal(initializers.Constant(0.25)((4,)), np.full(4, 0.25))


def test_layers_use_their_initializers_and_the_models_seed():
    dense = Dense(3, kernel_initializer="ones", bias_initializer=initializers.Constant(0.5))
    out = dense.forward(np.array([[1.0, 2.0]]))
    np.testing.assert_array_equal(out, [[3.5, 3.5, 3.5]])
    a = Dense(4, kernel_initializer=initializers.HeNormal(seed=9))
    b = Dense(4, kernel_initializer=initializers.HeNormal(seed=9))
    a.forward(np.ones((1, 5)))
    b.forward(np.ones((1, 5)))
    np.testing.assert_array_equal(a.params["kernel"], b.params["kernel"])
    np.testing.assert_array_equal(a.params["bias"], np.zeros(4))


# ------------------------------------------------------------------------------ bad input ---


def test_get_and_constructors_refuse_bad_arguments():
    with pytest.raises(ValueError, match=r"Unknown initializer 'xavier'.*initializer='xavier'"):
        initializers.get("xavier")
    with pytest.raises(ValueError, match=r"Received: initializer=3"):
        initializers.get(3)
    with pytest.raises(ValueError, match=r"`scale`.*scale=0"):
        initializers.VarianceScaling(scale=0)
    with pytest.raises(ValueError, match=r"`mode`.*mode='fan_sum'"):
        initializers.VarianceScaling(mode="fan_sum")
    with pytest.raises(ValueError, match=r"`distribution`.*distribution='cauchy'"):
        initializers.VarianceScaling(distribution="cauchy")
    with pytest.raises(ValueError, match=r"`seed`.*seed=-1"):
        initializers.GlorotUniform(seed=-1)
    with pytest.raises(ValueError, match=r"`stddev`.*stddev=-0.1"):
        initializers.RandomNormal(stddev=-0.1)
    with pytest.raises(ValueError, match=r"`minval`.*minval=1.*maxval=0"):
        initializers.RandomUniform(minval=1, maxval=0)


def test_call_refuses_bad_shapes_and_dtypes():
    init = initializers.GlorotUniform(seed=0)
    with pytest.raises(ValueError, match=r"`shape`.*\(3, -2\)"):
        init((3, -2))
    with pytest.raises(ValueError, match=r"`shape`.*\(3, 2.5\)"):
        init((3, 2.5))
    with pytest.raises(ValueError, match=r"`dtype`.*int32"):
        init((3, 2), dtype="int32")
