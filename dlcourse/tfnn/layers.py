"""Keras' layers, the twins of :mod:`dlcourse.nn.layers` (chapter 3).

``dlcourse.nn.layers.Dense`` mirrors ``keras.layers.Dense`` argument for argument, with the same
weight names, order and shapes (Dense kernel ``(in, units)``, Conv2D kernel
``(kh, kw, c_in, filters)``, images channels-last). This module re-exports Keras' classes so that
the two packages have the same module layout; ``tests/parity`` runs every NumPy layer beside its
Keras twin on the same weights and compares outputs and all gradients.

Dropout draws its mask from Keras' own seed generator, which NumPy cannot reproduce; the parity
test feeds the NumPy layer's mask (``layer.mask``) to TensorFlow as ``x * mask`` and checks
separately that Keras' Dropout is of that form.
"""

from __future__ import annotations

from dlcourse.tfnn._backend import keras

__all__ = [
    "Activation",
    "Conv2D",
    "Dense",
    "Dropout",
    "Flatten",
    "Input",
    "InputLayer",
    "Layer",
    "MaxPooling2D",
]

Layer = keras.layers.Layer
Dense = keras.layers.Dense
Conv2D = keras.layers.Conv2D
MaxPooling2D = keras.layers.MaxPooling2D
Flatten = keras.layers.Flatten
Dropout = keras.layers.Dropout
Activation = keras.layers.Activation
InputLayer = keras.layers.InputLayer
Input = keras.Input
