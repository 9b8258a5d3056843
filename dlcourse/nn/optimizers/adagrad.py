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

    @property
    def built(self) -> bool:
        """Whether the optimizer holds state: it has been built or has applied gradients."""
        return bool(self._state) or self.iterations > 0 or self._built_variables is not None

    def state_size(self) -> tuple[int, int]:
        """``(values, bytes)`` of the optimizer's variables, counted as Keras counts them.

        Keras keeps ``iterations`` (an int64) and ``learning_rate`` (a float32) as variables,
        plus the slot arrays (momentum, Adam's moments, …); ``model.summary()`` reports them as
        "Optimizer params" once the optimizer is built.
        """
        slots = [a for _, entry in self._state.values() for a in entry.values()]
        return 2 + sum(a.size for a in slots), 8 + 4 + sum(a.nbytes for a in slots)

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
