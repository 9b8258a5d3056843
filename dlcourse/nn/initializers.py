"""Weight initializers, in NumPy (chapter 3 and chapter 6, 权重初始化).

Mirrors ``keras.initializers``: the same class names, string shortcuts and defaults. Each
initializer is called as ``init(shape, dtype="float32", rng=None)``.

Randomness is explicit. An initializer built with a ``seed`` draws from
``np.random.default_rng(seed)`` on every call (so it returns the same values each time, as a seeded
Keras initializer does); otherwise it draws from the ``rng`` it is called with, which a layer or
model passes from its own seeded generator. Never from NumPy's global state.

Variance scaling (Glorot, He, LeCun) draws with standard deviation ``sqrt(scale / n)``, where ``n``
is ``fan_in``, ``fan_out`` or their mean:

=================  =====  ========  ===========================================
name               scale  n         distribution
=================  =====  ========  ===========================================
glorot_uniform     1      fan_avg   U(−limit, limit), limit = sqrt(3 · scale / n)
glorot_normal      1      fan_avg   truncated normal
he_normal          2      fan_in    truncated normal
he_uniform         2      fan_in    uniform
lecun_normal       1      fan_in    truncated normal
lecun_uniform      1      fan_in    uniform
=================  =====  ========  ===========================================

The truncated normal is cut at two standard deviations, which shrinks its spread by the factor
0.87962566103423978; like Keras, the stddev is divided by it so the variance is ``scale / n``.
Glorot & Bengio (2010); He et al. (2015); LeCun et al. (1998).
"""

from __future__ import annotations

import math

import numpy as np

from dlcourse._checks import check_in, check_nonnegative

__all__ = [
    "Constant",
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "Initializer",
    "LecunNormal",
    "LecunUniform",
    "Ones",
    "RandomNormal",
    "RandomUniform",
    "VarianceScaling",
    "Zeros",
    "compute_fans",
    "get",
]

_TRUNCATION_STD = 0.87962566103423978


def compute_fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight shape, as Keras computes them.

    A Dense kernel ``(in, out)`` has fans ``(in, out)``; a Conv2D kernel ``(kh, kw, c_in, c_out)``
    has ``(kh · kw · c_in, kh · kw · c_out)``.
    """
    shape = tuple(int(s) for s in shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


class Initializer:
    """Base class. Subclasses implement ``_draw(shape, rng) -> float64 array``."""

    seed: int | None = None

    def __call__(
        self, shape, dtype="float32", rng: np.random.Generator | None = None
    ) -> np.ndarray:
        """Return a new array of ``shape`` and ``dtype``.

        Args:
            shape: tuple of positive integers.
            dtype: a floating dtype. Defaults to ``"float32"``.
            rng: generator to draw from when the initializer has no seed of its own.
        """
        shape = _check_shape(shape)
        dtype = np.dtype(dtype)
        if not np.issubdtype(dtype, np.floating):
            raise ValueError(f"Argument `dtype` must be a floating dtype. Received: dtype={dtype}")
        if self.seed is not None:
            rng = np.random.default_rng(self.seed)
        elif rng is None:
            rng = np.random.default_rng()
        return self._draw(shape, rng).astype(dtype)

    def _draw(self, shape, rng):  # pragma: no cover - abstract
        raise NotImplementedError

    def get_config(self) -> dict:
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def _check_shape(shape) -> tuple[int, ...]:
    try:
        shape = tuple(shape)
    except TypeError:
        raise ValueError(
            f"Argument `shape` must be a tuple of integers. Received: {shape!r}"
        ) from None
    if not all(
        isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s > 0 for s in shape
    ):
        raise ValueError(
            f"Argument `shape` must be a tuple of positive integers. Received: shape={shape!r}"
        )
    return tuple(int(s) for s in shape)


def _check_seed(seed) -> int | None:
    if seed is not None and (
        isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0
    ):
        raise ValueError(
            f"Argument `seed` must be None or a non-negative integer. Received: seed={seed!r}"
        )
    return None if seed is None else int(seed)


class Zeros(Initializer):
    """All zeros (the default bias initializer)."""

    def _draw(self, shape, rng):
        return np.zeros(shape)


class Ones(Initializer):
    """All ones."""

    def _draw(self, shape, rng):
        return np.ones(shape)


class Constant(Initializer):
    """Every value equal to ``value`` (default 0.0)."""

    def __init__(self, value: float = 0.0):
        self.value = float(value)

    def _draw(self, shape, rng):
        return np.full(shape, self.value)

    def get_config(self):
        return {"value": self.value}


class RandomNormal(Initializer):
    """Normal draws with ``mean`` (default 0.0) and ``stddev`` (default 0.05)."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None):
        self.mean = float(mean)
        self.stddev = check_nonnegative(stddev, "stddev")
        self.seed = _check_seed(seed)

    def _draw(self, shape, rng):
        return rng.normal(self.mean, self.stddev, size=shape)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomUniform(Initializer):
    """Uniform draws in ``[minval, maxval)`` (defaults −0.05 and 0.05)."""

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: int | None = None):
        if not float(minval) < float(maxval):
            raise ValueError(
                f"Argument `minval` must be less than `maxval`. Received: "
                f"minval={minval!r}, maxval={maxval!r}"
            )
        self.minval, self.maxval = float(minval), float(maxval)
        self.seed = _check_seed(seed)

    def _draw(self, shape, rng):
        return rng.uniform(self.minval, self.maxval, size=shape)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


