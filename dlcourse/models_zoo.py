"""The documents' six models in one place, buildable with NumPy or with Keras (chapter 4).

Each source document trains one or two small Keras models. This module records them (layers,
compile arguments, epochs, batch size, as the documents give them) and builds each with either
backend, so that chapter 4, the parity tests and the benchmarks all use the same definitions::

    from dlcourse import models_zoo
    np_model = models_zoo.build("doc0_mlp", backend="numpy", seed=0)    # dlcourse.nn
    k_model = models_zoo.build("doc0_mlp", backend="keras", seed=0)     # keras
    np_model.set_weights(k_model.get_weights())                         # same start
    np_model.fit(x, y, **models_zoo.fit_args("doc0_mlp"), shuffle=False)

=============  ====  ======================================================  ================
name           doc   layers                                                  compile
=============  ====  ======================================================  ================
doc0_mlp       [0]   784 → Dense(32, relu) → Dense(10, softmax)              adam, sparse CCE
doc1_xor       [1]   2 → Dense(10, relu) → Dense(1, sigmoid)                 adam, BCE
doc1_cnn       [1]   28×28×1 → Conv2D(32, 3×3, relu) → MaxPooling2D(2×2)     adam, CCE
                     → Flatten → Dense(10, softmax)                          (one-hot)
doc2_mlp       [2]   100 → Dense(64, relu) → Dense(64, relu) → Dense(10, sm)  adam, CCE
doc3_binary    [3]   8 → Dense(16, relu) → Dense(16, relu) → Dense(1, sigm)  adam, BCE
doc4_binary    [4]   100 → Dense(64, relu) → Dense(64, relu) → Dense(1, sigm)  adam, BCE
=============  ====  ======================================================  ================

Every model reports ``metrics=['accuracy']``. Epochs: 5, 1000, 10, 10, 100, 10; only [3] gives
a batch size (10); the others use Keras' default, 32.

Importing this module imports neither TensorFlow nor Keras: ``build(..., backend="keras")``
imports ``keras`` when called (whatever ``KERAS_BACKEND`` selects, so the benchmarks can time
Keras on JAX too).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dlcourse._checks import check_in, check_positive_int

__all__ = [
    "BACKENDS",
    "ModelSpec",
    "build",
    "compile_args",
    "fit_args",
    "names",
    "random_data",
    "spec",
]

BACKENDS = ("numpy", "keras")


@dataclass(frozen=True)
class ModelSpec:
    """One document's model.

    Attributes:
        name: key of the model (``"doc0_mlp"``, …).
        document: index of the source document (``seeds/00<k>_*.txt``).
        title: a one-line description.
        input_shape: the documents' input shape (one sample).
        course_input_shape: the shape of the offline data the course trains it on by default
            (digits 8×8 = 64 features, breast cancer 30 features, the XOR table).
        layers: ``(kind, arguments)`` pairs, kinds ``"Dense"``, ``"Conv2D"``,
            ``"MaxPooling2D"``, ``"Flatten"``; arguments as Keras names them.
        optimizer, loss, metrics: the documents' ``compile`` arguments.
        epochs: the documents' ``fit(epochs=...)``.
        batch_size: the documents' ``fit(batch_size=...)``; None means Keras' default, 32.
        labels: ``"sparse"`` (integer classes), ``"onehot"`` or ``"binary"`` (0/1 column).
        classes: number of output classes (1 for binary).
    """

    name: str
    document: int
    title: str
    input_shape: tuple[int, ...]
    course_input_shape: tuple[int, ...]
    layers: tuple[tuple[str, dict[str, Any]], ...]
    loss: str
    epochs: int
    labels: str
    classes: int
    batch_size: int | None = None
    optimizer: str = "adam"
    metrics: tuple[str, ...] = field(default=("accuracy",))


_SPECS: dict[str, ModelSpec] = {
    s.name: s
    for s in [
        ModelSpec(
            "doc0_mlp",
            0,
            "MNIST MLP: 784 → 32 relu → 10 softmax",
            (784,),
            (64,),
            (
                ("Dense", {"units": 32, "activation": "relu"}),
                ("Dense", {"units": 10, "activation": "softmax"}),
            ),
            loss="sparse_categorical_crossentropy",
            epochs=5,
            labels="sparse",
            classes=10,
        ),
        ModelSpec(
            "doc1_xor",
            1,
            "XOR: 2 → 10 relu → 1 sigmoid",
            (2,),
            (2,),
            (
                ("Dense", {"units": 10, "activation": "relu"}),
                ("Dense", {"units": 1, "activation": "sigmoid"}),
            ),
            loss="binary_crossentropy",
            epochs=1000,
            labels="binary",
            classes=1,
        ),
        ModelSpec(
            "doc1_cnn",
            1,
            "CNN: Conv2D(32, 3×3) → MaxPooling2D(2×2) → Flatten → 10 softmax",
            (28, 28, 1),
            (8, 8, 1),
            (
                ("Conv2D", {"filters": 32, "kernel_size": (3, 3), "activation": "relu"}),
                ("MaxPooling2D", {"pool_size": (2, 2)}),
                ("Flatten", {}),
                ("Dense", {"units": 10, "activation": "softmax"}),
            ),
            loss="categorical_crossentropy",
            epochs=10,
            labels="onehot",
            classes=10,
        ),
        ModelSpec(
            "doc2_mlp",
            2,
            "MLP: 100 → 64 relu → 64 relu → 10 softmax",
            (100,),
            (64,),
            (
                ("Dense", {"units": 64, "activation": "relu"}),
                ("Dense", {"units": 64, "activation": "relu"}),
                ("Dense", {"units": 10, "activation": "softmax"}),
            ),
            loss="categorical_crossentropy",
            epochs=10,
            labels="onehot",
            classes=10,
        ),
        ModelSpec(
            "doc3_binary",
            3,
            "Binary MLP: 8 → 16 relu → 16 relu → 1 sigmoid",
            (8,),
            (30,),
            (
                ("Dense", {"units": 16, "activation": "relu"}),
                ("Dense", {"units": 16, "activation": "relu"}),
                ("Dense", {"units": 1, "activation": "sigmoid"}),
            ),
            loss="binary_crossentropy",
            epochs=100,
            batch_size=10,
            labels="binary",
            classes=1,
        ),
        ModelSpec(
            "doc4_binary",
            4,
            "Binary MLP: 100 → 64 relu → 64 relu → 1 sigmoid",
            (100,),
            (30,),
            (
                ("Dense", {"units": 64, "activation": "relu"}),
                ("Dense", {"units": 64, "activation": "relu"}),
                ("Dense", {"units": 1, "activation": "sigmoid"}),
            ),
            loss="binary_crossentropy",
            epochs=10,
            labels="binary",
            classes=1,
        ),
    ]
}


def names() -> tuple[str, ...]:
    """The six model names, in document order."""
    return tuple(_SPECS)


def spec(name: str) -> ModelSpec:
    """The :class:`ModelSpec` of ``name`` (one of :func:`names`)."""
    check_in(name, "name", names())
    return _SPECS[name]


def compile_args(name: str) -> dict[str, Any]:
    """The documents' ``compile`` arguments: ``{"optimizer", "loss", "metrics"}``."""
    s = spec(name)
    return {"optimizer": s.optimizer, "loss": s.loss, "metrics": list(s.metrics)}


