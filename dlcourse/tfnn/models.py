"""Keras' ``Sequential``, the twin of :class:`dlcourse.nn.Sequential` (chapter 4)."""

from __future__ import annotations

from dlcourse.tfnn._backend import keras

__all__ = ["Sequential"]

Sequential = keras.Sequential
