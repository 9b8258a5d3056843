"""Tests of dlcourse.nn.losses: values against direct formulas written here, every reduction and
sample weights, gradients against finite differences for every loss × from_logits × reduction ×
sample_weight (float64, relative error < 1e-7), zero gradients where Keras' clipping is active,
numerical stability at ±1e4 with warnings as errors, ``get``, and spot checks against
``keras.losses``. Wrong label formats are in test_bad_input.py."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcourse.gradcheck import numerical_gradient, rel_error
from dlcourse.nn import losses, utils

EPS = 1e-7  # Keras' epsilon, written here rather than read from the module under test
REDUCTIONS = ["sum_over_batch_size", "mean", "sum", "none"]
# Central differences: h = 1e-5 ≈ ε^(1/3) balances truncation O(h²) and rounding O(ε/h) (see
# test_activations.py); inputs below keep every gradient entry well away from zero.
H = 1e-5


class no_warnings:
    """Context: overflow, division by zero, invalid operations and any warning raise."""

    def __enter__(self):
        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("error")
        self._e = np.errstate(over="raise", divide="raise", invalid="raise", under="ignore")
        self._e.__enter__()

    def __exit__(self, *exc):
        self._e.__exit__(*exc)
        self._w.__exit__(*exc)
        return False


# --------------------------------------------------------------- references, written here ---


def ref_bce(y, p):
    p = np.clip(p, EPS, 1 - EPS)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p)).mean(axis=-1)


def ref_bce_logits(y, z):
    p = 1 / (1 + np.exp(-z))  # fine for the moderate logits used with this reference
    return -(y * np.log(p) + (1 - y) * np.log(1 - p)).mean(axis=-1)


def ref_cce(y, q):
    q = np.clip(q / q.sum(axis=-1, keepdims=True), EPS, 1 - EPS)
    return -(y * np.log(q)).sum(axis=-1)


def ref_cce_logits(y, z):
    q = np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
    return -(y * np.log(q)).sum(axis=-1)


def ref_scce(labels, q):
    # Keras: log of the clipped probabilities, then a log-softmax (so the row is renormalised)
    z = np.log(np.clip(q, EPS, 1 - EPS))
    return np.array([-(z[i, k] - np.log(np.exp(z[i]).sum())) for i, k in enumerate(labels)])


def ref_scce_logits(labels, z):
    return np.array([np.log(np.exp(z[i]).sum()) - z[i, k] for i, k in enumerate(labels)])


# ------------------------------------------------------------------------------ problems ---


def problem(kind: str, seed: int = 0, n: int = 4, classes: int = 3):
    """``(loss class, from_logits, y_true, y_pred)`` with every gradient entry well-conditioned.

    Probabilities stay in [0.05, 0.95] and targets keep |ŷ − y| ≥ 0.1, so no entry sits near a
    kink or the clip and no gradient entry is so small that finite-difference rounding
    dominates its relative error.
    """
    rng = np.random.default_rng(seed)
    if kind in ("mse", "mae"):
        y_pred = rng.normal(size=(n, classes))
        offset = rng.uniform(0.1, 1.0, (n, classes)) * rng.choice([-1.0, 1.0], (n, classes))
        cls = losses.MeanSquaredError if kind == "mse" else losses.MeanAbsoluteError
        return cls, None, y_pred + offset, y_pred
    if kind.startswith("bce"):
        y_true = rng.integers(0, 2, (n, 2)).astype(float)
        if kind == "bce_logits":
            return losses.BinaryCrossentropy, True, y_true, rng.normal(scale=2.0, size=(n, 2))
        return losses.BinaryCrossentropy, False, y_true, rng.uniform(0.05, 0.95, (n, 2))
    labels = rng.integers(0, classes, n)
    if kind.startswith("cce"):
        soft = rng.uniform(0.1, 1.0, (n, classes))
        y_true = (
            soft / soft.sum(axis=1, keepdims=True) if "soft" in kind else np.eye(classes)[labels]
        )
        if "logits" in kind:
            return losses.CategoricalCrossentropy, True, y_true, rng.normal(size=(n, classes))
        # unnormalised rows: the gradient must include the renormalisation
        return losses.CategoricalCrossentropy, False, y_true, rng.uniform(0.1, 1.0, (n, classes))
    if kind == "scce_logits":
        return losses.SparseCategoricalCrossentropy, True, labels, rng.normal(size=(n, classes))
    return (
        losses.SparseCategoricalCrossentropy,
        False,
        labels,
        rng.uniform(0.05, 0.95, (n, classes)),
    )


KINDS = [
    "mse",
    "mae",
    "bce",
    "bce_logits",
    "cce",
    "cce_soft",
    "cce_logits",
    "cce_soft_logits",
    "scce",
    "scce_logits",
]


def make_loss(cls, from_logits, reduction="sum_over_batch_size"):
    if from_logits is None:
        return cls(reduction=reduction)
    return cls(from_logits=from_logits, reduction=reduction)


# -------------------------------------------------------------------------------- values ---


def test_mse_and_mae_match_their_formulas():
    _, _, y, p = problem("mse", seed=1)
    np.testing.assert_allclose(losses.mean_squared_error(y, p), ((y - p) ** 2).mean(axis=1))
    np.testing.assert_allclose(losses.mean_absolute_error(y, p), np.abs(y - p).mean(axis=1))


def test_binary_crossentropy_matches_its_formula_with_and_without_logits():
    _, _, y, p = problem("bce", seed=2)
    np.testing.assert_allclose(losses.binary_crossentropy(y, p), ref_bce(y, p), rtol=1e-12)
    _, _, y, z = problem("bce_logits", seed=2)
    np.testing.assert_allclose(
        losses.binary_crossentropy(y, z, from_logits=True), ref_bce_logits(y, z), rtol=1e-12
    )


def test_categorical_crossentropy_matches_its_formula_and_renormalises_rows():
    _, _, y, q = problem("cce_soft", seed=3)
    np.testing.assert_allclose(losses.categorical_crossentropy(y, q), ref_cce(y, q), rtol=1e-12)
    # scaling a row of predictions does not change the loss (Keras divides by the row sum)
    np.testing.assert_allclose(
        losses.categorical_crossentropy(y, 7.0 * q), losses.categorical_crossentropy(y, q)
    )
    _, _, y, z = problem("cce_logits", seed=3)
    np.testing.assert_allclose(
        losses.categorical_crossentropy(y, z, from_logits=True), ref_cce_logits(y, z), rtol=1e-12
    )


def test_sparse_categorical_crossentropy_matches_its_formula():
    _, _, labels, q = problem("scce", seed=4)
    np.testing.assert_allclose(
        losses.sparse_categorical_crossentropy(labels, q), ref_scce(labels, q), rtol=1e-12
    )
    _, _, labels, z = problem("scce_logits", seed=4)
    np.testing.assert_allclose(
        losses.sparse_categorical_crossentropy(labels, z, from_logits=True),
        ref_scce_logits(labels, z),
        rtol=1e-12,
    )


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 6), classes=st.integers(2, 6), seed=st.integers(0, 2**16))
def test_sparse_equals_categorical_on_one_hot_labels(n, classes, seed):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, classes, n)
    one_hot = np.eye(classes)[labels]
    z = rng.normal(scale=3.0, size=(n, classes))
    np.testing.assert_allclose(
        losses.sparse_categorical_crossentropy(labels, z, from_logits=True),
        losses.categorical_crossentropy(one_hot, z, from_logits=True),
        rtol=1e-10,
    )
    # on normalised probabilities away from the clip the two forms agree as well
    q = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    q = np.clip(q, 1e-3, 1.0)
    q /= q.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(
        losses.sparse_categorical_crossentropy(labels, q),
        losses.categorical_crossentropy(one_hot, q),
        rtol=1e-10,
    )
    # labels of shape (n, 1) are accepted too, as in Keras
    np.testing.assert_array_equal(
        losses.sparse_categorical_crossentropy(labels[:, None], z, from_logits=True),
        losses.sparse_categorical_crossentropy(labels, z, from_logits=True),
    )


def test_to_categorical_feeds_categorical_crossentropy():
    labels = np.array([2, 0, 1, 2])
    one_hot = utils.to_categorical(labels)
    np.testing.assert_array_equal(one_hot, np.eye(3)[labels])
    assert one_hot.dtype == np.float32
    assert utils.to_categorical(labels[:, None], num_classes=5).shape == (4, 5)
    assert utils.to_categorical([1.0, 0.0], dtype="float64").dtype == np.float64
    z = np.random.default_rng(13).normal(size=(4, 3))
    np.testing.assert_allclose(
        losses.categorical_crossentropy(one_hot, z, from_logits=True),
        losses.sparse_categorical_crossentropy(labels, z, from_logits=True),
        rtol=1e-6,
    )


def test_to_categorical_agrees_with_keras(keras):
    labels = np.array([3, 0, 1, 1])
    np.testing.assert_array_equal(
        utils.to_categorical(labels, num_classes=5), keras.utils.to_categorical(labels, 5)
    )


def test_from_logits_equals_from_probabilities_away_from_the_clip():
    rng = np.random.default_rng(5)
    z = rng.normal(size=(6, 1))
    y = rng.integers(0, 2, (6, 1)).astype(float)
    np.testing.assert_allclose(
        losses.binary_crossentropy(y, z, from_logits=True),
        losses.binary_crossentropy(y, 1 / (1 + np.exp(-z))),
        rtol=1e-10,
    )


def test_trailing_axis_of_size_one_may_be_missing_from_either_side():
    y = np.array([0.0, 1.0, 1.0])
    p = np.array([[0.2], [0.7], [0.4]])
    expected = ref_bce(y[:, None], p)
    np.testing.assert_allclose(losses.binary_crossentropy(y, p), expected)
    np.testing.assert_allclose(losses.binary_crossentropy(y[:, None], p[:, 0]), ref_bce(y, p[:, 0]))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("kind", KINDS)
def test_reductions_and_sample_weights(kind, reduction, weighted):
    cls, from_logits, y_true, y_pred = problem(kind, seed=6)
    per_sample = make_loss(cls, from_logits).call(y_true, y_pred)
    assert per_sample.shape == (len(y_pred),)
    w = (
        np.random.default_rng(7).uniform(0.0, 2.0, len(y_pred))
        if weighted
        else np.ones(len(y_pred))
    )
    value = make_loss(cls, from_logits, reduction)(
        y_true, y_pred, sample_weight=w if weighted else None
    )
    # Keras: 'sum_over_batch_size' and 'mean' divide the weighted sum by the number of values,
    # not by the sum of the weights
    expected = {
        "sum_over_batch_size": (w * per_sample).sum() / len(w),
        "mean": (w * per_sample).sum() / len(w),
        "sum": (w * per_sample).sum(),
        "none": w * per_sample,
    }[reduction]
    np.testing.assert_allclose(value, expected, rtol=1e-12)


def test_loss_names_are_keras_names():
    assert losses.MeanSquaredError().name == "mean_squared_error"
    assert losses.BinaryCrossentropy().name == "binary_crossentropy"
    assert losses.SparseCategoricalCrossentropy().name == "sparse_categorical_crossentropy"
    assert losses.MeanSquaredError().reduction == "sum_over_batch_size"


# ----------------------------------------------------------------------------- gradients ---


@pytest.mark.parametrize(
    ("kind", "reduction", "weighted"), list(itertools.product(KINDS, REDUCTIONS, [False, True]))
)
def test_gradient_matches_finite_differences(kind, reduction, weighted):
    cls, from_logits, y_true, y_pred = problem(kind, seed=8)
    loss = make_loss(cls, from_logits, reduction)
    w = np.random.default_rng(9).uniform(0.5, 2.0, len(y_pred)) if weighted else None
    analytic = loss.gradient(y_true, y_pred, sample_weight=w)
    assert analytic.shape == y_pred.shape and analytic.dtype == np.float64
    # for reduction='none' the gradient is that of the sum of the per-sample values
    numeric = numerical_gradient(lambda p: loss(y_true, p, sample_weight=w), y_pred.copy(), h=H)
    assert rel_error(analytic, numeric) < 1e-7


def assert_gradient_close(analytic, numeric):
    """Relative error < 1e-7 wherever finite differences can resolve it.

    A central difference with h = 1e-5 is accurate to about 1e-11 for a well-scaled function,
    but to ~1e-10 where third derivatives are large (log of a probability of 0.1), so an entry
    that is tiny by cancellation (softmax · Σp − p with soft targets, dx = Σ dout·W) cannot be
    checked to a relative 1e-7. Entries of at least 1e-2 are checked to a relative 1e-7, the
    smaller ones to an absolute 1e-9 (relative 1e-7 at 1e-2). The fixed-case tests use plain
    rel_error; this is for the hypothesis tests, which do draw such entries.
    """
    resolved = np.abs(numeric) >= 1e-2
    assert rel_error(analytic[resolved], numeric[resolved]) < 1e-7
    assert np.max(np.abs(analytic - numeric)[~resolved], initial=0.0) < 1e-9


@settings(max_examples=25, deadline=None)
@given(
    kind=st.sampled_from(KINDS),
    n=st.integers(1, 5),
    classes=st.integers(2, 5),
    seed=st.integers(0, 2**16),
)
def test_gradient_over_shapes(kind, n, classes, seed):
    cls, from_logits, y_true, y_pred = problem(kind, seed=seed, n=n, classes=classes)
    loss = make_loss(cls, from_logits)
    numeric = numerical_gradient(lambda p: loss(y_true, p), y_pred.copy(), h=H)
    assert_gradient_close(loss.gradient(y_true, y_pred), numeric)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gradient_keeps_the_prediction_dtype(dtype):
    for kind in KINDS:
        cls, from_logits, y_true, y_pred = problem(kind, seed=10)
        grad = make_loss(cls, from_logits).gradient(y_true, y_pred.astype(dtype))
        assert grad.dtype == dtype, kind


# Entries outside [0, 1] lie deep in the clipped region (clip(p) stays at ε or 1 − ε for p ± h),
# so the exact gradient there is zero; the other entries are ordinary.
CLIPPED = {
    "bce": (
        losses.BinaryCrossentropy(),
        np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]),
        np.array([[-0.2, 0.3], [1.2, 0.6], [0.7, 1.3]]),
        [(0, 0), (1, 0), (2, 1)],
    ),
    "cce": (
        losses.CategoricalCrossentropy(),
        np.array([[0.0, 1.0, 0.0], [0.2, 0.3, 0.5]]),
        # row 0 sums to 1.4 and its target class has r = -0.1 / 1.4 < ε: the whole sample's loss
        # is the constant -log ε, so its row of gradients is zero (the row sum couples the
        # entries, so a clipped entry of a sample whose target is not clipped has a gradient)
        np.array([[1.2, -0.1, 0.3], [0.5, 0.8, 0.3]]),
        [(0, 0), (0, 1), (0, 2)],
    ),
    "scce": (
        losses.SparseCategoricalCrossentropy(),
        np.array([1, 0]),
        np.array([[1.4, 0.3, 0.4], [0.2, -0.5, 0.6]]),
        [(0, 0), (1, 1)],
    ),
}


@pytest.mark.parametrize("kind", sorted(CLIPPED))
def test_gradient_is_zero_where_the_clip_is_active(kind):
    loss, y_true, y_pred, clipped = CLIPPED[kind]
    analytic = loss.gradient(y_true, y_pred)
    numeric = numerical_gradient(lambda p: loss(y_true, p), y_pred.copy(), h=H)
    assert rel_error(analytic, numeric) < 1e-7
    for index in clipped:
        assert analytic[index] == 0.0 and numeric[index] == 0.0, index
    assert np.count_nonzero(analytic) == analytic.size - len(clipped)


@pytest.mark.parametrize("kind", ["bce", "cce", "scce"])
def test_gradient_is_exactly_zero_inside_the_clipped_band(kind):
    """Predictions within ε of 0 or 1 (but inside [0, 1]) are clipped: zero gradient."""
    if kind == "bce":
        loss, y_true, y_pred = losses.BinaryCrossentropy(), np.array([[1.0, 0.0]]), None
        y_pred = np.array([[1e-9, 1 - 1e-9]])
    elif kind == "cce":
        loss, y_true = losses.CategoricalCrossentropy(), np.array([[0.0, 1.0, 0.0]])
        y_pred = np.array([[1.0, 1e-12, 1e-12]])  # r = q / Σq is within ε of 1, 0, 0
    else:
        loss, y_true = losses.SparseCategoricalCrossentropy(), np.array([2])
        y_pred = np.array([[1e-9, 1 - 1e-9, 1e-9]])
    analytic = loss.gradient(y_true, y_pred)
    # a step h = 1e-10 keeps every perturbed entry inside the clipped band
    numeric = numerical_gradient(lambda p: loss(y_true, p), y_pred.copy(), h=1e-10)
    np.testing.assert_array_equal(analytic, 0.0)
    np.testing.assert_array_equal(numeric, 0.0)
    assert np.isfinite(loss(y_true, y_pred))


# ----------------------------------------------------------------------------- stability ---

BIG = 1e4


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_binary_crossentropy_from_logits_at_plus_minus_1e4(dtype):
    z = np.array([[BIG], [-BIG], [BIG], [-BIG]], dtype=dtype)
    y = np.array([[1.0], [1.0], [0.0], [0.0]], dtype=dtype)
    loss = losses.BinaryCrossentropy(from_logits=True, reduction="none")
    with no_warnings():
        values = loss(y, z)
        grad = loss.gradient(y, z)
    np.testing.assert_allclose(values, [0.0, BIG, BIG, 0.0], rtol=1e-6)
    np.testing.assert_allclose(grad, [[0.0], [-1.0], [1.0], [0.0]], atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("sparse", [False, True])
def test_categorical_crossentropy_from_logits_at_plus_minus_1e4(sparse, dtype):
    z = np.array([[BIG, 0.0, -BIG]] * 3, dtype=dtype)
    labels = np.array([0, 1, 2])
    y = labels if sparse else np.eye(3, dtype=dtype)[labels]
    cls = losses.SparseCategoricalCrossentropy if sparse else losses.CategoricalCrossentropy
    loss = cls(from_logits=True, reduction="none")
    with no_warnings():
        values = loss(y, z)
        grad = loss.gradient(y, z)
    np.testing.assert_allclose(values, [0.0, BIG, 2 * BIG], rtol=1e-6)
    expected = np.array([[0.0, 0, 0], [1, -1, 0], [1, 0, -1]])
    np.testing.assert_allclose(grad, expected, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_crossentropies_from_probabilities_of_exactly_0_and_1(dtype):
    """Saturated probabilities (σ(±1e4), softmax of ±1e4) give the clipped, finite loss."""
    # the clip bounds as the working dtype stores them (in float32, 1 − 1e-7 rounds to
    # 1 − 1.19e-7, as in Keras)
    lo, hi = float(dtype(EPS)), float(dtype(1 - EPS))
    with no_warnings():
        bce = losses.binary_crossentropy(
            np.array([[1.0], [0.0], [1.0]]), np.array([[0.0], [1.0], [1.0]], dtype=dtype)
        )
        cce = losses.categorical_crossentropy(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]], dtype))
        scce = losses.sparse_categorical_crossentropy([1], np.array([[1.0, 0.0]], dtype))
        grads = [
            losses.BinaryCrossentropy().gradient([[1.0]], np.array([[0.0]], dtype)),
            losses.CategoricalCrossentropy().gradient([[0.0, 1.0]], np.array([[1.0, 0.0]], dtype)),
            losses.SparseCategoricalCrossentropy().gradient([1], np.array([[1.0, 0.0]], dtype)),
        ]
    np.testing.assert_allclose(bce, [-np.log(lo), -np.log(1 - hi), -np.log(hi)], rtol=1e-5)
    np.testing.assert_allclose(cce, [-np.log(lo)], rtol=1e-5)
    # log of the clipped row, then a log-softmax: −(log lo − log(hi + lo))
    np.testing.assert_allclose(scce, [np.log(hi + lo) - np.log(lo)], rtol=1e-5)
    for g in grads:
        assert np.isfinite(g).all()
        np.testing.assert_array_equal(g, 0.0)  # every entry is clipped


@pytest.mark.parametrize("kind", ["bce", "scce", "mse", "mae"])
def test_raw_plus_minus_1e4_predictions_give_finite_values_and_gradients(kind):
    """Predictions of ±1e4 given to a loss that expects probabilities or values."""
    p = np.array([[BIG, -BIG], [-BIG, BIG]])
    y = {"bce": np.array([[1.0, 0.0], [1.0, 0.0]]), "scce": np.array([0, 0])}.get(kind)
    if y is None:
        y = np.zeros((2, 2))
    loss = {
        "bce": losses.BinaryCrossentropy(),
        "scce": losses.SparseCategoricalCrossentropy(),
        "mse": losses.MeanSquaredError(),
        "mae": losses.MeanAbsoluteError(),
    }[kind]
    with no_warnings():
        value = loss(y, p)
        grad = loss.gradient(y, p)
    assert np.isfinite(value) and np.isfinite(grad).all()


# ----------------------------------------------------------------------------------- get ---


def test_get_accepts_keras_names_functions_and_instances():
    assert isinstance(losses.get("mse"), losses.MeanSquaredError)
    assert isinstance(losses.get("mean_absolute_error"), losses.MeanAbsoluteError)
    assert isinstance(losses.get("binary_crossentropy"), losses.BinaryCrossentropy)
    assert isinstance(losses.get("categorical_crossentropy"), losses.CategoricalCrossentropy)
    scce = losses.get("sparse_categorical_crossentropy")
    assert isinstance(scce, losses.SparseCategoricalCrossentropy) and not scce.from_logits
    assert isinstance(losses.get(losses.binary_crossentropy), losses.BinaryCrossentropy)
    mine = losses.BinaryCrossentropy(from_logits=True)
    assert losses.get(mine) is mine


def test_get_refuses_unknown_losses():
    with pytest.raises(ValueError, match=r"Unknown loss 'hinge_loss'.*Received: loss='hinge_loss'"):
        losses.get("hinge_loss")
    with pytest.raises(ValueError, match=r"gradient"):
        losses.get(lambda y, p: (y - p) ** 2)
    with pytest.raises(ValueError, match=r"`reduction`.*Received: reduction='average'"):
        losses.MeanSquaredError(reduction="average")


# ------------------------------------------------------------------ keras spot checks ---


def test_functions_agree_with_keras_losses(keras):
    rng = np.random.default_rng(11)
    n, c = 5, 4
    labels = rng.integers(0, c, n)
    one_hot = np.eye(c)[labels]
    z = rng.normal(scale=2.0, size=(n, c))
    q = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    q[0, :] = [1.0, 0.0, 0.0, 0.0]  # a saturated row: Keras' clip decides the value
    yb = rng.integers(0, 2, (n, c)).astype(float)
    pb = rng.uniform(0.0, 1.0, (n, c))
    pb[0, 0], pb[1, 1] = 0.0, 1.0
    kl = keras.losses
    checks = [
        (losses.mean_squared_error(one_hot, q), kl.mean_squared_error(one_hot, q)),
        (losses.mean_absolute_error(one_hot, q), kl.mean_absolute_error(one_hot, q)),
        (losses.binary_crossentropy(yb, pb), kl.binary_crossentropy(yb, pb)),
        (
            losses.binary_crossentropy(yb, z, from_logits=True),
            kl.binary_crossentropy(yb, z, from_logits=True),
        ),
        (losses.categorical_crossentropy(one_hot, q), kl.categorical_crossentropy(one_hot, q)),
        (
            losses.categorical_crossentropy(one_hot, z, from_logits=True),
            kl.categorical_crossentropy(one_hot, z, from_logits=True),
        ),
        (
            losses.sparse_categorical_crossentropy(labels, q),
            kl.sparse_categorical_crossentropy(labels, q),
        ),
        (
            losses.sparse_categorical_crossentropy(labels, z, from_logits=True),
            kl.sparse_categorical_crossentropy(labels, z, from_logits=True),
        ),
    ]
    for i, (ours, theirs) in enumerate(checks):
        np.testing.assert_allclose(ours, np.asarray(theirs), rtol=1e-7, err_msg=str(i))


def test_classes_with_reduction_and_sample_weight_agree_with_keras(keras):
    rng = np.random.default_rng(12)
    labels = rng.integers(0, 3, 6)
    z = rng.normal(size=(6, 3))
    w = rng.uniform(0.0, 2.0, 6)
    for reduction in ("sum_over_batch_size", "sum"):
        ours = losses.SparseCategoricalCrossentropy(from_logits=True, reduction=reduction)
        theirs = keras.losses.SparseCategoricalCrossentropy(
            from_logits=True, reduction=reduction, dtype="float64"
        )
        np.testing.assert_allclose(
            ours(labels, z, sample_weight=w),
            np.asarray(theirs(labels, z, sample_weight=w)),
            rtol=1e-7,
        )
    y = rng.integers(0, 2, (6, 1)).astype(float)
    p = rng.uniform(0.01, 0.99, (6, 1))
    np.testing.assert_allclose(
        losses.BinaryCrossentropy()(y, p, sample_weight=w),
        np.asarray(keras.losses.BinaryCrossentropy(dtype="float64")(y, p, sample_weight=w)),
        rtol=1e-7,
    )
