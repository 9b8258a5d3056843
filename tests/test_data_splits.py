"""Tests of dlcourse.data.splits: seeded splits, one-hot labels, standardisation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcourse.data import Standardizer, one_hot, standardize, train_val_test_split
from dlcourse.data.splits import make_rng

# --- train_val_test_split ---------------------------------------------------------------------


def ids_and_labels(sizes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Row ``i`` holds its own index, so pairing and partition can be checked."""
    y = np.repeat(np.arange(len(sizes)), sizes)
    x = np.arange(len(y)) * 10
    return x, y


def test_sizes_partition_and_pairing():
    x, y = ids_and_labels([500, 300, 200])
    (x_tr, y_tr), (x_va, y_va), (x_te, y_te) = train_val_test_split(x, y)
    assert (len(x_tr), len(x_va), len(x_te)) == (700, 150, 150)
    np.testing.assert_array_equal(np.sort(np.concatenate([x_tr, x_va, x_te])), x)
    for xs, ys in [(x_tr, y_tr), (x_va, y_va), (x_te, y_te)]:
        np.testing.assert_array_equal(ys, y[xs // 10])


def test_stratified_counts_are_proportional():
    x, y = ids_and_labels([500, 300, 200])
    (_, y_tr), (_, y_va), (_, y_te) = train_val_test_split(x, y, val=0.2, test=0.1, seed=4)
    assert np.bincount(y_te).tolist() == [50, 30, 20]
    assert np.bincount(y_va).tolist() == [100, 60, 40]
    assert np.bincount(y_tr).tolist() == [350, 210, 140]


def test_stratified_rounding_by_largest_remainder():
    # 10 rows, classes of 7 and 3; 2 test rows: quotas 1.4 and 0.6 -> 1 and 1.
    x, y = ids_and_labels([7, 3])
    (_, y_tr), (_, y_va), (_, y_te) = train_val_test_split(x, y, val=0.2, test=0.2)
    assert np.bincount(y_te, minlength=2).tolist() == [1, 1]
    assert np.bincount(y_va, minlength=2).tolist() == [1, 1]
    assert np.bincount(y_tr, minlength=2).tolist() == [5, 1]


@settings(max_examples=40, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 30), min_size=1, max_size=5),
    val=st.floats(0.05, 0.45),
    test=st.floats(0.05, 0.45),
    seed=st.integers(0, 2**32),
)
def test_stratified_split_properties(sizes, val, test, seed):
    x, y = ids_and_labels(sizes)
    n = len(y)
    n_test, n_val = round(test * n), round(val * n)
    if min(n_test, n_val, n - n_test - n_val) <= 0:
        with pytest.raises(ValueError, match="leaves an empty split"):
            train_val_test_split(x, y, val=val, test=test, seed=seed)
        return
    parts = train_val_test_split(x, y, val=val, test=test, seed=seed)
    assert [len(p[0]) for p in parts] == [n - n_test - n_val, n_val, n_test]
    np.testing.assert_array_equal(np.sort(np.concatenate([p[0] for p in parts])), x)
    test_counts = np.bincount(parts[2][1], minlength=len(sizes))
    assert np.all(np.abs(test_counts - test * np.array(sizes)) < 1)


def test_unstratified_split_of_regression_targets():
    x = np.arange(20.0).reshape(10, 2)
    y = x[:, 0] * 0.25  # 0, 0.5, 1, ...: not class labels
    (x_tr, y_tr), (x_va, y_va), (x_te, y_te) = train_val_test_split(
        x, y, val=0.2, test=0.3, stratify=False
    )
    assert (len(x_tr), len(x_va), len(x_te)) == (5, 2, 3)
    np.testing.assert_array_equal(
        np.concatenate([y_tr, y_va, y_te]) * 4, np.concatenate([x_tr, x_va, x_te])[:, 0]
    )
    with pytest.raises(ValueError, match=r"y\[1\]=0.5 is not a whole number"):
        train_val_test_split(x, y, val=0.2, test=0.3)


def test_split_is_seeded_and_shuffled():
    x, y = ids_and_labels([60, 40])
    a = train_val_test_split(x, y, seed=1)
    b = train_val_test_split(x, y, seed=1)
    c = train_val_test_split(x, y, seed=2)
    np.testing.assert_array_equal(a[0][0], b[0][0])
    assert not np.array_equal(a[0][0], c[0][0])
    assert np.any(np.diff(a[0][0]) < 0)  # not in the original order


def test_split_keeps_image_shapes():
    x = np.zeros((40, 8, 8, 1), np.float32)
    y = np.arange(40) % 4
    (x_tr, _), (x_va, _), (x_te, _) = train_val_test_split(x, y)
    assert x_tr.shape == (28, 8, 8, 1) and x_va.shape == (6, 8, 8, 1) and x_te.shape == (6, 8, 8, 1)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"val": 0}, r"`val` must be a fraction strictly between 0 and 1. Received: val=0"),
        ({"test": 1.0}, r"`test` must be a fraction strictly between 0 and 1"),
        ({"val": -0.1}, r"Received: val=-0.1"),
        ({"val": "a"}, r"Received: val='a'"),
        ({"val": 0.5, "test": 0.5}, r"must sum to less than 1 .*Received: val=0.5, test=0.5"),
        ({"seed": -3}, r"`seed` must be a non-negative integer or None. Received: seed=-3"),
    ],
)
def test_split_bad_arguments(kwargs, match):
    x, y = ids_and_labels([10, 10])
    with pytest.raises(ValueError, match=match):
        train_val_test_split(x, y, **kwargs)


