"""Tests of dlcourse.compression: pruning, int8 quantisation and distillation."""

from __future__ import annotations

import numpy as np
import pytest

from dlcourse import compression, nn
from dlcourse.gradcheck import numerical_gradient, rel_error


def _mlp(seed=0, hidden=32):
    model = nn.Sequential(
        [
            nn.layers.Dense(hidden, activation="relu", input_dim=8),
            nn.layers.Dense(3, activation="softmax"),
        ],
        seed=seed,
    )
    model.compile(
        optimizer=nn.optimizers.Adam(0.01),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def _data(n=300, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 8)).astype(np.float32)
    y = (x[:, 0] > 0).astype(int) + (x[:, 1] > 0.5).astype(int)
    return x, y


def test_magnitude_prune_removes_exactly_the_smallest():
    w = np.array([[0.5, -0.1, 0.3], [-0.05, 0.9, -0.2]])
    pruned, mask = compression.magnitude_prune(w, 0.5)
    assert mask.sum() == 3
    np.testing.assert_array_equal(pruned, [[0.5, 0, 0.3], [0, 0.9, 0]])
    assert np.all(np.abs(w[mask]).min() >= np.abs(w[~mask]).max())


@pytest.mark.parametrize("sparsity", [0.0, 0.3, 0.9, 1.0])
def test_prune_model_reaches_the_requested_sparsity(sparsity):
    model = _mlp()
    masks = compression.prune_model(model, sparsity)
    assert compression.sparsity_of(model) == pytest.approx(sparsity, abs=1 / 300)
    assert set(masks) == {(model.layers[0].name, "kernel"), (model.layers[1].name, "kernel")}
    assert np.all(model.layers[0].params["bias"] == 0)  # biases start at zero, untouched


def test_layer_scope_prunes_each_layer_equally():
    model = _mlp()
    compression.prune_model(model, 0.5, scope="layer")
    for layer in model.layers:
        assert (layer.params["kernel"] == 0).mean() == pytest.approx(0.5, abs=0.02)


def test_keep_pruned_holds_zeros_during_fine_tuning():
    model = _mlp()
    x, y = _data()
    masks = compression.prune_model(model, 0.8)
    model.fit(x, y, epochs=2, verbose=0, callbacks=[compression.KeepPruned(masks)])
    assert compression.sparsity_of(model) >= 0.8 - 1e-9
    # Without the callback the zeros come back to life.
    model.fit(x, y, epochs=1, verbose=0)
    assert compression.sparsity_of(model) < 0.5


def test_pruning_then_fine_tuning_keeps_accuracy():
    x, y = _data(600)
    model = _mlp(hidden=64)
    model.fit(x, y, epochs=30, verbose=0)
    base = model.evaluate(x, y, verbose=0)[1]
    masks = compression.prune_model(model, 0.7)
    model.fit(x, y, epochs=5, verbose=0, callbacks=[compression.KeepPruned(masks)])
    assert model.evaluate(x, y, verbose=0)[1] >= base - 0.05


@pytest.mark.parametrize("per_channel", [False, True])
def test_int8_roundtrip_error_is_at_most_half_a_step(per_channel):
    rng = np.random.default_rng(1)
    w = rng.standard_normal((20, 7)).astype(np.float32) * np.array([1, 10, 0.1, 1, 1, 3, 5])
    qt = compression.quantize_int8(w, per_channel=per_channel)
    assert qt.q.dtype == np.int8 and np.abs(qt.q.astype(int)).max() == 127
    err = np.abs(compression.dequantize(qt) - w)
    assert np.all(err <= qt.scale / 2 + 1e-6)
    assert qt.nbytes == w.size + 4 * (7 if per_channel else 1)


def test_per_channel_beats_per_tensor_on_uneven_columns():
    rng = np.random.default_rng(2)
    w = rng.standard_normal((50, 4)) * np.array([100.0, 1.0, 0.01, 1.0])
    per_tensor = np.abs(compression.dequantize(compression.quantize_int8(w)) - w)
    per_channel = np.abs(compression.dequantize(compression.quantize_int8(w, True)) - w)
    assert per_channel[:, 2].max() < per_tensor[:, 2].max() / 100