def fit_args(name: str) -> dict[str, Any]:
    """The documents' ``fit`` arguments: ``{"epochs", "batch_size"}`` (32 where none is given)."""
    s = spec(name)
    return {"epochs": s.epochs, "batch_size": s.batch_size or 32}


def _input_shape(s: ModelSpec, input_shape: Any, input_dim: Any) -> tuple[int, ...]:
    if input_dim is not None:
        if input_shape is not None:
            raise ValueError(
                "Pass either `input_shape` or `input_dim`, not both. Received: "
                f"input_shape={input_shape!r}, input_dim={input_dim!r}"
            )
        input_shape = (check_positive_int(input_dim, "input_dim"),)
    if input_shape is None:
        return s.input_shape
    try:
        shape = tuple(int(d) for d in input_shape)
    except (TypeError, ValueError):
        shape = ()
    if len(shape) != len(s.input_shape) or any(d <= 0 for d in shape):
        raise ValueError(
            f"Argument `input_shape` of {s.name!r} must be {len(s.input_shape)} "
            f"positive integers, like {s.input_shape}. Received: "
            f"input_shape={input_shape!r}"
        )
    return shape


def build(
    name: str,
    backend: str = "numpy",
    *,
    input_shape: Any = None,
    input_dim: int | None = None,
    seed: int | None = None,
    dtype: str = "float32",
    compile: bool = True,
) -> Any:
    """Build one of the documents' models.

    Args:
        name: one of :func:`names`, e.g. ``"doc0_mlp"``.
        backend: ``"numpy"`` (a :class:`dlcourse.nn.Sequential`) or ``"keras"`` (a
            ``keras.Sequential``, on whatever backend Keras uses). Defaults to ``"numpy"``.
        input_shape: shape of one sample; defaults to the documents' (784, 2, 28×28×1, 100, 8,
            100). The course passes its data's shape, e.g. ``input_dim=64`` for digits.
        input_dim: shorthand for ``input_shape=(input_dim,)``.
        seed: seed of the initial weights (NumPy: the model's generator; Keras: each layer's
            initializer gets ``seed + i``). The two backends draw different numbers: copy weights
            with ``set_weights`` to start them alike.
        dtype: ``"float32"`` (default) or ``"float64"``, the weights' and computation's dtype.
        compile: compile with the documents' arguments (:func:`compile_args`). Defaults to True.

    Returns:
        The model, built (its weights exist).
    """
    s = spec(name)
    check_in(backend, "backend", BACKENDS)
    check_in(dtype, "dtype", ("float32", "float64"))
    if seed is not None and (
        isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0
    ):
        raise ValueError(
            f"Argument `seed` must be None or a non-negative integer. Received: seed={seed!r}"
        )
    shape = _input_shape(s, input_shape, input_dim)
    model = (_build_numpy if backend == "numpy" else _build_keras)(s, shape, seed, dtype)
    if compile:
        model.compile(**compile_args(name))
    return model


