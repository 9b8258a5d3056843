"""Adagrad, in NumPy with Keras' update formula (chapter 3)."""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcourse._checks import check_nonnegative
from dlcourse.nn.optimizers.base import Optimizer

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    r"""Adagrad: a per-coordinate step that shrinks as squared gradients add up (chapter 3).

    Keras' form, with accumulator ``G`` (slot ``"accumulator"``) starting at
    ``initial_accumulator_value``::

        G := G + g²
        w := w − α·g / √(G + ε)

    Duchi, Hazan and Singer, "Adaptive Subgradient Methods for Online Learning and Stochastic
    Optimization", JMLR 12 (2011). The paper's form is ``w := w − α·g / (ε + √G)`` with
    ``G`` starting at 0: Keras puts ε inside the square root and starts ``G`` at 0.1, which
    bounds the first steps by ``α·|g|/√(0.1 + g²)`` instead of α.

    Args:
        learning_rate: float > 0, α. Default 0.001 (Keras notes Adagrad likes larger values;
            the paper's is 1.0).
        initial_accumulator_value: float ≥ 0, the starting ``G``. Default 0.1.
        epsilon: float ≥ 0, ε. Default 1e-7.
        **kwargs: ``weight_decay``, ``clipnorm``, ``clipvalue``, ``global_clipnorm``, ``name``.
    """

    slot_names = ("accumulator",)

    def __init__(
        self,
        learning_rate: float = 0.001,
        initial_accumulator_value: float = 0.1,
        epsilon: float = 1e-7,
        **kwargs,
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.initial_accumulator_value = check_nonnegative(
            initial_accumulator_value, "initial_accumulator_value"
        )
        self.epsilon = check_nonnegative(epsilon, "epsilon")

    def _initial_slot(self, name: str, variable: np.ndarray) -> np.ndarray:
        return np.full_like(variable, self.initial_accumulator_value)

    def update_step(self, gradient: np.ndarray, variable: np.ndarray, learning_rate: float) -> None:
        lr = variable.dtype.type(learning_rate)
        acc = self.slots(variable)["accumulator"]
        acc += np.square(gradient)
        variable -= lr * gradient / np.sqrt(acc + self.epsilon)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "initial_accumulator_value": self.initial_accumulator_value,
            "epsilon": self.epsilon,
        }
