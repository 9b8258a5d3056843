"""The base class of the NumPy optimizers: state per array, clipping, weight decay, checks.

See :mod:`dlcourse.nn.optimizers` for the in-place contract.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from dlcourse._checks import check_finite, check_nonnegative, describe

__all__ = ["Optimizer"]

# Keys of a Keras optimizer config that this module does not implement, with the value that
# means "feature off". A Keras config carrying these values loads here; any other value is refused.
_KERAS_NEUTRAL = {
    "use_ema": False,
    "ema_momentum": 0.99,
    "ema_overwrite_frequency": None,
    "loss_scale_factor": None,
    "gradient_accumulation_steps": None,
}


def _check_positive(value: Any, name: str, *, allow_none: bool = False) -> float | None:
    """Return ``value`` as a float if it is a finite number > 0 (or None if allowed)."""
    if value is None and allow_none:
        return None
    try:
        as_float = float(value)
    except (TypeError, ValueError):
        as_float = float("nan")
    if isinstance(value, bool) or not np.isfinite(as_float) or as_float <= 0:
        expected = "a positive number or None" if allow_none else "a positive number"
        raise ValueError(f"Argument `{name}` must be {expected}. Received: {name}={value!r}")
    return as_float


def _check_bool(value: Any, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"Argument `{name}` must be True or False. Received: {name}={value!r}")
    return bool(value)


class Optimizer:
    """Base class: validation, clipping, weight decay and per-array state; subclasses add a rule.

    A subclass sets ``slot_names`` and implements ``update_step(gradient, variable,
    learning_rate)``, which reads its slots with ``self.slots(variable)`` and updates
    ``variable`` in place, as ``keras.optimizers.Optimizer.update_step`` does.

    One call of ``apply_gradients`` (or ``apply``) does, in Keras' order:

    1. check every pair (shapes equal, gradient finite, variable a float NumPy array);
    2. clip the gradients (``clipnorm``, ``global_clipnorm`` or ``clipvalue``);
    3. apply weight decay, ``w := w − w·weight_decay·learning_rate``;
    4. run ``update_step`` for each pair;
    5. add 1 to ``iterations``.

    Arithmetic happens in each variable's dtype (gradients and hyper-parameters are cast to it),
    so float64 weights give float64 updates and float32 weights match Keras' float32 updates.

    Args:
        learning_rate: float > 0, the step size α.
        weight_decay: float ≥ 0 or None (default). Decoupled weight decay applied before the
            update (Keras' semantics; ``weight_decay=0.004`` with ``Adam`` is AdamW).
        clipnorm: float > 0 or None (default). Each gradient ``g`` becomes
            ``g·clipnorm / max(‖g‖₂, clipnorm)``.
        clipvalue: float > 0 or None (default). Each gradient is clipped to
            ``[−clipvalue, clipvalue]`` element-wise.
        global_clipnorm: float > 0 or None (default). All gradients are scaled by
            ``global_clipnorm / max(‖(g₁, …, gₙ)‖₂, global_clipnorm)`` (chapter 6 uses it
            against exploding gradients). At most one of the three clipping arguments may be set.
        name: str or None (default: the class name in lower case).

    Attributes:
        iterations: int, the number of ``apply_gradients`` / ``apply`` calls so far.
        learning_rate: float, settable.
    """

    slot_names: tuple[str, ...] = ()

    def __init__(
        self,
        learning_rate: float,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        name: str | None = None,
    ) -> None:
        self.learning_rate = learning_rate
        if weight_decay is not None:
            weight_decay = check_nonnegative(weight_decay, "weight_decay")
        self.weight_decay = weight_decay
        self.clipnorm = _check_positive(clipnorm, "clipnorm", allow_none=True)
        self.clipvalue = _check_positive(clipvalue, "clipvalue", allow_none=True)
        self.global_clipnorm = _check_positive(global_clipnorm, "global_clipnorm", allow_none=True)
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                f"Received: clipnorm={clipnorm}, clipvalue={clipvalue}, "
                f"global_clipnorm={global_clipnorm}"
            )
        if name is not None and not isinstance(name, str):
            raise ValueError(f"Argument `name` must be a string or None. Received: name={name!r}")
        self.name = name if name is not None else type(self).__name__.lower()
        self.iterations = 0
        self._state: dict[int, tuple[np.ndarray, dict[str, np.ndarray]]] = {}
        self._built_variables: list[np.ndarray] | None = None

    # -- learning rate ----------------------------------------------------------------------

    @property
    def learning_rate(self) -> float:
        """The step size α (a float > 0); assigning checks the new value."""
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        self._learning_rate = _check_positive(value, "learning_rate")

    # -- state ------------------------------------------------------------------------------

    def build(self, variables: Sequence[np.ndarray]) -> None:
        """Create the state of each array now, and remember them for ``apply(grads)``.

        Optional: ``apply_gradients`` creates state the first time it sees an array.
        """
        variables = list(variables)
        for i, variable in enumerate(variables):
            self._check_variable(variable, f"variables[{i}]")
            self.slots(variable)
        self._built_variables = variables

    def slots(self, variable: np.ndarray) -> dict[str, np.ndarray]:
        """The state arrays of ``variable`` (created as zeros on first use), keyed by slot name."""
        entry = self._state.get(id(variable))
        if entry is None:
            slots = {name: self._initial_slot(name, variable) for name in self.slot_names}
            entry = self._state[id(variable)] = (variable, slots)
        return entry[1]

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
        return np.zeros_like(variable)

    # -- applying gradients -----------------------------------------------------------------

    def apply_gradients(self, grads_and_vars: Iterable[tuple[Any, np.ndarray]]) -> int:
        """Update each variable in place from its gradient; return the new ``iterations``.

        Args:
            grads_and_vars: iterable of ``(gradient, variable)`` pairs, typically
                ``zip(grads, params)``. Each variable is a float NumPy array; each gradient is
                array-like of the same shape (cast to the variable's dtype). A pair whose
                gradient is None is skipped, as in Keras.

        Returns:
            int, ``iterations`` after this call.
        """
        pairs = list(grads_and_vars)
        if not pairs:
            raise ValueError(
                "Argument `grads_and_vars` must hold at least one (gradient, variable) pair. "
                "Received: an empty iterable (a `zip` can only be consumed once)"
            )
        for i, pair in enumerate(pairs):
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise ValueError(
                    f"Argument `grads_and_vars` must hold (gradient, variable) pairs. "
                    f"Received: grads_and_vars[{i}]={describe(pair)}"
                )
        grads = [pair[0] for pair in pairs]
        variables = [pair[1] for pair in pairs]
        self._apply(grads, variables, "grads_and_vars[{i}]")
        return self.iterations

    def apply(
        self, grads: Sequence[Any], trainable_variables: Sequence[np.ndarray] | None = None
    ) -> None:
        """Like Keras' ``apply``: ``apply_gradients(zip(grads, trainable_variables))``.

        With ``trainable_variables=None`` the arrays given to ``build`` are used. An empty
        ``grads`` is a no-op, as in Keras.
        """
        grads = list(grads)
        if not grads:
            return
        if trainable_variables is None:
            if self._built_variables is None:
                raise ValueError(
                    "Argument `trainable_variables` is required until the optimizer is built: "
                    "call `optimizer.build(variables)` first. Received: trainable_variables=None"
                )
            trainable_variables = self._built_variables
        variables = list(trainable_variables)
        if len(grads) != len(variables):
            raise ValueError(
                "Arguments `grads` and `trainable_variables` must have the same length. "
                f"Received: {len(grads)} gradients and {len(variables)} variables"
            )
        self._apply(grads, variables, "grads[{i}]")

    def _apply(self, grads: list[Any], variables: list[np.ndarray], where: str) -> None:
        # 1. Check everything before touching anything, so a bad pair leaves all state unchanged.
        checked_grads, checked_vars, seen = [], [], {}
        for i, (grad, variable) in enumerate(zip(grads, variables, strict=True)):
            if grad is None:
                continue
            label = where.format(i=i)
            self._check_variable(variable, label)
            if id(variable) in seen:
                raise ValueError(
                    f"Argument `{label}`: the same array is also at index {seen[id(variable)]}; "
                    "each variable may appear once per call"
                )
            seen[id(variable)] = i
            checked_grads.append(self._check_gradient(grad, variable, label))
            checked_vars.append(variable)
        if not checked_grads:
            raise ValueError("No gradients provided for any variable: every gradient is None.")
        self._apply_unchecked(checked_grads, checked_vars)

    def _apply_unchecked(self, grads: list[np.ndarray], variables: list[np.ndarray]) -> None:
        """Clip, decay, update and count, on pairs already known to be valid.

        ``Sequential.fit`` calls this directly: it made the gradients itself, in the variables'
        dtype and shape, and it checks every batch's loss, so a diverging model still stops with
        a clear error. Everyone else goes through the checks of ``apply_gradients``.
        """
        checked_grads, checked_vars = grads, variables
        # 2. Clip, 3. decay, 4. update, 5. count: Keras' order.
        checked_grads = self._clip_gradients(checked_grads)
        lr = self._learning_rate
        if self.weight_decay is not None:
            for variable in checked_vars:
                dtype = variable.dtype.type
                variable -= variable * dtype(self.weight_decay) * dtype(lr)
        for grad, variable in zip(checked_grads, checked_vars, strict=True):
            self.update_step(grad, variable, lr)
        self.iterations += 1

    @staticmethod
    def _check_variable(variable: Any, label: str) -> None:
        if not isinstance(variable, np.ndarray) or variable.dtype.kind != "f":
            raise TypeError(
                f"Argument `{label}`: the variable must be a floating-point NumPy array (it is "
                f"updated in place so the model sees the change). Received: {describe(variable)}"
            )
        if not variable.flags.writeable:
            raise ValueError(
                f"Argument `{label}`: the variable must be a writeable array (it is updated in "
                f"place). Received: a read-only {describe(variable)}"
            )

    @staticmethod
    def _check_gradient(grad: Any, variable: np.ndarray, label: str) -> np.ndarray:
        g = np.asarray(grad)
        if g.dtype.kind not in "fiu":
            raise TypeError(
                f"Argument `{label}`: the gradient must hold real numbers. Received: {describe(g)}"
            )
        if g.shape != variable.shape:
            raise ValueError(
                f"Argument `{label}`: the gradient has shape {g.shape} but its variable has shape "
                f"{variable.shape}; they must be equal"
            )
        if g.dtype != variable.dtype:
            g = g.astype(variable.dtype)
        check_finite(g, f"{label} (gradient)")
        return g

    def _clip_gradients(self, grads: list[np.ndarray]) -> list[np.ndarray]:
        if self.clipnorm is not None:
            out = []
            for g in grads:
                c = g.dtype.type(self.clipnorm)
                norm = np.sqrt(np.sum(np.square(g)))
                out.append(g * c / max(norm, c))
            return out
        if self.global_clipnorm is not None:
            norm = np.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads))
            c = self.global_clipnorm
            scale = c * min(1.0 / norm, 1.0 / c) if norm > 0 else c * (1.0 / c)
            return [g * g.dtype.type(scale) for g in grads]
        if self.clipvalue is not None:
            return [np.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        return grads

    def update_step(self, gradient: np.ndarray, variable: np.ndarray, learning_rate: float) -> None:
        """Update ``variable`` in place from ``gradient`` (same shape and dtype)."""
        raise NotImplementedError(f"{type(self).__name__} must implement `update_step`.")

    # -- configuration ----------------------------------------------------------------------

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments as a dict (no state), as Keras' ``get_config``."""
        return {
            "name": self.name,
            "learning_rate": self._learning_rate,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Optimizer:
        """Build an optimizer from ``get_config()`` output, ours or a Keras optimizer's.

        Keras-only keys are accepted when they hold their "off" value (``use_ema=False``, ...).
        """
        config = dict(config)
        for key, neutral in _KERAS_NEUTRAL.items():
            if key in config:
                value = config.pop(key)
                if value != neutral:
                    raise ValueError(
                        f"Argument `{key}` is not supported by dlcourse.nn.optimizers. "
                        f"Received: {key}={value!r}"
                    )
        return cls(**config)

    def __repr__(self) -> str:
        config = self.get_config()
        config.pop("name")
        args = ", ".join(f"{k}={v!r}" for k, v in config.items() if v is not None)
        return f"{type(self).__name__}({args})"
