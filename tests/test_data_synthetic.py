"""Tests of dlcourse.data.synthetic: the generated 2-D sets follow their formulas and seeds."""

from __future__ import annotations

import numpy as np
import pytest

from dlcourse.data import (
    make_blobs,
    make_circles,
    make_moons,
    make_spirals,
    make_xor,
    xor_table,
)

GENERATORS = [make_xor, make_moons, make_circles, make_blobs, make_spirals]


def sorted_rows(x: np.ndarray) -> np.ndarray:
    return x[np.lexsort(x.T[::-1])]


@pytest.mark.parametrize("make", GENERATORS)
@pytest.mark.parametrize("n", [1, 7, 200])
def test_shapes_and_types(make, n):
    x, y = make(n=n)
    assert x.shape == (n, 2) and x.dtype == np.float32
    assert y.shape == (n,) and y.dtype == np.int64
    assert np.isfinite(x).all()


@pytest.mark.parametrize("make", GENERATORS)
def test_same_seed_same_data_other_seed_other_data(make):
    x1, y1 = make(n=50, seed=3)
    x2, y2 = make(n=50, seed=3)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    x3, _ = make(n=50, seed=4)
    assert not np.array_equal(x1, x3)


@pytest.mark.parametrize("make", GENERATORS)
def test_global_random_state_is_untouched(make):
    # The legacy global state is read on purpose: the generators must leave it alone.
    before = np.random.get_state()[1].copy()  # noqa: NPY002
    make(n=30, seed=None)
    make(n=30, seed=1)
    np.testing.assert_array_equal(np.random.get_state()[1], before)  # noqa: NPY002


@pytest.mark.parametrize("make", [make_moons, make_circles, make_blobs, make_spirals])
def test_rows_are_shuffled(make):
    _, y = make(n=200)
    assert (np.diff(y) != 0).sum() > 10  # labels in class order would change once per class


def test_xor_rows_are_shuffled():
    x, _ = make_xor(n=200, noise=0)
    corner = (2 * x[:, 0] + x[:, 1]).astype(int)
    assert (corner != np.arange(200) % 4).sum() > 100  # not the corners' turn-taking order


def test_xor_table_is_exclusive_or():
    x, y = xor_table()
    assert x.dtype == np.float32 and y.dtype == np.int64
    assert x.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert y.tolist() == [0, 1, 1, 0]


def test_xor_without_noise_repeats_the_corners():
    x, y = make_xor(n=10, noise=0)
    corners = [tuple(row) for row in x.tolist()]
    assert sorted(corners) == sorted([(0, 0)] * 3 + [(0, 1)] * 3 + [(1, 0)] * 2 + [(1, 1)] * 2)
    np.testing.assert_array_equal(y, (x[:, 0] != x[:, 1]).astype(np.int64))


def test_xor_noise_has_the_asked_standard_deviation():
    # Same seed, noise 0: the same corners in the same order, so the difference is the noise.
    x, y = make_xor(n=40_000, noise=0.3, seed=5)
    clean_x, clean_y = make_xor(n=40_000, noise=0.0, seed=5)
    np.testing.assert_array_equal(y, clean_y)
    np.testing.assert_array_equal(y, (clean_x[:, 0] != clean_x[:, 1]).astype(np.int64))
    noise = x.astype(np.float64) - clean_x
    # 80,000 draws: standard errors ≈ 0.001 for the mean and 0.00075 for the deviation.
    assert abs(noise.std() - 0.3) < 0.004 and abs(noise.mean()) < 0.005


@pytest.mark.parametrize("n", [9, 10])
def test_moons_match_scikit_learn_without_noise(n):
    from sklearn.datasets import make_moons as sk_moons

    x, y = make_moons(n=n, noise=0)
    x_sk, y_sk = sk_moons(n_samples=n, noise=0, shuffle=False)
    for label in (0, 1):
        np.testing.assert_allclose(
            sorted_rows(x[y == label].astype(np.float64)),
            sorted_rows(x_sk[y_sk == label]),
            atol=1e-7,
        )