def test_quantize_model_is_a_copy_and_shrinks_four_times():
    model = _mlp()
    x, _ = _data(50)
    before = model.predict(x, verbose=0)
    q_model, sizes = compression.quantize_model(model)
    np.testing.assert_array_equal(model.predict(x, verbose=0), before)  # original untouched
    assert np.abs(q_model.predict(x, verbose=0) - before).max() < 0.05
    kernels = sum(layer.params["kernel"].size for layer in model.layers)
    biases = sum(layer.params["bias"].size for layer in model.layers)
    assert sizes["float32_bytes"] == 4 * (kernels + biases)
    assert sizes["int8_bytes"] == kernels + 4 * len(model.layers) + 4 * biases


def test_model_size_bytes_dense_and_sparse():
    model = _mlp()
    n = model.count_params()
    assert compression.model_size_bytes(model) == 4 * n
    assert compression.model_size_bytes(model, bits=8) == n
    compression.prune_model(model, 0.9, include_bias=True)
    nonzero = sum(int(np.count_nonzero(w)) for w in model.weights)
    assert compression.model_size_bytes(model, sparse=True) == nonzero * 8


def test_distillation_gradient_matches_finite_differences():
    rng = np.random.default_rng(3)
    zs, zt = rng.standard_normal((5, 4)), rng.standard_normal((5, 4)) * 3
    y = rng.integers(0, 4, 5)
    _, grad = compression.distillation_loss(zs, zt, y, temperature=3.0, alpha=0.3)
    # The loss is about 10 (the T² factor), so central differences' round-off error
    # (≈ ε·|L|/h) is 1e-9 at h = 1e-6; h = 1e-4 balances it against the O(h²) truncation.
    numeric = numerical_gradient(
        lambda z: compression.distillation_loss(z, zt, y, 3.0, 0.3)[0], zs.copy(), h=1e-4
    )
    assert rel_error(grad, numeric) < 1e-7


def test_distillation_loss_limits():
    rng = np.random.default_rng(4)
    zs, zt = rng.standard_normal((6, 3)), rng.standard_normal((6, 3))
    y = rng.integers(0, 3, 6)
    hard, _ = compression.distillation_loss(zs, zt, y, temperature=2.0, alpha=1.0)
    ce = nn.losses.sparse_categorical_crossentropy(y, zs, from_logits=True).mean()
    assert hard == pytest.approx(ce, rel=1e-12)
    # A student equal to its teacher has zero soft-target gradient.
    _, grad = compression.distillation_loss(zt, zt, y, temperature=5.0, alpha=0.0)
    assert np.abs(grad).max() < 1e-15


def test_distill_trains_a_small_student_towards_the_teacher():
    x, y = _data(600)
    teacher = _mlp(hidden=64)
    teacher.fit(x, y, epochs=30, verbose=0)
    student = nn.Sequential(
        [nn.layers.Dense(4, activation="relu", input_dim=8), nn.layers.Dense(3)], seed=1
    )
    student.compile(optimizer=nn.optimizers.Adam(0.02), loss="mse")
    history = compression.distill(teacher, student, x, y, epochs=15, seed=0)
    assert history[-1] < history[0]
    agree = student.predict(x, verbose=0).argmax(1) == teacher.predict(x, verbose=0).argmax(1)
    assert agree.mean() > 0.8


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="sparsity"):
        compression.magnitude_prune(np.ones(3), 1.5)
    with pytest.raises(ValueError, match="scope"):
        compression.prune_model(_mlp(), 0.5, scope="neuron")
    with pytest.raises(ValueError, match="model"):
        compression.prune_model("not a model", 0.5)
    with pytest.raises(ValueError, match="temperature"):
        compression.distillation_loss(np.zeros((2, 3)), np.zeros((2, 3)), np.array([0, 1]), 0.5)
    with pytest.raises(ValueError, match="same shape"):
        compression.distillation_loss(np.zeros((2, 3)), np.zeros((2, 4)), np.array([0, 1]))
    with pytest.raises(ValueError, match="bits"):
        compression.model_size_bytes(_mlp(), bits=7)
    with pytest.raises(ValueError, match="masks"):
        compression.KeepPruned({})
