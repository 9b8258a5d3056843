"""Tests of dlcourse.experiments.ch4_examples: the data, comparisons and device helpers of
chapter 4, checked on numbers.

The chapter claims: every example gets real data of the documents' shapes (8 and 100 columns
chosen on the training rows only; [2]'s 100 inputs are the digits resampled by area); two runs
that compute the same function compare as equal and a changed one does not; the float64
reference tells float32 rounding from a real difference; Keras' ``fit`` under the default
strategy equals a plain ``fit``; the last partial batch is what separates two replicas from one
device (that one runs in a subprocess, in ``tests/test_device.py``'s way, because logical
devices are fixed when TensorFlow starts).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcourse import data, nn
from dlcourse.experiments import ch4_examples as E

ROOT = Path(__file__).resolve().parents[1]
MNIST_DIR = ROOT.parent / "shared" / "data" / "mnist"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def examples():
    return E.load_examples("digits", seed=0)


# ---- resampling ------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 30), st.integers(1, 30))
def test_resampling_rows_are_weights_summing_to_one(n_in, n_out):
    r = E.resampling_matrix(n_in, n_out)
    assert r.shape == (n_out, n_in)
    assert np.all(r >= 0)
    np.testing.assert_allclose(r.sum(axis=1), 1.0, rtol=1e-12)
    # Every input pixel is spread over the output with total weight n_out / n_in.
    np.testing.assert_allclose(r.sum(axis=0), n_out / n_in, rtol=1e-12)


def test_resampling_known_cases():
    np.testing.assert_array_equal(E.resampling_matrix(5, 5), np.eye(5))
    halve = np.kron(np.eye(14), [[0.5, 0.5]])  # 28 → 14: the mean of each pair
    np.testing.assert_allclose(E.resampling_matrix(28, 14), halve, rtol=0, atol=1e-15)
    # 8 → 10: output pixel 1 covers [0.8, 1.6): 0.2 of pixel 0 and 0.6 of pixel 1, over 0.8.
    np.testing.assert_allclose(E.resampling_matrix(8, 10)[1, :3], [0.25, 0.75, 0.0], atol=1e-15)


def test_resize_keeps_constant_images_and_the_mean():
    rng = np.random.default_rng(0)
    x = rng.random((3, 8, 8, 2)).astype(np.float32)
    y = E.resize_images(x, 10)
    assert y.shape == (3, 10, 10, 2) and y.dtype == np.float32
    np.testing.assert_allclose(y.mean(axis=(1, 2)), x.mean(axis=(1, 2)), rtol=1e-5)
    flat = E.resize_images(np.full((1, 28, 28, 1), 0.3), 10)
    np.testing.assert_allclose(flat, 0.3, rtol=1e-12)
    # 28 → 14 is 2×2 average pooling.
    z = rng.random((2, 28, 28, 1))
    pooled = z.reshape(2, 14, 2, 14, 2, 1).mean(axis=(2, 4))
    np.testing.assert_allclose(E.resize_images(z, 14), pooled, rtol=1e-12)


def test_resize_rejects_bad_input():
    with pytest.raises(ValueError, match="square images"):
        E.resize_images(np.zeros((2, 8, 6, 1)), 10)
    with pytest.raises(ValueError, match="4-dimensional"):
        E.resize_images(np.zeros((2, 8, 8)), 10)
    with pytest.raises(ValueError, match="size"):
        E.resize_images(np.zeros((2, 8, 8, 1)), 0)
    with pytest.raises(ValueError, match="n_out"):
        E.resampling_matrix(8, -1)


# ---- the examples' data ----------------------------------------------------------------------


def test_digits_examples_have_the_documents_layout(examples):
    assert examples.dataset == "digits"
    x_train, y_train, x_test, y_test = examples.mlp
    assert x_train.shape == (1437, 64) and x_test.shape == (360, 64)
    assert y_train.dtype == np.int64 and set(np.unique(y_train)) == set(range(10))
    assert 0.0 <= x_train.min() and x_train.max() <= 1.0
    assert examples.cnn.x_train.shape == (1437, 8, 8, 1)
    np.testing.assert_array_equal(examples.cnn.x_train.reshape(1437, 64), x_train)
    np.testing.assert_array_equal(examples.cnn.y_train.argmax(axis=1), y_train)
    np.testing.assert_array_equal(examples.cnn.y_train.sum(axis=1), 1.0)
    assert examples.mlp100.x_train.shape == (1437, 100)
    np.testing.assert_array_equal(
        examples.mlp100.x_train, E.resize_images(examples.cnn.x_train, 10).reshape(1437, 100)
    )
    # Train and test rows are different images: no test row appears among the training rows.
    train_rows = {row.tobytes() for row in x_train}
    assert sum(row.tobytes() in train_rows for row in x_test) <= 2  # digits has a few duplicates
    # Stratified: every class keeps its share (the test rows are two halves, each rounded).
    counts_all = np.bincount(np.concatenate([y_train, y_test]), minlength=10)
    assert np.all(np.abs(np.bincount(y_test, minlength=10) - 0.2 * counts_all) <= 2)
    assert "digits" in examples.source and "80% / 20%" in examples.source
    assert examples.table().count("\n") == 4


def test_binary_features_are_chosen_and_scaled_on_the_training_rows_only(examples):
    x_raw, y_raw = data.load_breast_cancer()
    b8, b100 = examples.binary8, examples.binary100
    assert b8.x_train.shape == (455, 8) and b8.x_test.shape == (114, 8)
    assert b100.x_train.shape == (455, 100) and b100.x_test.shape == (114, 100)
    for split in (b8, b100):
        assert split.y_train.shape == (455, 1) and split.y_train.dtype == np.float32
        assert set(np.unique(split.y_train)) == {0.0, 1.0}
    # Standardised with the training rows' statistics: exactly mean 0 / std 1 on them only.
    np.testing.assert_allclose(b8.x_train.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(b8.x_train.std(axis=0), 1.0, rtol=1e-4)
    assert np.abs(b8.x_test.mean(axis=0)).max() > 1e-3
    # The 8 columns are the ones the Fisher score ranks best on the training rows.
    ranking = data.select_features(b8.x_train, b8.y_train[:, 0].astype(np.int64), 8)
    np.testing.assert_array_equal(ranking, np.arange(8))
    # Each of the 8 is one of the 30 raw measurements, rescaled (a correlation of 1).
    train_ids = _training_rows(x_raw, y_raw)
    for j in range(8):
        corr = [abs(np.corrcoef(x_raw[train_ids, k], b8.x_train[:, j])[0, 1]) for k in range(30)]
        assert max(corr) > 1 - 1e-6
    # [4]'s columns: the 30 standardised measurements and their products, best 100 on training.
    ranking100 = data.select_features(b100.x_train, b100.y_train[:, 0].astype(np.int64), 100)
    np.testing.assert_array_equal(ranking100, np.arange(100))
    np.testing.assert_array_equal(b100.y_train, b8.y_train)


def _training_rows(x_raw, y_raw):
    """Indices of the raw breast-cancer rows that seed 0 puts in the training split."""
    x_train = E._train_test(x_raw, y_raw, 0.2, 0)[0]
    lookup = {row.tobytes(): i for i, row in enumerate(x_raw)}
    return np.array([lookup[row.tobytes()] for row in x_train])


def test_load_examples_is_seeded_and_checks_arguments():
    a = E.load_examples(seed=1)
    b = E.load_examples(seed=1)
    c = E.load_examples(seed=2)
    np.testing.assert_array_equal(a.mlp.x_train, b.mlp.x_train)
    assert not np.array_equal(a.mlp.y_train, c.mlp.y_train)
    with pytest.raises(ValueError, match="dataset"):
        E.load_examples("cifar")
    with pytest.raises(ValueError, match="seed"):
        E.load_examples(seed=-1)
    with pytest.raises(ValueError, match="test"):
        E.load_examples(test=1.5)
    with pytest.raises(ValueError, match="mnist_limit"):
        E.load_examples("mnist", mnist_limit=0)


@pytest.mark.skipif(not (MNIST_DIR / "t10k-images-idx3-ubyte.gz").exists(), reason="no MNIST")
def test_mnist_examples_have_the_documents_shapes(tmp_path):
    """Only the test split is in MNIST_DIR: it is split into training and test rows."""
    ex = E.load_examples(
        "mnist", seed=0, mnist_limit=500, data_dir=MNIST_DIR, download=False, test=0.2
    )
    assert ex.mlp.x_train.shape == (400, 784) and ex.mlp.x_test.shape == (100, 784)
    assert ex.cnn.x_train.shape == (400, 28, 28, 1)
    assert ex.mlp100.x_train.shape == (400, 100)
    assert ex.mlp.x_train.dtype == np.float32 and ex.mlp.x_train.max() <= 1.0
    assert "only the test split" in ex.source
    images, labels = data.load_mnist("test", data_dir=MNIST_DIR, download=False)
    first = {row.tobytes() for row in (images[:500].reshape(500, -1) / np.float32(255.0))}
    assert all(row.tobytes() in first for row in ex.mlp.x_train)


# ---- comparing two runs ----------------------------------------------------------------------


def _history(losses, accuracy=None):
    logs = {"loss": list(losses)}
    if accuracy is not None:
        logs["accuracy"] = list(accuracy)
    return logs


def test_compare_reports_the_largest_difference_and_classes():
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.5, 0.4]])
    q = np.array([[0.7, 0.2, 0.1], [0.1, 0.4, 0.5]])  # second row: class 1 → class 2
    c = E.compare(p, q, _history([1.0, 0.5]), _history([1.0, 0.4]), y_true=np.array([0, 1]))
    assert c.max_prediction_diff == pytest.approx(0.1)
    assert c.same_class == 0.5
    assert c.loss_diff == pytest.approx((0.0, 0.1))
    assert c.accuracy == (1.0, 0.5)
    assert not c.rounding_only()
    assert "max |Keras − NumPy| = 0.1000" in str(c) and "same class for 50.0%" in str(c)
    same = E.compare(p, p + 1e-6, _history([1.0]), _history([1.0]))
    assert same.rounding_only() and same.same_class == 1.0 and same.accuracy is None


def test_compare_with_a_reference_separates_rounding_from_a_mistake():
    rng = np.random.default_rng(0)
    exact = rng.random((50, 1))
    numpy_run = exact + rng.normal(0, 0.01, exact.shape)  # float32 drift of 0.01 or so
    close_keras = exact + rng.normal(0, 0.01, exact.shape)  # the same kind of drift
    wrong_keras = exact + 0.2  # a real difference
    h = _history([0.5, 0.4])
    ref = (exact, _history([0.5, 0.41]))
    ok = E.compare(close_keras, numpy_run, h, h, reference=ref)
    bad = E.compare(wrong_keras, numpy_run, h, h, reference=ref)
    assert ok.max_prediction_diff > 1e-4 and ok.rounding_only()
    assert bad.reference_diff[0] == pytest.approx(0.2)
    assert not bad.rounding_only()
    assert ok.reference_loss_diff == pytest.approx((0.0, 0.01))
    assert "float32 rounding only: True" in str(ok)
    table = E.results_table({"ok": ok, "bad": bad})
    lines = table.splitlines()
    assert len(lines) == 3 and lines[1].split()[0] == "ok" and "False" in lines[2]


def test_compare_labels_in_every_format():
    p = np.array([[0.9], [0.2], [0.6]])
    c = E.compare(p, p, _history([1.0]), _history([1.0]), y_true=np.array([[1.0], [0.0], [0.0]]))
    assert c.accuracy == pytest.approx((2 / 3, 2 / 3))
    probs = np.eye(3)[[0, 2, 1]] * 0.8 + 0.05
    onehot = np.eye(3)[[0, 2, 2]]
    c = E.compare(probs, probs, _history([1.0]), _history([1.0]), y_true=onehot)
    assert c.accuracy == pytest.approx((2 / 3, 2 / 3))


def test_compare_rejects_bad_input():
    p = np.full((2, 3), 1 / 3)
    h = _history([1.0])
    with pytest.raises(ValueError, match="same, non-empty shape"):
        E.compare(p, p[:1], h, h)
    with pytest.raises(ValueError, match="number of epochs"):
        E.compare(p, p, h, _history([1.0, 0.5]))
    with pytest.raises(ValueError, match="History"):
        E.compare(p, p, {"acc": [1.0]}, h)
    with pytest.raises(ValueError, match="tolerance"):
        E.compare(p, p, h, h, tolerance=0)
    with pytest.raises(ValueError, match="y_true"):
        E.compare(p, p, h, h, y_true=np.zeros((3,)))
    with pytest.raises(ValueError, match="reference"):
        E.compare(p, p, h, h, reference=p)
    with pytest.raises(ValueError, match="reference"):
        E.compare(p, p, h, h, reference=(p[:1], h))
    with pytest.raises(TypeError, match="Comparison"):
        E.results_table({"x": 1})


def test_plot_pair_draws_both_curves_and_their_difference():
    hk = _history([1.0, 0.5, 0.25], [0.5, 0.7, 0.9])
    hn = _history([1.0, 0.5, 0.2], [0.5, 0.7, 0.9])
    hr = _history([1.0, 0.4, 0.2])
    axes = E.plot_pair(hk, hn, "title", reference_history=hr)
    assert [ax.get_title() for ax in axes] == ["loss", "accuracy", "|difference of the losses|"]
    keras_line, numpy_line = axes[0].get_lines()
    np.testing.assert_array_equal(keras_line.get_ydata(), hk["loss"])
    np.testing.assert_array_equal(numpy_line.get_ydata(), hn["loss"])
    diff_line, ref_line = axes[2].get_lines()[:2]
    np.testing.assert_allclose(diff_line.get_ydata(), [1e-10, 1e-10, 0.05])  # zeros at 1e-10
    np.testing.assert_allclose(ref_line.get_ydata(), [1e-10, 0.1, 1e-10])
    assert axes[2].get_yscale() == "log"
    assert len(E.plot_pair(_history([1.0]), _history([1.0]))) == 2  # no accuracy: 2 panels
    with pytest.raises(ValueError, match="epochs"):
        E.plot_pair(hk, _history([1.0]))
    with pytest.raises(ValueError, match="axes"):
        E.plot_pair(hk, hn, axes=[axes[0]])


# ---- Keras ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny(keras):
    """A compiled Keras twin of [1]'s XOR model, its initial weights and the truth table."""
    from dlcourse import models_zoo

    model = models_zoo.build("doc1_xor", "keras", seed=3)
    x, y = data.xor_table()
    return model, model.get_weights(), x, y[:, None].astype(np.float32)


