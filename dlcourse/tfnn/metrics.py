"""Keras' accuracy functions, the twins of :mod:`dlcourse.nn.metrics` (chapters 3 and 6).

Each takes ``(y_true, y_pred)`` and returns one value per sample; ``compile(metrics=['accuracy'])``
picks binary, categorical or sparse accuracy from the loss and the output size in both packages.
"""

from __future__ import annotations

from dlcourse.tfnn._backend import keras

__all__ = ["binary_accuracy", "categorical_accuracy", "get", "sparse_categorical_accuracy"]

binary_accuracy = keras.metrics.binary_accuracy
categorical_accuracy = keras.metrics.categorical_accuracy
sparse_categorical_accuracy = keras.metrics.sparse_categorical_accuracy
get = keras.metrics.get
