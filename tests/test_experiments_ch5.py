"""Tests of dlcourse.experiments.ch5_trends: chapter 5's experiments and their claims.

The claims the chapter makes are asserted on measured numbers with margins well inside what
the runs show (deterministic: every run is seeded); the formulas are checked against finite
differences, hand computations and their TensorFlow twins.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from dlcourse import compression as C  # noqa: E402
from dlcourse import nn  # noqa: E402
from dlcourse.experiments import ch5_trends as E  # noqa: E402
from dlcourse.gradcheck import numerical_gradient, rel_error  # noqa: E402


@pytest.fixture(scope="module", autouse=True)
def one_blas_thread():
    """Small matrices: one BLAS thread avoids oversubscription on a shared CPU."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield


@pytest.fixture(scope="module")
def data():
    return E.load_dataset("digits", seed=0)


@pytest.fixture(scope="module")
def model64(data):
    """64 → 64 → 10, trained 20 epochs (test accuracy about 0.94)."""
    model = E.mlp((64,), data.input_dim, seed=0)
    model.fit(data.flat("train"), data.y_train, epochs=20, verbose=0)
    return model


@pytest.fixture(scope="module")
def teacher(data):
    model = E.mlp((128, 128), data.input_dim, seed=0)
    model.fit(data.flat("train"), data.y_train, epochs=20, verbose=0)
    return model


@pytest.fixture(scope="module")
def tf():
    pytest.importorskip("tensorflow")
    from dlcourse.tfnn import tf as tf_module

    return tf_module


def _small_float64_model(seed=0, hidden=(7,), inputs=5):
    model = E.mlp(hidden, inputs, classes=4, seed=seed, dtype="float64")
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(0, 0.8, size=w.shape) for w in model.get_weights()])
    return model


# ------------------------------------------------------------------------------------ data


def test_load_dataset_digits_splits_and_ranges(data):
    sizes = [len(data.x_train), len(data.x_val), len(data.x_test)]
    assert sum(sizes) == 1797
    assert sizes == [1797 - round(0.15 * 1797) - round(0.3 * 1797), 270, 539]
    assert data.image_shape == (8, 8, 1) and data.input_dim == 64
    assert data.x_train.dtype == np.float32
    assert 0.0 <= data.x_train.min() and data.x_train.max() <= 1.0
    assert data.flat("test").shape == (539, 64)
    for y in (data.y_train, data.y_val, data.y_test):
        assert set(np.unique(y)) == set(range(10))  # stratified: every class in every split


def test_small_subset_counts_and_reproducibility(data):
    x, y = E.small_subset(data.x_train, data.y_train, per_class=7, seed=3)
    assert x.shape == (70, 8, 8, 1)
    np.testing.assert_array_equal(np.bincount(y), np.full(10, 7))
    x2, _ = E.small_subset(data.x_train, data.y_train, per_class=7, seed=3)
    np.testing.assert_array_equal(x, x2)
    # every chosen image is a training image with that label
    flat = data.flat("train")
    for image, label in zip(x.reshape(70, -1), y, strict=True):
        matches = np.flatnonzero(np.all(flat == image, axis=1))
        assert label in data.y_train[matches]


def test_mlp_architecture_parameters_and_macs():
    model = E.mlp((16,), 64, seed=0)
    assert model.count_params() == 64 * 16 + 16 + 16 * 10 + 10 == 1210
    assert E.count_macs(model) == 64 * 16 + 16 * 10
    linear = E.mlp((), 64, seed=0)
    assert linear.count_params() == 650 and len(linear.layers) == 1
    big = E.mlp((256, 256), 64, seed=0)
    assert E.count_macs(big) == 64 * 256 + 256 * 256 + 256 * 10
    assert E.mlp((3,), 5, dtype="float64").get_weights()[0].dtype == np.float64


# ---------------------------------------------------------------------------- augmentation


def test_augmentation_buys_the_invariance_it_teaches(data):
    settings = {"none": {}, "rotation": {"rotation": 15}, "crop": {"padding": 1}}
    rows = {
        r["augmentation"]: r
        for r in E.augmentation_experiment(data, settings, seeds=(0, 1), epochs=40)
    }
    assert set(rows["none"]) == {"augmentation", "clean", "clean_std", "rotated", "shifted"}
    # measured: rotated 0.79 -> 0.84 with rotations; shifted 0.36 -> 0.65 with crops
    assert rows["rotation"]["rotated"] > rows["none"]["rotated"] + 0.02
    assert rows["crop"]["shifted"] > rows["none"]["shifted"] + 0.15
    # and shifting costs accuracy on the centred test digits (0.87 -> 0.77)
    assert rows["crop"]["clean"] < rows["none"]["clean"] - 0.03