def test_summary_text_is_the_same_for_both_libraries(tiny):
    from dlcourse.tfnn import from_keras

    model, _, _, _ = tiny
    text = E.summary_text(model)
    assert text.startswith(f'Model: "{model.name}"') and "Total params: 41" in text
    assert E.summary_text(from_keras(model)) == text
    with pytest.raises(TypeError, match="summary"):
        E.summary_text(object())


def test_numpy_twin_in_float64_matches_keras_and_uses_no_keras_randomness(tiny, keras):
    model, start, x, y = tiny
    keras.utils.set_random_seed(5)
    expected = keras.layers.Dense(3)
    expected.build((None, 2))
    keras.utils.set_random_seed(5)
    twin = E.numpy_twin(model, start)
    after = keras.layers.Dense(3)
    after.build((None, 2))
    np.testing.assert_array_equal(after.get_weights()[0], expected.get_weights()[0])
    assert isinstance(twin, nn.Sequential) and twin.dtype == np.float64
    assert all(w.dtype == np.float64 for w in twin.get_weights())
    for a, b in zip(twin.get_weights(), start, strict=True):
        np.testing.assert_array_equal(a, b.astype(np.float64))
    clone = keras.models.clone_model(model)
    clone.set_weights(start)
    np.testing.assert_allclose(twin.predict(x, verbose=0), clone.predict(x, verbose=0), rtol=1e-6)
    assert isinstance(twin.optimizer, nn.optimizers.Adam)
    with pytest.raises(ValueError, match="dtype"):
        E.numpy_twin(model, start, dtype="float16")
    with pytest.raises(ValueError, match="compiled"):
        E.numpy_twin(nn.Sequential(), start)


