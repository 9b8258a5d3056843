"""Weight penalties L1, L2 and L1L2, in NumPy (chapter 3, 正则化).

Mirrors ``keras.regularizers``. A regularizer is called on a weight array and returns the
penalty that is added to the loss; :meth:`Regularizer.gradient` returns its derivative, which a
layer adds to the weight's gradient.

=======  ======================  ============================
name     penalty R(W)            gradient ∂R/∂W
=======  ======================  ============================
L1       l1 · Σ |W|              l1 · sign(W)
L2       l2 · Σ W²               2 · l2 · W
L1L2     both                    both
=======  ======================  ============================

Keras' L2 has no ``1/2`` in front (some textbooks write ``λ/2 · ‖W‖²`` so that the gradient is
``λW``); with Keras' form the gradient is ``2 · l2 · W``. ``sign(0) = 0``, the subgradient that
TensorFlow uses too.
"""

from __future__ import annotations

import numpy as np

from dlcourse._checks import check_nonnegative

__all__ = ["L1", "L1L2", "L2", "Regularizer", "get", "l1", "l1_l2", "l2"]


class Regularizer:
    """Base class: ``R(W)`` by calling it, ``∂R/∂W`` by :meth:`gradient`."""

    def __call__(self, x: np.ndarray) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def gradient(self, x: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def get_config(self) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class L1L2(Regularizer):
    """``l1 · Σ|W| + l2 · ΣW²``.

    Args:
        l1: L1 factor, ≥ 0. Defaults to 0.0.
        l2: L2 factor, ≥ 0. Defaults to 0.0.
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        self.l1 = check_nonnegative(l1, "l1")
        self.l2 = check_nonnegative(l2, "l2")

    def __call__(self, x: np.ndarray) -> float:
        x = np.asarray(x)
        penalty = 0.0
        if self.l1:
            penalty += self.l1 * float(np.abs(x).sum())
        if self.l2:
            penalty += self.l2 * float(np.square(x).sum())
        return penalty

    def gradient(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x)
        grad = np.zeros_like(x)
        if self.l1:
            grad += x.dtype.type(self.l1) * np.sign(x)
        if self.l2:
            grad += x.dtype.type(2.0 * self.l2) * x
        return grad

    def get_config(self) -> dict:
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    """``l1 · Σ|W|``, the lasso penalty; pushes weights to exactly zero. ``l1`` defaults to 0.01."""

    def __init__(self, l1: float = 0.01):
        super().__init__(l1=l1, l2=0.0)

    def get_config(self) -> dict:
        return {"l1": self.l1}


class L2(L1L2):
    """``l2 · ΣW²``, weight decay; shrinks large weights. ``l2`` defaults to 0.01."""

    def __init__(self, l2: float = 0.01):
        super().__init__(l1=0.0, l2=l2)

    def get_config(self) -> dict:
        return {"l2": self.l2}


# Keras' lower-case aliases.
l1 = L1
l2 = L2
l1_l2 = L1L2

_ALIASES = {"l1": L1, "l2": L2, "l1_l2": L1L2, "l1l2": L1L2}


def get(identifier: str | Regularizer | None) -> Regularizer | None:
    """Look up a regularizer like ``keras.regularizers.get``: None, a name, or an instance."""
    if identifier is None or isinstance(identifier, Regularizer):
        return identifier
    if isinstance(identifier, str) and identifier.lower() in _ALIASES:
        return _ALIASES[identifier.lower()]()
    raise ValueError(
        f"Unknown regularizer {identifier!r}. Expected None, one of {sorted(_ALIASES)} or a "
        f"dlcourse.nn.regularizers.Regularizer. Received: regularizer={identifier!r}"
    )
