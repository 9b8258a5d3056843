"""Vanishing and exploding gradients, measured layer by layer (chapter 6, 梯度消失和梯度爆炸).

Backpropagation multiplies, layer after layer, by each layer's Jacobian. For a stack of Dense
layers ``h_l = f(h_{l−1} W_l + b_l)`` the gradient reaching layer ``l`` is

    ∂L/∂W_l = h_{l−1}ᵀ δ_l,   δ_l = (δ_{l+1} W_{l+1}ᵀ) ⊙ f'(z_l),

so its size behaves like a product of ``‖W_k‖ · |f'(z_k)|`` over the layers above. With the
sigmoid, ``f' ≤ 1/4``: the product shrinks geometrically towards the input (vanishing); with
weights drawn too large it grows (exploding). This module builds deep MLPs with a chosen
activation, initialiser and optional normalisation, measures ``‖∂L/∂W_l‖`` for every layer after
one backward pass (NumPy, and the same numbers from TensorFlow), and trains them with SGD and
Adam to test document [2]'s advice "use Adam" against the real fixes: ReLU with He
initialisation, normalisation, and gradient clipping.

Normalisation: ``dlcourse.nn`` has no normalisation layer, so :class:`LayerNormalization` is
written here (Keras' ``LayerNormalization(center=False, scale=False)``, forward and backward).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes

from dlcourse import nn
from dlcourse._checks import (
    as_float_array,
    check_in,
    check_nonnegative,
    check_positive_int,
    check_same_length,
    describe,
)
from dlcourse.nn.layers import Activation, Dense, Layer

__all__ = [
    "GRADIENT_SETUPS",
    "LayerNormalization",
    "deep_mlp",
    "first_update_norms",
    "fit_or_diverge",
    "kernel_gradient_norms",
    "kernel_gradient_norms_tf",
    "gradient_norm_table",
    "output_gradients",
    "output_gradients_tf",
    "plot_gradient_norms",
    "train_deep",
]

#: Named set-ups of a deep MLP: hidden activation, kernel initialiser, normalisation.
GRADIENT_SETUPS: dict[str, dict[str, Any]] = {
    "sigmoid, Glorot": {"activation": "sigmoid", "kernel_initializer": "glorot_uniform"},
    "sigmoid, Glorot, LayerNorm": {
        "activation": "sigmoid",
        "kernel_initializer": "glorot_uniform",
        "normalize": True,
    },
    "ReLU, He": {"activation": "relu", "kernel_initializer": "he_normal"},
    "ReLU, N(0, 0.05²)": {
        "activation": "relu",
        "kernel_initializer": {"class_name": "RandomNormal", "stddev": 0.05},
    },
    "ReLU, N(0, 0.3²)": {
        "activation": "relu",
        "kernel_initializer": {"class_name": "RandomNormal", "stddev": 0.3},
    },
}

_LOSS = nn.losses.SparseCategoricalCrossentropy(from_logits=True)


class LayerNormalization(Layer):
    """Normalise each sample over its last axis: ``x̂ = (x − μ) / √(σ² + ε)``.

    ``μ = mean(x, axis=-1)``, ``σ² = mean((x − μ)², axis=-1)``, per sample, so the layer works
    the same in training and inference (unlike batch normalisation). It is Keras'
    ``LayerNormalization(epsilon=ε, center=False, scale=False)``: no learned scale or offset.

    Backward, with ``r = (σ² + ε)^(−1/2)`` and ``D`` features::

        dx = r · (dout − mean(dout) − x̂ · mean(dout ⊙ x̂))      (means over the last axis)

    Shapes: ``x (N, D)`` → ``out (N, D)``.

    Args:
        epsilon: ε > 0 added to the variance. Defaults to 1e-3 (Keras' default).
        **kwargs: ``name``, ``dtype``, ``input_shape``.

    Chapter 6 (梯度消失和梯度爆炸): placed between a Dense layer and its activation, it keeps
    the pre-activations at unit scale in every layer.
    """

    def __init__(self, epsilon: float = 1e-3, **kwargs: Any):
        super().__init__(**kwargs)
        epsilon = check_nonnegative(epsilon, "epsilon")
        if epsilon == 0:
            raise ValueError(
                f"Argument `epsilon` must be a positive number. Received: epsilon={epsilon!r}"
            )
        self.epsilon = epsilon
        self._xhat: np.ndarray | None = None
        self._r: np.ndarray | None = None

    def call(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """``x̂ = (x − μ) r``; caches ``x̂`` and ``r`` for backward."""
        centred = x - x.mean(axis=-1, keepdims=True)
        self._r = 1.0 / np.sqrt((centred * centred).mean(axis=-1, keepdims=True) + self.epsilon)
        self._xhat = centred * self._r
        return self._xhat

    def backward(self, dout: np.ndarray, *, need_dx: bool = True) -> np.ndarray:
        """``dx = r (dout − mean(dout) − x̂ mean(dout ⊙ x̂))``."""
        dout = self._check_dout(dout, None if self._xhat is None else self._xhat.shape)
        xhat = self._xhat
        mean_dout = dout.mean(axis=-1, keepdims=True)
        mean_proj = (dout * xhat).mean(axis=-1, keepdims=True)
        return self._r * (dout - mean_dout - xhat * mean_proj)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "epsilon": self.epsilon}


def deep_mlp(
    depth: int = 10,
    width: int = 64,
    activation: str = "relu",
    kernel_initializer: Any = "he_normal",
    normalize: bool = False,
    input_dim: int = 64,
    num_classes: int = 10,
    seed: int = 0,
    dtype: str = "float64",
) -> nn.Sequential:
    """A deep MLP that outputs logits: ``depth`` hidden layers of ``width`` units.

    Each hidden layer is ``Dense(width, activation)``, or with ``normalize=True``
    ``Dense(width) → LayerNormalization → Activation(activation)``; the last layer is
    ``Dense(num_classes)`` without activation (logits, for a cross-entropy ``from_logits=True``).

    Args:
        depth: number of hidden layers (≥ 1). Defaults to 10.
        width: units per hidden layer. Defaults to 64.
        activation: hidden activation name. Defaults to ``"relu"``.
        kernel_initializer: initialiser of every kernel (name, instance, or a dict
            ``{"class_name": "RandomNormal", "stddev": 0.3}``). Defaults to ``"he_normal"``.
        normalize: insert :class:`LayerNormalization` before each hidden activation.
        input_dim: input features. Defaults to 64 (digits).
        num_classes: output units. Defaults to 10.
        seed: seed of the model's generator (initial weights). Defaults to 0.
        dtype: weight dtype. Defaults to float64 (exact comparisons with TensorFlow).

    Returns:
        A built, uncompiled :class:`dlcourse.nn.Sequential` with ``depth + 1`` kernels.
    """
    depth = check_positive_int(depth, "depth")
    width = check_positive_int(width, "width")
    input_dim = check_positive_int(input_dim, "input_dim")
    num_classes = check_positive_int(num_classes, "num_classes")
    init = _initializer(kernel_initializer)
    model = nn.Sequential(seed=seed, dtype=dtype)
    model.build((None, input_dim))
    for _ in range(depth):
        if normalize:
            model.add(Dense(width, kernel_initializer=init))
            model.add(LayerNormalization())
            model.add(Activation(activation))
        else:
            model.add(Dense(width, activation=activation, kernel_initializer=init))
    model.add(Dense(num_classes, kernel_initializer=init))
    return model


def _initializer(identifier: Any) -> Any:
    if isinstance(identifier, Mapping):
        config = dict(identifier)
        name = config.pop("class_name", None)
        if not isinstance(name, str) or not hasattr(nn.initializers, name):
            raise ValueError(
                "Argument `kernel_initializer` as a dict needs 'class_name' naming a class of "
                f"dlcourse.nn.initializers. Received: {identifier!r}"
            )
        return getattr(nn.initializers, name)(**config)
    return identifier


def _check_xy(model: Any, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(model, nn.Sequential) or not model.built:
        raise TypeError(
            f"Argument `model` must be a built dlcourse.nn.Sequential. Received: {describe(model)}"
        )
    x = as_float_array(x, "x", dtype=model.dtype, ndim=2)
    y = np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"Argument `y` must be 1-D integer labels. Received: {describe(y)}")
    check_same_length(x, y)
    return x, y


def kernel_gradient_norms(model: nn.Sequential, x: Any, y: Any) -> np.ndarray:
    """``‖∂L/∂W_l‖_F`` for every kernel, after one forward and one backward pass (NumPy).

    ``L`` is the mean sparse categorical cross-entropy of the logits the model outputs. No
    weight is changed.

    Args:
        model: a built model whose last layer outputs logits (e.g. :func:`deep_mlp`).
        x: inputs ``(N, D)``.
        y: integer labels ``(N,)``.

    Returns:
        Array ``(number of kernels,)``, first (input side) to last (output side).
    """
    x, y = _check_xy(model, x, y)
    out = model.forward(x, training=True)
    model.backward(_LOSS.gradient(y, out))
    kernels = [layer.grads["kernel"] for layer in model.layers if "kernel" in layer.params]
    return np.array([np.linalg.norm(g) for g in kernels])


def kernel_gradient_norms_tf(model: nn.Sequential, x: Any, y: Any) -> np.ndarray:
    """The same numbers as :func:`kernel_gradient_norms`, computed by TensorFlow.

    The model is copied with :func:`dlcourse.tfnn.to_keras` (same layers, same weights) and
    the gradient of ``keras.losses.SparseCategoricalCrossentropy(from_logits=True)`` taken with
    ``tf.GradientTape``. Models with :class:`LayerNormalization` have no Keras copy here.

    Returns:
        Array ``(number of kernels,)``, first to last.
    """
    x, y = _check_xy(model, x, y)
    from dlcourse.tfnn import keras, tf, to_keras

    keras_model = to_keras(model)
    loss = keras.losses.SparseCategoricalCrossentropy(
        from_logits=True, dtype=np.dtype(model.dtype).name
    )
    kernels = [layer.kernel for layer in keras_model.layers if hasattr(layer, "kernel")]
    with tf.GradientTape() as tape:
        value = loss(y, keras_model(x, training=True))
    grads = tape.gradient(value, kernels)
    return np.array([float(tf.norm(g)) for g in grads])


def gradient_norm_table(
    x: Any,
    y: Any,
    setups: Sequence[str] | None = None,
    depth: int = 10,
    width: int = 64,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Per-layer gradient norms of a freshly initialised deep MLP, for each set-up.

    Args:
        x, y: one batch, ``(N, D)`` inputs and ``(N,)`` integer labels.
        setups: names from :data:`GRADIENT_SETUPS`; default all of them.
        depth, width, seed: as in :func:`deep_mlp`.

    Returns:
        ``{set-up name: array (depth + 1,)}`` of ``‖∂L/∂W_l‖``, input side first.
    """
    setups = list(GRADIENT_SETUPS) if setups is None else list(setups)
    table = {}
    for name in setups:
        check_in(name, "setups", GRADIENT_SETUPS)
        x_arr = np.asarray(x)
        model = deep_mlp(
            depth, width, input_dim=x_arr.shape[-1], seed=seed, **GRADIENT_SETUPS[name]
        )
        table[name] = kernel_gradient_norms(model, x_arr, y)
    return table


def plot_gradient_norms(table: Mapping[str, Any], ax: Axes | None = None) -> Axes:
    """Draw ``‖∂L/∂W_l‖`` against the layer index on a log scale, one line per set-up."""
    if not isinstance(table, Mapping) or not table:
        raise ValueError(
            f"Argument `table` must be a non-empty dict {{name: norms}}. Received: "
            f"{describe(table)}"
        )
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(7.5, 4.0))
    for name, norms in table.items():
        norms = as_float_array(norms, f"table[{name!r}]", ndim=1)
        ax.semilogy(np.arange(1, len(norms) + 1), norms, "o-", ms=4, label=name)
    ax.set_xlabel("layer (1 = next to the input)")
    ax.set_ylabel("‖∂L/∂W‖ (log scale)")
    ax.set_title("Gradient norm per layer after one backward pass")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    return ax


