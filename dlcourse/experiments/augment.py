"""Data augmentation (数据增强) for image batches ``(N, H, W, C)``, channels last (chapter 5).

A model that sees more *variations* of its few examples generalises better: [2] lists rotation
(旋转), flips (翻转) and crops (裁剪); noise is the fourth classic. Each transform here takes a
batch and a ``seed`` (an ``int`` or a ``np.random.Generator``), draws one random parameter per
image, and works on the whole batch at once (fancy indexing, no Python loop over pixels):

==================  ========================================================================
transform           what each image gets
==================  ========================================================================
:func:`rotate`      rotation by given angles (degrees, counter-clockwise) about the centre,
                    bilinear interpolation, zeros outside
:func:`random_rotation`   an angle drawn uniformly from ``[−max_degrees, max_degrees]``
:func:`shift`       integer translation ``(dy, dx)``, zeros shifted in
:func:`random_crop`       pad by ``padding`` zeros, cut a random ``H × W`` window (= a random
                    shift by at most ``padding`` pixels each way)
:func:`flip`        mirror left–right (``"horizontal"``) or top–bottom (``"vertical"``)
:func:`random_flip`       each image mirrored with probability 1/2
:func:`add_noise`   Gaussian noise of standard deviation ``stddev``, clipped to ``[0, 1]``
:func:`augment`     the above composed: rotation, crop, flip, noise
==================  ========================================================================

An augmentation must keep the label true. A rotated or shifted "3" is still a 3; a mirrored
"3" is not a digit at all, and a mirrored "2" looks more like a "5": flips suit photographs of
cats, not handwriting. Chapter 5 measures both.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcourse._checks import as_float_array, check_in, check_nonnegative, describe

__all__ = [
    "add_noise",
    "as_images",
    "augment",
    "fit_augmented",
    "flip",
    "random_crop",
    "random_flip",
    "random_rotation",
    "rotate",
    "shift",
]

# Images sampled per block in :func:`rotate`, bounding the memory of the coordinate arrays.
_BLOCK = 4096


def as_images(images: Any) -> np.ndarray:
    """``images`` as a float array ``(N, H, W, C)``, or a ValueError saying what is wrong."""
    arr = as_float_array(images, "images")
    if arr.ndim != 4:
        raise ValueError(
            "Argument `images` must be a batch of shape (N, H, W, C), channels last (use "
            f"x.reshape(-1, 8, 8, 1) for flat digits). Received: shape {arr.shape}"
        )
    return arr


def _rng(seed: Any) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(
            "Argument `seed` must be a non-negative integer or a np.random.Generator. "
            f"Received: seed={seed!r}"
        )
    return np.random.default_rng(int(seed))


def _per_image(values: Any, n: int, name: str, dtype: Any = np.float64) -> np.ndarray:
    arr = np.asarray(values, dtype=dtype)
    if arr.ndim == 0:
        arr = np.full(n, arr, dtype=dtype)
    if arr.shape != (n,) or not np.all(np.isfinite(arr)):
        raise ValueError(
            f"Argument `{name}` must be a finite number or one per image, shape ({n},). "
            f"Received: {describe(values)}"
        )
    return arr


def rotate(images: Any, degrees: Any) -> np.ndarray:
    """Rotate each image counter-clockwise by ``degrees`` about its centre (bilinear, zero fill).

    Output pixel ``(r, c)`` reads the input at the source point obtained by rotating back by
    ``θ`` about the centre ``(c_r, c_c) = ((H − 1)/2, (W − 1)/2)``:

        ``r_s = c_r + sin θ · (c − c_c) + cos θ · (r − c_r)``,
        ``c_s = c_c + cos θ · (c − c_c) − sin θ · (r − c_r)``,

    and interpolates between the four pixels around ``(r_s, c_s)`` with weights
    ``(1 − a)(1 − b), (1 − a) b, a (1 − b), a b`` (``a, b`` the fractional parts). Points outside
    the image read 0 (background). ``θ = 0`` returns the images unchanged; ``θ = 90°`` on a
    square image equals ``np.rot90``.

    Args:
        images: ``(N, H, W, C)``.
        degrees: one angle for all, or ``(N,)`` angles, in degrees.

    Returns:
        ``(N, H, W, C)``, the dtype of ``images``.
    """
    x = as_images(images)
    n, h, w, _ = x.shape
    theta = np.deg2rad(_per_image(degrees, n, "degrees"))[:, None, None]
    cos, sin = np.cos(theta), np.sin(theta)
    rows, cols = np.mgrid[0:h, 0:w].astype(np.float64)
    dr, dc = rows - (h - 1) / 2, cols - (w - 1) / 2
    src_r = (h - 1) / 2 + sin * dc + cos * dr  # (N, H, W)
    src_c = (w - 1) / 2 + cos * dc - sin * dr
    out = np.empty_like(x)
    for start in range(0, n, _BLOCK):
        block = slice(start, start + _BLOCK)
        out[block] = _bilinear(x[block], src_r[block], src_c[block])
    return out


def _bilinear(x: np.ndarray, src_r: np.ndarray, src_c: np.ndarray) -> np.ndarray:
    """Sample ``x (N, H, W, C)`` at real coordinates ``(N, H, W)``; zero outside the image."""
    n, h, w, _ = x.shape
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))  # a frame of zeros
    # Clip into the frame: a point beyond it then reads only zeros.
    r = np.clip(src_r, -1.0, float(h))
    c = np.clip(src_c, -1.0, float(w))
    r0, c0 = np.floor(r), np.floor(c)
    a, b = (r - r0)[..., None], (c - c0)[..., None]
    i0, j0 = r0.astype(np.intp) + 1, c0.astype(np.intp) + 1  # indices into `padded`
    i1, j1 = np.minimum(i0 + 1, h + 1), np.minimum(j0 + 1, w + 1)
    k = np.arange(n)[:, None, None]
    out = (
        (1 - a) * (1 - b) * padded[k, i0, j0]
        + (1 - a) * b * padded[k, i0, j1]
        + a * (1 - b) * padded[k, i1, j0]
        + a * b * padded[k, i1, j1]
    )
    return out.astype(x.dtype, copy=False)


def random_rotation(images: Any, max_degrees: float = 15.0, seed: Any = 0) -> np.ndarray:
    """Rotate each image by an angle drawn uniformly from ``[−max_degrees, max_degrees]``.

    Args:
        images: ``(N, H, W, C)``.
        max_degrees: largest angle, ≥ 0; defaults to 15.
        seed: ``int`` or ``np.random.Generator``; defaults to 0.

    Returns:
        ``(N, H, W, C)``.
    """
    x = as_images(images)
    max_degrees = check_nonnegative(max_degrees, "max_degrees")
    angles = _rng(seed).uniform(-max_degrees, max_degrees, size=len(x))
    return rotate(x, angles)


def shift(images: Any, dy: Any, dx: Any) -> np.ndarray:
    """Translate each image by whole pixels: ``out[r, c] = in[r − dy, c − dx]``, zeros shifted in.

    Args:
        images: ``(N, H, W, C)``.
        dy: rows down (negative: up), one integer or ``(N,)``.
        dx: columns right (negative: left), one integer or ``(N,)``.

    Returns:
        ``(N, H, W, C)``.
    """
    x = as_images(images)
    n, h, w, _ = x.shape
    dy = _per_image(dy, n, "dy", dtype=np.float64)
    dx = _per_image(dx, n, "dx", dtype=np.float64)
    if np.any(dy != np.round(dy)) or np.any(dx != np.round(dx)):
        raise ValueError(
            "Arguments `dy` and `dx` must be whole numbers of pixels (use rotate for "
            f"sub-pixel moves). Received: dy={describe(dy)}, dx={describe(dx)}"
        )
    src_r = np.arange(h)[None, :, None] - dy.astype(np.intp)[:, None, None]  # (N, H, 1)
    src_c = np.arange(w)[None, None, :] - dx.astype(np.intp)[:, None, None]  # (N, 1, W)
    inside = (src_r >= 0) & (src_r < h) & (src_c >= 0) & (src_c < w)  # (N, H, W)
    k = np.arange(n)[:, None, None]
    out = x[k, np.clip(src_r, 0, h - 1), np.clip(src_c, 0, w - 1)]
    return out * inside[..., None].astype(x.dtype)


def random_crop(images: Any, padding: int = 1, seed: Any = 0) -> np.ndarray:
    """Pad each image by ``padding`` zeros and cut out a random window of the original size.

    The same as :func:`shift` by ``dy, dx`` drawn uniformly from ``{−padding, …, padding}``.

    Args:
        images: ``(N, H, W, C)``.
        padding: non-negative integer, the largest shift; defaults to 1.
        seed: ``int`` or ``np.random.Generator``; defaults to 0.

    Returns:
        ``(N, H, W, C)``.
    """
    x = as_images(images)
    if isinstance(padding, bool) or not isinstance(padding, (int, np.integer)) or padding < 0:
        raise ValueError(
            f"Argument `padding` must be a non-negative integer. Received: padding={padding!r}"
        )
    rng = _rng(seed)
    dy = rng.integers(-padding, padding + 1, size=len(x))
    dx = rng.integers(-padding, padding + 1, size=len(x))
    return shift(x, dy, dx)


def flip(images: Any, direction: str = "horizontal") -> np.ndarray:
    """Mirror every image: ``"horizontal"`` swaps left and right, ``"vertical"`` top and bottom.

    Returns:
        ``(N, H, W, C)``, a copy.
    """
    x = as_images(images)
    check_in(direction, "direction", ("horizontal", "vertical"))
    return x[:, :, ::-1].copy() if direction == "horizontal" else x[:, ::-1].copy()


def random_flip(images: Any, direction: str = "horizontal", seed: Any = 0) -> np.ndarray:
    """Mirror each image with probability 1/2 (see :func:`flip`).

    Returns:
        ``(N, H, W, C)``.
    """
    x = as_images(images)
    flipped = flip(x, direction)
    chosen = _rng(seed).random(len(x)) < 0.5
    return np.where(chosen[:, None, None, None], flipped, x)


def add_noise(
    images: Any, stddev: float = 0.1, seed: Any = 0, clip: tuple[float, float] | None = (0.0, 1.0)
) -> np.ndarray:
    """Add Gaussian noise ``ε ~ N(0, stddev²)`` to every pixel, then clip to ``clip``.

    Args:
        images: ``(N, H, W, C)``, pixels in ``[0, 1]`` for the default clip.
        stddev: standard deviation, ≥ 0; defaults to 0.1.
        seed: ``int`` or ``np.random.Generator``; defaults to 0.
        clip: ``(low, high)`` range of valid pixels, or ``None`` not to clip.

    Returns:
        ``(N, H, W, C)``.
    """
    x = as_images(images)
    stddev = check_nonnegative(stddev, "stddev")
    out = x + _rng(seed).normal(0.0, stddev, size=x.shape).astype(x.dtype)
    if clip is not None:
        low, high = (float(v) for v in clip)
        if not low < high:
            raise ValueError(
                f"Argument `clip` must be (low, high) with low < high. Received: {clip}"
            )
        out = np.clip(out, low, high)
    return out


def augment(
    images: Any,
    seed: Any = 0,
    rotation: float = 0.0,
    padding: int = 0,
    flip: str | None = None,
    noise: float = 0.0,
) -> np.ndarray:
    """Fresh random variants of a batch: rotation, then crop, then flip, then noise.

    A transform whose argument is 0 (or ``None``) is skipped; all draw from one generator made
    from ``seed``, so the same seed gives the same batch.

    Args:
        images: ``(N, H, W, C)``.
        seed: ``int`` or ``np.random.Generator``; defaults to 0.
        rotation: ``max_degrees`` of :func:`random_rotation`; defaults to 0 (off).
        padding: ``padding`` of :func:`random_crop`; defaults to 0 (off).
        flip: ``None`` (default, off), ``"horizontal"`` or ``"vertical"`` for :func:`random_flip`.
        noise: ``stddev`` of :func:`add_noise`; defaults to 0 (off).

    Returns:
        ``(N, H, W, C)``.
    """
    x = as_images(images)
    rng = _rng(seed)
    rotation = check_nonnegative(rotation, "rotation")
    noise = check_nonnegative(noise, "noise")
    if flip is not None:
        check_in(flip, "flip", (None, "horizontal", "vertical"))
    if rotation > 0:
        x = random_rotation(x, rotation, seed=rng)
    if padding:
        x = random_crop(x, padding, seed=rng)
    if flip is not None:
        x = random_flip(x, flip, seed=rng)
    if noise > 0:
        x = add_noise(x, noise, seed=rng)
    return x


def fit_augmented(
    model: Any,
    x: Any,
    y: Any,
    epochs: int = 1,
    batch_size: int = 32,
    seed: Any = 0,
    **augmentation: Any,
) -> list[float]:
    """Train ``model`` on fresh random variants of ``x`` every epoch ("online" augmentation).

    Each epoch calls :func:`augment` on the whole batch (one generator made from ``seed``,
    continued epoch after epoch), then ``model.fit(..., epochs=1)``; the optimizer keeps its
    state between the calls. With no augmentation arguments this is plain training.

    Args:
        model: a built, compiled ``dlcourse.nn.Sequential`` (or Keras model) taking the images
            ``(N, H, W, C)`` or their rows ``(N, H·W·C)`` (flattened here when the model's
            input is 2-D).
        x: images ``(N, H, W, C)``.
        y: labels ``(N,)``.
        epochs: positive integer; defaults to 1.
        batch_size: defaults to 32.
        seed: ``int`` or ``np.random.Generator``; defaults to 0.
        **augmentation: keyword arguments of :func:`augment` (``rotation``, ``padding``,
            ``flip``, ``noise``).

    Returns:
        The training loss of every epoch.
    """
    x = as_images(x)
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(
            f"Argument `epochs` must be a positive integer. Received: epochs={epochs!r}"
        )
    unknown = sorted(set(augmentation) - {"rotation", "padding", "flip", "noise"})
    if unknown:
        raise ValueError(
            f"Unknown augmentation argument(s) {unknown}; expected rotation, padding, "
            "flip or noise."
        )
    flatten = len(model.input_shape) == 2
    rng = _rng(seed)
    losses = []
    for _ in range(int(epochs)):
        xe = augment(x, seed=rng, **augmentation) if augmentation else x
        history = model.fit(
            xe.reshape(len(xe), -1) if flatten else xe,
            y,
            epochs=1,
            batch_size=batch_size,
            verbose=0,
        )
        losses.append(float(history.history["loss"][-1]))
    return losses


def plot_augmentations(images: Any, seed: int = 0, columns: int = 6) -> Any:
    """One row per transform (original, rotation ±20°, crop ±1 px, noise 0.15, both flips).

    Args:
        images: ``(N, H, W, 1)``; the first ``columns`` images are shown.
        seed: seed of the random transforms; defaults to 0.
        columns: how many images per row; defaults to 6.

    Returns:
        The matplotlib figure.
    """
    import matplotlib.pyplot as plt

    x = as_images(images)[:columns]
    rows = {
        "original": x,
        "rotation ±20°": random_rotation(x, 20.0, seed=seed),
        "crop (shift ±1)": random_crop(x, 1, seed=seed),
        "noise σ=0.15": add_noise(x, 0.15, seed=seed),
        "horizontal flip": flip(x, "horizontal"),
        "vertical flip": flip(x, "vertical"),
    }
    fig, axes = plt.subplots(len(rows), len(x), figsize=(1.3 * len(x) + 1.2, 1.3 * len(rows)))
    axes = np.asarray(axes).reshape(len(rows), len(x))
    for r, (name, batch) in enumerate(rows.items()):
        for c in range(len(x)):
            ax = axes[r, c]
            ax.imshow(batch[c, :, :, 0], cmap="gray_r", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
        axes[r, 0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=9)
    fig.tight_layout()
    return fig
