"""The NumPy reference: neural networks from scratch, mirroring Keras' public API.

``dlcourse.nn`` stands in for ``keras``: ``dlcourse.nn.layers.Dense`` for
``keras.layers.Dense``, ``dlcourse.nn.Sequential`` for ``keras.Sequential``,
``dlcourse.nn.optimizers.Adam`` for ``keras.optimizers.Adam``, with the same arguments, defaults
and string shortcuts. It never imports TensorFlow.
"""

from dlcourse.nn import (
    activations,
    callbacks,
    initializers,
    keras,  # noqa: I001 - after the modules it gathers
    layers,
    losses,
    metrics,
    models,
    optimizers,
    regularizers,
    utils,
)
from dlcourse.nn.keras import Input
from dlcourse.nn.models import Sequential

__all__ = [
    "Input",
    "Sequential",
    "activations",
    "callbacks",
    "initializers",
    "keras",
    "layers",
    "losses",
    "metrics",
    "models",
    "optimizers",
    "regularizers",
    "utils",
]
