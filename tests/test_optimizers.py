"""Tests for dlcourse.nn.optimizers: formulas, Keras parity, convergence, in-place contract.

The hand-written references below follow the formulas as Keras' documentation and the papers
state them (not Keras' source), one plain loop per optimizer. The parity tests run the real
``keras.optimizers`` (TensorFlow backend) on the same gradient sequence.
"""

from __future__ import annotations

import gc
import math
import weakref

import numpy as np
import pytest

from dlcourse.nn import optimizers

SHAPES = [(3, 4), (4,)]
STEPS = 25
# Weights are O(1); the absolute floor only matters for an entry that passes close to zero.
RTOL64, ATOL64 = 1e-12, 1e-15
RTOL32, ATOL32 = 1e-5, 1e-7


def make_problem(seed: int = 0, dtype=np.float64):
    """Starting weights (a (3, 4) kernel and a (4,) bias) and STEPS gradient pairs, seeded."""
    rng = np.random.default_rng(seed)
    w0 = [rng.normal(size=s).astype(dtype) for s in SHAPES]
    grads = [[(2.0 * rng.normal(size=s)).astype(dtype) for s in SHAPES] for _ in range(STEPS)]
    return w0, grads


def run_ours(opt, w0, grads):
    """Weights after every step, as a list of [kernel, bias] copies."""
    params = [w.copy() for w in w0]
    trajectory = []
    for g in grads:
        opt.apply_gradients(zip(g, params, strict=True))
        trajectory.append([p.copy() for p in params])
    return trajectory


# ---------------------------------------------------------------- hand-written references ---
# Each returns step(w, g, state, t) -> new w, for one weight array, at step t = 1, 2, ...


def ref_sgd(learning_rate=0.01, momentum=0.0, nesterov=False):
    def step(w, g, s, t):
        if momentum == 0:
            return w - learning_rate * g
        velocity = momentum * s.get("velocity", 0.0) - learning_rate * g
        s["velocity"] = velocity
        if nesterov:
            return w + momentum * velocity - learning_rate * g
        return w + velocity

    return step


def ref_adagrad(learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7):
    def step(w, g, s, t):
        s["G"] = s.get("G", initial_accumulator_value) + g**2
        return w - learning_rate * g / np.sqrt(s["G"] + epsilon)

    return step


def ref_rmsprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False):
    def step(w, g, s, t):
        s["ms"] = rho * s.get("ms", 0.0) + (1 - rho) * g**2
        if centered:
            s["mg"] = rho * s.get("mg", 0.0) + (1 - rho) * g
            delta = learning_rate * g / np.sqrt(s["ms"] - s["mg"] ** 2 + epsilon)
        else:
            delta = learning_rate * g / np.sqrt(s["ms"] + epsilon)
        if momentum > 0:
            s["buf"] = momentum * s.get("buf", 0.0) + delta
            return w - s["buf"]
        return w - delta

    return step


def ref_adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False):
    """Kingma & Ba (2014), the form before section 2.1, with epsilon as their epsilon-hat."""

    def step(w, g, s, t):
        s["m"] = beta_1 * s.get("m", 0.0) + (1 - beta_1) * g
        s["v"] = beta_2 * s.get("v", 0.0) + (1 - beta_2) * g**2
        v = s["v"]
        if amsgrad:
            s["v_max"] = np.maximum(s.get("v_max", 0.0), s["v"])
            v = s["v_max"]
        lr_t = learning_rate * math.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        return w - lr_t * s["m"] / (np.sqrt(v) + epsilon)

    return step


def ref_adam_textbook(learning_rate, beta_1, beta_2, epsilon_at):
    """Algorithm 1 of Kingma & Ba: bias-corrected moments, epsilon_at(t) outside the root."""

    def step(w, g, s, t):
        s["m"] = beta_1 * s.get("m", 0.0) + (1 - beta_1) * g
        s["v"] = beta_2 * s.get("v", 0.0) + (1 - beta_2) * g**2
        m_hat = s["m"] / (1 - beta_1**t)
        v_hat = s["v"] / (1 - beta_2**t)
        return w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon_at(t))

    return step


def clip_by_norm(c):
    return lambda gs: [g * c / max(np.sqrt(np.sum(g**2)), c) for g in gs]


def clip_by_value(c):
    return lambda gs: [np.clip(g, -c, c) for g in gs]


def clip_by_global_norm(c):
    def clip(gs):
        norm = math.sqrt(sum(float(np.sum(g**2)) for g in gs))
        return [g * (c / max(norm, c)) for g in gs]

    return clip


