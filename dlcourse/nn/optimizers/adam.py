"""Adam, with AMSGrad, in NumPy with Keras' update formula (chapter 3)."""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcourse._checks import check_nonnegative, check_probability
from dlcourse.nn.optimizers.base import Optimizer, _check_bool

__all__ = ["Adam"]


class Adam(Optimizer):
    r"""Adam: momentum on the gradient, scaled by a running RMS, with bias correction (chapter 3).

    Keras' form, at step ``t = iterations + 1``, with first moment ``m`` (slot ``"momentum"``)
    and second moment ``v`` (slot ``"velocity"``) starting at zero::

        m := m + (g − m)·(1 − β₁)              (= β₁·m + (1 − β₁)·g)
        v := v + (g² − v)·(1 − β₂)             (= β₂·v + (1 − β₂)·g²)
        v̂ := max(v̂, v), used in place of v     (amsgrad only; slot "velocity_hat")
        α_t := α·√(1 − β₂ᵗ) / (1 − β₁ᵗ)
        w := w − α_t·m / (√v + ε̂)

    This is the "more efficient" form that Kingma and Ba give just before section 2.1 of "Adam:
    A Method for Stochastic Optimization" (2014, arXiv:1412.6980), with Keras' ``epsilon`` as
    their ε̂. Their Algorithm 1 (the textbook form) corrects the moments first::

        m̂ := m / (1 − β₁ᵗ);   v̂ := v / (1 − β₂ᵗ);   w := w − α·m̂ / (√v̂ + ε)

    The two agree exactly when ``ε = ε̂ / √(1 − β₂ᵗ)``: with the same constant, Keras' ε̂ weighs
    more in the first steps (``√(1 − β₂ᵗ)`` is 0.03 at t = 1 with β₂ = 0.999), which matters
    only when gradients are tiny (``|g|`` near ε). AMSGrad is from Reddi, Kale and Kumar, "On the
    Convergence of Adam and Beyond" (ICLR 2018).

    Args:
        learning_rate: float > 0, α. Default 0.001.
        beta_1: float in [0, 1), β₁, decay of the first moment. Default 0.9.
        beta_2: float in [0, 1), β₂, decay of the second moment. Default 0.999.
        epsilon: float ≥ 0, ε̂. Default 1e-7.
        amsgrad: bool, use the AMSGrad variant. Default False.
        **kwargs: ``weight_decay``, ``clipnorm``, ``clipvalue``, ``global_clipnorm``, ``name``.
    """

    def __init__(
        self,
        learning_rate: float = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = check_probability(beta_1, "beta_1")
        self.beta_2 = check_probability(beta_2, "beta_2")
        self.epsilon = check_nonnegative(epsilon, "epsilon")
        self.amsgrad = _check_bool(amsgrad, "amsgrad")
        self.slot_names = ("momentum", "velocity") + (("velocity_hat",) if self.amsgrad else ())

    def update_step(self, gradient: np.ndarray, variable: np.ndarray, learning_rate: float) -> None:
        dtype = variable.dtype.type
        t = dtype(self.iterations + 1)
        alpha = (
            dtype(learning_rate)
            * np.sqrt(1 - dtype(self.beta_2) ** t)
            / (1 - dtype(self.beta_1) ** t)
        )
        slots = self.slots(variable)
        m, v = slots["momentum"], slots["velocity"]
        m += (gradient - m) * (1 - self.beta_1)
        v += (np.square(gradient) - v) * (1 - self.beta_2)
        if self.amsgrad:
            v_hat = slots["velocity_hat"]
            np.maximum(v_hat, v, out=v_hat)
            v = v_hat
        variable -= m * alpha / (np.sqrt(v) + self.epsilon)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "amsgrad": self.amsgrad,
        }
