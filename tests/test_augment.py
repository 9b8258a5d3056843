"""Tests of dlcourse.experiments.augment: the data-augmentation transforms of chapter 5."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dlcourse import nn  # noqa: E402
from dlcourse.experiments import augment as A  # noqa: E402


def _batch(n=4, h=8, w=8, c=1, seed=0):
    return np.random.default_rng(seed).random((n, h, w, c))


# ------------------------------------------------------------------------------------ rotate


def test_rotate_by_zero_is_the_identity_exactly():
    x = _batch()
    np.testing.assert_array_equal(A.rotate(x, 0.0), x)


@pytest.mark.parametrize("k, degrees", [(1, 90.0), (-1, -90.0), (2, 180.0), (1, 450.0)])
def test_rotate_by_quarter_turns_equals_rot90(k, degrees):
    x = _batch()
    np.testing.assert_allclose(A.rotate(x, degrees), np.rot90(x, k, axes=(1, 2)), atol=1e-12)


def test_rotate_half_turn_of_non_square_multichannel_images():
    x = _batch(n=2, h=5, w=7, c=3)
    np.testing.assert_allclose(A.rotate(x, 180.0), x[:, ::-1, ::-1, :], atol=1e-12)


def test_rotate_is_counter_clockwise_as_displayed():
    x = np.zeros((1, 3, 3, 1))
    x[0, 2, 1, 0] = 1.0  # bottom middle
    out = A.rotate(x, 90.0)
    assert out[0, 1, 2, 0] == pytest.approx(1.0, abs=1e-12)  # moves to the right middle
    assert np.sum(out) == pytest.approx(1.0, abs=1e-12)


def test_rotate_interpolates_an_affine_image_exactly():
    # Bilinear interpolation reproduces an affine function exactly wherever the source point
    # lies inside the image, so the output must equal the function at the documented source.
    h = w = 9
    rows, cols = np.mgrid[0:h, 0:w].astype(float)
    image = (2.0 + 0.5 * rows - 0.25 * cols)[None, :, :, None]
    theta = np.deg2rad(17.0)
    dr, dc = rows - 4.0, cols - 4.0
    src_r = 4.0 + np.sin(theta) * dc + np.cos(theta) * dr
    src_c = 4.0 + np.cos(theta) * dc - np.sin(theta) * dr
    inside = (src_r >= 0) & (src_r <= h - 1) & (src_c >= 0) & (src_c <= w - 1)
    out = A.rotate(image, 17.0)[0, :, :, 0]
    expected = 2.0 + 0.5 * src_r - 0.25 * src_c
    assert inside.sum() > 40
    np.testing.assert_allclose(out[inside], expected[inside], rtol=1e-12)


def test_rotate_fills_with_zeros_outside_and_keeps_a_constant_interior():
    x = np.ones((1, 9, 9, 1))
    out = A.rotate(x, 45.0)[0, :, :, 0]
    assert out[4, 4] == pytest.approx(1.0, abs=1e-12)  # the centre reads the interior
    np.testing.assert_allclose(out[3:6, 3:6], 1.0, atol=1e-12)
    assert out[0, 0] == 0.0  # a corner's source lies far outside: background
    assert out.min() >= 0.0 and out.max() <= 1.0 + 1e-12


def test_rotate_with_one_angle_per_image():
    x = _batch(n=3)
    angles = np.array([0.0, 90.0, 180.0])
    out = A.rotate(x, angles)
    for i, angle in enumerate(angles):
        np.testing.assert_allclose(out[i], A.rotate(x[i : i + 1], angle)[0], atol=1e-12)


def test_rotate_keeps_float32():
    x = _batch().astype(np.float32)
    assert A.rotate(x, 10.0).dtype == np.float32


def test_random_rotation_is_seeded_and_within_range():
    x = _batch(n=6)
    a, b = A.random_rotation(x, 30.0, seed=3), A.random_rotation(x, 30.0, seed=3)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, A.random_rotation(x, 30.0, seed=4))
    angles = np.random.default_rng(3).uniform(-30.0, 30.0, size=6)
    np.testing.assert_allclose(a, A.rotate(x, angles), rtol=0, atol=0)
    np.testing.assert_array_equal(A.random_rotation(x, 0.0, seed=1), x)


# ------------------------------------------------------------------------------ shift, crop


def test_shift_moves_pixels_and_shifts_in_zeros():
    x = _batch(n=2)
    out = A.shift(x, 1, -2)  # one row down, two columns left
    np.testing.assert_array_equal(out[:, 1:, :-2], x[:, :-1, 2:])
    assert np.all(out[:, 0] == 0) and np.all(out[:, :, -2:] == 0)


def test_shift_per_image_and_by_the_full_size():
    x = _batch(n=2)
    out = A.shift(x, np.array([0, 8]), np.array([0, 0]))
    np.testing.assert_array_equal(out[0], x[0])
    assert np.all(out[1] == 0)


def test_random_crop_is_a_shift_within_padding():
    x = _batch(n=20)
    out = A.random_crop(x, padding=1, seed=0)
    rng = np.random.default_rng(0)
    dy, dx = rng.integers(-1, 2, size=20), rng.integers(-1, 2, size=20)
    np.testing.assert_array_equal(out, A.shift(x, dy, dx))
    assert len({(a, b) for a, b in zip(dy, dx, strict=True)}) > 3
    np.testing.assert_array_equal(A.random_crop(x, padding=0, seed=5), x)


# ------------------------------------------------------------------------------- flips


def test_flip_directions():
    x = _batch()
    np.testing.assert_array_equal(A.flip(x, "horizontal"), x[:, :, ::-1])
    np.testing.assert_array_equal(A.flip(x, "vertical"), x[:, ::-1])
    np.testing.assert_array_equal(A.flip(A.flip(x), "horizontal"), x)


def test_random_flip_flips_about_half_and_nothing_else():
    x = _batch(n=1000, h=4, w=4)
    out = A.random_flip(x, "horizontal", seed=0)
    flipped = np.all(out == x[:, :, ::-1], axis=(1, 2, 3))
    kept = np.all(out == x, axis=(1, 2, 3))
    assert np.all(flipped | kept)
    assert 400 < flipped.sum() < 600  # Binomial(1000, 1/2): 500 ± 16 (1 sd)


# ------------------------------------------------------------------------------- noise


def test_add_noise_statistics_and_clipping():
    x = np.full((100, 10, 10, 1), 0.5)
    out = A.add_noise(x, stddev=0.05, seed=0)
    assert abs(out.std() - 0.05) < 0.05 * 0.03  # 10,000 samples: sd of the estimate ~0.7 %
    assert abs(out.mean() - 0.5) < 0.002
    clipped = A.add_noise(x, stddev=1.0, seed=0)
    assert clipped.min() == 0.0 and clipped.max() == 1.0
    unclipped = A.add_noise(x, stddev=1.0, seed=0, clip=None)
    assert unclipped.min() < 0.0 < 1.0 < unclipped.max()
    np.testing.assert_array_equal(A.add_noise(x, 0.0, seed=0), x)


# ------------------------------------------------------------------------------ augment


def test_augment_is_seeded_and_off_means_identity():
    x = _batch(n=10)
    kwargs = {"rotation": 15, "padding": 1, "flip": "vertical", "noise": 0.1}
    np.testing.assert_array_equal(A.augment(x, seed=2, **kwargs), A.augment(x, seed=2, **kwargs))
    assert not np.allclose(A.augment(x, seed=2, **kwargs), A.augment(x, seed=3, **kwargs))
    np.testing.assert_array_equal(A.augment(x, seed=2), x)


def test_augment_draws_from_one_generator_in_documented_order():
    x = _batch(n=10)
    rng = np.random.default_rng(7)
    expected = A.random_crop(A.random_rotation(x, 10.0, seed=rng), 1, seed=rng)
    np.testing.assert_array_equal(A.augment(x, seed=7, rotation=10.0, padding=1), expected)
    only_flip = A.random_flip(x, "horizontal", seed=np.random.default_rng(7))
    np.testing.assert_array_equal(A.augment(x, seed=7, flip="horizontal"), only_flip)


# ------------------------------------------------------------------------------ training


def _model(seed=0):
    model = nn.Sequential(
        [nn.layers.Dense(8, activation="relu"), nn.layers.Dense(3, activation="softmax")],
        seed=seed,
    )
    model.build((None, 16))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def test_fit_augmented_without_augmentation_is_plain_training():
    rng = np.random.default_rng(0)
    x, y = rng.random((30, 4, 4, 1)), rng.integers(0, 3, 30)
    a, b = _model(), _model()
    losses = A.fit_augmented(a, x, y, epochs=3, batch_size=8)
    for _ in range(3):
        b.fit(x.reshape(30, -1), y, epochs=1, batch_size=8, verbose=0)
    assert len(losses) == 3
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)


def test_fit_augmented_is_reproducible_and_sees_new_variants():
    rng = np.random.default_rng(0)
    x, y = rng.random((30, 4, 4, 1)), rng.integers(0, 3, 30)
    a, b, c = _model(), _model(), _model()
    A.fit_augmented(a, x, y, epochs=2, seed=1, noise=0.1)
    A.fit_augmented(b, x, y, epochs=2, seed=1, noise=0.1)
    A.fit_augmented(c, x, y, epochs=2, seed=1)
    np.testing.assert_array_equal(a.get_weights()[0], b.get_weights()[0])
    assert not np.allclose(a.get_weights()[0], c.get_weights()[0])


def test_plot_augmentations_draws_six_rows():
    fig = A.plot_augmentations(_batch(n=4), seed=0, columns=3)
    assert len(fig.axes) == 6 * 3
    plt.close(fig)


# ------------------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: A.rotate(np.zeros((8, 8)), 10), r"\(N, H, W, C\)"),
        (lambda: A.rotate(np.full((1, 2, 2, 1), np.nan), 10), "finite"),
        (lambda: A.rotate(_batch(n=3), [1.0, 2.0]), r"one per image, shape \(3,\)"),
        (lambda: A.random_rotation(_batch(), -5), "max_degrees"),
        (lambda: A.random_rotation(_batch(), 5, seed=-1), "seed"),
        (lambda: A.shift(_batch(), 0.5, 0), "whole numbers"),
        (lambda: A.random_crop(_batch(), padding=-1), "padding"),
        (lambda: A.flip(_batch(), "diagonal"), "direction"),
        (lambda: A.add_noise(_batch(), stddev=-0.1), "stddev"),
        (lambda: A.add_noise(_batch(), 0.1, clip=(1.0, 0.0)), "clip"),
        (lambda: A.augment(_batch(), flip="sideways"), "flip"),
        (lambda: A.augment(_batch(), noise=float("nan")), "noise"),
        (lambda: A.fit_augmented(_model(), _batch(), [0] * 4, epochs=0), "epochs"),
        (lambda: A.fit_augmented(_model(), _batch(), [0] * 4, shear=3), "shear"),
    ],
)
def test_bad_input_names_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()
