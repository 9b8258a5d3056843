"""SGD, with momentum and Nesterov momentum, in NumPy with Keras' update formula (chapter 3)."""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcourse._checks import check_probability
from dlcourse.nn.optimizers.base import Optimizer, _check_bool

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""Gradient descent, with optional (Nesterov) momentum; Keras' ``SGD`` (chapter 3).

    Plain (``momentum=0``):  ``w := w − α·g``.

    With momentum μ > 0, Keras' form keeps a velocity ``v`` (slot ``"momentum"``, zeros at first)::

        v := μ·v − α·g
        w := w + v                       (nesterov=False)
        w := w + μ·v − α·g               (nesterov=True, using the new v)

    This is the momentum of Polyak (1964) in the form of Sutskever et al., "On the importance of
    initialization and momentum in deep learning" (ICML 2013); the textbook form
    ``v := μ·v + g; w := w − α·v`` is the same method with ``v`` scaled by −α (identical while α
    is constant).

    Args:
        learning_rate: float > 0, α. Default 0.01.
        momentum: float in [0, 1], μ. Default 0.0 (plain gradient descent).
        nesterov: bool, Nesterov momentum. Default False.
        **kwargs: ``weight_decay``, ``clipnorm``, ``clipvalue``, ``global_clipnorm``, ``name``
            (see ``Optimizer``).
    """

    def __init__(
        self, learning_rate: float = 0.01, momentum: float = 0.0, nesterov: bool = False, **kwargs
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.momentum = check_probability(momentum, "momentum", inclusive_high=True)
        self.nesterov = _check_bool(nesterov, "nesterov")
        self.slot_names = ("momentum",) if self.momentum != 0 else ()

    def update_step(self, gradient: np.ndarray, variable: np.ndarray, learning_rate: float) -> None:
        lr = variable.dtype.type(learning_rate)
        if self.momentum == 0:
            variable -= gradient * lr
            return
        mu = variable.dtype.type(self.momentum)
        v = self.slots(variable)["momentum"]
        v *= mu
        v -= gradient * lr
        if self.nesterov:
            variable += v * mu - gradient * lr
        else:
            variable += v

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