@pytest.mark.parametrize("n", [9, 10])
def test_circles_match_scikit_learn_without_noise(n):
    from sklearn.datasets import make_circles as sk_circles

    x, y = make_circles(n=n, noise=0, factor=0.3)
    x_sk, y_sk = sk_circles(n_samples=n, noise=0, factor=0.3, shuffle=False)
    for label in (0, 1):
        np.testing.assert_allclose(
            sorted_rows(x[y == label].astype(np.float64)),
            sorted_rows(x_sk[y_sk == label]),
            atol=1e-7,
        )
    radii = np.hypot(x[:, 0], x[:, 1])
    np.testing.assert_allclose(radii, np.where(y == 0, 1.0, 0.3), rtol=1e-6)


def test_blobs_without_noise_sit_on_their_centres():
    centres = np.array([[10.0, -1.0], [-3.0, 4.0], [0.5, 0.5]])
    x, y = make_blobs(n=9, centers=centres, noise=0)
    np.testing.assert_array_equal(x, centres[y].astype(np.float32))
    assert np.bincount(y).tolist() == [3, 3, 3]


def test_blobs_default_centres_are_on_a_circle():
    x, y = make_blobs(n=7, centers=3, noise=0)
    angles = 2 * np.pi * y / 3
    expected = 2.5 * np.column_stack([np.cos(angles), np.sin(angles)])
    np.testing.assert_allclose(x, expected, rtol=1e-6, atol=1e-6)
    assert np.bincount(y).tolist() == [3, 2, 2]


def test_blobs_have_the_asked_spread():
    x, y = make_blobs(n=40_000, noise=0.7, seed=2)
    for label, centre in enumerate([(2.5, 0.0), (-2.5, 0.0)]):
        cloud = x[y == label].astype(np.float64)
        # 20,000 draws: the mean is within 4 standard errors (0.7 / √20000 ≈ 0.005) ...
        np.testing.assert_allclose(cloud.mean(axis=0), centre, atol=0.02)
        # ... and the standard deviation within 4 of its standard errors (≈ 0.0035).
        np.testing.assert_allclose(cloud.std(axis=0), [0.7, 0.7], atol=0.014)


@pytest.mark.parametrize("classes, turns", [(2, 1.0), (3, 1.5)])
def test_spirals_follow_their_formula(classes, turns):
    x, y = make_spirals(n=61, classes=classes, noise=0, turns=turns)
    x = x.astype(np.float64)
    sizes = np.bincount(y)
    assert sizes.max() - sizes.min() <= 1 and sizes.sum() == 61
    r = np.hypot(x[:, 0], x[:, 1])
    assert r.min() == pytest.approx(0.1, rel=1e-6) and r.max() == pytest.approx(1.0, rel=1e-6)
    t = (r - 0.1) / 0.9
    expected_angle = 2 * np.pi * (turns * t + y / classes)
    gap = np.angle(np.exp(1j * (np.arctan2(x[:, 1], x[:, 0]) - expected_angle)))
    np.testing.assert_allclose(gap, 0, atol=1e-5)


@pytest.mark.parametrize("make", GENERATORS)
@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n": 0}, r"`n` must be a positive integer. Received: n=0"),
        ({"n": 2.5}, r"`n` must be a positive integer. Received: n=2.5"),
        ({"n": True}, r"`n` must be a positive integer"),
        ({"noise": -0.1}, r"`noise` must be a non-negative number. Received: noise=-0.1"),
        ({"noise": float("nan")}, r"`noise` must be a non-negative number"),
        ({"seed": -1}, r"`seed` must be a non-negative integer or None. Received: seed=-1"),
        ({"seed": 1.5}, r"`seed` must be a non-negative integer or None"),
    ],
)
def test_bad_common_arguments(make, kwargs, match):
    with pytest.raises(ValueError, match=match):
        make(**kwargs)


@pytest.mark.parametrize(
    "make, kwargs, match",
    [
        (make_circles, {"factor": 1.0}, r"`factor` must be a number strictly between 0 and 1"),
        (make_circles, {"factor": 0}, r"Received: factor=0"),
        (make_spirals, {"classes": 1}, r"`classes` must be an integer of at least 2"),
        (make_spirals, {"turns": 0}, r"`turns` must be a positive number"),
        (make_blobs, {"centers": 0}, r"`centers` must be a positive integer. Received: centers=0"),
        (make_blobs, {"centers": np.zeros((3, 3))}, r"array of shape \(K, 2\). Received: shape"),
        (make_blobs, {"centers": [[0, np.inf]]}, r"`centers` must be finite"),
    ],
)
def test_bad_specific_arguments(make, kwargs, match):
    with pytest.raises(ValueError, match=match):
        make(**kwargs)
