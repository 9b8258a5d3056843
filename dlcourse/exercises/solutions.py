"""Reference solutions of the exercises, one function per exercise (chapters 2–6).

These are the answers that sit between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` in the
reference notebooks, written as a student would write them: NumPy only, a few lines each. Every
one passes its check (``dlcourse.exercises.CHECKS[id].check``); the checks themselves compare
with the package's reference (:mod:`dlcourse.nn`) wherever the package has one. Being model
answers, they skip the argument checks that the package's public functions make.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcourse.autodiff import Value
from dlcourse.nn.layers import Dense
from dlcourse.nn.models import Sequential

__all__ = [
    "accuracy",
    "adam_step",
    "build_mlp",
    "class_weights",
    "conv2d_forward",
    "cross_entropy",
    "dense_backward",
    "dense_forward",
    "dropout",
    "gd_step",
    "impute_median",
    "l2_penalty",
    "max_pool",
    "momentum_step",
    "mul",
    "neuron",
    "precision_recall_f1",
    "prune",
    "quantize_int8",
    "sigmoid",
    "soft_targets",
    "softmax",
]

# ------------------------------------------------------------------------------- chapter 2


def neuron(x: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """One sigmoid neuron, ``out = σ(x · w + b)``: weighted sum, plus bias, then activation.

    Args: ``x (N, D)`` inputs, ``w (D,)`` weights, ``b`` bias. Returns ``(N,)``. Chapter 2.
    """
    z = x @ w + b
    return 1.0 / (1.0 + np.exp(-z))


def mul(a: Value, b: Value) -> Value:
    """The product node of the autodiff engine, with its backward step (chapter 2).

    ``out = a · b``; ``∂out/∂a = b``, ``∂out/∂b = a``; each input *adds* the local gradient
    times ``out.grad`` (``+=``, so ``mul(x, x)`` gets both contributions).
    """
    out = Value(a.data * b.data)
    out._prev = (a, b)

    def _backward() -> None:
        a.grad += b.data * out.grad
        b.grad += a.data * out.grad

    out._backward = _backward
    return out


# ------------------------------------------------------------------------------- chapter 3


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Stable logistic sigmoid ``σ(x) = 1 / (1 + e^{-x})`` (chapter 3).

    ``e = exp(−|x|) ≤ 1`` never overflows: ``σ = 1/(1 + e)`` for ``x ≥ 0``, ``e/(1 + e)`` else.
    """
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softmax(x: np.ndarray) -> np.ndarray:
    """Stable softmax over the last axis, ``e^{x_i − max x} / Σ_j e^{x_j − max x}`` (chapter 3)."""
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def cross_entropy(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """Categorical cross-entropy per sample, ``−Σ_i y_i log p_i``, p clipped to [1e-7, 1 − 1e-7].

    Args: one-hot ``y_true (N, C)``, probabilities ``y_pred (N, C)``. Returns ``(N,)``.
    Chapter 3; the clipping is Keras' (its ``epsilon`` is 1e-7).
    """
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return -(y_true * np.log(p)).sum(axis=-1)


def gd_step(
    w: float, b: float, x: np.ndarray, y: np.ndarray, learning_rate: float
) -> tuple[float, float]:
    """One gradient-descent step for ``ŷ = w x + b`` on ``J = 1/(2m) Σ (ŷ − y)²`` (chapter 3).

    ``∂J/∂w = (1/m) Σ (ŷ − y) x``, ``∂J/∂b = (1/m) Σ (ŷ − y)``; ``θ := θ − α ∇J``.
    """
    error = w * x + b - y
    dw, db = np.mean(error * x), np.mean(error)
    return w - learning_rate * dw, b - learning_rate * db


def dense_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Dense layer before its activation, ``z = x W + b``: ``x (N, in)``, ``W (in, units)``,
    ``b (units,)`` → ``(N, units)`` (chapter 3)."""
    return x @ W + b


def dense_backward(
    dout: np.ndarray, x: np.ndarray, W: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of ``z = x W + b`` given ``dout = ∂L/∂z (N, units)`` (chapter 3).

    ``dx = dout Wᵀ (N, in)``, ``dW = xᵀ dout (in, units)``, ``db = Σ_n dout (units,)``.
    """
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


def momentum_step(
    w: np.ndarray,
    grad: np.ndarray,
    velocity: np.ndarray,
    learning_rate: float = 0.01,
    momentum: float = 0.9,
) -> tuple[np.ndarray, np.ndarray]:
    """One SGD-with-momentum step, Keras' form: ``v := μ v − α g``; ``w := w + v`` (chapter 3)."""
    velocity = momentum * velocity - learning_rate * grad
    return w + velocity, velocity


def adam_step(
    w: np.ndarray,
    grad: np.ndarray,
    m: np.ndarray,
    v: np.ndarray,
    t: int,
    learning_rate: float = 0.001,
    beta_1: float = 0.9,
    beta_2: float = 0.999,
    epsilon: float = 1e-7,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One Adam step at step ``t = 1, 2, …`` (Kingma and Ba's Algorithm 1; chapter 3).

    ``m := β₁ m + (1 − β₁) g``, ``v := β₂ v + (1 − β₂) g²``, ``m̂ = m / (1 − β₁ᵗ)``,
    ``v̂ = v / (1 − β₂ᵗ)``, ``w := w − α m̂ / (√v̂ + ε)``. Returns ``(w, m, v)``.
    """
    m = beta_1 * m + (1 - beta_1) * grad
    v = beta_2 * v + (1 - beta_2) * grad**2
    m_hat = m / (1 - beta_1**t)
    v_hat = v / (1 - beta_2**t)
    return w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon), m, v


def l2_penalty(W: np.ndarray, l2: float = 0.01) -> tuple[float, np.ndarray]:
    """Keras' L2 penalty ``l2 · Σ W²`` (no 1/2) and its gradient ``2 · l2 · W`` (chapter 3)."""
    return l2 * np.sum(W**2), 2 * l2 * W


def dropout(x: np.ndarray, rate: float, rng: np.random.Generator) -> np.ndarray:
    """Inverted dropout at training time: drop each entry with probability ``rate`` and scale
    the kept ones by ``1 / (1 − rate)``, so the expected output is ``x`` (chapter 3)."""
    keep = rng.random(x.shape) >= rate
    return np.where(keep, x / (1 - rate), 0.0)


def conv2d_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """2-D convolution (cross-correlation), stride 1, ``'valid'`` padding (chapter 3).

    ``out[n, i, j, f] = b_f + Σ_{di, dj, c} x[n, i + di, j + dj, c] · W[di, dj, c, f]``;
    ``x (N, H, W, C)``, ``W (kh, kw, C, F)``, ``b (F,)`` → ``(N, H − kh + 1, W − kw + 1, F)``.
    """
    kh, kw = W.shape[:2]
    h_out, w_out = x.shape[1] - kh + 1, x.shape[2] - kw + 1
    out = np.zeros((x.shape[0], h_out, w_out, W.shape[3])) + b
    for di in range(kh):
        for dj in range(kw):
            out += x[:, di : di + h_out, dj : dj + w_out, :] @ W[di, dj]
    return out


def max_pool(x: np.ndarray, pool_size: int = 2) -> np.ndarray:
    """Max pooling over non-overlapping ``pool_size × pool_size`` windows, stride = pool size,
    ``'valid'`` (a remainder row or column is dropped): ``(N, H, W, C)`` →
    ``(N, H // p, W // p, C)`` (chapter 3)."""
    n, h, w, c = x.shape
    p = pool_size
    x = x[:, : h // p * p, : w // p * p, :]
    return x.reshape(n, h // p, p, w // p, p, c).max(axis=(2, 4))


# ------------------------------------------------------------------------------- chapter 4


def build_mlp(input_dim: int = 784) -> Sequential:
    """Document [0]'s model: ``input_dim → Dense(32, relu) → Dense(10, softmax)`` (chapter 4)."""
    return Sequential(
        [
            Dense(32, activation="relu", input_shape=(input_dim,)),
            Dense(10, activation="softmax"),
        ]
    )


def accuracy(y_true: np.ndarray, probs: np.ndarray) -> float:
    """Fraction of samples whose most probable class is the label: ``y_true (N,)`` integer
    labels, ``probs (N, C)`` (chapter 4)."""
    return float(np.mean(probs.argmax(axis=1) == y_true))


# ------------------------------------------------------------------------------- chapter 5


def prune(W: np.ndarray, sparsity: float) -> np.ndarray:
    """Magnitude pruning: a copy of ``W`` with its ``⌊sparsity · W.size⌋`` entries of smallest
    ``|w|`` set to zero (chapter 5)."""
    k = int(sparsity * W.size)
    pruned = W.copy()
    smallest = np.argsort(np.abs(W), axis=None)[:k]
    pruned.flat[smallest] = 0.0
    return pruned


def quantize_int8(W: np.ndarray) -> tuple[np.ndarray, float]:
    """Symmetric int8 quantisation: ``scale = max|W| / 127``, ``q = round(W / scale)``; ``W`` is
    approximately ``q · scale`` (chapter 5). Returns ``(q int8, scale)``."""
    scale = np.abs(W).max() / 127
    q = np.round(W / scale).astype(np.int8)
    return q, float(scale)


def soft_targets(logits: np.ndarray, temperature: float) -> np.ndarray:
    """Softmax with temperature, ``softmax(z / T)`` over the last axis: the teacher's soft
    targets in knowledge distillation (chapter 5)."""
    z = logits / temperature
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


# ------------------------------------------------------------------------------- chapter 6


def class_weights(y: np.ndarray) -> dict[Any, float]:
    """Balanced class weights ``w_c = n / (k · n_c)`` as a ``{label: weight}`` dict, for
    ``fit(class_weight=...)`` (chapter 6); scikit-learn's ``class_weight='balanced'``."""
    labels, counts = np.unique(y, return_counts=True)
    return {int(c): len(y) / (len(labels) * n) for c, n in zip(labels, counts, strict=True)}


def impute_median(X: np.ndarray) -> np.ndarray:
    """A copy of ``X (N, D)`` with every NaN replaced by the median of the observed values of
    its column (chapter 6)."""
    medians = np.nanmedian(X, axis=0)
    return np.where(np.isnan(X), medians, X)


def precision_recall_f1(y_true: np.ndarray, y_pred: np.ndarray) -> tuple[float, float, float]:
    """Precision ``TP/(TP+FP)``, recall ``TP/(TP+FN)`` and ``F1 = 2PR/(P+R)`` for 0/1 labels;
    0 where a denominator is 0, like scikit-learn's ``zero_division=0`` (chapter 6)."""
    tp = int(np.sum((y_pred == 1) & (y_true == 1)))
    fp = int(np.sum((y_pred == 1) & (y_true == 0)))
    fn = int(np.sum((y_pred == 0) & (y_true == 1)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