def test_float64_run_agrees_with_keras_float32_to_rounding(tiny, keras):
    """Keras float32 and the float64 reference after 30 full-batch Adam steps: close, and the
    comparison calls it rounding; a model trained with another learning rate is not."""
    model, start, x, y = tiny
    clone = keras.models.clone_model(model)
    clone.set_weights(start)
    clone.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = clone.fit(x, y, epochs=30, shuffle=False, verbose=0)
    p_keras = clone.predict(x, verbose=0)
    p_ref, h_ref = E.float64_run(model, start, x, y, x, epochs=30)
    assert p_ref.dtype == np.float64
    np.testing.assert_allclose(p_keras, p_ref, rtol=0, atol=1e-5)
    np.testing.assert_allclose(history.history["loss"], h_ref.history["loss"], rtol=1e-5)
    numpy32 = E.numpy_twin(model, start, dtype="float32")
    h32 = numpy32.fit(x, y, epochs=30, shuffle=False, verbose=0)
    c = E.compare(p_keras, numpy32.predict(x, verbose=0), history, h32, y, (p_ref, h_ref))
    assert c.rounding_only()
    # A NumPy run of other mathematics (another learning rate) is far from Keras and from the
    # reference: not rounding, whichever of the two runs is the odd one.
    fast = E.numpy_twin(model, start, dtype="float32")
    fast.optimizer.learning_rate = 0.05
    h_fast = fast.fit(x, y, epochs=30, shuffle=False, verbose=0)
    p_fast = fast.predict(x, verbose=0)
    wrong = E.compare(p_keras, p_fast, history, h_fast, y, (p_ref, h_ref))
    assert wrong.max_prediction_diff > 0.05 and not wrong.rounding_only()
    swapped = E.compare(p_fast, p_keras, h_fast, history, y, (p_ref, h_ref))
    assert not swapped.rounding_only()


