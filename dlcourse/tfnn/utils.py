"""Keras' ``to_categorical``, the twin of :func:`dlcourse.nn.utils.to_categorical`."""

from __future__ import annotations

from dlcourse.tfnn._backend import keras

__all__ = ["to_categorical"]

to_categorical = keras.utils.to_categorical