def first_update_norms(
    model: nn.Sequential, x: Any, y: Any, optimizer: nn.optimizers.Optimizer
) -> np.ndarray:
    """``‖ΔW_l‖`` of the first step ``optimizer`` takes, per kernel; the weights are restored.

    SGD steps by ``−α g``, so its steps vanish where the gradients do. Adam's first step (Keras'
    form, bias corrections included) is ``−α g / (|g| + ε / √(1 − β₂))``, about ``−α sign(g)``
    wherever ``|g| ≫ ε / √(1 − β₂)`` (``≈ 3.2e-6`` with the defaults ε = 1e-7, β₂ = 0.999):
    every such weight moves by about ``α``, however small its gradient; smaller gradients get
    proportionally smaller steps.

    Args:
        model: a built model whose last layer outputs logits.
        x, y: a batch, inputs ``(N, D)`` and integer labels ``(N,)``.
        optimizer: a fresh :mod:`dlcourse.nn.optimizers` instance (its state is used up).

    Returns:
        Array ``(number of kernels,)``, first to last.
    """
    if not isinstance(optimizer, nn.optimizers.Optimizer):
        raise TypeError(
            "Argument `optimizer` must be a dlcourse.nn.optimizers.Optimizer. "
            f"Received: {describe(optimizer)}"
        )
    saved = model.get_weights()
    kernel_gradient_norms(model, x, y)
    layers = [layer for layer in model.layers if layer.params]
    before = [layer.params["kernel"].copy() for layer in layers if "kernel" in layer.params]
    grads = [layer.grads[k] for layer in layers for k in layer.params]
    params = [layer.params[k] for layer in layers for k in layer.params]
    optimizer.apply_gradients(zip(grads, params, strict=True))
    after = [layer.params["kernel"] for layer in layers if "kernel" in layer.params]
    steps = np.array([np.linalg.norm(a - b) for a, b in zip(after, before, strict=True)])
    model.set_weights(saved)
    return steps


