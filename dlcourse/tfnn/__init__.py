"""The TensorFlow twin of :mod:`dlcourse.nn`, module for module (chapters 3 and 4).

=============================  ==========================================================
``dlcourse.nn`` (NumPy)        ``dlcourse.tfnn`` (TensorFlow)
=============================  ==========================================================
``activations``                the same formulas in TF ops; derivatives by GradientTape
``losses``                     the same formulas in TF ops; classes are Keras' own
``layers``                     Keras' layers (``keras.layers.Dense``, …)
``optimizers``                 Keras' optimizers
``regularizers``               Keras' regularizers
``initializers``               Keras' initializers
``callbacks``                  Keras' callbacks
``metrics``                    Keras' accuracy functions
``models.Sequential``          ``keras.Sequential``
``utils.to_categorical``       ``keras.utils.to_categorical``
=============================  ==========================================================

and the bridge between the two halves: :func:`to_keras` (NumPy model → Keras model) and
:func:`from_keras` (Keras model → NumPy model), copying architecture and weights. Every pair is
checked by ``tests/parity``: same inputs, a random upstream gradient, outputs and every
gradient compared.

Importing this package imports TensorFlow (a few seconds). Before doing so it sets
``TF_CPP_MIN_LOG_LEVEL=2`` with ``os.environ.setdefault`` (so TensorFlow's C++ info lines are
hidden, and a value you set yourself wins). ``import dlcourse`` and ``import dlcourse.nn``
never import TensorFlow.
"""

from dlcourse.tfnn import (
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
from dlcourse.tfnn._backend import keras, tf
from dlcourse.tfnn.bridge import from_keras, to_keras
from dlcourse.tfnn.models import Sequential

__all__ = [
    "Sequential",
    "activations",
    "callbacks",
    "from_keras",
    "initializers",
    "keras",
    "layers",
    "losses",
    "metrics",
    "models",
    "optimizers",
    "regularizers",
    "tf",
    "to_keras",
    "utils",
]