def run_reference(step, w0, grads, clip=None, weight_decay=None, learning_rate=None):
    """Keras' order per call: clip the gradients, decay the weights, then the update rule."""
    ws = [w.copy() for w in w0]
    states = [{} for _ in ws]
    trajectory = []
    for t, g in enumerate(grads, start=1):
        if clip is not None:
            g = clip(g)
        if weight_decay is not None:
            ws = [w - w * weight_decay * learning_rate for w in ws]
        ws = [step(w, gi, s, t) for w, gi, s in zip(ws, g, states, strict=True)]
        trajectory.append([w.copy() for w in ws])
    return trajectory


def assert_trajectories_close(actual, expected, rtol, atol):
    assert len(actual) == len(expected)
    for t, (a_step, e_step) in enumerate(zip(actual, expected, strict=True), start=1):
        for a, e in zip(a_step, e_step, strict=True):
            np.testing.assert_allclose(a, e, rtol=rtol, atol=atol, err_msg=f"step {t}")


# Rows: id -> (our optimizer, reference step, reference extras). Rows with no arguments check
# that our defaults are the documented Keras defaults written into the reference.
REFERENCE_CASES = {
    "sgd_defaults": (lambda: optimizers.SGD(), ref_sgd(), {}),
    "sgd": (lambda: optimizers.SGD(0.05), ref_sgd(0.05), {}),
    "sgd_momentum": (lambda: optimizers.SGD(0.05, momentum=0.9), ref_sgd(0.05, 0.9), {}),
    "sgd_nesterov": (
        lambda: optimizers.SGD(0.05, momentum=0.9, nesterov=True),
        ref_sgd(0.05, 0.9, nesterov=True),
        {},
    ),
    "adagrad_defaults": (lambda: optimizers.Adagrad(), ref_adagrad(), {}),
    "adagrad": (
        lambda: optimizers.Adagrad(0.3, initial_accumulator_value=0.5, epsilon=1e-4),
        ref_adagrad(0.3, 0.5, 1e-4),
        {},
    ),
    "rmsprop_defaults": (lambda: optimizers.RMSprop(), ref_rmsprop(), {}),
    "rmsprop_momentum": (
        lambda: optimizers.RMSprop(0.01, rho=0.8, momentum=0.7),
        ref_rmsprop(0.01, 0.8, 0.7),
        {},
    ),
    "rmsprop_centered": (
        lambda: optimizers.RMSprop(0.01, centered=True, epsilon=1e-6),
        ref_rmsprop(0.01, epsilon=1e-6, centered=True),
        {},
    ),
    "rmsprop_centered_momentum": (
        lambda: optimizers.RMSprop(0.01, momentum=0.5, centered=True),
        ref_rmsprop(0.01, momentum=0.5, centered=True),
        {},
    ),
    "adam_defaults": (lambda: optimizers.Adam(), ref_adam(), {}),
    "adam": (
        lambda: optimizers.Adam(0.02, beta_1=0.8, beta_2=0.99, epsilon=1e-5),
        ref_adam(0.02, 0.8, 0.99, 1e-5),
        {},
    ),
    "adam_amsgrad": (
        lambda: optimizers.Adam(0.02, beta_2=0.95, amsgrad=True),
        ref_adam(0.02, beta_2=0.95, amsgrad=True),
        {},
    ),
    "sgd_clipnorm": (
        lambda: optimizers.SGD(0.05, momentum=0.9, clipnorm=2.0),
        ref_sgd(0.05, 0.9),
        {"clip": clip_by_norm(2.0)},
    ),
    "sgd_clipvalue": (
        lambda: optimizers.SGD(0.05, clipvalue=1.0),
        ref_sgd(0.05),
        {"clip": clip_by_value(1.0)},
    ),
    "adam_global_clipnorm": (
        lambda: optimizers.Adam(0.02, global_clipnorm=3.0),
        ref_adam(0.02),
        {"clip": clip_by_global_norm(3.0)},
    ),
    "adam_weight_decay": (
        lambda: optimizers.Adam(0.02, weight_decay=0.1),
        ref_adam(0.02),
        {"weight_decay": 0.1, "learning_rate": 0.02},
    ),
}


@pytest.mark.parametrize("case", list(REFERENCE_CASES))
def test_optimizer_matches_reference_formula(case):
    make_opt, step, extras = REFERENCE_CASES[case]
    w0, grads = make_problem(seed=1)
    expected = run_reference(step, w0, grads, **extras)
    actual = run_ours(make_opt(), w0, grads)
    assert_trajectories_close(actual, expected, RTOL64, ATOL64)