def test_epoch_cost_times_three_ways_and_leaves_the_model_alone(tiny):
    model, start, x, y = tiny
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    before = [w.copy() for w in model.get_weights()]
    cost = E.epoch_cost(model, x, y, epochs=2)
    assert set(cost) == {"keras_arrays", "keras_dataset", "numpy"}
    assert all(np.isfinite(v) and v > 0 for v in cost.values())
    for a, b in zip(model.get_weights(), before, strict=True):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="compiled"):
        E.epoch_cost(object(), x, y)
    with pytest.raises(ValueError, match="epochs"):
        E.epoch_cost(model, x, y, epochs=0)


def test_fit_in_scope_of_the_default_strategy_equals_a_plain_fit(keras):
    from dlcourse import models_zoo
    from dlcourse.tfnn import tf

    x, y = models_zoo.random_data("doc4_binary", 40, seed=0, input_shape=(12,))
    plain = models_zoo.build("doc4_binary", "keras", input_shape=(12,), seed=1)
    start = plain.get_weights()
    plain.fit(x, y, epochs=3, shuffle=False, verbose=0)
    scoped, history = E.fit_in_scope(tf.distribute.get_strategy(), "doc4_binary", start, x, y, 3)
    assert len(history.history["loss"]) == 3
    np.testing.assert_array_equal(scoped.predict(x, verbose=0), plain.predict(x, verbose=0))
    assert not np.array_equal(scoped.get_weights()[0], start[0])
    with pytest.raises(TypeError, match="Strategy"):
        E.fit_in_scope("default", "doc4_binary", start, x, y)
    with pytest.raises(ValueError, match="epochs"):
        E.fit_in_scope(tf.distribute.get_strategy(), "doc4_binary", start, x, y, epochs=0)