def fit_or_diverge(model: nn.Sequential, x: Any, y: Any, **fit_kwargs: Any) -> bool:
    """``model.fit(x, y, verbose=0, **fit_kwargs)``; returns False if training diverged.

    Divergence is a loss or an activation that became inf or NaN (``fit`` raises then); the
    floating-point warnings of the overflow are silenced. Other errors propagate.
    """
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            model.fit(x, y, verbose=0, **fit_kwargs)
    except (FloatingPointError, ValueError) as exc:
        if isinstance(exc, ValueError) and "NaN" not in str(exc):
            raise
        return False
    return True


def train_deep(
    setup: str,
    optimizer: Callable[[], nn.optimizers.Optimizer],
    data: tuple[Any, Any, Any, Any],
    epochs: int = 10,
    depth: int = 10,
    width: int = 64,
    batch_size: int = 32,
    seed: int = 0,
) -> dict[str, Any]:
    """Train a deep MLP of a named set-up and report accuracy, divergence and gradient flow.

    Args:
        setup: a name of :data:`GRADIENT_SETUPS`.
        optimizer: a function returning a fresh optimizer, e.g. ``lambda: Adam(1e-3)``.
        data: ``(x_train, y_train, x_val, y_val)``, integer labels.
        epochs, batch_size: as in ``fit``. Defaults 10 and 32.
        depth, width, seed: as in :func:`deep_mlp`.

    Returns:
        ``{"accuracy": validation accuracy (nan if diverged), "diverged": bool,
        "first/last": ‖∂L/∂W_1‖ / ‖∂L/∂W_last‖ on the validation set after training (nan if
        diverged)}``. Training diverges when the loss or an activation becomes inf or NaN.
    """
    check_in(setup, "setup", GRADIENT_SETUPS)
    if not callable(optimizer):
        raise TypeError(
            "Argument `optimizer` must be a function returning an optimizer, e.g. "
            f"lambda: Adam(1e-3). Received: {describe(optimizer)}"
        )
    x_train, y_train, x_val, y_val = data
    x_train = np.asarray(x_train)
    model = deep_mlp(depth, width, input_dim=x_train.shape[-1], seed=seed, **GRADIENT_SETUPS[setup])
    model.compile(optimizer=optimizer(), loss=_LOSS, metrics=["accuracy"])
    if not fit_or_diverge(model, x_train, y_train, batch_size=batch_size, epochs=epochs):
        return {"accuracy": float("nan"), "diverged": True, "first/last": float("nan")}
    with np.errstate(over="ignore", invalid="ignore"):
        _, accuracy = model.evaluate(x_val, y_val, verbose=0)
        norms = kernel_gradient_norms(model, x_val, y_val)
    ratio = norms[0] / norms[-1] if norms[-1] > 0 else float("nan")
    return {"accuracy": float(accuracy), "diverged": False, "first/last": float(ratio)}