def test_split_bad_data():
    x, y = ids_and_labels([10, 10])
    with pytest.raises(ValueError, match=r"same number of samples. Received: x with 20 samples"):
        train_val_test_split(x, y[:-1])
    with pytest.raises(ValueError, match=r"Splitting 3 samples .* leaves an empty split"):
        train_val_test_split(x[:3], y[:3])
    with pytest.raises(ValueError, match="one-hot labels can be turned back"):
        train_val_test_split(x, np.eye(2)[y])
    with pytest.raises(ValueError, match="one row per sample"):
        train_val_test_split(np.float64(3.0), 1)


def test_make_rng_is_reproducible():
    assert (
        make_rng(7).integers(1000, size=5).tolist() == make_rng(7).integers(1000, size=5).tolist()
    )
    assert isinstance(make_rng(None), np.random.Generator)
    with pytest.raises(ValueError, match="Received: seed=True"):
        make_rng(True)


# --- one_hot ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "y, num_classes, expected_classes",
    [
        ([0, 2, 1, 2], None, 3),
        ([0, 2, 1, 2], 5, 5),
        (np.array([[1], [0], [3]], dtype=np.uint8), None, 4),
        ([1.0, 0.0], None, 2),
        ([True, False], None, 2),
    ],
)
def test_one_hot_matches_identity_rows(y, num_classes, expected_classes):
    out = one_hot(y, num_classes)
    labels = np.asarray(y).reshape(-1).astype(int)
    assert out.dtype == np.float32 and out.shape == (len(labels), expected_classes)
    np.testing.assert_array_equal(out, np.eye(expected_classes, dtype=np.float32)[labels])


def test_one_hot_of_nothing():
    assert one_hot(np.array([], dtype=int), 3).shape == (0, 3)
    with pytest.raises(ValueError, match="`num_classes` is needed when `y` is empty"):
        one_hot([])


@pytest.mark.parametrize(
    "y, num_classes, match",
    [
        ([0, -1], None, r"non-negative class labels, but y\[1\]=-1"),
        ([0, 1.5], None, r"y\[1\]=1.5 is not a whole number"),
        ([0, np.nan], None, r"y\[1\]=nan is not a whole number"),
        ([0, 3], 3, r"holds label 3 \(at index 1\), which is not below num_classes=3"),
        ([0, 1], 0, r"`num_classes` must be a positive integer. Received: num_classes=0"),
        ([0, 1], 2.0, r"Received: num_classes=2.0"),
        (np.eye(3), None, r"1-D array of integer class labels"),
        (["a", "b"], None, r"must hold integer class labels"),
    ],
)
def test_one_hot_bad_input(y, num_classes, match):
    with pytest.raises(ValueError, match=match):
        one_hot(y, num_classes)


# --- Standardizer -----------------------------------------------------------------------------


@pytest.fixture
def features():
    rng = np.random.default_rng(0)
    train = rng.normal([5.0, -2.0, 100.0], [2.0, 0.1, 30.0], size=(50, 3))
    test = rng.normal(size=(7, 3))
    return train, test


def test_standardizer_learns_from_train_and_applies_to_others(features):
    train, test = features
    scaler = Standardizer().fit(train)
    z_train, z_test = scaler.transform(train), scaler.transform(test)
    np.testing.assert_allclose(z_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(z_train.std(axis=0), 1, rtol=1e-12)
    mean = train.sum(axis=0) / len(train)
    std = np.sqrt(((train - mean) ** 2).sum(axis=0) / len(train))
    np.testing.assert_allclose(scaler.mean, mean, rtol=1e-12)
    np.testing.assert_allclose(scaler.std, std, rtol=1e-12)
    np.testing.assert_allclose(z_test, (test - mean) / std, rtol=1e-12)
    np.testing.assert_allclose(scaler.inverse_transform(z_test), test, rtol=1e-12)
    np.testing.assert_array_equal(Standardizer().fit_transform(train), z_train)
    for got, want in zip(standardize(train, test), (z_train, z_test), strict=True):
        np.testing.assert_array_equal(got, want)


def test_standardizer_constant_column_becomes_zero_without_warnings():
    x = np.array([[1.0, 3.0], [2.0, 3.0], [4.0, 3.0]])
    with np.errstate(all="raise"):
        scaler = Standardizer().fit(x)
        z = scaler.transform(x)
    assert scaler.std[1] == 0 and scaler.scale[1] == 1
    np.testing.assert_array_equal(z[:, 1], [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(scaler.transform([[0.0, 5.0]])[:, 1], [2.0])


def test_standardizer_dtypes_and_images():
    x32 = np.arange(24, dtype=np.float32).reshape(6, 2, 2)
    assert Standardizer().fit_transform(x32).dtype == np.float32
    assert Standardizer().fit_transform(np.arange(6).reshape(3, 2)).dtype == np.float32
    z = Standardizer().fit_transform(x32)
    assert z.shape == (6, 2, 2)
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-6)


def test_standardizer_bad_input(features):
    train, _ = features
    with pytest.raises(RuntimeError, match="not fitted yet"):
        Standardizer().transform(train)
    scaler = Standardizer().fit(train)
    with pytest.raises(
        ValueError, match=r"fitted on features of shape \(3,\), received x of shape \(4, 2\)"
    ):
        scaler.transform(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="`x` must be finite"):
        Standardizer().fit(np.array([[1.0, np.nan], [2.0, 3.0]]))
    with pytest.raises(ValueError, match="at least 2 dimension"):
        Standardizer().fit(np.arange(5.0))
    with pytest.raises(ValueError, match="at least one row"):
        Standardizer().fit(np.zeros((0, 3)))
