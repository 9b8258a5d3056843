"""Tests of dlcourse.data.tabular: scikit-learn's offline sets and the feature helpers."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from dlcourse.data import (
    TABULAR_SETS,
    fisher_scores,
    load_breast_cancer,
    load_digits,
    load_tabular,
    quadratic_features,
    select_features,
    tabular_feature_names,
)

# --- digits -----------------------------------------------------------------------------------


def test_digits_images_and_rows():
    x, y = load_digits()
    assert x.shape == (1797, 8, 8, 1) and x.dtype == np.float32
    assert y.shape == (1797,) and y.dtype == np.int64
    assert sorted(set(y.tolist())) == list(range(10))
    assert x.min() == 0.0 and x.max() == 1.0
    flat, y_flat = load_digits(flat=True)
    assert flat.shape == (1797, 64)
    np.testing.assert_array_equal(flat, x.reshape(1797, 64))
    np.testing.assert_array_equal(y, y_flat)


def test_digits_unscaled_are_ink_counts():
    from sklearn.datasets import load_digits as sk_load_digits

    raw, _ = load_digits(flat=True, scale=False)
    np.testing.assert_array_equal(raw, sk_load_digits().data)
    assert raw.max() == 16 and np.array_equal(raw, np.round(raw))
    scaled, _ = load_digits(flat=True)
    np.testing.assert_array_equal(scaled, raw / np.float32(16))


def test_digits_bad_arguments():
    with pytest.raises(ValueError, match="`flat` must be True or False. Received: flat='yes'"):
        load_digits(flat="yes")
    with pytest.raises(ValueError, match="`scale` must be True or False. Received: scale=1"):
        load_digits(scale=1)


# --- tabular sets -----------------------------------------------------------------------------


def test_breast_cancer():
    x, y = load_breast_cancer()
    assert x.shape == (569, 30) and x.dtype == np.float32
    assert y.dtype == np.int64
    assert np.bincount(y).tolist() == [212, 357]  # malignant, benign (UCI's published counts)
    assert tabular_feature_names("breast_cancer")[:2] == ["mean radius", "mean texture"]


@pytest.mark.parametrize("name", sorted(TABULAR_SETS))
def test_tabular_sets_have_their_declared_sizes(name):
    rows, features, classes = TABULAR_SETS[name]
    x, y = load_tabular(name)
    assert x.shape == (rows, features) and x.dtype == np.float32 and np.isfinite(x).all()
    assert sorted(set(y.tolist())) == list(range(classes))
    assert len(tabular_feature_names(name)) == features


def test_unknown_tabular_set():
    with pytest.raises(ValueError, match=r"`name` must be one of .*Received: name='titanic'"):
        load_tabular("titanic")


def test_import_is_light():
    code = (
        "import sys, dlcourse.data; "
        "print(sorted(m for m in ('sklearn', 'tensorflow', 'keras', 'urllib.request') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- feature scores and selection -------------------------------------------------------------


def test_fisher_scores_by_hand():
    y = np.array([0, 0, 1, 1])
    x = np.array(
        [
            [0.0, 1.0, 0.0, 5.0],
            [0.0, 3.0, 2.0, 5.0],
            [2.0, 1.0, 2.0, 5.0],
            [2.0, 3.0, 4.0, 5.0],
        ]
    )
    # col 0: constant within classes, means differ -> inf; col 1: equal class means -> 0;
    # col 2: class means 1 and 3 around 2, variances 1 -> (2·1 + 2·1) / (2·1 + 2·1) = 1;
    # col 3: constant -> 0.
    np.testing.assert_array_equal(fisher_scores(x, y), [np.inf, 0.0, 1.0, 0.0])


def test_fisher_scores_match_scikit_learn_anova_f():
    from sklearn.feature_selection import f_classif

    x, y = load_tabular("wine")
    x = x.astype(np.float64)
    n, k = len(y), 3
    f_values, _ = f_classif(x, y)
    # F = (between / (k − 1)) / (within / (n − k)), so F = fisher · (n − k) / (k − 1).
    np.testing.assert_allclose(fisher_scores(x, y) * (n - k) / (k - 1), f_values, rtol=1e-7)


def test_fisher_scores_ignore_shift_and_scale():
    x, y = load_breast_cancer()
    x = x.astype(np.float64)
    scale = np.linspace(0.01, 100.0, 30)
    np.testing.assert_allclose(fisher_scores(x * scale - 7.0, y), fisher_scores(x, y), rtol=1e-7)


def test_select_features_takes_the_best_first():
    x, y = load_breast_cancer()
    scores = fisher_scores(x, y)
    cols = select_features(x, y, k=8)
    assert cols.shape == (8,) and cols.dtype == np.int64 and len(set(cols.tolist())) == 8
    assert np.all(np.diff(scores[cols]) <= 0)
    rest = np.setdiff1d(np.arange(30), cols)
    assert scores[cols].min() >= scores[rest].max()


def test_select_features_breaks_ties_by_column_order():
    # 40 weak copies then 40 strong copies of a feature: exact ties within each group.
    weak, strong = np.array([0.0, 1.0, 1.0, 2.0]), np.array([0.0, 0.0, 1.0, 1.1])
    x = np.column_stack([weak] * 40 + [strong] * 40)
    y = np.array([0, 0, 1, 1])
    assert select_features(x, y, k=45).tolist() == list(range(40, 80)) + list(range(5))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"k": 0}, r"`k` must be a positive integer. Received: k=0"),
        ({"k": 31}, r"`k` must be at most the number of features, 30. Received: k=31"),
        ({"k": 2.0}, r"Received: k=2.0"),
    ],
)
def test_select_features_bad_k(kwargs, match):
    x, y = load_breast_cancer()
    with pytest.raises(ValueError, match=match):
        select_features(x, y, **kwargs)


def test_fisher_scores_bad_input():
    x = np.ones((4, 2))
    with pytest.raises(ValueError, match="at least two classes"):
        fisher_scores(x, [1, 1, 1, 1])
    with pytest.raises(ValueError, match="same number of samples"):
        fisher_scores(x, [0, 1, 0])
    with pytest.raises(ValueError, match="`x` must be 2-dimensional"):
        fisher_scores(np.ones(4), [0, 1, 0, 1])
    with pytest.raises(ValueError, match="`x` must be finite"):
        fisher_scores([[np.nan, 1.0], [1.0, 2.0]], [0, 1])


# --- quadratic features -----------------------------------------------------------------------


def test_quadratic_features_by_hand():
    out = quadratic_features(np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 2.0]]))
    np.testing.assert_array_equal(
        out,
        [[1, 2, 3, 1, 2, 3, 4, 6, 9], [0, -1, 2, 0, 0, 0, 1, -2, 4]],
    )


def test_quadratic_features_widen_breast_cancer_to_a_hundred_inputs():
    x, y = load_breast_cancer()
    wide = quadratic_features(x)
    assert wide.shape == (569, 30 + 30 * 31 // 2) and wide.dtype == np.float32
    cols = select_features(wide, y, k=100)
    assert wide[:, cols].shape == (569, 100)


def test_quadratic_features_bad_input():
    with pytest.raises(ValueError, match="`x` must be 2-dimensional"):
        quadratic_features(np.ones(3))
