"""Gradient-descent optimizers in NumPy, mirroring ``keras.optimizers`` (chapter 3).

Chapter 3 of the course ("Gradient descent") teaches the plain rule ``θ := θ − α ∇J(θ)`` and
then the optimizers that refine it: SGD with momentum, AdaGrad, RMSprop and Adam. Each class
here has the Keras 3 name, argument names, defaults and update formula, so
``keras.optimizers.Adam(learning_rate=0.01)`` and this module's ``Adam(learning_rate=0.01)``
take the same steps (``tests/test_optimizers.py`` checks it over 20+ steps against Keras).
One difference: Keras keeps ``learning_rate`` in a float32 variable unless
``keras.config.floatx()`` is float64, so on float64 weights it steps with ``float32(α)`` where
this module uses ``α`` itself.
Where Keras' formula differs from the paper (Adam's epsilon, Adagrad's initial accumulator,
RMSprop's epsilon inside the square root), the class docstring shows both.

Usage, exactly as with Keras variables::

    opt = Adam(learning_rate=0.01)
    for step in range(100):
        grads = compute_gradients(params)          # list of arrays, one per param
        opt.apply_gradients(zip(grads, params))    # updates each param array IN PLACE

**The in-place contract.** Parameters are NumPy float arrays and are updated in place
(``param -= ...``), so the arrays a model holds see the update. The optimizer keeps its state
("slots": momentum, velocity, ...) per array, in a dict keyed by ``id(param)`` whose values also
hold a reference to the array itself. That reference keeps the array alive as long as the
optimizer lives, so its ``id`` can never be reused by another array (the fragility of a bare
``id`` key). Consequences: a model that *replaces* a weight array (``layer.params["kernel"] =
new``) instead of writing into it (``layer.params["kernel"][...] = new``) gets fresh state for the
new array; use a new optimizer when you start training new arrays. Unlike Keras, which fixes its
variables at the first call, a new array may join later: its state starts from zero then.

Supported from Keras' base optimizer: ``weight_decay``, ``clipnorm``, ``clipvalue``,
``global_clipnorm`` and ``name``. Not supported: learning-rate schedules, EMA, loss scaling and
gradient accumulation.
"""

from __future__ import annotations

from typing import Any

from dlcourse._checks import describe
from dlcourse.nn.optimizers.adagrad import Adagrad
from dlcourse.nn.optimizers.adam import Adam
from dlcourse.nn.optimizers.base import Optimizer
from dlcourse.nn.optimizers.rmsprop import RMSprop
from dlcourse.nn.optimizers.sgd import SGD

__all__ = ["Optimizer", "SGD", "Adagrad", "RMSprop", "Adam", "get"]

_BY_NAME: dict[str, type[Optimizer]] = {
    "sgd": SGD,
    "adagrad": Adagrad,
    "rmsprop": RMSprop,
    "adam": Adam,
}


def get(identifier: str | dict[str, Any] | Optimizer | None) -> Optimizer | None:
    """Turn ``'adam'``, a config dict or an optimizer into an optimizer (``keras.optimizers.get``).

    Args:
        identifier: a name (``'sgd'``, ``'adagrad'``, ``'rmsprop'``, ``'adam'``; case does not
            matter; Keras' defaults), a dict ``{"class_name": "Adam", "config": {...}}`` (also
            the config of a Keras optimizer), an ``Optimizer`` (returned as is), or None
            (returns None, as Keras does).

    Returns:
        An ``Optimizer``, or None.
    """
    if identifier is None or isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        return _class_named(identifier)()
    if isinstance(identifier, dict):
        if "class_name" not in identifier:
            raise ValueError(
                "Argument `identifier`: a config dict needs the keys 'class_name' and 'config'. "
                f"Received: identifier={identifier!r}"
            )
        config = identifier.get("config", {})
        if not isinstance(config, dict):
            raise ValueError(
                f"Argument `identifier`: 'config' must be a dict. Received: config={config!r}"
            )
        return _class_named(identifier["class_name"]).from_config(config)
    raise ValueError(
        "Argument `identifier` must be an optimizer name, a config dict or an Optimizer. "
        f"Could not interpret optimizer identifier: {describe(identifier)}"
    )


def _class_named(name: Any) -> type[Optimizer]:
    key = name.lower() if isinstance(name, str) else name
    if key not in _BY_NAME:
        raise ValueError(
            f"Unknown optimizer {name!r}. Known optimizers: {sorted(_BY_NAME)} (any case)."
        )
    return _BY_NAME[key]
