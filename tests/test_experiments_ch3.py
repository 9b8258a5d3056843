"""Tests of dlcourse.experiments.ch3_maths and ch3_figures: chapter 3's claims, on numbers.

The chapter says: the textbook sigmoid and softmax overflow at ±1e3 and the stable forms do
not; [3]'s J is half of Keras' MSE; gradient descent on J reaches the least-squares line, and
only for α < 2/λ_max; backpropagation computes gradients without changing any weight, and
gradient descent works as well on finite-difference gradients; the NumPy optimizers match
Keras; smaller batches make more progress per epoch; L2 shrinks weights and L1 zeroes many;
inverted dropout keeps the expected value; the hand-made filters find edges. Each claim is
asserted here on measured values, with margins.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.model_selection import train_test_split

from dlcourse import data, nn
from dlcourse.experiments import ch3_figures as F
from dlcourse.experiments import ch3_maths as M
from dlcourse.gradcheck import numerical_gradient, rel_error

MNIST_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def line():
    return M.make_line_data(n=40, w=2.0, b=-1.0, noise=0.5, seed=0)


@pytest.fixture(scope="module")
def digits_split():
    x, y = data.load_digits(flat=True)
    return train_test_split(x, y, test_size=0.2, stratify=y, random_state=0)


def _xor_net(seed: int = 0) -> nn.Sequential:
    net = nn.Sequential(
        [nn.layers.Dense(4, activation="tanh"), nn.layers.Dense(1, activation="sigmoid")],
        seed=seed,
        dtype="float64",
    )
    net.build((None, 2))
    return net


def _xor():
    x, y = data.xor_table()
    return x.astype(np.float64), y


# ---- activations ----------------------------------------------------------------------------


def test_naive_forms_equal_the_stable_ones_on_moderate_inputs():
    x = np.random.default_rng(0).normal(0.0, 5.0, size=(6, 4))
    np.testing.assert_allclose(M.naive_sigmoid(x), nn.activations.sigmoid(x), rtol=1e-12)
    np.testing.assert_allclose(M.naive_softmax(x), nn.activations.softmax(x), rtol=1e-12)


def test_naive_sigmoid_overflows_and_the_stable_one_does_not():
    big = np.array([-1000.0, 0.0, 1000.0])
    out, problems = M.catch_warnings(M.naive_sigmoid, big)
    assert problems == ["overflow encountered in exp"]
    stable, none = M.catch_warnings(nn.activations.sigmoid, big)
    assert none == []
    np.testing.assert_array_equal(stable, [0.0, 0.5, 1.0])


def test_naive_softmax_gives_nan_and_the_stable_one_exact_probabilities():
    big = np.array([-1000.0, 0.0, 1000.0])
    out, problems = M.catch_warnings(M.naive_softmax, big)
    assert np.isnan(out[2]) and "overflow encountered in exp" in problems
    assert "invalid value encountered in divide" in problems
    stable, none = M.catch_warnings(nn.activations.softmax, big)
    assert none == []
    np.testing.assert_array_equal(stable, [0.0, 0.0, 1.0])


def test_catch_warnings_emits_nothing_and_restores_numpy_error_state():
    before = np.geterr()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any leaked warning would raise here
        M.catch_warnings(M.naive_softmax, np.array([1e3, 0.0]))
    assert np.geterr() == before


def test_catch_warnings_ignores_underflow_and_rejects_non_callables():
    _, problems = M.catch_warnings(np.exp, np.array([-1000.0]))  # underflows to 0, harmless
    assert problems == []
    with pytest.raises(TypeError, match="fn"):
        M.catch_warnings("exp", 1.0)


# ---- linear regression -------------------------------------------------------------------


def test_make_line_data_is_seeded_and_exact_without_noise():
    x1, y1 = M.make_line_data(n=30, seed=3)
    x2, y2 = M.make_line_data(n=30, seed=3)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    assert x1.shape == y1.shape == (30,)
    assert np.all(np.abs(x1) <= 2.0)
    x, y = M.make_line_data(n=10, w=-3.0, b=0.5, noise=0.0, seed=1)
    np.testing.assert_allclose(y, -3.0 * x + 0.5, rtol=1e-15)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"n": 0}, "n"), ({"noise": -1.0}, "noise"), ({"w": float("nan")}, "w"), ({"b": "x"}, "b")],
)
def test_make_line_data_rejects_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=f"`{name}`"):
        M.make_line_data(**kwargs)


def test_half_mse_is_half_of_keras_mean_squared_error(line):
    x, y = line
    w, b = 0.7, 0.3
    mse = float(np.mean(nn.losses.mean_squared_error(y[:, None], (w * x + b)[:, None])))
    assert M.half_mse(w, b, x, y) == pytest.approx(mse / 2, rel=1e-12)


def test_half_mse_gradient_matches_finite_differences(line):
    x, y = line
    theta = np.array([0.5, -0.2])
    numeric = numerical_gradient(lambda t: M.half_mse(t[0], t[1], x, y), theta)
    assert rel_error(np.array(M.half_mse_gradient(0.5, -0.2, x, y)), numeric) < 1e-7


def test_line_functions_reject_mismatched_or_empty_data():
    with pytest.raises(ValueError, match="same number of samples"):
        M.half_mse(1.0, 0.0, np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match="at least one point"):
        M.half_mse_gradient(1.0, 0.0, np.zeros(0), np.zeros(0))
    with pytest.raises(ValueError, match="two distinct"):
        M.least_squares(np.ones(5), np.arange(5.0))


def test_least_squares_equals_polyfit(line):
    x, y = line
    np.testing.assert_allclose(M.least_squares(x, y), np.polyfit(x, y, 1), rtol=1e-12)


def test_gradient_descent_reaches_the_least_squares_line(line):
    x, y = line
    fit = M.fit_line_gd(x, y, learning_rate=0.5, steps=100)
    np.testing.assert_allclose((fit.w, fit.b), M.least_squares(x, y), rtol=1e-9)
    assert not fit.diverged
    assert fit.losses.shape == (101,) and fit.path.shape == (101, 2)
    np.testing.assert_array_equal(fit.path[0], [0.0, 0.0])
    assert np.all(np.diff(fit.losses) <= 1e-15)  # J never increases below the limit


def test_too_small_learning_rate_is_still_far_after_100_steps(line):
    x, y = line
    w_star, b_star = M.least_squares(x, y)
    minimum = M.half_mse(w_star, b_star, x, y)
    slow = M.fit_line_gd(x, y, learning_rate=0.01, steps=100)
    good = M.fit_line_gd(x, y, learning_rate=0.5, steps=100)
    assert slow.losses[-1] - minimum > 0.1
    assert good.losses[10] - minimum < 1e-5


def test_standardised_inputs_have_stability_limit_two():
    x = np.array([-1.0, 1.0, -1.0, 1.0])  # mean 0, mean square 1: H = identity
    assert M.max_stable_learning_rate(x) == pytest.approx(2.0, rel=1e-12)


@pytest.mark.parametrize(("factor", "diverges"), [(0.97, False), (1.03, True)])
def test_the_limit_two_over_lambda_max_separates_convergence_from_divergence(
    line, factor, diverges
):
    x, y = line
    alpha = factor * M.max_stable_learning_rate(x)
    fit = M.fit_line_gd(x, y, learning_rate=alpha, steps=400)
    assert fit.diverged is diverges
    if not diverges:
        np.testing.assert_allclose((fit.w, fit.b), M.least_squares(x, y), rtol=1e-6)


def test_overflowing_descent_is_flagged_and_padded_with_nan(line):
    x, y = line
    fit = M.fit_line_gd(x, y, learning_rate=100.0, steps=2000)
    assert fit.diverged
    assert np.isnan(fit.w) and np.isnan(fit.b)
    assert np.isnan(fit.losses[-1]) and np.isfinite(fit.losses[0])


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"learning_rate": 0.0}, "learning_rate"), ({"steps": 0}, "steps"), ({"w0": np.inf}, "w0")],
)
def test_fit_line_gd_rejects_bad_arguments(line, kwargs, name):
    with pytest.raises(ValueError, match=f"`{name}`"):
        M.fit_line_gd(*line, **kwargs)


# ---- backpropagation versus gradient descent -------------------------------------------------


def test_model_parameters_are_the_model_arrays_themselves():
    net = _xor_net()
    params = M.model_parameters(net)
    assert len(params) == 4
    assert params[0] is net.layers[0].params["kernel"]
    assert params[3] is net.layers[1].params["bias"]
    with pytest.raises(ValueError, match="model"):
        M.model_parameters("not a model")


def test_backpropagation_computes_gradients_and_changes_no_weight():
    x, y = _xor()
    net, loss = _xor_net(), nn.losses.BinaryCrossentropy()
    before = net.get_weights()
    grads = M.backprop_gradients(net, loss, x, y)
    for a, b in zip(before, net.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert all(np.linalg.norm(g) > 1e-3 for g in grads)
    params = M.model_parameters(net)
    numeric = M.numerical_gradients(lambda: loss(y, net.forward(x)), params)
    for g, n in zip(grads, numeric, strict=True):
        assert rel_error(g, n) < 1e-7
    with pytest.raises(TypeError, match="loss"):
        M.backprop_gradients(net, "binary_crossentropy", x, y)


def test_numerical_gradients_restore_the_weights_exactly():
    x, y = _xor()
    net, loss = _xor_net(), nn.losses.BinaryCrossentropy()
    before = net.get_weights()
    M.numerical_gradients(lambda: loss(y, net.forward(x)), M.model_parameters(net))
    for a, b in zip(before, net.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="params"):
        M.numerical_gradients(lambda: 0.0, np.zeros(3))
    with pytest.raises(ValueError, match="float"):
        M.numerical_gradients(lambda: 0.0, [np.zeros(3, dtype=int)])


def test_gradient_descent_learns_xor_from_finite_differences_as_from_backprop():
    x, y = _xor()
    loss = nn.losses.BinaryCrossentropy()
    fd, bp = _xor_net(), _xor_net()
    p_fd, p_bp = M.model_parameters(fd), M.model_parameters(bp)

    def loss_fd():
        return loss(y, fd.forward(x))

    def loss_bp():
        return loss(y, bp.forward(x))

    curve_fd = M.gradient_descent(
        loss_fd, lambda: M.numerical_gradients(loss_fd, p_fd), p_fd, 1.0, 300
    )
    curve_bp = M.gradient_descent(
        loss_bp, lambda: M.backprop_gradients(bp, loss, x, y), p_bp, 1.0, 300
    )
    assert curve_fd.shape == (301,)
    assert curve_fd[-1] < 0.05 < 0.5 < curve_fd[0]
    np.testing.assert_allclose(curve_fd, curve_bp, rtol=1e-8)
    np.testing.assert_array_equal(np.round(fd.predict(x, verbose=0)[:, 0]), y)


def test_gradient_descent_checks_its_arguments():
    w = np.zeros(2)
    with pytest.raises(ValueError, match="one gradient per parameter"):
        M.gradient_descent(lambda: 0.0, lambda: [w, w], [w], 0.1, 1)
    with pytest.raises(TypeError, match="gradient_fn"):
        M.gradient_descent(lambda: 0.0, None, [w], 0.1, 1)
    with pytest.raises(ValueError, match="learning_rate"):
        M.gradient_descent(lambda: 0.0, lambda: [w], [w], -1.0, 1)


# ---- optimizers, batch size, regularisation, dropout ----------------------------------------


def test_numpy_optimizers_match_keras_for_20_steps(keras):
    errors = M.optimizer_parity(steps=20, seed=0)
    assert list(errors) == list(M.OPTIMIZER_SETTINGS)
    for name, err in errors.items():
        assert 0.0 <= err < 1e-5, f"{name}: {err:.2e}"


def test_smaller_batches_make_more_progress_in_the_same_epochs(digits_split):
    x_train, x_val, y_train, y_val = digits_split
    rows = M.batch_size_experiment(
        x_train, y_train, x_val, y_val, batch_sizes=(8, 64, 1024), epochs=10, seed=0
    )
    assert [r["updates_per_epoch"] for r in rows] == [180, 23, 2]
    assert [r["updates"] for r in rows] == [1800, 230, 20]
    losses = [r["train_loss"] for r in rows]
    assert losses[0] < 0.6 * losses[1] and losses[1] < 0.6 * losses[2]
    assert rows[0]["val_accuracy"] > rows[2]["val_accuracy"] + 0.2
    with pytest.raises(ValueError, match="batch_sizes"):
        M.batch_size_experiment(x_train, y_train, x_val, y_val, batch_sizes=(0,), epochs=1)


def test_l2_shrinks_and_l1_sparsifies_the_weights(digits_split):
    x_train, x_val, y_train, y_val = digits_split
    results = M.regularization_experiment(x_train, y_train, x_val, y_val, epochs=30, seed=0)
    none, l2, l1 = results["none"], results["L2"], results["L1"]
    assert l2.l2_norm < 0.85 * none.l2_norm and l1.l2_norm < 0.85 * none.l2_norm
    assert l1.near_zero > 0.3 and l1.near_zero > 5 * none.near_zero
    assert l2.near_zero < 0.15
    for r in results.values():  # accuracy barely moves
        assert abs(r.val_accuracy - none.val_accuracy) < 0.05
    # Pixels blank in every training image get no gradient from the data.
    blank = np.asarray(x_train).max(axis=0) == 0
    assert blank.sum() >= 1
    init = nn.Sequential([nn.layers.Dense(10, activation="softmax")], seed=0, dtype="float64")
    init.build((None, 64))
    np.testing.assert_array_equal(none.kernel[blank], init.layers[0].params["kernel"][blank])
    assert np.abs(l1.kernel[blank]).max() < 1e-3
    assert np.abs(l2.kernel[blank]).max() < 0.6 * np.abs(none.kernel[blank]).max()


def test_inverted_dropout_keeps_the_expected_value():
    # x and the mask from different seeds: the same seed would draw the same uniforms, and the
    # mask would keep exactly the largest entries of x.
    x = np.random.default_rng(1).uniform(0.5, 1.5, size=(200, 50))
    layer = nn.layers.Dropout(0.3, seed=0)
    stats = M.dropout_statistics(x, layer.forward(x, training=True), 0.3)
    assert abs(stats["dropped"] - 0.3) < 0.02
    assert stats["kept_scaled"] is True
    assert abs(stats["mean_ratio"] - 1.0) < 0.02
    unscaled = x * (layer.mask != 0)  # forgot the 1 / (1 - rate)
    wrong = M.dropout_statistics(x, unscaled, 0.3)
    assert wrong["kept_scaled"] is False and wrong["mean_ratio"] < 0.75


def test_dropout_statistics_rejects_bad_input():
    x = np.ones((3, 3))
    with pytest.raises(ValueError, match="same shape"):
        M.dropout_statistics(x, np.ones((3, 2)), 0.5)
    with pytest.raises(ValueError, match="no zeros"):
        M.dropout_statistics(np.zeros((3, 3)), np.zeros((3, 3)), 0.5)
    with pytest.raises(ValueError, match="rate"):
        M.dropout_statistics(x, x, 1.0)


# ---- convolution ------------------------------------------------------------------------------


def test_load_image_gives_a_digit_in_unit_range():
    image, label = M.load_image("digits", 5)
    x, y = data.load_digits()
    assert image.shape == (8, 8, 1) and image.dtype == np.float64
    assert 0.0 <= image.min() and image.max() <= 1.0 and image.max() > 0.5
    np.testing.assert_array_equal(image, x[5])
    assert label == y[5]
    with pytest.raises(ValueError, match="dataset"):
        M.load_image("cifar")
    with pytest.raises(ValueError, match="index"):
        M.load_image("digits", 5000)


@pytest.mark.skipif(
    not (MNIST_DIR / "t10k-images-idx3-ubyte.gz").exists(), reason="MNIST test files absent"
)
def test_load_image_reads_mnist_from_a_folder(monkeypatch):
    monkeypatch.setenv("DLCOURSE_OFFLINE", "1")
    image, label = M.load_image("mnist", 0, data_dir=os.fspath(MNIST_DIR))
    assert image.shape == (28, 28, 1) and 0.0 <= image.min() and image.max() == 1.0
    assert label == 7  # the first image of MNIST's test set is a 7


def test_edge_kernels_detect_the_edges_they_are_named_after():
    kernel, names = M.edge_kernels()
    assert kernel.shape == (3, 3, 1, 4) and len(names) == 4
    assert kernel[..., 3].sum() == pytest.approx(1.0)  # the blur averages
    vertical = np.zeros((1, 6, 6, 1))
    vertical[:, :, 3:, :] = 1.0  # ink on the right half: one vertical edge
    conv = nn.layers.Conv2D(4, (3, 3))
    conv.ensure_built((None, 6, 6, 1), dtype=np.float64, rng=np.random.default_rng(0))
    conv.set_weights([kernel, np.zeros(4)])
    maps = conv.forward(vertical)[0]
    assert np.abs(maps[..., 0]).max() == pytest.approx(4.0)  # Sobel: 1 + 2 + 1
    np.testing.assert_array_equal(maps[..., 1], 0.0)  # no horizontal edge anywhere
    horizontal = np.transpose(vertical, (0, 2, 1, 3))
    maps = conv.forward(horizontal)[0]
    np.testing.assert_array_equal(maps[..., 0], 0.0)
    assert np.abs(maps[..., 1]).max() == pytest.approx(4.0)


# ---- figures ----------------------------------------------------------------------------------


def test_plot_activations_draws_the_reference_curves():
    fig = F.plot_activations((-3.0, 3.0))
    axes = fig.axes
    assert len(axes) == 3
    x, y = axes[1].lines[0].get_data()  # sigmoid'
    np.testing.assert_allclose(y, nn.activations.sigmoid_derivative(x), rtol=1e-12)
    sum_line = [ln for ln in axes[2].lines if ln.get_label() == "sum"][0]
    np.testing.assert_allclose(sum_line.get_ydata(), 1.0, rtol=1e-12)
    with pytest.raises(ValueError, match="x_range"):
        F.plot_activations((1.0, -1.0))


def test_plot_line_fit_shows_the_excess_loss_and_the_path(line):
    x, y = line
    fit = M.fit_line_gd(x, y, 0.5, 50)
    fig = F.plot_line_fit(x, y, fit)
    assert len(fig.axes) == 3
    w_star, b_star = M.least_squares(x, y)
    excess = fig.axes[1].lines[0].get_ydata()
    np.testing.assert_allclose(
        excess, np.maximum(fit.losses - M.half_mse(w_star, b_star, x, y), 1e-16), rtol=1e-12
    )
    path_line = fig.axes[2].lines[0]
    np.testing.assert_array_equal(path_line.get_xdata(), fit.path[:, 0])
    with pytest.raises(TypeError, match="LinearFit"):
        F.plot_line_fit(x, y, (2.0, 1.0))


def test_plot_learning_rates_draws_one_curve_per_rate(line):
    x, y = line
    fits = [M.fit_line_gd(x, y, lr, 30) for lr in (0.01, 0.5, 1.5)]
    fig = F.plot_learning_rates(x, y, fits)
    labels = [ln.get_label() for ln in fig.axes[0].lines]
    assert len(labels) == 3 and "diverges" in labels[2] and "diverges" not in labels[1]
    with pytest.raises(ValueError, match="fits"):
        F.plot_learning_rates(x, y, [])


def test_plot_optimizer_surfaces_draws_each_surface():
    fig = F.plot_optimizer_surfaces(("quadratic", "beale"), steps=20)
    assert len(fig.axes) == 2
    assert "quadratic" in fig.axes[0].get_title() and "beale" in fig.axes[1].get_title()
    with pytest.raises(ValueError, match="surfaces"):
        F.plot_optimizer_surfaces("quadratic")


def test_plot_regularized_kernels_shows_the_class_weights():
    rng = np.random.default_rng(0)
    results = {
        name: M.RegularizedModel(rng.normal(size=(64, 10)), 1.0, 0.1, 0.9, 0.9)
        for name in ("none", "L1")
    }
    fig = F.plot_regularized_kernels(results, digit=3)
    image = fig.axes[1].images[0].get_array()
    np.testing.assert_array_equal(image, results["L1"].kernel[:, 3].reshape(8, 8))
    with pytest.raises(ValueError, match="digit"):
        F.plot_regularized_kernels(results, digit=10)
    with pytest.raises(ValueError, match="results"):
        F.plot_regularized_kernels({})


def test_plot_feature_maps_shows_input_filters_and_maps():
    kernel, names = M.edge_kernels()
    image = np.random.default_rng(0).uniform(size=(8, 8, 1))
    maps, pooled = np.ones((6, 6, 4)), np.ones((3, 3, 4))
    fig = F.plot_feature_maps(image, kernel, names, maps, pooled)
    assert len(fig.axes) == 15
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), image[..., 0])
    with pytest.raises(ValueError, match="one entry per filter"):
        F.plot_feature_maps(image, kernel, names[:3], maps, pooled)