# ---- why cross-entropy for classification -----------------------------------------------------


def output_gradients(z: Any, y: Any) -> dict[str, np.ndarray]:
    """``∂L/∂z`` of one sigmoid output unit under cross-entropy and under squared error (NumPy).

    With ``p = σ(z)``: binary cross-entropy gives ``∂L/∂z = p − y``; squared error
    ``L = (p − y)²`` gives ``∂L/∂z = 2 (p − y) p (1 − p)``, which vanishes when the unit
    saturates (``p`` near 0 or 1), even when the prediction is wrong. Both are computed with
    :mod:`dlcourse.nn` (the loss's gradient, then the sigmoid's backward), per sample.

    Args:
        z: logits ``(N,)``.
        y: targets in {0, 1}, ``(N,)``.

    Returns:
        ``{"cross-entropy": (N,), "squared error": (N,)}``.
    """
    z = as_float_array(z, "z", dtype=np.float64, ndim=1)
    y = as_float_array(y, "y", dtype=np.float64, ndim=1)
    check_same_length(z, y, "z", "y")
    p = nn.activations.sigmoid(z)[:, None]
    cross_entropy = nn.losses.BinaryCrossentropy(from_logits=True, reduction="sum")
    squared = nn.losses.MeanSquaredError(reduction="sum")
    dp = squared.gradient(y[:, None], p)  # 2 (p − y), then back through the sigmoid
    return {
        "cross-entropy": cross_entropy.gradient(y[:, None], z[:, None])[:, 0],
        "squared error": nn.activations.get("sigmoid").backward(dp, p)[:, 0],
    }


def output_gradients_tf(z: Any, y: Any) -> dict[str, np.ndarray]:
    """The TensorFlow twin of :func:`output_gradients` (``tf.GradientTape`` through
    ``keras.losses`` in float64)."""
    z = as_float_array(z, "z", dtype=np.float64, ndim=1)
    y = as_float_array(y, "y", dtype=np.float64, ndim=1)
    check_same_length(z, y, "z", "y")
    from dlcourse.tfnn import keras, tf

    grads = {}
    losses = {
        "cross-entropy": lambda t: keras.losses.binary_crossentropy(
            y[:, None], t[:, None], from_logits=True
        ),
        "squared error": lambda t: keras.losses.mean_squared_error(
            y[:, None], tf.sigmoid(t)[:, None]
        ),
    }
    for name, loss in losses.items():
        logits = tf.constant(z)
        with tf.GradientTape() as tape:
            tape.watch(logits)
            value = tf.reduce_sum(loss(logits))
        grads[name] = tape.gradient(value, logits).numpy()
    return grads
