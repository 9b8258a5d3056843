"""What the network playground trains: its data sets, its network and its settings (chapter 3).

:mod:`dlcourse.widgets.playground` shows it; this module holds the NumPy side. The data sets are
:mod:`dlcourse.data`'s 2-D generators scaled to about ``[-1, 1]²``; the network is a
:class:`dlcourse.nn.Sequential` of ``Dense(units, activation)`` hidden layers and a
``Dense(1, "sigmoid")`` output, trained by plain ``SGD`` on cross-entropy or squared error.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcourse import data as _data
from dlcourse.nn import Sequential
from dlcourse.nn import losses as _losses
from dlcourse.nn import optimizers as _optimizers
from dlcourse.nn import regularizers as _regularizers
from dlcourse.nn.layers import Dense

__all__ = [
    "ACTIVATIONS",
    "DATASETS",
    "LEARNING_RATES",
    "LOSSES",
    "REGULARIZATIONS",
    "REGULARIZATION_RATES",
    "check_int_in",
    "data_loss",
    "make_network",
]

#: The data sets: name → function ``(n, noise in [0, 0.5], seed) → (x (n, 2), y (n,))``, with
#: points scaled to about [-1, 1]²; ``noise`` is the playground's "noise" slider / 100.
DATASETS = {
    "circle": lambda n, noise, seed: _data.make_circles(n, noise=0.3 * noise, seed=seed),
    "xor": lambda n, noise, seed: _scaled(
        _data.make_xor(n, noise=0.25 * noise, seed=seed), shift=0.5, scale=2.0
    ),
    "gaussian": lambda n, noise, seed: _data.make_blobs(
        n, centers=np.array([[-0.8, -0.8], [0.8, 0.8]]), noise=0.25 + noise, seed=seed
    ),
    "spiral": lambda n, noise, seed: _data.make_spirals(
        n, noise=0.2 * noise, turns=1.25, seed=seed
    ),
}
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REGULARIZATION_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
#: The losses: the name on the control → the ``dlcourse.nn`` loss on the sigmoid output.
LOSSES = {"cross-entropy": "binary_crossentropy", "squared error": "mean_squared_error"}
ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")
REGULARIZATIONS = ("none", "L1", "L2")


def _scaled(xy: tuple[np.ndarray, np.ndarray], shift: float, scale: float):
    x, y = xy
    return ((x - shift) * scale).astype(np.float32), y


def make_network(
    hidden_layers: int,
    units: int,
    activation: str,
    learning_rate: float,
    regularization: str,
    regularization_rate: float,
    loss: str,
    seed: int,
) -> Sequential:
    """The playground's network, built for 2 inputs and compiled with ``SGD(learning_rate)``.

    ``hidden_layers`` × ``Dense(units, activation)``, then ``Dense(1, "sigmoid")``; every kernel
    gets the ``regularization`` (``"none"``, ``"L1"``, ``"L2"``) at ``regularization_rate``;
    ``loss`` is a key of :data:`LOSSES`. The same ``seed`` gives the same initial weights.
    """
    model = Sequential(seed=seed)
    for _ in range(hidden_layers):
        model.add(
            Dense(
                units,
                activation=activation,
                kernel_regularizer=_regularizer(regularization, regularization_rate),
            )
        )
    model.add(
        Dense(
            1,
            activation="sigmoid",
            kernel_regularizer=_regularizer(regularization, regularization_rate),
        )
    )
    model.build((None, 2))
    model.compile(
        optimizer=_optimizers.SGD(learning_rate=learning_rate), loss=LOSSES[loss], metrics=[]
    )
    return model


def data_loss(model: Sequential, loss: str, x: np.ndarray, y: np.ndarray) -> float:
    """The data loss of ``model`` on ``(x, y)``, without the regularisation term.

    Args:
        model: the network; loss: a key of :data:`LOSSES`; x: ``(n, 2)``; y: ``(n,)`` in {0, 1}.
    """
    fn = _losses.get(LOSSES[loss])
    return float(fn(y.reshape(-1, 1), model.predict(x, verbose=0)))


def _regularizer(name: str, rate: float) -> Any:
    if name == "none" or rate == 0:
        return None
    return _regularizers.L1(l1=rate) if name == "L1" else _regularizers.L2(l2=rate)


def check_int_in(value: Any, name: str, low: int, high: int) -> int:
    """Return ``value`` as an int if it is an integer in ``[low, high]``, else ValueError."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, np.integer))
        or not low <= value <= high
    ):
        raise ValueError(
            f"Argument `{name}` must be an integer in [{low}, {high}]. Received: {name}={value!r}"
        )
    return int(value)
