"""NumPy layers mirroring ``keras.layers`` (chapter 3).

Each layer has ``build(input_shape)``, ``forward(x, training=False)``, ``backward(dout) -> dx``
and ``params`` / ``grads`` dicts keyed like Keras' weights (``"kernel"``, ``"bias"``).
"""

from dlcourse.nn.layers.base import InputLayer, Layer
from dlcourse.nn.layers.conv import Conv2D
from dlcourse.nn.layers.core import Activation, Dropout, Flatten
from dlcourse.nn.layers.dense import Dense
from dlcourse.nn.layers.pooling import MaxPooling2D

__all__ = [
    "Activation",
    "Conv2D",
    "Dense",
    "Dropout",
    "Flatten",
    "InputLayer",
    "Layer",
    "MaxPooling2D",
]