def test_clipping_really_clips():
    # Guard against a reference and an implementation that are both no-ops.
    w0, grads = make_problem(seed=2)
    assert np.sqrt(np.sum(grads[0][0] ** 2)) > 2.0 and np.abs(grads[0][1]).max() > 1.0
    for opt, bound in [
        (optimizers.SGD(1.0, clipnorm=2.0), lambda dw: np.sqrt(np.sum(dw**2)) <= 2.0 + 1e-12),
        (optimizers.SGD(1.0, clipvalue=1.0), lambda dw: np.abs(dw).max() <= 1.0 + 1e-12),
    ]:
        params = [w.copy() for w in w0]
        opt.apply_gradients(zip(grads[0], params, strict=True))
        for w, p in zip(w0, params, strict=True):
            assert bound(w - p)


def test_adam_keras_form_equals_textbook_with_scaled_epsilon():
    # The docstring's claim: Keras' epsilon-hat form is Algorithm 1 with
    # epsilon_t = epsilon_hat / sqrt(1 - beta_2**t). Tiny gradients make epsilon matter.
    w0, grads = make_problem(seed=3)
    grads = [[1e-7 * g for g in pair] for pair in grads]
    eps = 1e-7
    textbook = ref_adam_textbook(0.001, 0.9, 0.999, lambda t: eps / math.sqrt(1 - 0.999**t))
    expected = run_reference(textbook, w0, grads)
    actual = run_ours(optimizers.Adam(), w0, grads)
    assert_trajectories_close(actual, expected, RTOL64, ATOL64)
    # With the same constant epsilon the two forms differ a lot on the first step.
    same_eps = run_reference(ref_adam_textbook(0.001, 0.9, 0.999, lambda t: eps), w0, grads)
    step_keras = actual[0][0] - w0[0]
    step_textbook = same_eps[0][0] - w0[0]
    assert np.all(np.abs(step_textbook) > 5 * np.abs(step_keras))


# ----------------------------------------------------------------------- Keras parity ---


@pytest.fixture(scope="module")
def keras():
    pytest.importorskip("tensorflow")
    return pytest.importorskip("keras")


def run_keras(keras, cls_name, kwargs, w0, grads, dtype):
    opt = getattr(keras.optimizers, cls_name)(**kwargs)
    variables = [keras.Variable(w, dtype=dtype) for w in w0]
    trajectory = []
    for g in grads:
        opt.apply_gradients(
            zip([keras.ops.convert_to_tensor(x) for x in g], variables, strict=True)
        )
        trajectory.append([np.asarray(v.numpy()) for v in variables])
    assert int(opt.iterations.numpy()) == len(grads)
    return trajectory


# Float64 rows. Keras on TensorFlow rounds to float32 every hyper-parameter it passes through
# `ops.cast` (`tf.cast(0.9, tf.float64)` converts the Python float to a float32 tensor first):
# the learning rate (a floatx variable), SGD's momentum, Adam's betas, Adagrad's initial
# accumulator, the weight decay. These rows use values that float32 holds exactly (0.875,
# 1 - 2**-10, powers of two), so the comparison tests the formulas at float64 precision;
# `test_parity_keras_rounds_hyperparameters_to_float32` checks that explanation.
B2 = 1 - 2**-10
PARITY64_CASES = {
    "sgd": ("SGD", {"learning_rate": 0.0625}),
    "sgd_momentum": ("SGD", {"learning_rate": 0.0625, "momentum": 0.875}),
    "sgd_nesterov": ("SGD", {"learning_rate": 0.0625, "momentum": 0.875, "nesterov": True}),
    "adagrad": ("Adagrad", {"learning_rate": 0.125, "initial_accumulator_value": 0.125}),
    "rmsprop": ("RMSprop", {"learning_rate": 2**-6}),
    "rmsprop_momentum": ("RMSprop", {"learning_rate": 2**-6, "momentum": 0.9}),
    "rmsprop_centered": ("RMSprop", {"learning_rate": 2**-6, "centered": True}),
    "rmsprop_centered_momentum": (
        "RMSprop",
        {"learning_rate": 2**-6, "rho": 0.8, "momentum": 0.5, "centered": True},
    ),
    "adam": ("Adam", {"learning_rate": 2**-6, "beta_1": 0.875, "beta_2": B2}),
    "adam_amsgrad": (
        "Adam",
        {"learning_rate": 2**-6, "beta_1": 0.875, "beta_2": B2, "amsgrad": True},
    ),
    "sgd_clipnorm": ("SGD", {"learning_rate": 0.0625, "momentum": 0.875, "clipnorm": 2.0}),
    "sgd_clipvalue": ("SGD", {"learning_rate": 0.0625, "clipvalue": 1.0}),
    "adam_global_clipnorm": (
        "Adam",
        {"learning_rate": 2**-6, "beta_1": 0.875, "beta_2": B2, "global_clipnorm": 3.0},
    ),
    "adam_weight_decay": (
        "Adam",
        {"learning_rate": 2**-6, "beta_1": 0.875, "beta_2": B2, "weight_decay": 0.125},
    ),
}