def test_split_cpu_after_start_keeps_or_refuses(keras):
    from dlcourse.tfnn import tf

    have = [d.name for d in tf.config.list_logical_devices("CPU")]  # TensorFlow has started
    assert E.split_cpu(len(have)) == have
    with pytest.raises(RuntimeError, match="restart the kernel"):
        E.split_cpu(len(have) + 1)
    with pytest.raises(ValueError, match="n"):
        E.split_cpu(0)


def test_xor_restarts_finds_the_runs_that_fail_and_their_dead_units():
    rows = E.xor_restarts(seeds=4, epochs=300, longer=400)
    assert [r["seed"] for r in rows] == [0, 1, 2, 3]
    for r in rows:
        assert r["p"].shape == (4,) and 0 <= r["dead"] <= 10
        assert r["accuracy"] in (0.0, 0.25, 0.5, 0.75, 1.0)
        assert ("accuracy_longer" in r) == (r["accuracy"] < 1.0)
    # Seed 3 is one that the chapter reports stuck: (0, 0) and (1, 0) get the same output.
    stuck = E.xor_restarts(seeds=4, epochs=1000, longer=2000)[3]
    assert stuck["accuracy"] == 0.75 and stuck["accuracy_longer"] == 0.75
    assert stuck["p"][0] == pytest.approx(stuck["p"][2], abs=1e-6) and stuck["dead"] >= 1
    with pytest.raises(ValueError, match="seeds"):
        E.xor_restarts(seeds=0)


