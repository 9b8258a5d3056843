"""Keras' optimizers, the twins of :mod:`dlcourse.nn.optimizers` (chapter 3).

The NumPy optimizers implement Keras 3's update formulas with the same names and defaults;
``tests/parity/test_parity_optimizers.py`` runs every optimizer and variant (SGD plain, momentum
and Nesterov; Adagrad; RMSprop plain, momentum and centered; Adam plain and AMSGrad; weight
decay and clipping) over 25 steps of one gradient sequence on both sides, in float64 and float32.

One difference to know: a Keras optimizer keeps ``learning_rate`` in a variable of
``keras.config.floatx()`` (float32 by default), so on float64 weights it steps with
``float32(α)``: 0.001 becomes 0.0010000000474974513. The NumPy optimizer uses ``α`` itself.
"""

from __future__ import annotations

from dlcourse.tfnn._backend import keras

__all__ = ["SGD", "Adagrad", "Adam", "Optimizer", "RMSprop", "get"]

Optimizer = keras.optimizers.Optimizer
SGD = keras.optimizers.SGD
Adagrad = keras.optimizers.Adagrad
RMSprop = keras.optimizers.RMSprop
Adam = keras.optimizers.Adam


def get(identifier):
    """Keras' optimizer for a name (``'adam'``), a config dict or an optimizer."""
    return keras.optimizers.get(identifier)