@pytest.mark.parametrize("case", list(PARITY64_CASES))
def test_parity_optimizer_vs_keras_float64(keras, case):
    cls_name, kwargs = PARITY64_CASES[case]
    w0, grads = make_problem(seed=4)
    expected = run_keras(keras, cls_name, kwargs, w0, grads, "float64")
    actual = run_ours(getattr(optimizers, cls_name)(**kwargs), w0, grads)
    assert actual[-1][0].dtype == np.float64
    assert_trajectories_close(actual, expected, RTOL64, ATOL64)


# Float32 rows with Keras' own defaults: what a Keras user runs.
PARITY32_CASES = {
    "sgd": ("SGD", {}),
    "sgd_momentum": ("SGD", {"momentum": 0.9}),
    "sgd_nesterov": ("SGD", {"momentum": 0.9, "nesterov": True}),
    "adagrad": ("Adagrad", {}),
    "rmsprop": ("RMSprop", {}),
    "rmsprop_momentum": ("RMSprop", {"momentum": 0.9}),
    "rmsprop_centered": ("RMSprop", {"centered": True}),
    "adam": ("Adam", {}),
    "adam_amsgrad": ("Adam", {"amsgrad": True}),
    "adam_weight_decay_clipnorm": ("Adam", {"weight_decay": 0.004, "clipnorm": 1.0}),
}


@pytest.mark.parametrize("case", list(PARITY32_CASES))
def test_parity_optimizer_vs_keras_float32_defaults(keras, case):
    cls_name, kwargs = PARITY32_CASES[case]
    w0, grads = make_problem(seed=5, dtype=np.float32)
    expected = run_keras(keras, cls_name, kwargs, w0, grads, "float32")
    actual = run_ours(getattr(optimizers, cls_name)(**kwargs), w0, grads)
    assert actual[-1][0].dtype == np.float32
    assert_trajectories_close(actual, expected, RTOL32, ATOL32)


def test_parity_keras_rounds_hyperparameters_to_float32(keras):
    # Keras' defaults on float64 weights equal ours given the float32-rounded values, which is
    # why PARITY64_CASES uses hyper-parameters that float32 represents exactly.
    def f32(x):
        return float(np.float32(x))

    w0, grads = make_problem(seed=6)
    for cls_name, kwargs, rounded in [
        ("SGD", {"momentum": 0.9}, {"learning_rate": f32(0.01), "momentum": f32(0.9)}),
        (
            "Adagrad",
            {},
            {"learning_rate": f32(0.001), "initial_accumulator_value": f32(0.1)},
        ),
    ]:
        expected = run_keras(keras, cls_name, kwargs, w0, grads, "float64")
        exact = run_ours(getattr(optimizers, cls_name)(**kwargs), w0, grads)
        rounded_run = run_ours(getattr(optimizers, cls_name)(**rounded), w0, grads)
        assert_trajectories_close(rounded_run, expected, RTOL64, ATOL64)
        # ... and the unrounded run really is different (so the rounding is the whole story).
        assert not np.allclose(exact[-1][0], expected[-1][0], rtol=1e-10, atol=0)


@pytest.mark.parametrize("cls_name", ["SGD", "Adagrad", "RMSprop", "Adam"])
def test_parity_names_and_defaults_vs_keras(keras, cls_name):
    import inspect

    ours = getattr(optimizers, cls_name)().get_config()
    theirs = getattr(keras.optimizers, cls_name)().get_config()
    assert set(ours) <= set(theirs)
    for key, value in ours.items():
        if key == "name":
            continue
        if key == "learning_rate":  # Keras reports its float32 variable
            assert np.float32(value) == np.float32(theirs[key])
        else:
            assert value == theirs[key], key
    # The same leading constructor arguments, in the same order.
    ours_args = list(inspect.signature(getattr(optimizers, cls_name)).parameters)
    theirs_args = list(inspect.signature(getattr(keras.optimizers, cls_name)).parameters)
    own = [a for a in ours_args if a != "kwargs"]
    assert theirs_args[: len(own)] == own


