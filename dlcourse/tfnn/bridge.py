"""Copy a model between the NumPy reference and Keras: :func:`to_keras` and :func:`from_keras`.

Both directions copy the architecture (layer types and their arguments, layer names, the input
shape and the dtype) and then the weights, array by array, in Keras' order (layer by layer,
kernel then bias), so that the two models compute the same function. Chapter 4 uses this to
start the documents' Keras models and their NumPy twins from the same weights::

    keras_model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(32, "relu"), ...])
    np_model = from_keras(keras_model)            # same layers, same weights
    np.allclose(np_model.predict(x), keras_model.predict(x))

What is copied, per layer:

=================  ============================================================================
layer              arguments
=================  ============================================================================
``Dense``          ``units, activation, use_bias``, initializers, ``kernel_regularizer``,
                   ``bias_regularizer``
``Conv2D``         ``filters, kernel_size, strides, padding`` and the same as Dense
``MaxPooling2D``   ``pool_size, strides, padding``
``Flatten``        (none)
``Dropout``        ``rate, noise_shape, seed`` (the random masks themselves differ)
``Activation``     ``activation``
=================  ============================================================================

Activations are copied by name (``linear, sigmoid, tanh, relu, leaky_relu, softmax``);
regularizers ``L1, L2, L1L2`` with their factors; initializers by class name and config when the
other side has the class (they only matter if the model is re-initialised: the weights are
copied). Anything the other side cannot represent is refused with a ``ValueError`` naming the
layer: other layer types (``BatchNormalization``, …), other activations (``gelu``, …),
constraints, activity regularizers, dilation, groups, ``channels_first``, mixed precision.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcourse import nn
from dlcourse._checks import describe
from dlcourse.tfnn._backend import keras

__all__ = ["from_keras", "to_keras"]

_ACTIVATIONS = ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "softmax")
_SUPPORTED = "Dense, Conv2D, MaxPooling2D, Flatten, Dropout and Activation"


# ------------------------------------------------------------------------- NumPy → Keras


def to_keras(np_model: nn.Sequential) -> keras.Sequential:
    """A ``keras.Sequential`` with the same layers, configuration and weights as ``np_model``.

    Args:
        np_model: a built :class:`dlcourse.nn.Sequential` (its input shape known, e.g. from
            ``input_shape=`` on the first layer or ``model.build``).

    Returns:
        An uncompiled ``keras.Sequential`` whose layers have ``dtype`` equal to the NumPy
        model's (float32 or float64) and whose weights equal ``np_model.get_weights()``.

    Raises:
        TypeError: if ``np_model`` is not a ``dlcourse.nn.Sequential``.
        ValueError: if it is not built, or a layer has no Keras twin here.

    Chapter 4 (NumPy beside Keras).
    """
    if not isinstance(np_model, nn.Sequential):
        raise TypeError(
            f"Argument `np_model` must be a dlcourse.nn.Sequential. Received: {describe(np_model)}"
        )
    if not np_model.built or np_model.input_shape is None:
        raise ValueError(
            f"Model {np_model.name!r} is not built, so its input shape is unknown: "
            "give the first layer `input_shape=` (or `input_dim=`), or call "
            "model.build((None, ...)) first."
        )
    dtype = np.dtype(np_model.dtype).name
    keras_layers = [_layer_to_keras(layer, dtype) for layer in np_model.layers]
    model = keras.Sequential(
        [keras.Input(shape=np_model.input_shape[1:], dtype=dtype), *keras_layers],
        name=np_model.name,
    )
    for np_layer, k_layer in zip(np_model.layers, keras_layers, strict=True):
        if np_layer.params:
            k_layer.set_weights(np_layer.get_weights())
    return model


def _layer_to_keras(layer: nn.layers.Layer, dtype: str) -> keras.layers.Layer:
    common = {"name": layer.name, "dtype": dtype, "trainable": layer.trainable}
    L = nn.layers
    if isinstance(layer, L.Dense):
        return keras.layers.Dense(
            layer.units,
            activation=layer.activation.name,
            use_bias=layer.use_bias,
            **_weight_args_to_keras(layer),
            **common,
        )
    if isinstance(layer, L.Conv2D):
        return keras.layers.Conv2D(
            layer.filters,
            layer.kernel_size,
            strides=layer.strides,
            padding=layer.padding,
            activation=layer.activation.name,
            use_bias=layer.use_bias,
            **_weight_args_to_keras(layer),
            **common,
        )
    if isinstance(layer, L.MaxPooling2D):
        return keras.layers.MaxPooling2D(
            layer.pool_size, strides=layer.strides, padding=layer.padding, **common
        )
    if isinstance(layer, L.Flatten):
        return keras.layers.Flatten(**common)
    if isinstance(layer, L.Dropout):
        return keras.layers.Dropout(
            layer.rate, noise_shape=layer.noise_shape, seed=layer.seed, **common
        )
    if isinstance(layer, L.Activation):
        return keras.layers.Activation(layer.activation.name, **common)
    raise ValueError(
        f"to_keras cannot copy layer {layer.name!r} ({type(layer).__name__}): "
        f"the bridge knows {_SUPPORTED}."
    )


def _weight_args_to_keras(layer) -> dict[str, Any]:
    args = {}
    for key in ("kernel", "bias"):
        init = getattr(layer, f"{key}_initializer")
        args[f"{key}_initializer"] = _initializer_to_keras(init, layer, key)
        reg = layer.regularizers.get(key)
        args[f"{key}_regularizer"] = None if reg is None else _regularizer_to_keras(reg)
    return args


def _regularizer_to_keras(reg: nn.regularizers.Regularizer) -> keras.regularizers.Regularizer:
    kind = type(reg)
    if kind is nn.regularizers.L1:
        return keras.regularizers.L1(reg.l1)
    if kind is nn.regularizers.L2:
        return keras.regularizers.L2(reg.l2)
    if kind is nn.regularizers.L1L2:
        return keras.regularizers.L1L2(l1=reg.l1, l2=reg.l2)
    raise ValueError(f"to_keras cannot copy the regularizer {reg!r}: expected L1, L2 or L1L2.")


def _initializer_to_keras(init: Any, layer, key: str) -> Any:
    if isinstance(init, str):
        return init
    if isinstance(init, nn.initializers.Initializer):
        try:
            return keras.initializers.get(
                {"class_name": type(init).__name__, "config": init.get_config()}
            )
        except (ValueError, TypeError):
            pass
    # The weights are copied anyway; only a re-initialisation would see the default.
    return "glorot_uniform" if key == "kernel" else "zeros"


# ------------------------------------------------------------------------- Keras → NumPy


def from_keras(keras_model: keras.Sequential) -> nn.Sequential:
    """A :class:`dlcourse.nn.Sequential` with the same layers, configuration and weights.

    Args:
        keras_model: a built ``keras.Sequential`` (with a ``keras.Input`` first, an
            ``input_shape=`` on its first layer, or after ``model.build``) made of Dense,
            Conv2D, MaxPooling2D, Flatten, Dropout and Activation layers.

    Returns:
        An uncompiled NumPy model, built, with the Keras model's dtype and weights.

    Raises:
        TypeError: if ``keras_model`` is not a ``keras.Sequential``.
        ValueError: if it is not built, mixes dtypes or uses mixed precision, or a layer (or a
            layer's option) has no NumPy twin; the message names the layer.

    Chapter 4 (NumPy beside Keras).
    """
    if not isinstance(keras_model, keras.Sequential):
        raise TypeError(
            f"Argument `keras_model` must be a keras.Sequential. Received: {describe(keras_model)}"
        )
    try:
        input_shape = tuple(keras_model.input_shape)
    except (AttributeError, ValueError):
        input_shape = None
    if not keras_model.built or input_shape is None or any(s is None for s in input_shape[1:]):
        raise ValueError(
            f"Keras model {keras_model.name!r} is not built, so its input shape is "
            "unknown: start it with keras.Input(shape=...) or call "
            "model.build((None, ...)) first."
        )
    dtypes = set()
    for layer in keras_model.layers:
        policy = layer.dtype_policy
        if policy.compute_dtype != policy.variable_dtype:
            raise ValueError(
                f"from_keras cannot copy layer {layer.name!r}: it uses the mixed "
                f"precision policy {policy.name!r}; the NumPy reference computes in "
                "one dtype. Build the Keras model with a float32 or float64 policy."
            )
        if layer.weights:
            dtypes.add(policy.variable_dtype)
    if len(dtypes) > 1:
        raise ValueError(
            f"from_keras: the layers of {keras_model.name!r} have different dtypes "
            f"{sorted(dtypes)}; the NumPy model has one dtype."
        )
    dtype = dtypes.pop() if dtypes else "float32"
    np_layers = [_layer_from_keras(layer) for layer in keras_model.layers]
    np_model = nn.Sequential(np_layers, name=keras_model.name, dtype=dtype)
    np_model.build(input_shape)
    for np_layer, k_layer in zip(np_layers, keras_model.layers, strict=True):
        if np_layer.params:
            np_layer.set_weights(k_layer.get_weights())
    return np_model


def _layer_from_keras(layer: keras.layers.Layer) -> nn.layers.Layer:
    K = keras.layers
    common = {"name": layer.name, "trainable": layer.trainable}
    kind = type(layer)
    if kind is K.Dense:
        _refuse_options(
            layer,
            lora_rank=None,
            kernel_constraint=None,
            bias_constraint=None,
            activity_regularizer=None,
        )
        return nn.layers.Dense(
            layer.units,
            activation=_activation_name(layer),
            use_bias=layer.use_bias,
            **_weight_args_from_keras(layer),
            **common,
        )
    if kind is K.Conv2D:
        _refuse_options(
            layer,
            dilation_rate=(1, 1),
            groups=1,
            data_format="channels_last",
            kernel_constraint=None,
            bias_constraint=None,
            activity_regularizer=None,
            lora_rank=None,
        )
        return nn.layers.Conv2D(
            layer.filters,
            tuple(layer.kernel_size),
            strides=tuple(layer.strides),
            padding=layer.padding,
            activation=_activation_name(layer),
            use_bias=layer.use_bias,
            **_weight_args_from_keras(layer),
            **common,
        )
    if kind is K.MaxPooling2D:
        _refuse_options(layer, data_format="channels_last")
        return nn.layers.MaxPooling2D(
            tuple(layer.pool_size), strides=tuple(layer.strides), padding=layer.padding, **common
        )
    if kind is K.Flatten:
        _refuse_options(layer, data_format="channels_last")
        return nn.layers.Flatten(**common)
    if kind is K.Dropout:
        return nn.layers.Dropout(
            layer.rate, noise_shape=layer.noise_shape, seed=layer.seed, **common
        )
    if kind is K.Activation:
        return nn.layers.Activation(_activation_name(layer), **common)
    raise ValueError(
        f"from_keras cannot copy layer {layer.name!r} ({kind.__name__}): the NumPy "
        f"reference has {_SUPPORTED}."
    )


def _refuse_options(layer, **expected: Any) -> None:
    """Raise unless each attribute of ``layer`` has the value the NumPy twin supports."""
    for attr, value in expected.items():
        actual = getattr(layer, attr, value)
        if isinstance(actual, list):
            actual = tuple(actual)
        if actual != value:
            raise ValueError(
                f"from_keras cannot copy layer {layer.name!r} "
                f"({type(layer).__name__}): the NumPy reference supports only "
                f"{attr}={value!r}. Received: {attr}={actual!r}"
            )


def _activation_name(layer) -> str:
    name = keras.activations.serialize(layer.activation)
    if not isinstance(name, str) or name not in _ACTIVATIONS:
        raise ValueError(
            f"from_keras cannot copy layer {layer.name!r} ({type(layer).__name__}): "
            f"the NumPy reference has the activations {list(_ACTIVATIONS)}. "
            f"Received: activation={name!r}"
        )
    return name


def _weight_args_from_keras(layer) -> dict[str, Any]:
    args = {}
    for key in ("kernel", "bias"):
        args[f"{key}_initializer"] = _initializer_from_keras(
            getattr(layer, f"{key}_initializer"), key
        )
        reg = getattr(layer, f"{key}_regularizer")
        args[f"{key}_regularizer"] = None if reg is None else _regularizer_from_keras(reg, layer)
    return args


def _regularizer_from_keras(reg, layer) -> nn.regularizers.Regularizer:
    R = keras.regularizers
    config = reg.get_config()
    kind = type(reg)
    if kind is R.L1:
        return nn.regularizers.L1(float(config["l1"]))
    if kind is R.L2:
        return nn.regularizers.L2(float(config["l2"]))
    if kind is R.L1L2:
        return nn.regularizers.L1L2(l1=float(config["l1"]), l2=float(config["l2"]))
    raise ValueError(
        f"from_keras cannot copy layer {layer.name!r}: its regularizer "
        f"{kind.__name__} has no NumPy twin (expected L1, L2 or L1L2)."
    )


def _initializer_from_keras(init, key: str) -> Any:
    config = keras.initializers.serialize(init)
    cls = getattr(nn.initializers, str(config.get("class_name")), None)
    if isinstance(cls, type) and issubclass(cls, nn.initializers.Initializer):
        try:
            return cls(
                **{
                    k: v
                    for k, v in config.get("config", {}).items()
                    if k not in ("input_axes", "output_axes")
                }
            )
        except (TypeError, ValueError):
            pass
    # The weights are copied anyway; only a re-initialisation would see the default.
    return "glorot_uniform" if key == "kernel" else "zeros"
