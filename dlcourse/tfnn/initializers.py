"""Keras' initializers, the twins of :mod:`dlcourse.nn.initializers`.

Same class names and defaults; the random draws differ (NumPy's generator is not TensorFlow's),
which is why the parity tests copy weights across instead of re-drawing them.
"""

from __future__ import annotations

from dlcourse.tfnn._backend import keras

__all__ = [
    "Constant",
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "Initializer",
    "LecunNormal",
    "LecunUniform",
    "Ones",
    "RandomNormal",
    "RandomUniform",
    "VarianceScaling",
    "Zeros",
    "get",
]

Constant = keras.initializers.Constant
GlorotNormal = keras.initializers.GlorotNormal
GlorotUniform = keras.initializers.GlorotUniform
HeNormal = keras.initializers.HeNormal
HeUniform = keras.initializers.HeUniform
Initializer = keras.initializers.Initializer
LecunNormal = keras.initializers.LecunNormal
LecunUniform = keras.initializers.LecunUniform
Ones = keras.initializers.Ones
RandomNormal = keras.initializers.RandomNormal
RandomUniform = keras.initializers.RandomUniform
VarianceScaling = keras.initializers.VarianceScaling
Zeros = keras.initializers.Zeros


def get(identifier):
    """Keras' initializer for a name (``'glorot_uniform'``), a config or an instance."""
    return keras.initializers.get(identifier)