def test_parity_get_reads_a_keras_config(keras):
    k = keras.optimizers.RMSprop(learning_rate=0.25, rho=0.75, momentum=0.5, centered=True)
    opt = optimizers.get({"class_name": "RMSprop", "config": k.get_config()})
    assert isinstance(opt, optimizers.RMSprop)
    assert (opt.learning_rate, opt.rho, opt.momentum, opt.centered) == (0.25, 0.75, 0.5, True)
    bad = keras.optimizers.Adam(use_ema=True).get_config()
    with pytest.raises(ValueError, match="use_ema"):
        optimizers.get({"class_name": "Adam", "config": bad})


# ------------------------------------------------------------------------- convergence ---

ANGLE = 0.5
ROTATION = np.array([[np.cos(ANGLE), -np.sin(ANGLE)], [np.sin(ANGLE), np.cos(ANGLE)]])
A = ROTATION @ np.diag([1.0, 10.0]) @ ROTATION.T  # condition number 10, axes tilted


def minimise_quadratic(opt, steps):
    x = np.array([1.5, -2.0])
    for _ in range(steps):
        opt.apply_gradients([(A @ x, x)])  # gradient of 0.5 x^T A x
    return x


@pytest.mark.parametrize(
    "make_opt",
    [
        lambda: optimizers.SGD(0.05),
        lambda: optimizers.SGD(0.01, momentum=0.9),
        lambda: optimizers.SGD(0.01, momentum=0.9, nesterov=True),
        lambda: optimizers.Adagrad(0.5),
        lambda: optimizers.Adam(0.05),
        lambda: optimizers.Adam(0.05, amsgrad=True),
    ],
    ids=["sgd", "momentum", "nesterov", "adagrad", "adam", "amsgrad"],
)
def test_converges_on_convex_quadratic(make_opt):
    x = minimise_quadratic(make_opt(), 1000)
    assert 0.5 * x @ A @ x < 1e-12  # started at 17.3


@pytest.mark.parametrize("centered", [False, True])
def test_rmsprop_settles_within_learning_rate_of_minimum(centered):
    # With a constant rate RMSprop's steps stay about `learning_rate` long (g / RMS(g) ~ 1), so
    # it reaches a band of that width around the minimum, and a smaller rate narrows the band.
    for lr, steps in [(0.01, 1000), (0.001, 4000)]:
        x = minimise_quadratic(optimizers.RMSprop(lr, centered=centered), steps)
        assert np.abs(x).max() < lr


# -------------------------------------------------------------- in-place and state ---


def test_updates_the_same_array_in_place():
    params = {"kernel": np.ones((2, 3)), "bias": np.zeros(3)}
    kernel, bias = params["kernel"], params["bias"]
    opt = optimizers.Adam(0.1)
    result = opt.apply_gradients(zip([np.ones((2, 3)), np.ones(3)], params.values(), strict=True))
    assert params["kernel"] is kernel and params["bias"] is bias
    assert np.all(kernel < 1.0) and np.all(bias < 0.0)
    assert result == 1 == opt.iterations


def test_updates_a_view_in_place():
    W = np.ones((3, 4))
    column = W[:, 1]  # a non-contiguous view: the update must reach W
    optimizers.SGD(0.5).apply_gradients([(np.ones(3), column)])
    np.testing.assert_array_equal(W[:, 1], 0.5)
    np.testing.assert_array_equal(W[:, 0], 1.0)


@pytest.mark.parametrize("cls_name", ["SGD", "Adagrad", "RMSprop", "Adam"])
def test_state_is_per_array(cls_name):
    kwargs = {"momentum": 0.9} if cls_name in ("SGD", "RMSprop") else {}
    rng = np.random.default_rng(7)
    a0, b0 = rng.normal(size=4), rng.normal(size=4)
    ga = [rng.normal(size=4) for _ in range(10)]
    gb = [rng.normal(size=4) for _ in range(10)]
    together = getattr(optimizers, cls_name)(0.1, **kwargs)
    a, b = a0.copy(), b0.copy()
    for x, y in zip(ga, gb, strict=True):
        together.apply_gradients(zip([x, y], [a, b], strict=True))
    alone_a, alone_b = (getattr(optimizers, cls_name)(0.1, **kwargs) for _ in range(2))
    a1, b1 = a0.copy(), b0.copy()
    for x, y in zip(ga, gb, strict=True):
        alone_a.apply_gradients([(x, a1)])
        alone_b.apply_gradients([(y, b1)])
    np.testing.assert_array_equal(a, a1)
    np.testing.assert_array_equal(b, b1)
    assert not np.allclose(a, b)
    assert together.iterations == 10


