"""RMSprop, with momentum and the centred form, in NumPy with Keras' formula (chapter 3)."""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcourse._checks import check_nonnegative, check_probability
from dlcourse.nn.optimizers.base import Optimizer, _check_bool

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSprop: divide the gradient by a running root-mean-square of gradients (chapter 3).

    Keras' form, with mean square ``s`` (slot ``"velocity"``), optional mean gradient ``ḡ``
    (slot ``"average_gradient"``, when ``centered``) and optional momentum buffer ``m`` (slot
    ``"momentum"``, when ``momentum > 0``), all zeros at first::

        s := ρ·s + (1 − ρ)·g²
        ḡ := ρ·ḡ + (1 − ρ)·g                       (centered only)
        Δ := α·g / √(s − ḡ² + ε)   if centered,   α·g / √(s + ε)   otherwise
        m := μ·m + Δ;  w := w − m                  (momentum > 0)
        w := w − Δ                                 (momentum = 0)

    Hinton, Srivastava and Swersky, "Neural Networks for Machine Learning", lecture 6e (2012);
    the centered variant is from Graves, "Generating Sequences With Recurrent Neural Networks"
    (2013). The lecture's form ``w := w − α·g / (√s + ε)`` puts ε outside the root; Keras puts
    it inside.

    Args:
        learning_rate: float > 0, α. Default 0.001.
        rho: float in [0, 1), ρ, the decay of the running averages. Default 0.9.
        momentum: float in [0, 1), μ. Default 0.0.
        epsilon: float ≥ 0, ε. Default 1e-7.
        centered: bool, divide by the estimated variance instead of the mean square. Default
            False.
        **kwargs: ``weight_decay``, ``clipnorm``, ``clipvalue``, ``global_clipnorm``, ``name``.
    """

    def __init__(
        self,
        learning_rate: float = 0.001,
        rho: float = 0.9,
        momentum: float = 0.0,
        epsilon: float = 1e-7,
        centered: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho = check_probability(rho, "rho")
        self.momentum = check_probability(momentum, "momentum")
        self.epsilon = check_nonnegative(epsilon, "epsilon")
        self.centered = _check_bool(centered, "centered")
        self.slot_names = (
            ("velocity",)
            + (("momentum",) if self.momentum > 0 else ())
            + (("average_gradient",) if self.centered else ())
        )

    def update_step(self, gradient: np.ndarray, variable: np.ndarray, learning_rate: float) -> None:
        lr = variable.dtype.type(learning_rate)
        slots = self.slots(variable)
        rho = self.rho
        s = slots["velocity"]
        s[...] = rho * s + (1 - rho) * np.square(gradient)
        if self.centered:
            avg = slots["average_gradient"]
            avg[...] = rho * avg + (1 - rho) * gradient
            denominator = s - np.square(avg) + self.epsilon
        else:
            denominator = s + self.epsilon
        increment = lr * gradient / np.sqrt(denominator)
        if self.momentum > 0:
            m = slots["momentum"]
            m[...] = self.momentum * m + increment
            variable -= m
        else:
            variable -= increment

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "rho": self.rho,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "centered": self.centered,
        }