def _build_numpy(s: ModelSpec, shape: tuple[int, ...], seed: int | None, dtype: str):
    from dlcourse import nn

    layers = [getattr(nn.layers, kind)(**args) for kind, args in s.layers]
    model = nn.Sequential(
        [nn.layers.InputLayer(shape), *layers], name=s.name, seed=seed, dtype=dtype
    )
    return model


def _build_keras(s: ModelSpec, shape: tuple[int, ...], seed: int | None, dtype: str):
    import keras

    layers = []
    for i, (kind, args) in enumerate(s.layers):
        args = dict(args)
        if seed is not None and kind in ("Dense", "Conv2D"):
            args["kernel_initializer"] = keras.initializers.GlorotUniform(seed=seed + i)
        layers.append(getattr(keras.layers, kind)(dtype=dtype, **args))
    return keras.Sequential([keras.Input(shape=shape, dtype=dtype), *layers], name=s.name)


def random_data(
    name: str, n: int, *, seed: int, input_shape: Any = None, dtype: str = "float32"
) -> tuple[np.ndarray, np.ndarray]:
    """Random inputs and labels of the shapes and format ``name`` expects.

    Inputs are N(0, 1) (bits 0/1 for ``doc1_xor``); labels are drawn at random in the model's
    format: integer classes ``(n,)`` for a sparse loss, one-hot rows ``(n, classes)``, or a 0/1
    column ``(n, 1)`` (for ``doc1_xor`` the XOR of the two bits). Enough to time a model or to
    compare two implementations; chapter 4 trains on real data (``dlcourse.data``).

    Args:
        name: one of :func:`names`.
        n: number of samples.
        seed: seed of the generator.
        input_shape: shape of one sample; defaults to the documents'.
        dtype: dtype of the inputs (labels are int64 for sparse, ``dtype`` otherwise).
    """
    s = spec(name)
    n = check_positive_int(n, "n")
    check_in(dtype, "dtype", ("float32", "float64"))
    shape = _input_shape(s, input_shape, None)
    rng = np.random.default_rng(seed)
    if s.name == "doc1_xor":
        x = rng.integers(0, 2, size=(n,) + shape).astype(dtype)
        y = (x[:, :1] != x[:, 1:2]).astype(dtype)
        return x, y
    # Rounded to float32 first, so that a float64 copy and a float32 copy hold the same numbers.
    x = rng.standard_normal((n,) + shape).astype(np.float32).astype(dtype)
    classes = rng.integers(0, max(s.classes, 2), size=n)
    if s.labels == "sparse":
        return x, classes.astype(np.int64)
    if s.labels == "onehot":
        return x, np.eye(s.classes, dtype=dtype)[classes]
    return x, classes.astype(dtype)[:, None]
