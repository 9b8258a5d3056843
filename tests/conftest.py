"""Shared fixtures of the unit tests.

``keras`` gives the real Keras 3 (TensorFlow backend) to the few spot checks that compare the
NumPy reference with it; the test is skipped where TensorFlow is not installed. TensorFlow is
imported only when a test asks for the fixture, so the NumPy tests never load it.
"""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session")
def keras():
    """The ``keras`` module (TensorFlow backend), or skip the test without TensorFlow."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # silence TensorFlow's C++ start-up log
    pytest.importorskip("tensorflow")
    import keras as keras_module

    if keras_module.backend.backend() != "tensorflow":  # pragma: no cover - other backends
        pytest.skip("the spot checks compare with Keras on its TensorFlow backend")
    return keras_module
