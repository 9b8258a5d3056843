"""Model compression for chapter 5 (模型压缩): pruning, int8 quantisation, knowledge distillation.

All three act on :class:`dlcourse.nn.Sequential` models and NumPy arrays:

* **Magnitude pruning** (剪枝) zeroes the weights of smallest ``|w|``: a fraction ``sparsity``
  of them, over the whole model (``scope="global"``) or per layer. :class:`KeepPruned` keeps them
  at zero while the model is fine-tuned.
* **int8 quantisation** (量化), symmetric: ``q = round(w / s)`` clipped to ``[−127, 127]`` with
  ``s = max|w| / 127`` per tensor (or per output channel); ``ŵ = s · q``. The rounding error is
  at most ``s / 2`` per weight, and storage drops from 32 to 8 bits (plus one scale).
* **Knowledge distillation** (知识蒸馏), Hinton et al. (2015): a small *student* learns from the
  softened outputs of a large *teacher*,

      ``L = α · CE(y, softmax(z_s)) + (1 − α) · T² · CE(softmax(z_t / T), softmax(z_s / T))``

  whose gradient with respect to the student's logits is
  ``α (softmax(z_s) − y) + (1 − α) · T · (softmax(z_s / T) − softmax(z_t / T))`` (per sample).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from dlcourse._checks import as_float_array, check_positive_int, check_probability, describe
from dlcourse.nn import Sequential
from dlcourse.nn.callbacks import Callback
from dlcourse.nn.layers import Dense

__all__ = [
    "KeepPruned",
    "QuantizedTensor",
    "dequantize",
    "distill",
    "distillation_loss",
    "magnitude_prune",
    "model_size_bytes",
    "prune_model",
    "quantize_int8",
    "quantize_model",
    "sparsity_of",
]


# ------------------------------------------------------------------------------------ pruning


def magnitude_prune(w: np.ndarray, sparsity: float) -> tuple[np.ndarray, np.ndarray]:
    """Zero the fraction ``sparsity`` of entries of ``w`` with the smallest ``|w|``.

    Args:
        w: weight array of any shape.
        sparsity: fraction in ``[0, 1]`` of entries to zero.

    Returns:
        ``(pruned, mask)``: a pruned copy of ``w`` and the boolean mask of kept entries.
        Exactly ``round(sparsity · w.size)`` entries are removed (ties broken by position).
    """
    w = as_float_array(w, "w")
    sparsity = check_probability(sparsity, "sparsity", inclusive_high=True)
    k = int(round(sparsity * w.size))
    mask = np.ones(w.shape, dtype=bool)
    if k:
        order = np.argsort(np.abs(w), axis=None, kind="stable")[:k]
        mask.flat[order] = False
    return w * mask, mask


def _prunable(model: Sequential, include_bias: bool) -> list[tuple[object, str]]:
    if not isinstance(model, Sequential) or not model.built:
        raise ValueError(
            f"Argument `model` must be a built dlcourse.nn.Sequential. Received: {describe(model)}"
        )
    keys = ("kernel", "bias") if include_bias else ("kernel",)
    return [(layer, key) for layer in model.layers for key in keys if key in layer.params]


def prune_model(
    model: Sequential, sparsity: float, scope: str = "global", include_bias: bool = False
) -> dict[tuple[str, str], np.ndarray]:
    """Prune ``model`` in place by weight magnitude; return the masks of kept weights.

    Args:
        model: a built NumPy ``Sequential``.
        sparsity: fraction in ``[0, 1]`` of the prunable weights to zero.
        scope: ``"global"`` ranks all kernels together (layers with many small weights lose
            more); ``"layer"`` removes the same fraction from every layer.
        include_bias: prune biases too. Defaults to False (they are few and matter).

    Returns:
        ``{(layer name, weight key): boolean mask}``, for :class:`KeepPruned`.
    """
    sparsity = check_probability(sparsity, "sparsity", inclusive_high=True)
    if scope not in ("global", "layer"):
        raise ValueError(f"Argument `scope` must be 'global' or 'layer'. Received: {scope!r}")
    targets = _prunable(model, include_bias)
    masks: dict[tuple[str, str], np.ndarray] = {}
    if scope == "layer":
        for layer, key in targets:
            pruned, mask = magnitude_prune(layer.params[key], sparsity)
            layer.params[key][...] = pruned
            masks[(layer.name, key)] = mask
        return masks
    flat = np.concatenate([np.abs(layer.params[key]).ravel() for layer, key in targets])
    _, keep = magnitude_prune(flat, sparsity)
    start = 0
    for layer, key in targets:
        param = layer.params[key]
        mask = keep[start : start + param.size].reshape(param.shape)
        start += param.size
        param *= mask
        masks[(layer.name, key)] = mask
    return masks


def sparsity_of(model: Sequential, include_bias: bool = False) -> float:
    """Fraction of the prunable weights that are exactly zero."""
    targets = _prunable(model, include_bias)
    total = sum(layer.params[key].size for layer, key in targets)
    zeros = sum(int((layer.params[key] == 0).sum()) for layer, key in targets)
    return zeros / max(total, 1)


class KeepPruned(Callback):
    """Re-apply pruning masks after every training step, so pruned weights stay zero.

    ``model.fit(x, y, callbacks=[KeepPruned(masks)])`` fine-tunes a pruned model.
    """

    def __init__(self, masks: dict[tuple[str, str], np.ndarray]):
        super().__init__()
        if not isinstance(masks, dict) or not masks:
            raise ValueError(
                "Argument `masks` must be the non-empty dict that prune_model "
                f"returns. Received: {describe(masks)}"
            )
        self.masks = masks

    def on_train_begin(self, logs=None):
        names = {layer.name for layer in self.model.layers}
        missing = sorted({name for name, _ in self.masks} - names)
        if missing:
            raise ValueError(f"KeepPruned has masks for layers this model lacks: {missing}")
        self._apply()

    def on_train_batch_end(self, batch, logs=None):
        self._apply()

    def _apply(self) -> None:
        by_name = {layer.name: layer for layer in self.model.layers}
        for (name, key), mask in self.masks.items():
            by_name[name].params[key] *= mask


# ------------------------------------------------------------------------------ quantisation


@dataclass(frozen=True)
class QuantizedTensor:
    """int8 values ``q`` and float32 ``scale`` (a scalar, or one per output channel)."""

    q: np.ndarray
    scale: np.ndarray
    axis: int | None

    @property
    def nbytes(self) -> int:
        """Storage: one byte per value plus four per scale."""
        return int(self.q.size + 4 * self.scale.size)


def quantize_int8(w: np.ndarray, per_channel: bool = False) -> QuantizedTensor:
    """Symmetric int8 quantisation: ``q = clip(round(w / s), −127, 127)``, ``s = max|w| / 127``.

    Args:
        w: float weights.
        per_channel: one scale per slice of the last axis (per output unit or filter) instead
            of one for the whole tensor. Defaults to False.

    Returns:
        A :class:`QuantizedTensor`; :func:`dequantize` gives back ``s · q``.
    """
    w = as_float_array(w, "w")
    axis = w.ndim - 1 if per_channel and w.ndim > 0 else None
    if axis is None:
        max_abs = np.abs(w).max() if w.size else 0.0
    else:
        max_abs = np.abs(w).max(axis=tuple(range(w.ndim - 1)))
    scale = np.where(max_abs > 0, max_abs / 127.0, 1.0).astype(np.float32)
    q = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
    return QuantizedTensor(q=q, scale=np.asarray(scale, dtype=np.float32), axis=axis)


def dequantize(qt: QuantizedTensor) -> np.ndarray:
    """``s · q`` as float32."""
    if not isinstance(qt, QuantizedTensor):
        raise ValueError(f"Argument `qt` must be a QuantizedTensor. Received: {describe(qt)}")
    return (qt.q.astype(np.float32) * qt.scale).astype(np.float32)


def quantize_model(
    model: Sequential, per_channel: bool = False
) -> tuple[Sequential, dict[str, int]]:
    """A copy of ``model`` whose kernels went through int8 and back (simulated quantisation).

    Biases stay float32, as in common int8 schemes. Returns ``(quantized copy, sizes)`` with
    ``sizes = {"float32_bytes": …, "int8_bytes": …}`` for the whole model.
    """
    _prunable(model, include_bias=False)
    clone = copy.deepcopy(model)
    float_bytes = int8_bytes = 0
    for layer in clone.layers:
        for key, param in layer.params.items():
            float_bytes += param.size * 4
            if key == "kernel":
                qt = quantize_int8(param, per_channel=per_channel)
                param[...] = dequantize(qt)
                int8_bytes += qt.nbytes
            else:
                int8_bytes += param.size * 4
    return clone, {"float32_bytes": float_bytes, "int8_bytes": int8_bytes}


def model_size_bytes(model: Sequential, bits: int = 32, sparse: bool = False) -> int:
    """Bytes to store the model's weights with ``bits`` per value.

    With ``sparse=True``, zeros are not stored: each non-zero costs its value plus a 4-byte
    index (a simple coordinate format), so pruning pays only past about half sparsity at 32 bits.
    """
    if bits not in (8, 16, 32, 64):
        raise ValueError(f"Argument `bits` must be 8, 16, 32 or 64. Received: bits={bits!r}")
    _prunable(model, include_bias=True)
    total = 0
    for w in model.weights:
        if sparse:
            total += int(np.count_nonzero(w)) * (bits // 8 + 4)
        else:
            total += w.size * bits // 8
    return total


# ---------------------------------------------------------------------------- distillation


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def distillation_loss(
    student_logits: np.ndarray,
    teacher_logits: np.ndarray,
    y: np.ndarray,
    temperature: float = 4.0,
    alpha: float = 0.1,
) -> tuple[float, np.ndarray]:
    """Hinton's distillation loss (mean over the batch) and its gradient w.r.t. the student logits.

    Args:
        student_logits: ``(N, classes)``.
        teacher_logits: ``(N, classes)``.
        y: integer labels ``(N,)``.
        temperature: ``T ≥ 1`` softens both distributions; defaults to 4.
        alpha: weight in ``[0, 1]`` of the hard-label term; defaults to 0.1.

    Returns:
        ``(loss, dlogits)`` with ``dlogits`` of shape ``(N, classes)``.
    """
    zs = as_float_array(student_logits, "student_logits", ndim=2)
    zt = as_float_array(teacher_logits, "teacher_logits", ndim=2, dtype=zs.dtype)
    if zs.shape != zt.shape:
        raise ValueError(
            f"Arguments `student_logits` and `teacher_logits` must have the same "
            f"shape. Received: {zs.shape} and {zt.shape}"
        )
    labels = np.asarray(y)
    if labels.shape != (len(zs),) or labels.dtype.kind not in "iu":
        raise ValueError(
            f"Argument `y` must hold {len(zs)} integer labels. Received: {describe(labels)}"
        )
    if labels.min() < 0 or labels.max() >= zs.shape[1]:
        raise ValueError(f"Argument `y` must hold labels in [0, {zs.shape[1]}).")
    t = float(temperature)
    if not t >= 1.0:
        raise ValueError(f"Argument `temperature` must be >= 1. Received: {temperature!r}")
    alpha = check_probability(alpha, "alpha", inclusive_high=True)
    n = len(zs)
    p_s = _softmax(zs)
    hard = -np.log(np.clip(p_s[np.arange(n), labels], 1e-12, None))
    soft_s, soft_t = _softmax(zs / t), _softmax(zt / t)
    log_soft_s = zs / t - zs.max(axis=1, keepdims=True) / t
    log_soft_s -= np.log(np.exp(log_soft_s).sum(axis=1, keepdims=True))
    soft = -(soft_t * log_soft_s).sum(axis=1)
    loss = float((alpha * hard + (1 - alpha) * t * t * soft).mean())
    onehot = np.zeros_like(zs)
    onehot[np.arange(n), labels] = 1
    grad = alpha * (p_s - onehot) + (1 - alpha) * t * (soft_s - soft_t)
    return loss, grad / n


def distill(
    teacher: Sequential,
    student: Sequential,
    x: np.ndarray,
    y: np.ndarray,
    temperature: float = 4.0,
    alpha: float = 0.1,
    epochs: int = 10,
    batch_size: int = 32,
    seed: int = 0,
) -> list[float]:
    """Train ``student`` on ``teacher``'s softened outputs; return the loss of every epoch.

    Both models end with a ``Dense`` layer; the student must be compiled (its optimizer is
    used). The teacher's logits are its last Dense layer's pre-activations, so a teacher that
    ends in ``softmax`` works too. The student's last layer is trained through its
    pre-activation, whatever its activation.
    """
    for name, model in (("teacher", teacher), ("student", student)):
        if not isinstance(model, Sequential) or not isinstance(model.layers[-1], Dense):
            raise ValueError(
                f"Argument `{name}` must be a Sequential ending in a Dense layer. "
                f"Received: {describe(model)}"
            )
    if not student.compiled:
        raise RuntimeError("Compile the student first: distill uses its optimizer.")
    epochs = check_positive_int(epochs, "epochs")
    batch_size = check_positive_int(batch_size, "batch_size")
    x = student._check_x(x)
    y = np.asarray(y)
    if len(y) != len(x):
        raise ValueError(
            f"Arguments `x` and `y` must have the same length. Received: {len(x)} and {len(y)}"
        )
    teacher_logits = _logits(teacher, teacher._check_x(x))
    rng = np.random.default_rng(seed)
    history = []
    for _ in range(epochs):
        order = rng.permutation(len(x))
        total = 0.0
        for start in range(0, len(x), batch_size):
            idx = order[start : start + batch_size]
            out = x[idx]
            for layer in student.layers[:-1]:
                out = layer.call(out, training=True)
            zs = student.layers[-1].call_preactivation(out)
            loss, dz = distillation_loss(zs, teacher_logits[idx], y[idx], temperature, alpha)
            dout = student.layers[-1].backward_preactivation(dz.astype(zs.dtype))
            for layer in reversed(student.layers[:-1]):
                dout = layer.backward(dout)
            params = [p for layer in student.layers for p in layer.params.values()]
            grads = [layer.grads[k] for layer in student.layers for k in layer.params]
            student.optimizer.apply_gradients(zip(grads, params, strict=True))
            total += loss * len(idx)
        history.append(total / len(x))
    return history


def _logits(model: Sequential, x: np.ndarray) -> np.ndarray:
    out = x
    for layer in model.layers[:-1]:
        out = layer.call(out, training=False)
    return model.layers[-1].call_preactivation(out)
