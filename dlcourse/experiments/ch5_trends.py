"""Experiments and figures of chapter 5, "Future trends and challenges (未来发展趋势与挑战)".

The documents name the challenges of deep learning (data, compute and energy, interpretability,
scalability) and the answers (augmentation, compression, distillation, bigger models, automated
search, multimodal learning, hardware). Each function here measures one of them on small
``dlcourse.nn`` models, so a chapter cell stays a line or two:

==============================  ==========================================================
section                         functions
==============================  ==========================================================
data                            :func:`load_dataset`, :func:`small_subset`, :func:`mlp`
5.1 augmentation                :func:`augmentation_experiment`, :func:`mirror_accuracy`
                                (transforms in :mod:`dlcourse.experiments.augment`)
5.2 compression                 :func:`pruning_curve`, :func:`compression_table`,
                                :func:`quantize_int8_tf`, :func:`plot_compression`
5.3 interpretability            :func:`saliency`, :func:`saliency_tf`, :func:`deletion_test`,
                                :func:`hidden_activations`, :func:`plot_saliency`,
                                :func:`plot_hidden`
5.4 distillation                :func:`distillation_loss_tf`, :func:`distillation_experiment`,
                                :func:`distillation_claim_check`
5.5 scaling                     :func:`scaling_experiment`, :func:`plot_scaling`
5.6 trends                      :func:`random_search`, :func:`multimodal_experiment`,
                                :func:`matmul_throughput`
tables                          :func:`format_table`
==============================  ==========================================================

Results are lists of dicts (one per row); :func:`format_table` prints them with fixed
decimals, so a notebook's output is stable. Everything random takes a ``seed``. TensorFlow and
matplotlib are imported inside the functions that need them.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from dlcourse import compression, nn
from dlcourse._checks import as_float_array, check_positive_int, describe, integer_labels
from dlcourse.experiments import augment

__all__ = [
    "Dataset",
    "augmentation_experiment",
    "compression_table",
    "count_macs",
    "deletion_test",
    "distillation_claim_check",
    "distillation_experiment",
    "distillation_loss_tf",
    "format_table",
    "hidden_activations",
    "load_dataset",
    "matmul_throughput",
    "mirror_accuracy",
    "mlp",
    "multimodal_experiment",
    "plot_compression",
    "plot_hidden",
    "plot_saliency",
    "plot_scaling",
    "pruning_curve",
    "quantize_int8_tf",
    "random_search",
    "saliency",
    "saliency_tf",
    "scaling_experiment",
    "small_subset",
    "two_modalities",
]

# ----------------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Dataset:
    """Images ``(N, H, W, 1)`` in ``[0, 1]`` and integer labels, split three ways."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    @property
    def image_shape(self) -> tuple[int, ...]:
        return tuple(self.x_train.shape[1:])

    @property
    def input_dim(self) -> int:
        return int(np.prod(self.image_shape))

    def flat(self, part: str) -> np.ndarray:
        """``x_<part>`` as rows ``(N, H·W)`` for an MLP (part: train, val or test)."""
        if part not in ("train", "val", "test"):
            raise ValueError(f"Argument `part` must be train, val or test. Received: {part!r}")
        x = getattr(self, f"x_{part}")
        return x.reshape(len(x), -1)


def load_dataset(
    name: str = "digits", seed: int = 0, limit: int = 10_000, data_dir: Any = None
) -> Dataset:
    """The chapter's data: 55 % train, 15 % validation, 30 % test, stratified and seeded.

    Args:
        name: ``"digits"`` (default: scikit-learn's 1,797 images of 8×8, offline) or
            ``"mnist"`` (28×28, MNIST's training files through :func:`dlcourse.data.load_mnist`,
            the first ``limit`` images).
        seed: seed of the split; defaults to 0.
        limit: how many MNIST images to use; defaults to 10,000.
        data_dir: folder holding the MNIST files (see ``load_mnist``); defaults to None.

    Returns:
        A :class:`Dataset` of float32 images ``(N, H, W, 1)``.
    """
    from dlcourse import data

    if name == "digits":
        x, y = data.load_digits()
    elif name == "mnist":
        limit = check_positive_int(limit, "limit")
        images, labels = data.load_mnist("train", data_dir=data_dir)
        x = (images[:limit, :, :, None] / np.float32(255.0)).astype(np.float32)
        y = labels[:limit].astype(np.int64)
    else:
        raise ValueError(f"Argument `name` must be 'digits' or 'mnist'. Received: name={name!r}")
    (xt, yt), (xv, yv), (xs, ys) = data.train_val_test_split(x, y, val=0.15, test=0.3, seed=seed)
    return Dataset(xt, yt, xv, yv, xs, ys)


