"""Keras' weight penalties, the twins of :mod:`dlcourse.nn.regularizers` (chapter 3, 正则化).

``L1(l1)``: ``l1 · Σ|W|``; ``L2(l2)``: ``l2 · ΣW²`` (no ½, so the gradient is ``2·l2·W``);
``L1L2(l1, l2)``: both. Calling one on a weight tensor returns the penalty; its gradient comes
from ``tf.GradientTape`` (TensorFlow's gradient of ``|w|`` at 0 is ``sign(0) = 0``, the
subgradient the NumPy reference uses too). A Keras layer adds its penalties to ``layer.losses``
and ``fit`` adds them to the loss, as the NumPy ``Sequential`` does.
"""

from __future__ import annotations

from dlcourse.tfnn._backend import keras

__all__ = ["L1", "L1L2", "L2", "Regularizer", "get", "l1", "l1_l2", "l2"]

Regularizer = keras.regularizers.Regularizer
L1 = keras.regularizers.L1
L2 = keras.regularizers.L2
L1L2 = keras.regularizers.L1L2
l1 = L1
l2 = L2
l1_l2 = L1L2


def get(identifier):
    """Keras' regularizer for None, a name (``'l2'``) or an instance."""
    return keras.regularizers.get(identifier)
