"""Tests of chapter 6's experiments (dlcourse.experiments.ch6_faq, ch6_data, ch6_gradients).

Each experiment's claim is asserted on measured numbers with a robust margin, on small
settings so that the file runs in seconds; nothing is asserted about speed.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import f1_score, precision_score, recall_score
from sklearn.utils.class_weight import compute_class_weight

from dlcourse import data, nn
from dlcourse.experiments import ch6_data, ch6_faq, ch6_gradients
from dlcourse.gradcheck import check_layer, numerical_gradient


@pytest.fixture(scope="module")
def digits():
    """Standardised digits split 70 / 15 / 15: ((x_train, y_train), (x_val, y_val), ...)."""
    x, y = data.load_digits(flat=True)
    (xt, yt), (xv, yv), (xs, ys) = data.train_val_test_split(x, y, seed=0)
    xt, xv, xs = data.standardize(xt, xv, xs)
    return (xt, yt), (xv, yv), (xs, ys)


@pytest.fixture(scope="module")
def raw_digits():
    x, y = data.load_digits(flat=True)
    return data.train_val_test_split(x, y, seed=0)


# ---- ch6_gradients: LayerNormalization ---------------------------------------------------------


def test_layer_normalization_forward_matches_its_formula():
    x = np.random.default_rng(0).normal(3.0, 2.0, (5, 7))
    layer = ch6_gradients.LayerNormalization(epsilon=1e-3)
    out = layer.forward(x)
    mu, var = x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True)
    np.testing.assert_allclose(out, (x - mu) / np.sqrt(var + 1e-3), rtol=1e-13)
    np.testing.assert_allclose(out.mean(axis=1), 0.0, atol=1e-14)
    np.testing.assert_allclose(out.var(axis=1), (var / (var + 1e-3))[:, 0], rtol=1e-12)


def test_layer_normalization_backward_matches_finite_differences():
    x = np.random.default_rng(1).normal(size=(4, 6))
    errors = check_layer(ch6_gradients.LayerNormalization(epsilon=1e-3), x, seed=2)
    assert set(errors) == {"x"}
    assert errors["x"] < 1e-7


def test_layer_normalization_matches_keras(keras):
    import tensorflow as tf

    rng = np.random.default_rng(3)
    x, dout = rng.normal(size=(4, 6)), rng.normal(size=(4, 6))
    layer = ch6_gradients.LayerNormalization(epsilon=1e-3)
    out = layer.forward(x)
    dx = layer.backward(dout)
    twin = keras.layers.LayerNormalization(epsilon=1e-3, center=False, scale=False, dtype="float64")
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        out_tf = twin(xt)
    dx_tf = tape.gradient(out_tf, xt, output_gradients=tf.constant(dout))
    np.testing.assert_allclose(out, out_tf.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dx, dx_tf.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("epsilon", [0, -1e-3, "small"])
def test_layer_normalization_rejects_bad_epsilon(epsilon):
    with pytest.raises(ValueError, match="epsilon"):
        ch6_gradients.LayerNormalization(epsilon=epsilon)


# ---- ch6_gradients: deep networks and their gradients -----------------------------------------


def test_deep_mlp_structure():
    plain = ch6_gradients.deep_mlp(depth=3, width=5, input_dim=4, num_classes=2)
    assert [type(layer).__name__ for layer in plain.layers] == ["Dense"] * 4
    assert plain.output_shape == (None, 2)
    assert plain.layers[-1].activation.name == "linear"
    normed = ch6_gradients.deep_mlp(depth=2, width=5, input_dim=4, normalize=True)
    names = [type(layer).__name__ for layer in normed.layers]
    assert names == ["Dense", "LayerNormalization", "Activation"] * 2 + ["Dense"]
    assert normed.dtype == np.float64


def test_deep_mlp_rejects_bad_arguments():
    with pytest.raises(ValueError, match="depth"):
        ch6_gradients.deep_mlp(depth=0)
    with pytest.raises(ValueError, match="class_name"):
        ch6_gradients.deep_mlp(kernel_initializer={"class_name": "NoSuchInit"})


def test_kernel_gradient_norms_match_finite_differences():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(6, 3)), rng.integers(0, 2, 6)
    model = ch6_gradients.deep_mlp(depth=2, width=4, activation="tanh", input_dim=3, num_classes=2)
    before = model.get_weights()
    norms = ch6_gradients.kernel_gradient_norms(model, x, y)
    loss = nn.losses.SparseCategoricalCrossentropy(from_logits=True)
    expected = []
    for layer in model.layers:
        kernel = layer.params["kernel"]
        grad = numerical_gradient(lambda _k: np.array(loss(y, model.forward(x))), kernel)
        expected.append(np.linalg.norm(grad))
    np.testing.assert_allclose(norms, expected, rtol=1e-6)
    for w, w0 in zip(model.get_weights(), before, strict=True):
        np.testing.assert_array_equal(w, w0)


def test_gradient_norm_table_shows_vanishing_and_exploding(digits):
    (xt, yt), _, _ = digits
    table = ch6_gradients.gradient_norm_table(xt[:128], yt[:128], depth=8, width=64)
    assert set(table) == set(ch6_gradients.GRADIENT_SETUPS)
    assert all(v.shape == (9,) for v in table.values())
    sigmoid = table["sigmoid, Glorot"]
    assert sigmoid[0] < 1e-3 * sigmoid[-1]  # vanishing towards the input
    assert np.all(np.diff(np.log(sigmoid)) > 0)  # shrinking layer after layer
    he = table["ReLU, He"]
    assert 0.1 < he[0] / he[-1] < 10  # ReLU + He keeps the scale
    assert table["ReLU, N(0, 0.3²)"].min() > 10 * he.max()  # exploding
    assert table["ReLU, N(0, 0.05²)"].max() < 1e-3 * he.min()  # vanishing everywhere
    normed = table["sigmoid, Glorot, LayerNorm"]
    assert normed[0] / normed[-1] > 10 * sigmoid[0] / sigmoid[-1]  # normalisation helps


def test_kernel_gradient_norms_agree_with_tensorflow(keras, digits):
    (xt, yt), _, _ = digits
    for setup in ("sigmoid, Glorot", "ReLU, He"):
        model = ch6_gradients.deep_mlp(depth=4, width=16, **ch6_gradients.GRADIENT_SETUPS[setup])
        ours = ch6_gradients.kernel_gradient_norms(model, xt[:64], yt[:64])
        theirs = ch6_gradients.kernel_gradient_norms_tf(model, xt[:64], yt[:64])
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_kernel_gradient_norms_reject_bad_input():
    model = ch6_gradients.deep_mlp(depth=1, width=3, input_dim=2, num_classes=2)
    with pytest.raises(TypeError, match="model"):
        ch6_gradients.kernel_gradient_norms("model", np.ones((2, 2)), np.zeros(2, int))
    with pytest.raises(ValueError, match="integer labels"):
        ch6_gradients.kernel_gradient_norms(model, np.ones((2, 2)), np.zeros(2))
    with pytest.raises(ValueError, match="same number of samples"):
        ch6_gradients.kernel_gradient_norms(model, np.ones((3, 2)), np.zeros(2, int))


def test_first_update_norms_sgd_and_adam_formulas(digits):
    (xt, yt), _, _ = digits
    model = ch6_gradients.deep_mlp(4, 16, **ch6_gradients.GRADIENT_SETUPS["sigmoid, Glorot"])
    before = model.get_weights()
    grads_norms = ch6_gradients.kernel_gradient_norms(model, xt[:64], yt[:64])
    grads = [layer.grads["kernel"].copy() for layer in model.layers]
    sgd = ch6_gradients.first_update_norms(model, xt[:64], yt[:64], nn.optimizers.SGD(0.05))
    np.testing.assert_allclose(sgd, 0.05 * grads_norms, rtol=1e-10)
    adam = ch6_gradients.first_update_norms(model, xt[:64], yt[:64], nn.optimizers.Adam(0.001))
    threshold = 1e-7 / np.sqrt(1 - 0.999)
    expected = [np.linalg.norm(0.001 * g / (np.abs(g) + threshold)) for g in grads]
    np.testing.assert_allclose(adam, expected, rtol=1e-8)
    for w, w0 in zip(model.get_weights(), before, strict=True):
        np.testing.assert_array_equal(w, w0)  # the weights are restored
    with pytest.raises(TypeError, match="optimizer"):
        ch6_gradients.first_update_norms(model, xt[:8], yt[:8], "adam")


def test_train_deep_reports_divergence_and_clipping_prevents_it(digits):
    (xt, yt), (xv, yv), _ = digits
    small = (xt[:200], yt[:200], xv[:100], yv[:100])
    args = {"data": small, "epochs": 2, "depth": 8, "width": 64}
    exploding = ch6_gradients.train_deep(
        "ReLU, N(0, 0.3²)", lambda: nn.optimizers.SGD(0.05), **args
    )
    assert exploding["diverged"] and np.isnan(exploding["accuracy"])
    clipped = ch6_gradients.train_deep(
        "ReLU, N(0, 0.3²)", lambda: nn.optimizers.SGD(0.05, global_clipnorm=1.0), **args
    )
    assert not clipped["diverged"] and 0.0 <= clipped["accuracy"] <= 1.0
    with pytest.raises(ValueError, match="setup"):
        ch6_gradients.train_deep("tanh, magic", lambda: nn.optimizers.SGD(0.05), **args)
    with pytest.raises(TypeError, match="optimizer"):
        ch6_gradients.train_deep("ReLU, He", nn.optimizers.SGD(0.05), **args)


def test_train_deep_adam_alone_does_not_rescue_sigmoid(digits):
    (xt, yt), (xv, yv), _ = digits
    args = {"data": (xt[:400], yt[:400], xv, yv), "epochs": 5, "depth": 8, "width": 64}
    healthy = ch6_gradients.train_deep("ReLU, He", lambda: nn.optimizers.SGD(0.05), **args)
    assert healthy["accuracy"] > 0.5 and 0.1 < healthy["first/last"] < 10
    sigmoid = ch6_gradients.train_deep("sigmoid, Glorot", nn.optimizers.Adam, **args)
    assert sigmoid["accuracy"] < 0.3 and sigmoid["first/last"] < 1e-3


def test_fit_or_diverge_propagates_other_errors():
    model = ch6_data.small_mlp(3, (4,), 3)
    with pytest.raises(ValueError, match="does not fit the loss"):
        ch6_gradients.fit_or_diverge(model, np.ones((4, 3)), np.ones((4, 5)), epochs=1)


def test_output_gradients_closed_forms():
    z = np.array([-6.0, -1.0, 0.0, 2.5, 6.0])
    y = np.array([1.0, 0.0, 1.0, 0.0, 1.0])
    grads = ch6_gradients.output_gradients(z, y)
    p = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(grads["cross-entropy"], p - y, rtol=1e-12)
    np.testing.assert_allclose(grads["squared error"], 2 * (p - y) * p * (1 - p), rtol=1e-12)
    # the claim: a confidently wrong output gets ~200× less gradient from the squared error
    assert abs(grads["squared error"][0]) < abs(grads["cross-entropy"][0]) / 100
    with pytest.raises(ValueError, match="same number of samples"):
        ch6_gradients.output_gradients(z, y[:3])


def test_output_gradients_agree_with_tensorflow(keras):
    z = np.linspace(-8, 8, 9)
    y = (np.arange(9) % 2).astype(float)
    ours, theirs = ch6_gradients.output_gradients(z, y), ch6_gradients.output_gradients_tf(z, y)
    for name in ours:
        np.testing.assert_allclose(ours[name], theirs[name], rtol=1e-12, atol=1e-15)


def test_plot_gradient_norms_draws_one_line_per_setup():
    import matplotlib.pyplot as plt

    ax = ch6_gradients.plot_gradient_norms({"a": [1.0, 0.1], "b": [1.0, 2.0]})
    assert len(ax.get_lines()) == 2 and ax.get_yscale() == "log"
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="table"):
        ch6_gradients.plot_gradient_norms({})


# ---- ch6_data ---------------------------------------------------------------------------------


def test_small_mlp_binary_and_multiclass():
    binary = ch6_data.small_mlp(5, (3,), 2)
    assert binary.output_shape == (None, 1) and binary.loss.name == "binary_crossentropy"
    multi = ch6_data.small_mlp(5, (), 4)
    assert multi.output_shape == (None, 4) and len(multi.layers) == 1
    with pytest.raises(ValueError, match="num_classes"):
        ch6_data.small_mlp(5, (3,), 1)


def test_learning_curve_improves_with_data(raw_digits):
    (xt, yt), _, (xs, ys) = raw_digits
    curve = ch6_data.learning_curve(xt, yt, xs, ys, sizes=[20, 600], steps=150)
    assert list(curve["size"]) == [20, 600]
    assert curve["mlp"][1] > curve["mlp"][0] + 0.1
    assert curve["naive Bayes"][1] > curve["naive Bayes"][0] + 0.1
    with pytest.raises(ValueError, match="sizes"):
        ch6_data.learning_curve(xt, yt, xs, ys, sizes=[len(xt) + 1])
    with pytest.raises(ValueError, match="sizes"):
        ch6_data.learning_curve(xt, yt, xs, ys, sizes=[0])


def test_knock_out_fraction_and_copy():
    x = np.ones((200, 50))
    holes = ch6_data.knock_out(x, 0.1, seed=5)
    assert np.all(x == 1)  # input untouched
    assert abs(np.isnan(holes).mean() - 0.1) < 0.02  # 10,000 values: sd 0.003
    assert not np.isnan(ch6_data.knock_out(x, 0.0)).any()
    np.testing.assert_array_equal(
        np.isnan(holes), np.isnan(ch6_data.knock_out(x, 0.1, seed=5))
    )  # seeded
    with pytest.raises(ValueError, match="fraction"):
        ch6_data.knock_out(x, 1.0)


def test_fill_missing_mean_median_and_predict():
    rng = np.random.default_rng(6)
    x = rng.normal(size=(40, 3))
    x[0, 1] = 50.0  # an outlier: mean and median of column 1 differ
    x[:, 2] = 2 * x[:, 0] - x[:, 1] + 1  # an exact linear relation
    holes = x.copy()
    holes[[3, 7, 11], 2] = np.nan
    holes[[5, 9], 1] = np.nan
    missing = np.isnan(holes)
    for strategy, centre in (("mean", np.nanmean), ("median", np.nanmedian)):
        filled = ch6_data.fill_missing(holes, strategy)
        np.testing.assert_array_equal(filled[~missing], x[~missing])
        expected = np.broadcast_to(centre(holes, axis=0), x.shape)
        np.testing.assert_allclose(filled[missing], expected[missing], rtol=1e-15)
    predicted = ch6_data.fill_missing(holes, "predict", iterations=20)
    np.testing.assert_array_equal(predicted[~missing], x[~missing])
    np.testing.assert_allclose(predicted[missing], x[missing], rtol=1e-6, atol=1e-6)


def test_fill_missing_rejects_bad_input():
    with pytest.raises(ValueError, match="strategy"):
        ch6_data.fill_missing(np.ones((3, 2)), "mode")
    with pytest.raises(ValueError, match="no observed value"):
        ch6_data.fill_missing(np.array([[np.nan, 1.0], [np.nan, 2.0]]))
    with pytest.raises(ValueError, match="inf"):
        ch6_data.fill_missing(np.array([[np.inf, 1.0], [0.0, 2.0]]))


def test_missing_data_experiment_rows_and_fill_quality():
    x, y = data.load_breast_cancer()
    (xt, yt), _, (xs, ys) = data.train_val_test_split(x, y, seed=0)
    rows = ch6_data.missing_data_experiment(xt, yt, xs, ys, fraction=0.05, epochs=3, seed=1)
    by_way = {row["way"]: row for row in rows}
    assert list(by_way) == ["complete data", "drop rows", "mean", "median", "predict"]
    complete = int((~np.isnan(ch6_data.knock_out(xt, 0.05, seed=1)).any(axis=1)).sum())
    assert by_way["drop rows"]["rows"] == complete < len(xt) // 2
    assert by_way["mean"]["rows"] == len(xt)
    assert np.isnan(by_way["complete data"]["fill RMSE"])
    # breast-cancer features are strongly correlated: prediction fills far better
    assert by_way["predict"]["fill RMSE"] < 0.6 * by_way["mean"]["fill RMSE"]
    assert all(0.0 <= row["test accuracy"] <= 1.0 for row in rows)


def test_make_imbalanced_and_oversample_counts():
    x = np.arange(100)[:, None].astype(float)
    y = np.repeat(np.arange(5), 20)
    xi, yi = ch6_data.make_imbalanced(x, y, positive=3, n_positive=4, seed=0)
    assert yi.sum() == 4 and len(yi) == 84
    assert set(xi[yi == 1, 0]) <= set(range(60, 80))  # positives came from class 3
    xo, yo = ch6_data.oversample(xi, yi, seed=0)
    assert np.bincount(yo).tolist() == [80, 80]
    assert set(xo[:, 0]) == set(xi[:, 0])  # only original rows, all of them
    with pytest.raises(ValueError, match="n_positive"):
        ch6_data.make_imbalanced(x, y, positive=3, n_positive=21)


def test_balanced_class_weights_match_sklearn():
    y = np.repeat([0, 2, 5], [50, 7, 13])
    weights = ch6_data.balanced_class_weights(y)
    expected = compute_class_weight("balanced", classes=np.array([0, 2, 5]), y=y)
    assert list(weights) == [0, 2, 5]
    np.testing.assert_allclose(list(weights.values()), expected, rtol=1e-12)
    with pytest.raises(ValueError, match="at least one"):
        ch6_data.balanced_class_weights(np.array([], dtype=int))


@pytest.mark.parametrize("seed", range(5))
def test_precision_recall_f1_match_sklearn(seed):
    rng = np.random.default_rng(seed)
    y_true = (rng.random(40) < 0.2).astype(int)
    y_pred = (rng.random(40) < 0.3).astype(int)
    ours = ch6_data.precision_recall_f1(y_true, y_pred)
    theirs = (
        precision_score(y_true, y_pred, zero_division=0),
        recall_score(y_true, y_pred, zero_division=0),
        f1_score(y_true, y_pred, zero_division=0),
    )
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_precision_recall_f1_edge_cases_and_bad_input():
    y = np.array([0, 1, 1, 0])
    assert ch6_data.precision_recall_f1(y, np.zeros(4, int)) == (0.0, 0.0, 0.0)
    assert ch6_data.precision_recall_f1(y, y) == (1.0, 1.0, 1.0)
    assert ch6_data.binary_scores(y, np.zeros(4, int))["accuracy"] == 0.5
    with pytest.raises(ValueError, match="0/1"):
        ch6_data.precision_recall_f1(y, np.array([0, 2, 1, 0]))
    with pytest.raises(ValueError, match="same number of samples"):
        ch6_data.precision_recall_f1(y, y[:3])


def test_imbalance_experiment_accuracy_hides_failure(raw_digits):
    x, y = data.load_digits(flat=True)
    xi, yi = ch6_data.make_imbalanced(x, y, positive=9, n_positive=60, seed=0)
    (xt, yt), _, (xs, ys) = data.train_val_test_split(xi, yi, test=0.3, seed=0)
    scores = ch6_data.imbalance_experiment(xt, yt, xs, ys, epochs=10, seed=0)
    assert list(scores) == ["always 0", "plain", "oversampled", "class weights"]
    assert scores["always 0"]["accuracy"] == pytest.approx(1 - ys.mean())
    assert scores["always 0"]["recall"] == 0.0 and scores["always 0"]["accuracy"] > 0.9
    assert scores["class weights"]["recall"] > scores["plain"]["recall"]
    assert scores["oversampled"]["recall"] > scores["plain"]["recall"]


def test_overfitting_experiment_more_data_closes_the_gap(raw_digits):
    (xt, yt), (xv, yv), _ = raw_digits
    results = ch6_data.overfitting_experiment(
        xt, yt, xv, yv, n_small=60, width=128, epochs=50, seed=0
    )
    assert list(results) == list(ch6_data.OVERFITTING_CURES)
    assert results["no cure"]["train accuracy"] == 1.0
    assert results["no cure"]["gap"] > 0.1
    assert results["more data (×8)"]["gap"] < results["no cure"]["gap"] - 0.05
    assert results["early stopping"]["epochs"] < 50
    assert all(len(r["history"]["val_loss"]) == r["epochs"] for r in results.values())
    with pytest.raises(ValueError, match="n_small"):
        ch6_data.overfitting_experiment(xt, yt, xv, yv, n_small=len(xt))


def test_data_plots():
    import matplotlib.pyplot as plt

    ax = ch6_data.plot_learning_curve({"size": [10, 20], "mlp": [0.5, 0.7], "x": [0.4, 0.5]})
    assert len(ax.get_lines()) == 2
    history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.9]}
    fig = ch6_data.plot_overfitting({"a": {"history": history, "gap": 0.1}})
    assert sum(ax.get_visible() for ax in fig.axes) == 1
    plt.close("all")
    with pytest.raises(ValueError, match="curve"):
        ch6_data.plot_learning_curve([0.5])


# ---- ch6_faq ----------------------------------------------------------------------------------


def test_compare_learners(raw_digits):
    (xt, yt), _, (xs, ys) = raw_digits
    results = ch6_faq.compare_learners(xt[:400], yt[:400], xs, ys, epochs=5)
    assert len(results) == 6 and all(0.0 <= v <= 1.0 for v in results.values())
    assert results["SVM (RBF kernel)"] > 0.9
    assert results["network, 1 hidden layer"] > results["naive Bayes"]


@pytest.mark.parametrize(
    ("train", "val", "expected"),
    [(0.6, 0.58, "under-fitting"), (1.0, 0.7, "over-fitting"), (0.99, 0.97, "fine")],
)
def test_diagnose(train, val, expected):
    assert ch6_faq.diagnose(train, val) == expected


def test_diagnose_rejects_bad_accuracies():
    with pytest.raises(ValueError, match="train_accuracy"):
        ch6_faq.diagnose(1.5, 0.5)


def test_performance_sweep_finds_both_failures(raw_digits):
    (xt, yt), (xv, yv), _ = raw_digits
    rows = ch6_faq.performance_sweep(
        xt, yt, xv, yv, widths=(1,), learning_rates=(1e-5,), train_sizes=(20,), epochs=5
    )
    by_change = {row["change"]: row for row in rows}
    assert by_change["width 1"]["diagnosis"] == "under-fitting"
    assert by_change["learning rate 1e-05"]["diagnosis"] == "under-fitting"
    assert by_change["20 training rows"]["train accuracy"] == 1.0
    assert by_change["20 training rows"]["diagnosis"] == "over-fitting"


def test_mlp_training_flops_exact():
    # forward and dW for both layers, dx for the second only
    expected = 2 * 2 * 100 * 64 * 128 + 3 * 2 * 100 * 128 * 10
    assert ch6_faq.mlp_training_flops([64, 128, 10], 100) == expected
    assert ch6_faq.mlp_training_flops([64, 512, 10], 100) == pytest.approx(
        4 * ch6_faq.mlp_training_flops([64, 128, 10], 100)
    )
    with pytest.raises(ValueError, match="layer_sizes"):
        ch6_faq.mlp_training_flops([64], 10)
    with pytest.raises(ValueError, match="n_samples"):
        ch6_faq.mlp_training_flops([64, 10], 0)


def test_epoch_seconds_returns_a_time_and_checks_arguments():
    x = np.random.default_rng(0).random((64, 4)).astype("float32")
    y = np.arange(64) % 3

    def make():
        return ch6_data.small_mlp(4, (8,), 3)

    assert ch6_faq.epoch_seconds(make, x, y, batch_size=16, repeats=1, threads=1) > 0
    with pytest.raises(TypeError, match="make_model"):
        ch6_faq.epoch_seconds(None, x, y, 16)
    with pytest.raises(ValueError, match="threads"):
        ch6_faq.epoch_seconds(make, x, y, 16, threads=0)


def test_activation_bytes_formula_equals_the_arrays_held():
    rng = np.random.default_rng(7)
    model = nn.Sequential(seed=0)
    model.add(nn.layers.Dense(32, activation="relu", input_shape=(20,)))
    model.add(nn.layers.Dropout(0.3))
    model.add(nn.layers.Dense(16))
    model.add(nn.layers.Activation("tanh"))
    model.add(nn.layers.Dense(3, activation="softmax"))
    for batch in (1, 17, 64):
        x = rng.random((batch, 20)).astype("float32")
        expected = 4 * batch * (20 + 32 + 2 * 32 + 16 + 16 + 3)
        assert ch6_faq.activation_bytes(model, batch) == expected
        assert ch6_faq.cached_activation_bytes(model, x) == expected
    assert ch6_faq.activation_bytes(model, 200) == 2 * ch6_faq.activation_bytes(model, 100)


def test_activation_bytes_conv_model_is_measured_not_predicted():
    model = nn.Sequential([nn.layers.Conv2D(2, 3, input_shape=(6, 6, 1))], seed=0)
    with pytest.raises(ValueError, match="Conv2D"):
        ch6_faq.activation_bytes(model, 4)
    held = ch6_faq.cached_activation_bytes(model, np.ones((4, 6, 6, 1), "float32"))
    # Conv2D keeps its im2col matrix (4·4·4 windows × 9 values), not its input, and its output
    assert held == 4 * (64 * 9 + 4 * 16 * 2)
    with pytest.raises(TypeError, match="model"):
        ch6_faq.cached_activation_bytes("model", np.ones((2, 2)))


def test_peak_step_memory_grows_with_the_batch():
    rng = np.random.default_rng(8)
    x = rng.random((1024, 64)).astype("float32")
    y = rng.integers(0, 10, 1024)
    model = ch6_data.small_mlp(64, (128, 128), 10)
    small = ch6_faq.peak_step_bytes(model, x[:64], y[:64])
    large = ch6_faq.peak_step_bytes(model, x, y)
    # The input batch already exists (the first layer keeps a view of it): the step allocates
    # the hidden activations, and gradients and temporaries besides.
    activation_growth = ch6_faq.activation_bytes(model, 1024) - ch6_faq.activation_bytes(model, 64)
    hidden_growth = activation_growth - 4 * 64 * (1024 - 64)
    assert large - small > hidden_growth  # the claim of [0] is backwards
    assert large > 3 * small


def test_optimizer_comparison(digits):
    (xt, yt), (xv, yv), _ = digits
    runs = ch6_faq.optimizer_comparison(xt[:300], yt[:300], xv, yv, epochs=3)
    assert list(runs) == [*ch6_faq.OPTIMIZERS, "Adam (0.001), squared error"]
    assert all(len(h["val_accuracy"]) == 3 for h in runs.values())
    assert runs["SGD + momentum (0.01, 0.9)"]["loss"][-1] < runs["SGD (0.01)"]["loss"][-1]


def test_regression_outputs_sigmoid_cannot_reach_the_targets():
    import matplotlib.pyplot as plt

    fits = ch6_faq.regression_outputs(n=200, epochs=40, seed=0)
    assert fits["data"]["y"].min() < -1.5 and fits["data"]["y"].max() > 1.5
    for name in ("ReLU → sigmoid", "sigmoid → sigmoid"):
        assert 0.0 <= fits[name]["min"] and fits[name]["max"] <= 1.0
        assert fits[name]["mse"] > 5 * fits["ReLU → linear"]["mse"]
    ax = ch6_faq.plot_regression_outputs(fits)
    assert len(ax.get_lines()) == 4
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="at least 8"):
        ch6_faq.regression_outputs(n=4)


def test_hidden_activation_comparison(digits):
    (xt, yt), (xv, yv), _ = digits
    results = ch6_faq.hidden_activation_comparison(xt[:600], yt[:600], xv, yv, epochs=4)
    assert results["hidden relu, output softmax"] > results["hidden sigmoid, output softmax"] + 0.3
    assert results["hidden relu, output softmax"] > results["hidden relu, output relu"] + 0.3


def test_conv_dense_parameters():
    counts = ch6_faq.conv_dense_parameters((8, 8, 1), filters=32, kernel_size=3)
    assert counts == {"outputs": 6 * 6 * 32, "conv2d": 3 * 3 * 32 + 32, "dense": 64 * 1152 + 1152}
    with pytest.raises(ValueError, match="input_shape"):
        ch6_faq.conv_dense_parameters((8, 0, 1))


def test_shift_equivariance():
    diffs = ch6_faq.shift_equivariance(seed=3)
    assert diffs["conv2d"] < 1e-12
    assert diffs["dense"] > 0.1
