"""Parity of optimizers: ``dlcourse.nn.optimizers`` against ``keras.optimizers``, 25 steps.

One row per optimizer and variant: the same constructor arguments are given to the NumPy class
and to the Keras class, both apply the same 25 random gradients to the same weights, and the
weights are compared after every step (``helpers.check_optimizer_parity``).

Keras keeps ``learning_rate`` in a variable of dtype ``keras.config.floatx()``; for the float64
rows a fixture sets floatx to float64 (and restores it), so that Keras steps with the same α as
NumPy. ``test_keras_float32_learning_rate_on_float64_weights`` shows what happens otherwise.
"""

from __future__ import annotations

import numpy as np
import pytest

from dlcourse import nn
from dlcourse.tfnn import keras

from .helpers import DTYPES, check_optimizer_parity, keras_floatx

# Hyper-parameters that Keras passes through ``ops.cast(python_float, dtype)`` (SGD's momentum,
# Adam's beta_1 and beta_2 in the bias correction, weight_decay) are rounded to float32 first,
# even on float64 weights (``tf.cast`` converts a Python float to a float32 tensor before
# casting). The float64 rows use values exact in float32 (0.875, 1 − 2⁻¹⁰, 0.0625) so that they
# compare the formulas; Keras' defaults (0.9, 0.999) run in float32, where both sides round
# them alike; ``test_keras_rounds_hyperparameters_to_float32_on_float64`` pins the difference.
BETAS = {"beta_1": 0.875, "beta_2": 1 - 2**-10}
BOTH, F32 = DTYPES, ("float32",)

# name -> (class name, constructor arguments (the same for NumPy and Keras), dtypes)
OPTIMIZERS = {
    "sgd": ("SGD", {}, BOTH),
    "sgd_lr": ("SGD", {"learning_rate": 0.1}, BOTH),
    "sgd_momentum": ("SGD", {"learning_rate": 0.05, "momentum": 0.875}, BOTH),
    "sgd_nesterov": ("SGD", {"learning_rate": 0.05, "momentum": 0.875, "nesterov": True}, BOTH),
    "sgd_momentum_default": ("SGD", {"momentum": 0.9}, F32),
    "sgd_nesterov_default": ("SGD", {"momentum": 0.9, "nesterov": True}, F32),
    "adagrad": ("Adagrad", {}, BOTH),
    "adagrad_lr": ("Adagrad", {"learning_rate": 0.1, "initial_accumulator_value": 0.5}, BOTH),
    "rmsprop": ("RMSprop", {}, BOTH),
    "rmsprop_momentum": ("RMSprop", {"learning_rate": 0.01, "momentum": 0.9}, BOTH),
    "rmsprop_centered": ("RMSprop", {"learning_rate": 0.01, "centered": True}, BOTH),
    "rmsprop_centered_momentum": (
        "RMSprop",
        {"learning_rate": 0.01, "centered": True, "momentum": 0.5, "rho": 0.8},
        BOTH,
    ),
    "adam": ("Adam", BETAS, BOTH),
    "adam_default": ("Adam", {}, F32),
    "adam_lr": ("Adam", {"learning_rate": 0.01, **BETAS}, BOTH),
    "adam_amsgrad": ("Adam", {"learning_rate": 0.01, "amsgrad": True, **BETAS}, BOTH),
    "adam_amsgrad_default": ("Adam", {"amsgrad": True}, F32),
    "adamw_weight_decay": ("Adam", {"learning_rate": 0.01, "weight_decay": 0.0625, **BETAS}, BOTH),
    "sgd_clipnorm": ("SGD", {"learning_rate": 0.1, "clipnorm": 1.0}, BOTH),
    "sgd_clipvalue": ("SGD", {"learning_rate": 0.1, "clipvalue": 0.5}, BOTH),
    "adam_global_clipnorm": (
        "Adam",
        {"learning_rate": 0.01, "global_clipnorm": 1.5, **BETAS},
        BOTH,
    ),
}


def optimizer_params():
    return [
        pytest.param(name, dtype, id=f"{dtype}-{name}")
        for name, (_, _, dtypes) in OPTIMIZERS.items()
        for dtype in dtypes
    ]


@pytest.mark.parametrize(("name", "dtype"), optimizer_params())
def test_optimizer_parity(name, dtype):
    class_name, kwargs, _ = OPTIMIZERS[name]
    with keras_floatx(dtype):
        np_opt = getattr(nn.optimizers, class_name)(**kwargs)
        keras_opt = getattr(keras.optimizers, class_name)(**kwargs)
        errors = check_optimizer_parity(np_opt, keras_opt, dtype, steps=25)
    assert len(errors) == 25
    assert np_opt.iterations == int(keras_opt.iterations.numpy()) == 25


def test_optimizer_table_covers_every_variant_of_the_issue():
    required = {
        "sgd",
        "sgd_momentum",
        "sgd_nesterov",
        "adagrad",
        "rmsprop",
        "rmsprop_momentum",
        "rmsprop_centered",
        "adam",
        "adam_amsgrad",
    }
    assert required <= set(OPTIMIZERS)
    assert all(OPTIMIZERS[name][2] == DTYPES for name in required)


def test_keras_float32_learning_rate_on_float64_weights():
    """With floatx float32 (Keras' default), Keras steps float64 weights with float32(α).

    Adam(0.001) then moves by 0.0010000000474974513 per unit step: the NumPy optimizer matches
    it exactly when given that α, and differs by ~5e-8 (relative to the step) when given 0.001.
    """
    assert keras.config.floatx() == "float32"
    w0 = np.array([1.0, -2.0, 3.0])
    g = np.array([0.5, -0.25, 2.0])
    variable = keras.Variable(w0.copy(), dtype="float64")
    keras.optimizers.SGD(learning_rate=0.001).apply_gradients([(g, variable)])
    step_keras = w0 - variable.numpy()
    lr32 = float(np.float32(0.001))
    np.testing.assert_array_equal(step_keras, g * lr32)
    assert not np.array_equal(step_keras, g * 0.001)


def test_keras_rounds_hyperparameters_to_float32_on_float64():
    """Even with floatx float64, Keras' SGD multiplies float64 velocities by float32(0.9).

    ``ops.cast(self.momentum, variable.dtype)`` is ``tf.cast(0.9, tf.float64)``, which converts
    0.9 to a float32 tensor first: 0.8999999761581421. Two steps of SGD(momentum=0.9) with the
    gradient g from w = 0: the velocity is −α·g·(1 + μ) after the second step.
    """
    g = np.array([1.0, -2.0])
    with keras_floatx("float64"):
        variable = keras.Variable(np.zeros(2), dtype="float64")
        opt = keras.optimizers.SGD(learning_rate=0.5, momentum=0.9)
        opt.apply_gradients([(g, variable)])
        opt.apply_gradients([(g, variable)])
    mu32 = float(np.float32(0.9))
    np.testing.assert_array_equal(variable.numpy(), -0.5 * g * (1 + (1 + mu32)))
    params = [np.zeros(2)]
    np_opt = nn.optimizers.SGD(learning_rate=0.5, momentum=0.9)
    for _ in range(2):
        np_opt.apply_gradients(zip([g], params, strict=True))
    np.testing.assert_allclose(params[0], -0.5 * g * (1 + 1.9), rtol=1e-15)
