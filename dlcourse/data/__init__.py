"""Data for the course: small sets that ship offline, generated sets, MNIST, splits.

Chapter 4 trains the documents' models on real data that needs no network; chapters 2, 3, 5 and 6
use the generated sets for pictures and experiments. Everything random takes a ``seed``.

============================  ==============================================================
Offline, real                 :func:`load_digits` (8×8 handwritten digits, 1,797 images),
                              :func:`load_breast_cancer` (binary, 569 × 30),
                              :func:`load_tabular` (``"breast_cancer"``, ``"iris"``, ``"wine"``)
Generated, 2-D                :func:`make_xor`, :func:`xor_table`, :func:`make_moons`,
                              :func:`make_circles`, :func:`make_blobs`, :func:`make_spirals`
Features                      :func:`fisher_scores`, :func:`select_features`,
                              :func:`quadratic_features`
MNIST (files or download)     :func:`load_mnist`, :func:`mnist_search_dirs`, :func:`read_idx`,
                              :func:`verify_file`
Preparing                     :func:`train_val_test_split`, :func:`one_hot`,
                              :class:`Standardizer`, :func:`standardize`
============================  ==============================================================

``import dlcourse.data`` is cheap: scikit-learn is imported only inside the loaders that use it,
``urllib`` only when a download starts, and TensorFlow never.
"""

from dlcourse.data.mnist import (
    DEFAULT_MIRRORS,
    KNOWN_FILES,
    load_mnist,
    mnist_search_dirs,
    read_idx,
    verify_file,
)
from dlcourse.data.splits import Standardizer, one_hot, standardize, train_val_test_split
from dlcourse.data.synthetic import (
    make_blobs,
    make_circles,
    make_moons,
    make_spirals,
    make_xor,
    xor_table,
)
from dlcourse.data.tabular import (
    TABULAR_SETS,
    fisher_scores,
    load_breast_cancer,
    load_digits,
    load_tabular,
    quadratic_features,
    select_features,
    tabular_feature_names,
)

__all__ = [
    "DEFAULT_MIRRORS",
    "KNOWN_FILES",
    "TABULAR_SETS",
    "Standardizer",
    "fisher_scores",
    "load_breast_cancer",
    "load_digits",
    "load_mnist",
    "load_tabular",
    "make_blobs",
    "make_circles",
    "make_moons",
    "make_spirals",
    "make_xor",
    "mnist_search_dirs",
    "one_hot",
    "quadratic_features",
    "read_idx",
    "select_features",
    "standardize",
    "tabular_feature_names",
    "train_val_test_split",
    "verify_file",
    "xor_table",
]
