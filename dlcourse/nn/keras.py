"""The ``keras`` namespace of the NumPy reference, for the documents' ``tf.keras.…`` code.

The documents write Keras code three ways; each runs on NumPy by changing only its imports:

==========================================  ===============================================
document's import                           NumPy reference
==========================================  ===============================================
``from tensorflow.keras.models import …``   ``from dlcourse.nn.models import Sequential``
``from keras.layers import Dense``          ``from dlcourse.nn.layers import Dense``
``from tensorflow import keras``            ``from dlcourse.nn import keras``
``import tensorflow as tf`` (``tf.keras``)  ``import dlcourse.nn as tf``
==========================================  ===============================================

This module only gathers names; everything lives in :mod:`dlcourse.nn`.
"""

from dlcourse.nn import (
    activations,
    callbacks,
    initializers,
    layers,
    losses,
    metrics,
    models,
    optimizers,
    regularizers,
    utils,
)
from dlcourse.nn.layers import InputLayer
from dlcourse.nn.models import Sequential

__all__ = [
    "Input",
    "Sequential",
    "activations",
    "callbacks",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "models",
    "optimizers",
    "regularizers",
    "utils",
]


def Input(shape, name: str | None = None, dtype=None) -> InputLayer:  # noqa: N802 - Keras' name
    """``keras.Input(shape=...)``: the first entry of a ``Sequential`` list."""
    return InputLayer(shape, name=name, dtype=dtype)
