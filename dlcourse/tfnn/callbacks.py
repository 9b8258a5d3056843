"""Keras' callbacks, the twins of :mod:`dlcourse.nn.callbacks` (same hook names)."""

from __future__ import annotations

from dlcourse.tfnn._backend import keras

__all__ = ["Callback", "EarlyStopping", "History", "LambdaCallback"]

Callback = keras.callbacks.Callback
History = keras.callbacks.History
EarlyStopping = keras.callbacks.EarlyStopping
LambdaCallback = keras.callbacks.LambdaCallback