def test_mirrored_digits_lose_their_label(data, model64):
    rows = {r["digit"]: r for r in E.mirror_accuracy(model64, data.x_test, data.y_test)}
    assert sorted(rows) == list(range(10))
    assert np.mean([r["original"] for r in rows.values()]) > 0.9
    for digit in (3, 5, 6):
        assert rows[digit]["mirrored"] < 0.1  # measured 0.00
    for digit in (0, 8):
        assert rows[digit]["mirrored"] > 0.7  # nearly symmetric; measured 0.96 and 0.83


# ----------------------------------------------------------------------------- compression


def test_pruning_curve_counts_and_fine_tuning_recovers(data, model64):
    kernels = 64 * 64 + 64 * 10
    rows = E.pruning_curve(model64, data, sparsities=(0.0, 0.5, 0.9), finetune_epochs=3)
    assert [r["nonzero"] for r in rows] == [kernels, kernels // 2, round(0.1 * kernels)]
    assert rows[0]["pruned"] == pytest.approx(E._accuracy(model64, data.x_test, data.y_test))
    # measured at 90 %: 0.74 pruned, 0.92 after fine-tuning
    assert rows[2]["finetuned"] > rows[2]["pruned"] + 0.05
    assert rows[2]["sparse_bytes"] < rows[0]["sparse_bytes"] / 5
    # the original model was not touched
    assert C.sparsity_of(model64) == 0.0


def test_compression_table_sizes_and_int8_accuracy(data, model64):
    rows = {
        r["variant"]: r for r in E.compression_table(model64, data, sparsity=0.9, finetune_epochs=3)
    }
    dense = rows["float32, dense"]
    assert dense["bytes"] == 4 * model64.count_params() and dense["ratio"] == 1.0
    kernels, biases = 64 * 64 + 64 * 10, 64 + 10
    assert rows["int8, dense"]["bytes"] == kernels + 4 * 2 + 4 * biases
    assert rows["int8, dense"]["ratio"] == pytest.approx(
        dense["bytes"] / (kernels + 8 + 4 * biases)
    )
    assert abs(rows["int8, dense"]["accuracy"] - dense["accuracy"]) < 0.01
    sparse8 = rows["int8, 90% pruned, sparse"]
    assert sparse8["bytes"] < rows["float32, 90% pruned, sparse"]["bytes"] < dense["bytes"] / 4
    assert sparse8["accuracy"] > dense["accuracy"] - 0.05


def test_quantize_int8_tf_matches_numpy_including_ties(tf):
    rng = np.random.default_rng(0)
    for w in (rng.normal(size=(6, 5)), rng.normal(size=(4, 3)).astype(np.float32)):
        ref = C.quantize_int8(w)
        q, scale = E.quantize_int8_tf(w)
        assert q.dtype == np.int8
        np.testing.assert_array_equal(q, ref.q)
        assert scale == ref.scale
    # halves round to even in both (NumPy's rint, tf.round): scale 1, w/s = 0.5, 1.5, -2.5
    ties = np.array([127.0, 0.5, 1.5, -2.5])
    q, scale = E.quantize_int8_tf(ties)
    np.testing.assert_array_equal(q, [127, 0, 2, -2])
    np.testing.assert_array_equal(q, C.quantize_int8(ties).q)
    q0, s0 = E.quantize_int8_tf(np.zeros(3))
    assert s0 == 1.0 and not q0.any()


def test_plot_compression_returns_two_panels(data, model64):
    curve = E.pruning_curve(model64, data, sparsities=(0.0, 0.5), finetune_epochs=1)
    table = E.compression_table(model64, data, finetune_epochs=1)
    fig = E.plot_compression(curve, table)
    assert len(fig.axes) == 2
    assert len(fig.axes[0].lines) == 2 and len(fig.axes[1].patches) == 4
    plt.close(fig)


# ------------------------------------------------------------------------ interpretability


def test_saliency_equals_finite_differences_of_log_probability():
    model = _small_float64_model()
    x = np.random.default_rng(1).normal(size=(3, 5))
    labels = np.array([0, 3, 2])

    def log_p(xx):
        p = model.forward(xx)
        return np.log(p[np.arange(3), labels])

    numeric = numerical_gradient(log_p, x.copy())
    assert rel_error(E.saliency(model, x, labels), numeric) < 1e-7


def test_saliency_default_labels_and_image_shapes(data, model64):
    images = data.x_test[:4]
    s = E.saliency(model64, images)
    assert s.shape == images.shape
    predicted = model64.predict(data.flat("test")[:4], verbose=0).argmax(axis=1)
    np.testing.assert_array_equal(s, E.saliency(model64, images, predicted))


def test_saliency_tf_agrees_with_numpy_in_float64(tf):
    from dlcourse.tfnn import to_keras

    model = _small_float64_model(hidden=(6, 5))
    x = np.random.default_rng(2).normal(size=(8, 5))
    labels = np.arange(8) % 4
    s_tf = E.saliency_tf(to_keras(model), x, labels)
    np.testing.assert_allclose(E.saliency(model, x, labels), s_tf, rtol=1e-10, atol=1e-14)


def test_deletion_test_salient_pixels_matter_more_than_random(data, model64):
    result = E.deletion_test(model64, data.x_test, data.y_test, k=8, seed=0)
    assert result["intact"] == pytest.approx(E._accuracy(model64, data.x_test, data.y_test))
    # measured: 0.55 with the salient pixels erased, 0.88 with random ones
    assert result["salient_erased"] < result["random_erased"] - 0.1
    assert result["random_erased"] <= result["intact"] + 0.02


def test_hidden_activations_are_the_first_layer_by_hand(data, model64):
    x = data.flat("test")[:5]
    W, b = model64.layers[0].params["kernel"], model64.layers[0].params["bias"]
    expected = np.maximum(x @ W + b, 0)
    np.testing.assert_allclose(
        E.hidden_activations(model64, data.x_test[:5]), expected, rtol=1e-6, atol=1e-7
    )
    assert E.hidden_activations(model64, x, layer=1).shape == (5, 10)


def test_saliency_and_hidden_plots(data, model64):
    s = E.saliency(model64, data.x_test[:3])
    fig = E.plot_saliency(data.x_test[:3], s, data.y_test[:3], title="t")
    assert len(fig.axes) == 6
    plt.close(fig)
    fig = E.plot_hidden(model64, data.x_test, data.y_test, units=6)
    assert len(fig.axes) == 1 + 1 + 6  # heatmap, colour bar, six weight images
    plt.close(fig)


# ---------------------------------------------------------------------------- distillation


@pytest.mark.parametrize("temperature, alpha", [(1.0, 0.0), (4.0, 0.1), (8.0, 1.0), (2.5, 0.5)])
def test_distillation_loss_tf_matches_numpy(tf, temperature, alpha):
    rng = np.random.default_rng(3)
    zs, zt = rng.normal(0, 3, size=(6, 10)), rng.normal(0, 3, size=(6, 10))
    y = rng.integers(0, 10, size=6)
    loss_np, grad_np = C.distillation_loss(zs, zt, y, temperature, alpha)
    loss_tf, grad_tf = E.distillation_loss_tf(zs, zt, y, temperature, alpha)
    assert loss_tf == pytest.approx(loss_np, rel=1e-12)
    np.testing.assert_allclose(grad_tf, grad_np, rtol=1e-10, atol=1e-15)


def test_distillation_helps_a_small_student_with_few_examples(data, teacher):
    rows = E.distillation_experiment(
        teacher, data, (16,), train_sizes=(200,), seeds=(0, 1, 2, 3, 4), epochs=40
    )
    (row,) = rows
    assert row["examples"] == 200
    # measured over five seeds: 0.909 with hard labels, 0.932 distilled
    assert row["distilled"] > row["hard"] + 0.005


def test_distillation_claim_check_compresses(data, teacher):
    rows = {r["model"]: r for r in E.distillation_claim_check(teacher, data, epochs=20)}
    assert rows["teacher"]["agreement"] == 1.0
    assert rows["teacher"]["params"] == 26122 and rows["teacher"]["bytes"] == 4 * 26122
    student = rows["MLP student, distilled"]
    assert student["params"] == 1210 and student["params"] < 0.05 * rows["teacher"]["params"]
    assert student["accuracy"] > rows["teacher"]["accuracy"] - 0.03  # keeps most of it
    assert student["agreement"] > 0.9
    assert rows["linear, hard labels"]["params"] == rows["linear, distilled"]["params"] == 650


# --------------------------------------------------------------------------------- scaling


def test_scaling_experiment_more_units_buy_accuracy(data):
    rows = E.scaling_experiment(data, {"1×16": (16,), "1×64": (64,)}, epochs=20, seeds=(0,))
    small, large = rows
    assert (small["params"], large["params"]) == (1210, 4810)
    assert (small["macs"], large["macs"]) == (1184, 4736)
    assert large["test_acc"] > small["test_acc"] + 0.01  # measured 0.911 -> 0.941
    assert small["sec_per_epoch"] > 0
    fig = E.plot_scaling(rows)
    assert len(fig.axes[0].lines) == 2
    plt.close(fig)


# ---------------------------------------------------------------------------------- trends


def test_random_search_sorted_reproducible_and_honest(data):
    rows = E.random_search(data, trials=4, seed=0, epochs=3)
    assert [r["val_acc"] for r in rows] == sorted((r["val_acc"] for r in rows), reverse=True)
    assert "test_acc" in rows[0] and all("test_acc" not in r for r in rows[1:])
    assert sorted(r["trial"] for r in rows) == [0, 1, 2, 3]
    for r in rows:
        assert 1e-4 <= r["learning_rate"] <= 1e-1 and r["width"] in (8, 16, 32, 64, 128, 256)
    assert rows == E.random_search(data, trials=4, seed=0, epochs=3)


def test_two_modalities_by_hand():
    x = np.arange(2 * 4 * 4, dtype=float).reshape(2, 4, 4, 1)
    thumb, profiles = E.two_modalities(x)
    assert thumb.shape == (2, 4) and profiles.shape == (2, 8)
    assert thumb[0, 0] == np.mean([0, 1, 4, 5])
    np.testing.assert_allclose(profiles[0, :4], x[0, :, :, 0].sum(axis=1) / 4)
    np.testing.assert_allclose(profiles[0, 4:], x[0, :, :, 0].sum(axis=0) / 4)


def test_fusion_beats_each_modality(data):
    rows = {r["model"]: r for r in E.multimodal_experiment(data, epochs=20)}
    single = max(rows["thumbnail only"]["test_acc"], rows["profiles only"]["test_acc"])
    assert rows["early fusion (concatenate)"]["inputs"] == 32
    assert rows["early fusion (concatenate)"]["test_acc"] > single + 0.01  # 0.93 vs 0.88
    assert rows["late fusion (average)"]["test_acc"] > single


def test_matmul_throughput_reports_each_dtype():
    result = E.matmul_throughput(n=32, repeats=1)
    assert set(result) == {"float64", "float32", "int8"}
    assert all(np.isfinite(v) and v > 0 for v in result.values())


# ---------------------------------------------------------------------------------- tables


def test_format_table_exact_text():
    rows = [{"name": "a", "acc": 0.5, "n": 85002}, {"name": "bb", "acc": 1.0, "n": 3, "x": 0.25}]
    assert E.format_table(rows) == (
        "name    acc       n      x\n"
        "----  -----  ------  -----\n"
        "a     0.500  85,002      -\n"
        "bb    1.000       3  0.250"
    )
    assert (
        E.format_table(rows, "n acc:.0%")
        == "n        acc\n------  ----\n85,002   50%\n3       100%"
    )
    assert E.format_table(rows, {"acc": ".1f"}, digits=1) == "acc\n---\n0.5\n1.0"


# ------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda d, m: E.load_dataset("cifar"), ValueError, "'digits' or 'mnist'"),
        (lambda d, m: d.flat("dev"), ValueError, "train, val or test"),
        (lambda d, m: E.small_subset(d.x_train, d.y_train, 0), ValueError, "per_class"),
        (lambda d, m: E.small_subset(d.x_train, d.y_train, 500), ValueError, "fewer than 500"),
        (lambda d, m: E.small_subset(d.x_train, d.y_train[:5], 2), ValueError, "differ in length"),
        (lambda d, m: E.mlp((0,)), ValueError, "hidden"),
        (lambda d, m: E.count_macs("model"), TypeError, "Sequential"),
        (lambda d, m: E.augmentation_experiment(d, {}), ValueError, "settings"),
        (lambda d, m: E.pruning_curve(m, d, finetune_epochs=0), ValueError, "finetune_epochs"),
        (lambda d, m: E.saliency(m, d.x_test[:2], [0, 10]), ValueError, "labels"),
        (lambda d, m: E.hidden_activations(m, d.x_test[:2], layer=5), ValueError, "layer"),
        (lambda d, m: E.deletion_test(m, d.x_test, d.y_test, k=0), ValueError, "`k`"),
        (lambda d, m: E.random_search(d, trials=0), ValueError, "trials"),
        (lambda d, m: E.two_modalities(np.zeros((1, 3, 4, 1))), ValueError, "even"),
        (lambda d, m: E.matmul_throughput(n=-1), ValueError, "`n`"),
        (lambda d, m: E.format_table([]), ValueError, "rows"),
        (lambda d, m: E.format_table([{"a": 1}], columns=3), ValueError, "columns"),
    ],
)
def test_bad_input_names_the_argument(data, model64, call, error, message):
    with pytest.raises(error, match=message):
        call(data, model64)


def test_saliency_refuses_a_model_without_softmax():
    model = nn.Sequential([nn.layers.Dense(3)], seed=0)
    model.build((None, 4))
    with pytest.raises(ValueError, match="softmax"):
        E.saliency(model, np.zeros((2, 4)))