def small_subset(x: Any, y: Any, per_class: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``per_class`` examples of every class, drawn at random: a data-poor training set.

    Returns:
        ``(x_small, y_small)`` with ``classes · per_class`` rows, grouped by class.
    """
    labels = integer_labels(y)
    x = np.asarray(x)
    if len(x) != len(labels):
        raise ValueError(f"Arguments `x` and `y` differ in length: {len(x)} and {len(labels)}")
    per_class = check_positive_int(per_class, "per_class")
    rng = np.random.default_rng(seed)
    chosen = []
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        if len(members) < per_class:
            raise ValueError(f"Class {c} has {len(members)} examples, fewer than {per_class}.")
        chosen.append(rng.choice(members, per_class, replace=False))
    idx = np.concatenate(chosen)
    return x[idx], labels[idx]


def mlp(
    hidden: Sequence[int] = (64,),
    input_dim: int = 64,
    classes: int = 10,
    learning_rate: float = 1e-3,
    seed: int = 0,
    dtype: str = "float32",
) -> nn.Sequential:
    """A compiled MLP ``input_dim → hidden… (ReLU) → classes (softmax)``, Adam, sparse CE.

    ``hidden=()`` gives softmax regression (a linear model); ``dtype="float64"`` a model for
    exact comparisons (``model64.set_weights(model.get_weights())`` copies trained weights).
    Returns a built, compiled model.
    """
    layers = [nn.layers.Dense(check_positive_int(u, "hidden"), activation="relu") for u in hidden]
    model = nn.Sequential(
        [*layers, nn.layers.Dense(check_positive_int(classes, "classes"), activation="softmax")],
        seed=seed,
        dtype=dtype,
    )
    model.build((None, check_positive_int(input_dim, "input_dim")))
    model.compile(
        optimizer=nn.optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def count_macs(model: nn.Sequential) -> int:
    """Multiply–accumulates for one example through the Dense layers: ``Σ n_in · n_out``.

    A forward pass costs about ``2 · MACs`` floating-point operations; for an MLP the MACs
    equal the number of weights (biases excluded), which is why parameters measure compute.
    """
    if not isinstance(model, nn.Sequential):
        raise TypeError(f"Argument `model` must be a dlcourse.nn.Sequential. Received: {model!r}")
    return sum(
        int(layer.params["kernel"].size) for layer in model.layers if "kernel" in layer.params
    )


def _accuracy(model: nn.Sequential, x: np.ndarray, y: np.ndarray) -> float:
    """Fraction of ``x`` (images or rows, fed to the MLP as rows) classified as ``y``."""
    return float(np.mean(model.predict(x.reshape(len(x), -1), verbose=0).argmax(axis=1) == y))


# --------------------------------------------------------------------------- 5.1 augmentation


def augmentation_experiment(
    data: Dataset,
    settings: dict[str, dict[str, Any]],
    per_class: int = 10,
    seeds: Sequence[int] = (0, 1, 2),
    epochs: int = 80,
    hidden: Sequence[int] = (64,),
    learning_rate: float = 0.01,
) -> list[dict[str, Any]]:
    """Train on ``per_class`` images per class with each augmentation setting; test three ways.

    For each seed, a fresh subset (:func:`small_subset`) and a fresh MLP train for ``epochs``
    epochs on new random variants every epoch (:func:`augment.fit_augmented`). The test set
    is used as it is (``clean``: centred digits, like the training data), rotated by up to 20°
    (``rotated``), and shifted by up to one pixel (``shifted``), each drawn once with seed 12345.

    Args:
        data: the chapter's :class:`Dataset`.
        settings: ``{name: keyword arguments of augment.augment}``, e.g.
            ``{"none": {}, "rotation": {"rotation": 15}}``.
        per_class, seeds, epochs, hidden, learning_rate: the training set size per class, the
            seeds (one run each), epochs, hidden layer widths and Adam's learning rate.

    Returns:
        One row per setting: ``{"augmentation", "clean", "clean_std", "rotated", "shifted"}``
        (mean test accuracies over the seeds, and the spread of ``clean``).
    """
    if not isinstance(settings, dict) or not settings:
        raise ValueError(f"Argument `settings` must be a non-empty dict. Received: {settings!r}")
    tests = {
        "clean": data.x_test,
        "rotated": augment.random_rotation(data.x_test, 20.0, seed=12345),
        "shifted": augment.random_crop(data.x_test, 1, seed=12345),
    }
    rows = []
    for name, kwargs in settings.items():
        scores = {key: [] for key in tests}
        for seed in seeds:
            x, y = small_subset(data.x_train, data.y_train, per_class, seed=seed)
            model = mlp(hidden, data.input_dim, learning_rate=learning_rate, seed=seed)
            augment.fit_augmented(model, x, y, epochs=epochs, seed=seed, **kwargs)
            for key, x_test in tests.items():
                scores[key].append(_accuracy(model, x_test, data.y_test))
        rows.append(
            {
                "augmentation": name,
                **{key: float(np.mean(v)) for key, v in scores.items()},
                "clean_std": float(np.std(scores["clean"])),
            }
        )
    return rows


def mirror_accuracy(model: nn.Sequential, x: Any, y: Any) -> list[dict[str, Any]]:
    """Per class: accuracy on the images and on their left–right mirror images.

    A label-preserving augmentation must leave the answer unchanged. On the digits, nearly
    symmetric ones (0, 8) keep their accuracy when mirrored; a mirrored 3, 5 or 6 is not
    recognised at all: a flip changes (or destroys) the label. ``model`` takes rows (an MLP).

    Returns:
        One row per class: ``{"digit", "original", "mirrored"}``.
    """
    x = augment.as_images(x)
    labels = integer_labels(y)
    mirrored = augment.flip(x, "horizontal")
    pred = model.predict(x.reshape(len(x), -1), verbose=0).argmax(axis=1)
    pred_m = model.predict(mirrored.reshape(len(x), -1), verbose=0).argmax(axis=1)
    return [
        {
            "digit": int(c),
            "original": float(np.mean(pred[labels == c] == c)),
            "mirrored": float(np.mean(pred_m[labels == c] == c)),
        }
        for c in np.unique(labels)
    ]


# ---------------------------------------------------------------------------- 5.2 compression


def pruning_curve(
    model: nn.Sequential,
    data: Dataset,
    sparsities: Sequence[float] = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98),
    finetune_epochs: int = 5,
) -> list[dict[str, Any]]:
    """Accuracy of global magnitude pruning, before and after fine-tuning, per sparsity.

    Each sparsity starts from a copy of ``model``; :func:`compression.prune_model` zeroes the
    smallest kernels, then ``finetune_epochs`` epochs on the training set with
    :class:`compression.KeepPruned` (the zeros stay zero).

    Returns:
        One row per sparsity: ``{"sparsity", "pruned", "finetuned", "nonzero", "sparse_bytes"}``
        (test accuracies, non-zero kernel weights, float32 bytes in sparse coordinate format).
    """
    finetune_epochs = check_positive_int(finetune_epochs, "finetune_epochs")
    rows = []
    for sparsity in sparsities:
        pruned = copy.deepcopy(model)
        masks = compression.prune_model(pruned, sparsity)
        before = _accuracy(pruned, data.x_test, data.y_test)
        pruned.fit(
            data.flat("train"),
            data.y_train,
            epochs=finetune_epochs,
            verbose=0,
            callbacks=[compression.KeepPruned(masks)],
        )
        rows.append(
            {
                "sparsity": float(sparsity),
                "pruned": before,
                "finetuned": _accuracy(pruned, data.x_test, data.y_test),
                "nonzero": int(sum(mask.sum() for mask in masks.values())),
                "sparse_bytes": compression.model_size_bytes(pruned, sparse=True),
            }
        )
    return rows


def _int8_bytes(model: nn.Sequential, sparse: bool) -> int:
    """Kernels at one byte per value plus one float32 scale each; biases stay float32.

    With ``sparse=True`` a kernel stores only its non-zeros, each with a 4-byte index.
    """
    total = 0
    for layer in model.layers:
        for key, w in layer.params.items():
            if key != "kernel":
                total += 4 * w.size
            elif sparse:
                total += 5 * int(np.count_nonzero(w)) + 4
            else:
                total += w.size + 4
    return total


def compression_table(
    model: nn.Sequential, data: Dataset, sparsity: float = 0.9, finetune_epochs: int = 5
) -> list[dict[str, Any]]:
    """Accuracy and storage of ``model`` as float32, int8, pruned, and pruned + int8.

    Storage: dense float32 is 4 bytes per weight; int8 one byte per kernel weight plus a
    float32 scale per kernel (biases stay float32); "sparse" keeps only non-zeros, each with a
    4-byte index (coordinate format).

    Returns:
        One row per variant: ``{"variant", "accuracy", "bytes", "ratio"}`` (ratio: float32
        bytes divided by the variant's bytes).
    """
    base_bytes = compression.model_size_bytes(model)
    int8_model, _ = compression.quantize_model(model)
    pruned = copy.deepcopy(model)
    masks = compression.prune_model(pruned, sparsity)
    pruned.fit(
        data.flat("train"),
        data.y_train,
        epochs=check_positive_int(finetune_epochs, "finetune_epochs"),
        verbose=0,
        callbacks=[compression.KeepPruned(masks)],
    )
    pruned_int8, _ = compression.quantize_model(pruned)
    pct = f"{sparsity:.0%}"
    variants = [
        ("float32, dense", model, base_bytes),
        ("int8, dense", int8_model, _int8_bytes(model, sparse=False)),
        (
            f"float32, {pct} pruned, sparse",
            pruned,
            compression.model_size_bytes(pruned, sparse=True),
        ),
        (f"int8, {pct} pruned, sparse", pruned_int8, _int8_bytes(pruned_int8, sparse=True)),
    ]
    return [
        {
            "variant": name,
            "accuracy": _accuracy(m, data.x_test, data.y_test),
            "bytes": int(nbytes),
            "ratio": base_bytes / nbytes,
        }
        for name, m, nbytes in variants
    ]


def quantize_int8_tf(w: Any) -> tuple[np.ndarray, np.ndarray]:
    """The TensorFlow twin of :func:`compression.quantize_int8` (per tensor).

    ``s = max|w| / 127``, ``q = clip(round(w / s), −127, 127)`` as int8, with ``tf.round``
    (which, like ``np.rint``, rounds halves to even).

    Returns:
        ``(q int8 array, scale float32 array of shape ())``.
    """
    from dlcourse.tfnn import tf

    w = tf.constant(as_float_array(w, "w"))
    max_abs = tf.reduce_max(tf.abs(w))
    scale = tf.cast(tf.where(max_abs > 0, max_abs / 127.0, tf.ones_like(max_abs)), tf.float32)
    q = tf.clip_by_value(tf.round(w / tf.cast(scale, w.dtype)), -127.0, 127.0)
    return tf.cast(q, tf.int8).numpy(), scale.numpy()


def plot_compression(curve: list[dict[str, Any]], table: list[dict[str, Any]]) -> Any:
    """Left: test accuracy against sparsity, pruned and fine-tuned. Right: bytes per variant."""
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.8))
    s = [100 * r["sparsity"] for r in curve]
    ax1.plot(s, [r["pruned"] for r in curve], "o-", label="pruned")
    ax1.plot(s, [r["finetuned"] for r in curve], "s-", label="pruned + fine-tuned")
    ax1.set(xlabel="weights removed (%)", ylabel="test accuracy", ylim=(0, 1.02))
    ax1.set_title("Magnitude pruning")
    ax1.legend(loc="lower left")
    ax1.grid(alpha=0.3)
    names = [r["variant"].replace(", ", "\n", 1) for r in table]
    bars = ax2.barh(names, [r["bytes"] / 1024 for r in table], color="tab:blue")
    for bar, r in zip(bars, table, strict=True):
        ax2.text(
            bar.get_width(),
            bar.get_y() + bar.get_height() / 2,
            f" acc {r['accuracy']:.3f}",
            va="center",
        )
    ax2.invert_yaxis()
    ax2.set_xlim(0, 1.35 * max(r["bytes"] for r in table) / 1024)
    ax2.set(xlabel="storage (KiB)")
    ax2.set_title("Storage and accuracy: int8 and pruning")
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------- 5.3 interpretability


def _model_input(model: nn.Sequential, x: np.ndarray) -> np.ndarray:
    """Images flattened to rows when the model takes rows (an MLP); otherwise ``x``."""
    if not isinstance(model, nn.Sequential) or not model.built:
        raise ValueError(
            f"Argument `model` must be a built dlcourse.nn.Sequential. Received: {describe(model)}"
        )
    return x.reshape(len(x), -1) if len(model.input_shape) == 2 and x.ndim > 2 else x


def _labels_for(model: nn.Sequential, x: np.ndarray, labels: Any) -> np.ndarray:
    if labels is None:
        return model.forward(x).argmax(axis=1)
    labels = integer_labels(labels, "labels")
    if labels.shape != (len(x),) or labels.max() >= model.output_shape[-1]:
        raise ValueError(
            f"Argument `labels` must hold {len(x)} class indices. Received: {describe(labels)}"
        )
    return labels


def saliency(model: nn.Sequential, x: Any, labels: Any = None) -> np.ndarray:
    """Input gradients ``S = ∂ log p_c / ∂x`` through the NumPy model (Simonyan et al., 2014).

    ``log p_c`` is the log-probability of class ``c`` (the predicted class by default), that is
    minus the cross-entropy loss for label ``c``. The forward pass caches what the backward
    pass needs; ``model.backward`` is given ``∂ log p_c / ∂p = e_c / p_c`` and returns
    ``∂ log p_c / ∂x``. Large ``|S_ij|``: pixels whose change moves the decision most.

    Args:
        model: a ``dlcourse.nn.Sequential`` ending in ``Dense(…, activation="softmax")``.
        x: inputs ``(N, …)`` the model accepts, or images ``(N, H, W, C)`` for an MLP (they
            are flattened, and the result reshaped back).
        labels: ``(N,)`` classes ``c``; defaults to the predicted ones.

    Returns:
        ``(N, …)``, shaped like ``x``.
    """
    last = model.layers[-1] if isinstance(model, nn.Sequential) and model.layers else None
    if not isinstance(last, nn.layers.Dense) or last.activation.name != "softmax":
        raise ValueError(f"Argument `model` must end in a softmax Dense layer. Received: {model!r}")
    x = as_float_array(x, "x", dtype=model.dtype)
    x_in = _model_input(model, x)
    c = _labels_for(model, x_in, labels)
    p = model.forward(x_in, training=False)
    rows = np.arange(len(x))
    dp = np.zeros_like(p)
    dp[rows, c] = 1.0 / np.maximum(p[rows, c], np.finfo(p.dtype).tiny)
    return model.backward(dp).reshape(x.shape)


def saliency_tf(keras_model: Any, x: Any, labels: Any) -> np.ndarray:
    """The TensorFlow twin of :func:`saliency`: ``∂ log p_c / ∂x`` with ``tf.GradientTape``.

    Args:
        keras_model: a Keras model whose output is the softmax probabilities.
        x: inputs ``(N, …)``.
        labels: ``(N,)`` integer classes.

    Returns:
        ``(N, …)`` NumPy array.
    """
    from dlcourse.tfnn import tf

    x = tf.constant(as_float_array(x, "x", dtype=keras_model.inputs[0].dtype))
    c = tf.constant(integer_labels(labels, "labels"))
    with tf.GradientTape() as tape:
        tape.watch(x)
        p = keras_model(x, training=False)
        log_pc = tf.math.log(tf.gather(p, c, axis=1, batch_dims=1))
    return tape.gradient(log_pc, x).numpy()


def deletion_test(model: nn.Sequential, x: Any, y: Any, k: int = 8, seed: int = 0) -> dict:
    """Does saliency point at pixels that matter? Erase ``k`` inked pixels per image and compare.

    For each image, among its pixels with ink (``x > 0``), erase (set to 0) either the ``k``
    with the largest ``|saliency|`` (for the true label) or ``k`` chosen at random, and measure
    test accuracy. If saliency means something, the first hurts more.

    Returns:
        ``{"intact": acc, "salient_erased": acc, "random_erased": acc}``.
    """
    x = as_float_array(x, "x", dtype=model.dtype)
    y = integer_labels(y)
    k = check_positive_int(k, "k")
    flat = x.reshape(len(x), -1)
    s = np.abs(saliency(model, x, y)).reshape(len(x), -1)
    inked = flat > 0
    rng = np.random.default_rng(seed)
    # Rank inked pixels first (by score), others last; take the top k of each ranking.
    by_saliency = np.argsort(np.where(inked, -s, np.inf), axis=1, kind="stable")[:, :k]
    by_chance = np.argsort(np.where(inked, -rng.random(s.shape), np.inf), axis=1)[:, :k]
    rows = np.arange(len(x))[:, None]
    results = {"intact": _accuracy(model, x, y)}
    for key, chosen in (("salient_erased", by_saliency), ("random_erased", by_chance)):
        erased = flat.copy()
        erased[rows, chosen] = 0.0
        results[key] = _accuracy(model, erased.reshape(x.shape), y)
    return results


def hidden_activations(model: nn.Sequential, x: Any, layer: int = 0) -> np.ndarray:
    """The output of ``model.layers[layer]`` for inputs ``x``: ``(N, units)`` for a Dense layer.

    ``x`` may be images ``(N, H, W, C)`` for an MLP; they are flattened.
    """
    x = as_float_array(x, "x", dtype=model.dtype)
    if isinstance(layer, bool) or not isinstance(layer, int) or not 0 <= layer < len(model.layers):
        raise ValueError(
            f"Argument `layer` must be an index in [0, {len(model.layers)}). "
            f"Received: layer={layer!r}"
        )
    out = _model_input(model, x)
    for current in model.layers[: layer + 1]:
        out = current.forward(out, training=False)
    return out


def plot_saliency(images: Any, maps: Any, labels: Any, title: str = "") -> Any:
    """Two rows: the images, and ``|saliency|`` over them (brighter = more influence)."""
    import matplotlib.pyplot as plt

    images = augment.as_images(images)
    n = len(images)
    side = images.shape[1:3]
    fig, axes = plt.subplots(2, n, figsize=(1.5 * n, 3.3))
    for i in range(n):
        axes[0, i].imshow(images[i, :, :, 0], cmap="gray_r")
        axes[0, i].set_title(f"label {int(labels[i])}", fontsize=9)
        axes[1, i].imshow(np.abs(np.asarray(maps[i])).reshape(side), cmap="hot")
        for ax in axes[:, i]:
            ax.set_xticks([])
            ax.set_yticks([])
    axes[0, 0].set_ylabel("input")
    axes[1, 0].set_ylabel("|∂ log p / ∂x|")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_hidden(model: nn.Sequential, x: Any, y: Any, units: int = 12) -> Any:
    """Left: mean first-layer activation per class. Right: the input weights of top units.

    The ``units`` shown are those whose mean activation differs most between classes.
    """
    import matplotlib.pyplot as plt

    y = integer_labels(y)
    h = hidden_activations(model, x, 0)
    means = np.stack([h[y == c].mean(axis=0) for c in np.unique(y)])  # (classes, units)
    top = np.argsort(-means.std(axis=0), kind="stable")[:units]
    kernel = model.layers[0].params["kernel"]
    side = int(round(np.sqrt(kernel.shape[0])))
    fig = plt.figure(figsize=(12, 3.6))
    ax = fig.add_axes((0.05, 0.15, 0.36, 0.75))
    im = ax.imshow(means[:, top], cmap="viridis", aspect="auto")
    ax.set(xlabel="hidden unit (most class-selective first)", ylabel="digit", yticks=range(10))
    ax.set_xticks(range(len(top)), [str(u) for u in top], fontsize=7)
    ax.set_title("mean activation per class")
    fig.colorbar(im, ax=ax, fraction=0.05)
    cols = (len(top) + 1) // 2
    for i, u in enumerate(top):
        sub = fig.add_axes(
            (0.47 + (i % cols) * 0.52 / cols, 0.52 - (i // cols) * 0.42, 0.5 / cols, 0.36)
        )
        w = kernel[:, u].reshape(side, side)
        lim = np.abs(w).max()
        sub.imshow(w, cmap="RdBu_r", vmin=-lim, vmax=lim)
        sub.set_xticks([])
        sub.set_yticks([])
        sub.set_title(f"unit {u}", fontsize=8)
    fig.text(0.72, 0.95, "input weights of those units (red +, blue −)", ha="center")
    return fig


# --------------------------------------------------------------------------- 5.4 distillation


def distillation_loss_tf(
    student_logits: Any,
    teacher_logits: Any,
    y: Any,
    temperature: float = 4.0,
    alpha: float = 0.1,
) -> tuple[float, np.ndarray]:
    """The TensorFlow twin of :func:`compression.distillation_loss`: loss and ``∂L/∂z_s``.

    ``L = mean(α · CE(y, softmax(z_s)) + (1 − α) · T² · CE(softmax(z_t/T), softmax(z_s/T)))``,
    written with ``tf.nn.log_softmax`` and differentiated by ``tf.GradientTape``.

    Returns:
        ``(loss, dlogits)``, like the NumPy version.
    """
    from dlcourse.tfnn import tf

    zs_np = as_float_array(student_logits, "student_logits", ndim=2)
    zs = tf.constant(zs_np)
    zt = tf.constant(as_float_array(teacher_logits, "teacher_logits", ndim=2, dtype=zs_np.dtype))
    labels = tf.constant(integer_labels(y))
    t = float(temperature)
    with tf.GradientTape() as tape:
        tape.watch(zs)
        hard = -tf.gather(tf.nn.log_softmax(zs), labels, axis=1, batch_dims=1)
        soft = -tf.reduce_sum(tf.nn.softmax(zt / t) * tf.nn.log_softmax(zs / t), axis=1)
        loss = tf.reduce_mean(alpha * hard + (1 - alpha) * t * t * soft)
    return float(loss.numpy()), tape.gradient(loss, zs).numpy()


def _distilled(teacher, data, x, y, hidden, seed, epochs, temperature, alpha, learning_rate):
    student = mlp(hidden, data.input_dim, learning_rate=learning_rate, seed=seed)
    compression.distill(
        teacher, student, x, y, temperature=temperature, alpha=alpha, epochs=epochs, seed=seed
    )
    return student


def distillation_experiment(
    teacher: nn.Sequential,
    data: Dataset,
    student_hidden: Sequence[int] = (16,),
    train_sizes: Sequence[int | None] = (None, 200),
    seeds: Sequence[int] = (0, 1, 2),
    epochs: int = 40,
    temperature: float = 4.0,
    alpha: float = 0.1,
    learning_rate: float = 0.01,
) -> list[dict[str, Any]]:
    """Same small student, two ways: trained on hard labels, or distilled from ``teacher``.

    For each training-set size (``None``: the whole training split; an integer: that many
    examples drawn per seed, the student's only data, while the teacher keeps what it learned
    from the whole split) and each seed, both students start from the same initial weights.

    Returns:
        One row per size: ``{"examples", "hard", "hard_std", "distilled", "distilled_std"}``
        (test accuracies over the seeds).
    """
    rows = []
    x_all, y_all = data.flat("train"), data.y_train
    for size in train_sizes:
        hard, soft = [], []
        for seed in seeds:
            idx = np.arange(len(x_all))
            if size is not None:
                idx = np.random.default_rng(seed).choice(len(x_all), size, replace=False)
            x, y = x_all[idx], y_all[idx]
            plain = mlp(student_hidden, data.input_dim, learning_rate=learning_rate, seed=seed)
            plain.fit(x, y, epochs=epochs, verbose=0)
            hard.append(_accuracy(plain, data.x_test, data.y_test))
            student = _distilled(
                teacher, data, x, y, student_hidden, seed, epochs, temperature, alpha, learning_rate
            )
            soft.append(_accuracy(student, data.x_test, data.y_test))
        rows.append(
            {
                "examples": len(idx),
                "hard": float(np.mean(hard)),
                "hard_std": float(np.std(hard)),
                "distilled": float(np.mean(soft)),
                "distilled_std": float(np.std(soft)),
            }
        )
    return rows


def distillation_claim_check(
    teacher: nn.Sequential,
    data: Dataset,
    student_hidden: Sequence[int] = (16,),
    seed: int = 0,
    epochs: int = 40,
    temperature: float = 4.0,
    alpha: float = 0.1,
    learning_rate: float = 0.01,
) -> list[dict[str, Any]]:
    """Teacher, a distilled MLP student, and a linear model trained both ways, side by side.

    Returns:
        One row per model: ``{"model", "params", "bytes", "accuracy", "agreement"}``, where
        ``agreement`` is the fraction of test images on which it predicts the teacher's class.
    """
    x, y = data.flat("train"), data.y_train
    models = {"teacher": teacher}
    models["MLP student, distilled"] = _distilled(
        teacher, data, x, y, student_hidden, seed, epochs, temperature, alpha, learning_rate
    )
    linear = mlp((), data.input_dim, learning_rate=learning_rate, seed=seed)
    linear.fit(x, y, epochs=epochs, verbose=0)
    models["linear, hard labels"] = linear
    models["linear, distilled"] = _distilled(
        teacher, data, x, y, (), seed, epochs, temperature, alpha, learning_rate
    )
    x_test = data.flat("test")
    ref = teacher.predict(x_test, verbose=0).argmax(axis=1)
    return [
        {
            "model": name,
            "params": m.count_params(),
            "bytes": compression.model_size_bytes(m),
            "accuracy": _accuracy(m, data.x_test, data.y_test),
            "agreement": float(np.mean(m.predict(x_test, verbose=0).argmax(axis=1) == ref)),
        }
        for name, m in models.items()
    ]


# ------------------------------------------------------------------------------- 5.5 scaling


def scaling_experiment(
    data: Dataset,
    configs: dict[str, Sequence[int]],
    epochs: int = 30,
    seeds: Sequence[int] = (0, 1),
    learning_rate: float = 1e-3,
    batch_size: int = 32,
) -> list[dict[str, Any]]:
    """Train MLPs of growing width and depth; measure what the extra parameters buy.

    Returns:
        One row per config (``{name: hidden widths}``): ``{"model", "params", "macs",
        "train_acc", "test_acc", "sec_per_epoch"}``; accuracies are means over ``seeds``, the
        time is wall-clock per epoch (median over seeds) and varies from run to run.
    """
    epochs = check_positive_int(epochs, "epochs")
    rows = []
    for name, hidden in configs.items():
        train_acc, test_acc, times = [], [], []
        for seed in seeds:
            model = mlp(hidden, data.input_dim, learning_rate=learning_rate, seed=seed)
            start = time.perf_counter()
            model.fit(
                data.flat("train"), data.y_train, epochs=epochs, batch_size=batch_size, verbose=0
            )
            times.append((time.perf_counter() - start) / epochs)
            train_acc.append(_accuracy(model, data.x_train, data.y_train))
            test_acc.append(_accuracy(model, data.x_test, data.y_test))
        rows.append(
            {
                "model": name,
                "params": model.count_params(),
                "macs": count_macs(model),
                "train_acc": float(np.mean(train_acc)),
                "test_acc": float(np.mean(test_acc)),
                "sec_per_epoch": float(np.median(times)),
            }
        )
    return rows


def plot_scaling(rows: list[dict[str, Any]]) -> Any:
    """Test (and training) accuracy against parameter count (log scale), models in size order."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    rows = sorted(rows, key=lambda r: r["params"])
    params = [r["params"] for r in rows]
    ax.plot(params, [r["train_acc"] for r in rows], "s--", color="gray", label="training set")
    ax.plot(params, [r["test_acc"] for r in rows], "o-", label="test set")
    for r in rows:
        ax.annotate(
            r["model"],
            (r["params"], r["test_acc"]),
            textcoords="offset points",
            xytext=(0, -14),
            ha="center",
            fontsize=8,
        )
    ax.set_xscale("log")
    ax.margins(x=0.08, y=0.15)  # room for the labels under the points
    ax.set(xlabel="parameters (log scale)", ylabel="accuracy")
    ax.set_title("Scaling up: what more parameters buy")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


# -------------------------------------------------------------------------------- 5.6 trends


def random_search(
    data: Dataset,
    trials: int = 8,
    seed: int = 0,
    epochs: int = 20,
    widths: Sequence[int] = (8, 16, 32, 64, 128, 256),
    log10_lr: tuple[float, float] = (-4.0, -1.0),
) -> list[dict[str, Any]]:
    """Random search (随机搜索) over learning rate and width, scored on the validation set.

    Each trial draws ``learning_rate = 10^u`` with ``u ~ U(log10_lr)`` and a width from
    ``widths``, trains ``64 → width → 10`` for ``epochs`` epochs, and records the validation
    accuracy; only the best is then scored once on the test set.

    Returns:
        The trials, best first: ``{"trial", "learning_rate", "width", "val_acc"}``; the best
        row also has ``"test_acc"``.
    """
    trials = check_positive_int(trials, "trials")
    rng = np.random.default_rng(seed)
    rows, models = [], []
    for trial in range(trials):
        lr = float(10 ** rng.uniform(*log10_lr))
        width = int(rng.choice(widths))
        model = mlp((width,), data.input_dim, learning_rate=lr, seed=seed + trial)
        model.fit(data.flat("train"), data.y_train, epochs=epochs, verbose=0)
        rows.append(
            {
                "trial": trial,
                "learning_rate": lr,
                "width": width,
                "val_acc": _accuracy(model, data.x_val, data.y_val),
            }
        )
        models.append(model)
    order = sorted(range(trials), key=lambda i: (-rows[i]["val_acc"], i))
    rows[order[0]]["test_acc"] = _accuracy(models[order[0]], data.x_test, data.y_test)
    return [rows[i] for i in order]


def two_modalities(images: Any) -> tuple[np.ndarray, np.ndarray]:
    """Two "sensors" looking at the same digits: a thumbnail and ink profiles.

    * thumbnail: the image averaged over 2×2 blocks (a low-resolution camera), ``H·W/4``
      numbers;
    * profiles: the ink in every row and every column (a different kind of sensor),
      ``H + W`` numbers, divided by the side.

    Returns:
        ``(thumbnail (N, H·W/4), profiles (N, H + W))``; ``H`` and ``W`` must be even.
    """
    x = augment.as_images(images)[..., 0]
    n, h, w = x.shape
    if h % 2 or w % 2:
        raise ValueError(f"Argument `images` must have even height and width. Received: {x.shape}")
    thumb = x.reshape(n, h // 2, 2, w // 2, 2).mean(axis=(2, 4)).reshape(n, -1)
    profiles = np.concatenate([x.sum(axis=2) / w, x.sum(axis=1) / h], axis=1)
    return thumb, profiles


def multimodal_experiment(
    data: Dataset, epochs: int = 40, seed: int = 0, hidden: int = 32, learning_rate: float = 0.01
) -> list[dict[str, Any]]:
    """Each modality alone, early fusion (concatenated inputs) and late fusion (averaged outputs).

    Returns:
        One row per model: ``{"model", "inputs", "test_acc"}``.
    """
    train, test = two_modalities(data.x_train), two_modalities(data.x_test)
    rows, probs = [], []

    def run(name: str, xs: np.ndarray, xt: np.ndarray) -> None:
        model = mlp((hidden,), xs.shape[1], learning_rate=learning_rate, seed=seed)
        model.fit(xs, data.y_train, epochs=epochs, verbose=0)
        p = model.predict(xt, verbose=0)
        probs.append(p)
        rows.append(
            {
                "model": name,
                "inputs": xs.shape[1],
                "test_acc": float(np.mean(p.argmax(axis=1) == data.y_test)),
            }
        )

    run("thumbnail only", train[0], test[0])
    run("profiles only", train[1], test[1])
    late = (probs[0] + probs[1]) / 2
    rows.append(
        {
            "model": "late fusion (average)",
            "inputs": train[0].shape[1] + train[1].shape[1],
            "test_acc": float(np.mean(late.argmax(axis=1) == data.y_test)),
        }
    )
    run("early fusion (concatenate)", np.hstack(train), np.hstack(test))
    return rows


def matmul_throughput(n: int = 512, repeats: int = 3) -> dict[str, float]:
    """GFLOP/s of an ``n × n`` matrix product in NumPy, per dtype (best of ``repeats``).

    ``2 n³`` operations per product. float64 and float32 go to the BLAS library (SIMD, all
    cores); int8 has no BLAS routine in NumPy and runs a plain loop, so fewer bits are not
    faster without hardware and kernels made for them. Timings vary: print, don't compare.
    """
    n = check_positive_int(n, "n")
    rng = np.random.default_rng(0)
    result = {}
    for dtype in ("float64", "float32", "int8"):
        a = rng.integers(-8, 8, size=(n, n)).astype(dtype)
        best = np.inf
        for _ in range(check_positive_int(repeats, "repeats")):
            start = time.perf_counter()
            a @ a
            best = min(best, time.perf_counter() - start)
        result[dtype] = 2 * n**3 / best / 1e9
    return result


# ----------------------------------------------------------------------------------- tables


def format_table(
    rows: list[dict[str, Any]], columns: dict[str, str] | str | None = None, digits: int = 3
) -> str:
    """Rows of dicts as an aligned text table, with fixed decimals so the output is stable.

    Args:
        rows: the rows (dicts); a key that a row lacks shows as ``-``.
        columns: which columns, in order, with optional format specs: a dict
            ``{"sparsity": ".0%", "pruned": ""}`` or the same as one string
            ``"sparsity:.0% pruned"``. Defaults to every key, in order of appearance.
        digits: decimals for floats without a spec; defaults to 3. Integers without a spec
            get thousands separators (``85,002``).

    Returns:
        The table as one string (header, rule, one line per row); the first column is
        left-aligned (it names the row), the others right-aligned.
    """
    if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
        raise ValueError(
            f"Argument `rows` must be a non-empty list of dicts. Received: {describe(rows)}"
        )
    if columns is None:
        columns = {key: "" for row in rows for key in row}
    elif isinstance(columns, str):
        columns = dict((item.split(":", 1) + [""])[:2] for item in columns.split())
    elif not isinstance(columns, dict):
        raise ValueError(f"Argument `columns` must be a dict or a string. Received: {columns!r}")

    def cell(value: Any, spec: str) -> str:
        if value is None:
            return "-"
        if spec:
            return format(value, spec)
        if isinstance(value, float):
            return f"{value:.{digits}f}"
        if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            return f"{value:,}"
        return str(value)

    table = [list(columns)] + [[cell(r.get(k), s) for k, s in columns.items()] for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(columns))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(table[0]), rule, *(line(cells) for cells in table[1:])])