def test_iterations_counts_calls_not_arrays():
    opt = optimizers.SGD()
    params = [np.zeros(2), np.zeros(3), np.zeros(4)]
    for _ in range(3):
        opt.apply_gradients(zip([np.ones(2), np.ones(3), np.ones(4)], params, strict=True))
    assert opt.iterations == 3


def test_none_gradient_skips_its_variable():
    a, b = np.ones(2), np.ones(2)
    opt = optimizers.SGD(0.5)
    opt.apply_gradients([(np.ones(2), a), (None, b)])
    np.testing.assert_array_equal(a, 0.5)
    np.testing.assert_array_equal(b, 1.0)
    assert opt.iterations == 1


def test_state_keeps_its_array_alive():
    # The state holds the array, so its id cannot be reused by a new array.
    opt = optimizers.SGD(0.1, momentum=0.9)
    w = np.ones(3)
    ref = weakref.ref(w)
    opt.apply_gradients([(np.ones(3), w)])
    del w
    gc.collect()
    assert ref() is not None
    fresh = np.ones(3)
    np.testing.assert_array_equal(opt.slots(fresh)["momentum"], 0.0)
    np.testing.assert_allclose(opt.slots(ref())["momentum"], -0.1, rtol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept(dtype):
    w = np.ones(3, dtype=dtype)
    opt = optimizers.Adam(0.1, amsgrad=True)
    opt.apply_gradients([(np.full(3, 0.5, dtype=np.float64), w)])
    assert w.dtype == dtype
    assert all(s.dtype == dtype for s in opt.slots(w).values())
    assert set(opt.slots(w)) == {"momentum", "velocity", "velocity_hat"}


def test_gradient_is_cast_to_the_variable_dtype_first():
    # As Keras does (`ops.cast(gradient, variable.dtype)`): a float64 gradient on float32
    # weights gives exactly the float32 maths, not float64 maths rounded at the end.
    rng = np.random.default_rng(9)
    grads = [rng.normal(size=5) for _ in range(5)]
    w64_grads, w32_grads = np.ones(5, dtype=np.float32), np.ones(5, dtype=np.float32)
    opt_a, opt_b = optimizers.RMSprop(0.1, centered=True), optimizers.RMSprop(0.1, centered=True)
    for g in grads:
        opt_a.apply_gradients([(g, w64_grads)])
        opt_b.apply_gradients([(g.astype(np.float32), w32_grads)])
    np.testing.assert_array_equal(w64_grads, w32_grads)


def test_slot_names_follow_keras():
    w = np.ones(2)
    cases = [
        (optimizers.SGD(), set()),
        (optimizers.SGD(momentum=0.5), {"momentum"}),
        (optimizers.Adagrad(), {"accumulator"}),
        (
            optimizers.RMSprop(momentum=0.5, centered=True),
            {"velocity", "momentum", "average_gradient"},
        ),
        (optimizers.Adam(), {"momentum", "velocity"}),
    ]
    for opt, names in cases:
        assert set(opt.slots(w)) == names
    np.testing.assert_array_equal(optimizers.Adagrad().slots(w)["accumulator"], 0.1)


def test_build_then_apply_without_variables():
    w0, grads = make_problem(seed=8)
    built = optimizers.RMSprop(0.01)
    params = [w.copy() for w in w0]
    built.build(params)
    for g in grads:
        built.apply(g)
    reference = run_ours(optimizers.RMSprop(0.01), w0, grads)[-1]
    for p, r in zip(params, reference, strict=True):
        np.testing.assert_array_equal(p, r)
    assert built.iterations == STEPS


def test_apply_with_variables_and_empty_grads():
    w = np.ones(2)
    opt = optimizers.SGD(0.5)
    opt.apply([np.ones(2)], [w])
    np.testing.assert_array_equal(w, 0.5)
    opt.apply([])
    assert opt.iterations == 1


def test_learning_rate_can_be_changed():
    w = np.ones(1)
    opt = optimizers.SGD(0.5)
    opt.learning_rate = 0.25
    opt.apply_gradients([(np.ones(1), w)])
    np.testing.assert_array_equal(w, 0.75)


def test_list_gradient_is_accepted():
    w = np.ones(2)
    optimizers.SGD(0.5).apply_gradients([([1.0, 2.0], w)])
    np.testing.assert_array_equal(w, [0.5, 0.0])


# ------------------------------------------------------------------- get and config ---


@pytest.mark.parametrize(
    "name, cls",
    [
        ("sgd", optimizers.SGD),
        ("SGD", optimizers.SGD),
        ("adagrad", optimizers.Adagrad),
        ("RMSprop", optimizers.RMSprop),
        ("rmsprop", optimizers.RMSprop),
        ("adam", optimizers.Adam),
        ("Adam", optimizers.Adam),
    ],
)
def test_get_by_name(name, cls):
    opt = optimizers.get(name)
    assert type(opt) is cls
    assert opt.get_config() == cls().get_config()


def test_get_passes_instances_and_none_and_reads_dicts():
    opt = optimizers.Adam(0.5)
    assert optimizers.get(opt) is opt
    assert optimizers.get(None) is None
    built = optimizers.get({"class_name": "sgd", "config": {"learning_rate": 0.5, "momentum": 0.9}})
    assert isinstance(built, optimizers.SGD)
    assert (built.learning_rate, built.momentum) == (0.5, 0.9)


@pytest.mark.parametrize(
    "opt",
    [
        optimizers.SGD(0.2, momentum=0.5, nesterov=True, clipnorm=1.0, name="mine"),
        optimizers.Adagrad(0.2, initial_accumulator_value=0.3, epsilon=1e-6, clipvalue=2.0),
        optimizers.RMSprop(0.2, rho=0.8, momentum=0.1, centered=True, global_clipnorm=5.0),
        optimizers.Adam(0.2, beta_1=0.5, beta_2=0.6, epsilon=1e-3, amsgrad=True, weight_decay=0.1),
    ],
    ids=["sgd", "adagrad", "rmsprop", "adam"],
)
def test_config_round_trip(opt):
    config = opt.get_config()
    again = type(opt).from_config(config)
    assert again.get_config() == config
    via_get = optimizers.get({"class_name": type(opt).__name__, "config": config})
    assert via_get.get_config() == config
    assert repr(opt).startswith(type(opt).__name__ + "(learning_rate=0.2")


# ---------------------------------------------------------------------- bad input ---


@pytest.mark.parametrize(
    "make, argument",
    [
        (lambda: optimizers.SGD(learning_rate=0), "learning_rate"),
        (lambda: optimizers.SGD(learning_rate=-0.1), "learning_rate"),
        (lambda: optimizers.Adam(learning_rate=float("nan")), "learning_rate"),
        (lambda: optimizers.Adam(learning_rate="fast"), "learning_rate"),
        (lambda: optimizers.Adam(learning_rate=True), "learning_rate"),
        (lambda: optimizers.SGD(momentum=-0.1), "momentum"),
        (lambda: optimizers.SGD(momentum=1.5), "momentum"),
        (lambda: optimizers.SGD(momentum=0.9, nesterov="yes"), "nesterov"),
        (lambda: optimizers.Adagrad(initial_accumulator_value=-1.0), "initial_accumulator_value"),
        (lambda: optimizers.Adagrad(epsilon=-1e-7), "epsilon"),
        (lambda: optimizers.RMSprop(rho=1.0), "rho"),
        (lambda: optimizers.RMSprop(rho=-0.1), "rho"),
        (lambda: optimizers.RMSprop(momentum=1.0), "momentum"),
        (lambda: optimizers.RMSprop(epsilon=-1.0), "epsilon"),
        (lambda: optimizers.RMSprop(centered=1), "centered"),
        (lambda: optimizers.Adam(beta_1=1.0), "beta_1"),
        (lambda: optimizers.Adam(beta_1=-0.1), "beta_1"),
        (lambda: optimizers.Adam(beta_2=1.5), "beta_2"),
        (lambda: optimizers.Adam(epsilon=-1e-7), "epsilon"),
        (lambda: optimizers.Adam(amsgrad="no"), "amsgrad"),
        (lambda: optimizers.Adam(weight_decay=-0.1), "weight_decay"),
        (lambda: optimizers.SGD(clipnorm=0.0), "clipnorm"),
        (lambda: optimizers.SGD(clipvalue=-1.0), "clipvalue"),
        (lambda: optimizers.SGD(global_clipnorm=float("inf")), "global_clipnorm"),
        (lambda: optimizers.SGD(clipnorm=1.0, clipvalue=1.0), "clipvalue"),
        (lambda: optimizers.SGD(name=3), "name"),
    ],
)
def test_bad_hyperparameter(make, argument):
    with pytest.raises(ValueError, match=f"`{argument}`"):
        make()


def test_bad_learning_rate_assignment():
    opt = optimizers.SGD()
    with pytest.raises(ValueError, match="`learning_rate`.*Received: learning_rate=-1"):
        opt.learning_rate = -1
    assert opt.learning_rate == 0.01


def test_unknown_keyword_is_refused():
    with pytest.raises(TypeError, match="decay"):
        optimizers.Adam(decay=0.1)


def test_shape_mismatch_names_both_shapes_and_index():
    params = [np.zeros((2, 3)), np.zeros(3)]
    with pytest.raises(ValueError, match=r"grads_and_vars\[1\].*\(4,\).*\(3,\)"):
        optimizers.SGD().apply_gradients(zip([np.zeros((2, 3)), np.zeros(4)], params, strict=True))
    with pytest.raises(ValueError, match=r"grads\[0\].*\(3, 2\).*\(2, 3\)"):
        optimizers.SGD().apply([np.zeros((3, 2)), np.zeros(3)], params)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_gradient(bad):
    g = np.zeros(3)
    g[2] = bad
    with pytest.raises(ValueError, match=r"grads_and_vars\[0\].*finite.*index \(2,\)"):
        optimizers.Adam().apply_gradients([(g, np.zeros(3))])


@pytest.mark.parametrize(
    "variable",
    [[0.0, 0.0], np.zeros(2, dtype=np.int64), (0.0, 0.0), np.float64(0.0)],
    ids=["list", "int-array", "tuple", "numpy-scalar"],
)
def test_variable_must_be_float_array(variable):
    with pytest.raises(TypeError, match=r"grads_and_vars\[0\].*floating-point NumPy array"):
        optimizers.SGD().apply_gradients([(np.zeros(np.shape(variable)), variable)])


def test_read_only_variable():
    w = np.zeros(2)
    w.flags.writeable = False
    with pytest.raises(ValueError, match=r"grads_and_vars\[0\].*writeable"):
        optimizers.SGD().apply_gradients([(np.ones(2), w)])


@pytest.mark.parametrize("grad", [np.array(["a", "b"]), np.ones(2, dtype=complex)])
def test_gradient_must_be_real_numbers(grad):
    with pytest.raises(TypeError, match=r"grads_and_vars\[0\].*real numbers"):
        optimizers.SGD().apply_gradients([(grad, np.zeros(2))])


def test_bad_pairs():
    opt = optimizers.SGD()
    w = np.zeros(2)
    pairs = zip([np.ones(2)], [w], strict=True)
    opt.apply_gradients(pairs)
    with pytest.raises(ValueError, match="`grads_and_vars`.*empty"):
        opt.apply_gradients(pairs)  # the zip is already consumed
    with pytest.raises(ValueError, match="`grads_and_vars`.*pairs"):
        opt.apply_gradients([np.ones(2)])
    with pytest.raises(ValueError, match="No gradients"):
        opt.apply_gradients([(None, w)])
    with pytest.raises(ValueError, match=r"grads_and_vars\[1\].*also at index 0"):
        opt.apply_gradients([(np.ones(2), w), (np.ones(2), w)])
    with pytest.raises(ValueError, match="`grads` and `trainable_variables`.*2 gradients"):
        opt.apply([np.ones(2), np.ones(2)], [w])
    with pytest.raises(ValueError, match="`trainable_variables`.*build"):
        optimizers.SGD().apply([np.ones(2)])
    with pytest.raises(TypeError, match=r"variables\[0\]"):
        optimizers.SGD().build([[0.0]])


def test_bad_call_changes_nothing():
    opt = optimizers.Adam(0.1)
    a, b = np.ones(2), np.ones(2)
    opt.apply_gradients(zip([np.ones(2), np.ones(2)], [a, b], strict=True))
    before = (a.copy(), b.copy(), {k: v.copy() for k, v in opt.slots(a).items()})
    with pytest.raises(ValueError, match="finite"):
        opt.apply_gradients(zip([np.ones(2), np.array([1.0, np.nan])], [a, b], strict=True))
    np.testing.assert_array_equal(a, before[0])
    np.testing.assert_array_equal(b, before[1])
    for k, v in opt.slots(a).items():
        np.testing.assert_array_equal(v, before[2][k])
    assert opt.iterations == 1


@pytest.mark.parametrize(
    "identifier, message",
    [
        ("adamw", r"Unknown optimizer 'adamw'.*\['adagrad', 'adam', 'rmsprop', 'sgd'\]"),
        ({"config": {}}, "`identifier`.*class_name"),
        ({"class_name": "nadam", "config": {}}, "Unknown optimizer 'nadam'"),
        ({"class_name": "adam", "config": [1]}, "'config' must be a dict"),
        ({"class_name": "adam", "config": {"use_ema": True}}, "`use_ema`"),
        (3, "`identifier`"),
        (optimizers.Adam, "`identifier`"),
    ],
)
def test_get_bad_identifier(identifier, message):
    with pytest.raises(ValueError, match=message):
        optimizers.get(identifier)