# ---- two replicas against one device (subprocess: logical devices are fixed at start) --------


def test_two_replicas_differ_from_one_device_only_through_the_partial_batch():
    code = textwrap.dedent(
        """
        import numpy as np
        from dlcourse.experiments import ch4_examples as E
        cpus = E.split_cpu(2)
        from dlcourse import device, models_zoo
        from dlcourse.tfnn import tf
        x, y = models_zoo.random_data("doc4_binary", 71, seed=0, input_shape=(6,))
        start = models_zoo.build("doc4_binary", "keras", input_shape=(6,), seed=1).get_weights()
        mirrored, single = device.strategy(cpus), tf.distribute.get_strategy()
        for rows in (71, 64):
            one, _ = E.fit_in_scope(single, "doc4_binary", start, x[:rows], y[:rows], 2)
            two, _ = E.fit_in_scope(mirrored, "doc4_binary", start, x[:rows], y[:rows], 2)
            gap = np.abs(one.predict(x, verbose=0) - two.predict(x, verbose=0)).max()
            print("GAP", rows, mirrored.num_replicas_in_sync, gap)
        """
    )
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=240, env=env
    )
    assert result.returncode == 0, result.stderr[-3000:]
    gaps = {
        int(rows): (int(replicas), float(gap))
        for _, rows, replicas, gap in (
            ln.split() for ln in result.stdout.splitlines() if ln.startswith("GAP ")
        )
    }
    assert gaps[71][0] == gaps[64][0] == 2
    assert gaps[71][1] > 1e-4  # 71 = 2·32 + 7: the last batch is split 4 + 3
    assert gaps[64][1] < 1e-5  # two full batches: one device's result, up to rounding