def _truncated_normal(rng: np.random.Generator, stddev: float, shape) -> np.ndarray:
    """Normal draws with ``stddev``, redrawn until within two standard deviations."""
    out = rng.normal(0.0, 1.0, size=shape)
    bad = np.abs(out) > 2
    while bad.any():
        out[bad] = rng.normal(0.0, 1.0, size=int(bad.sum()))
        bad = np.abs(out) > 2
    return out * stddev


class VarianceScaling(Initializer):
    """Draws with variance ``scale / n`` (see the module docstring).

    Args:
        scale: positive scaling factor. Defaults to 1.0.
        mode: ``'fan_in'`` (default), ``'fan_out'`` or ``'fan_avg'``.
        distribution: ``'truncated_normal'`` (default), ``'untruncated_normal'`` or
            ``'uniform'``.
        seed: optional integer; with a seed every call returns the same values.
    """

    def __init__(
        self,
        scale: float = 1.0,
        mode: str = "fan_in",
        distribution: str = "truncated_normal",
        seed: int | None = None,
    ):
        if not float(scale) > 0:
            raise ValueError(f"Argument `scale` must be positive. Received: scale={scale!r}")
        self.scale = float(scale)
        self.mode = check_in(mode, "mode", ("fan_in", "fan_out", "fan_avg"))
        self.distribution = check_in(
            distribution, "distribution", ("truncated_normal", "untruncated_normal", "uniform")
        )
        self.seed = _check_seed(seed)

    def _draw(self, shape, rng):
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        variance = self.scale / max(1.0, n)
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            return rng.uniform(-limit, limit, size=shape)
        if self.distribution == "untruncated_normal":
            return rng.normal(0.0, math.sqrt(variance), size=shape)
        return _truncated_normal(rng, math.sqrt(variance) / _TRUNCATION_STD, shape)

    def get_config(self):
        return {
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "seed": self.seed,
        }


class GlorotUniform(VarianceScaling):
    """Glorot (Xavier) uniform: ``U(−limit, limit)``, ``limit = sqrt(6 / (fan_in + fan_out))``.

    Keras' default kernel initializer. Glorot & Bengio, 2010.
    """

    def __init__(self, seed: int | None = None):
        super().__init__(1.0, "fan_avg", "uniform", seed)

    def get_config(self):
        return {"seed": self.seed}


class GlorotNormal(VarianceScaling):
    """Glorot (Xavier) normal: truncated normal with variance ``2 / (fan_in + fan_out)``."""

    def __init__(self, seed: int | None = None):
        super().__init__(1.0, "fan_avg", "truncated_normal", seed)

    def get_config(self):
        return {"seed": self.seed}


class HeNormal(VarianceScaling):
    """He normal: truncated normal with variance ``2 / fan_in``, made for ReLU. He et al., 2015."""

    def __init__(self, seed: int | None = None):
        super().__init__(2.0, "fan_in", "truncated_normal", seed)

    def get_config(self):
        return {"seed": self.seed}


class HeUniform(VarianceScaling):
    """He uniform: ``U(−limit, limit)``, ``limit = sqrt(6 / fan_in)``."""

    def __init__(self, seed: int | None = None):
        super().__init__(2.0, "fan_in", "uniform", seed)

    def get_config(self):
        return {"seed": self.seed}


class LecunNormal(VarianceScaling):
    """LeCun normal: truncated normal with variance ``1 / fan_in``."""

    def __init__(self, seed: int | None = None):
        super().__init__(1.0, "fan_in", "truncated_normal", seed)

    def get_config(self):
        return {"seed": self.seed}


class LecunUniform(VarianceScaling):
    """LeCun uniform: ``U(−limit, limit)``, ``limit = sqrt(3 / fan_in)``."""

    def __init__(self, seed: int | None = None):
        super().__init__(1.0, "fan_in", "uniform", seed)

    def get_config(self):
        return {"seed": self.seed}


_ALIASES: dict[str, type[Initializer]] = {
    "zeros": Zeros,
    "ones": Ones,
    "constant": Constant,
    "random_normal": RandomNormal,
    "random_uniform": RandomUniform,
    "variance_scaling": VarianceScaling,
    "glorot_uniform": GlorotUniform,
    "glorot_normal": GlorotNormal,
    "he_normal": HeNormal,
    "he_uniform": HeUniform,
    "lecun_normal": LecunNormal,
    "lecun_uniform": LecunUniform,
}


def get(identifier: str | Initializer) -> Initializer:
    """Look up an initializer like ``keras.initializers.get``: a name or an instance.

    Raises:
        ValueError: for an unknown name.
    """
    if isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, str):
        key = identifier.lower()
        if key in _ALIASES:
            return _ALIASES[key]()
        raise ValueError(
            f"Unknown initializer {identifier!r}. Expected one of {sorted(_ALIASES)}. "
            f"Received: initializer={identifier!r}"
        )
    raise ValueError(
        f"Expected an initializer name or a dlcourse.nn.initializers.Initializer. "
        f"Received: initializer={identifier!r}"
    )
