"""The one parity helper: run a NumPy piece and its TensorFlow twin, compare everything.

A parity case (:class:`Case`) is one row of a table: a name, how to draw its inputs, the NumPy
side and the TensorFlow side. :func:`check_parity` then

1. draws the inputs from ``np.random.default_rng(SEED)`` in the case's dtype (``x`` first, then
   the layer's weights, if any; targets and other constants go into ``data``);
2. runs the NumPy side forward, draws a random upstream gradient ``dout`` of the output's shape
   from the same generator, and runs the NumPy side backward: ``[dx, dW, db, …]``;
3. runs the TensorFlow side under ``tf.GradientTape`` on ``tf.Variable`` copies of the same
   inputs (and the Keras layer's own variables, set to the same weights) and asks for
   ``tape.gradient(out, [x, *weights], output_gradients=dout)``; a layer's regularization
   penalties (``layer.losses``) join as extra targets with upstream gradient 1, because the NumPy
   layer adds their gradients to ``grads``;
4. compares the outputs and every gradient with :func:`assert_close`.

How two arrays are compared (:func:`max_rel_error`), and why
    ``err = max_i |a_i − b_i| / max(max_i |a_i|, max_i |b_i|)``, the largest difference relative
    to the largest magnitude of the two arrays (the normwise relative error in the max-norm;
    0 when both are all zeros). A case passes when ``err ≤ rtol`` with ``rtol = 1e-7`` in
    float64 and ``1e-5`` in float32, for the output and for each gradient separately.

    An elementwise relative error would be meaningless for entries that are zero up to
    round-off (a gradient entry where two terms cancel is 1e-17 on one side and −3e-17 on the
    other); an absolute tolerance would depend on the scale of the values. Dividing by the
    largest magnitude makes the test scale-free and still strict: a wrong formula, a missing
    clip or a different epsilon shows as 1e-3 or more. Measured on this table, float64 cases
    differ by at most 1e-15, except where Keras itself rounds a constant to float32 (leaky ReLU's
    slope, the regularizers' factors: about 2e-8, below the tolerance; dedicated tests in
    ``test_parity_functions.py`` pin those down); float32 cases by at most about 3e-7. The
    tolerances are never loosened to make a case pass.

Optimizers are compared by :func:`check_optimizer_parity` (25 steps of one gradient sequence,
the displacement of the weights after every step through the same :func:`assert_close`), and
whole models by ``test_parity_models.py``, also through :func:`assert_close`.

A scalar output (a reduced loss, a penalty) is an array of one element: the same measure is its
relative error.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from dlcourse.tfnn import keras, tf

SEED = 20240611
RTOL = {"float64": 1e-7, "float32": 1e-5}
DTYPES = ("float64", "float32")


# ------------------------------------------------------------------------------ comparing


def max_rel_error(actual: Any, expected: Any) -> float:
    """``max|a − b| / max(max|a|, max|b|)``; 0.0 when both are all zeros. Shapes must match."""
    a = np.asarray(actual, dtype=np.float64)
    b = np.asarray(expected, dtype=np.float64)
    if a.shape != b.shape:
        raise AssertionError(f"shapes differ: {a.shape} and {b.shape}")
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise AssertionError("NaN or inf in the compared values")
    if a.size == 0:
        return 0.0
    scale = max(float(np.abs(a).max()), float(np.abs(b).max()))
    if scale == 0.0:
        return 0.0
    return float(np.abs(a - b).max() / scale)


def assert_close(actual: Any, expected: Any, dtype: str, what: str) -> float:
    """Assert ``max_rel_error(actual, expected) ≤ RTOL[dtype]``; return the error."""
    err = max_rel_error(actual, expected)
    if not err <= RTOL[dtype]:
        raise AssertionError(
            f"{what}: NumPy and TensorFlow differ, max|a-b|/max|.| = {err:.3e} > rtol "
            f"{RTOL[dtype]:.0e} ({dtype})\nNumPy:\n{np.asarray(actual)}\nTensorFlow:\n"
            f"{np.asarray(expected)}"
        )
    return err


@contextlib.contextmanager
def keras_floatx(dtype: str) -> Iterator[None]:
    """Set ``keras.config.floatx()`` for a block and restore it afterwards (it is global)."""
    previous = keras.config.floatx()
    keras.config.set_floatx(dtype)
    try:
        yield
    finally:
        keras.config.set_floatx(previous)


# ------------------------------------------------------------------- the case and the helper


NumpySide = Callable[[list[np.ndarray], dict], tuple[Any, Callable[[np.ndarray], list]]]
TFSide = Callable[[list[np.ndarray], dict], tuple[list, Callable[[], Any]]]
Sampler = Callable[[np.random.Generator, str], tuple[list[np.ndarray], dict]]


@dataclass(frozen=True)
class Case:
    """One row of a parity table.

    Attributes:
        name: the row's name (it becomes part of the test id).
        sample: ``(rng, dtype) -> (arrays, data)``: the differentiable inputs (``x`` first, then
            weights) and constants (targets, masks) shared by both sides.
        numpy: ``(arrays, data) -> (out, backward)`` with ``backward(dout) -> [dx, dW, …]``.
        tensorflow: ``(arrays, data) -> (sources, forward)``: the variables to differentiate
            (same order as the NumPy gradients) and a function computing ``out`` or
            ``(out, [extra scalar losses])`` from them.
        dtypes: the dtypes to run it in.
    """

    name: str
    sample: Sampler
    numpy: NumpySide
    tensorflow: TFSide
    dtypes: tuple[str, ...] = DTYPES


def check_parity(case: Case, dtype: str, seed: int = SEED) -> dict[str, float]:
    """Run both sides of ``case`` in ``dtype``; assert outputs and all gradients agree.

    Returns:
        The error of each compared quantity: ``{"out": …, "grad[0]": …, …}``.
    """
    rng = np.random.default_rng(seed)
    arrays, data = case.sample(rng, dtype)
    arrays = [np.asarray(a, dtype=dtype) for a in arrays]
    out_np, backward = case.numpy([a.copy() for a in arrays], data)
    dout = np.asarray(rng.standard_normal(np.shape(out_np)), dtype=dtype)
    grads_np = backward(dout.copy())

    sources, forward = case.tensorflow([a.copy() for a in arrays], data)
    with tf.GradientTape() as tape:
        result = forward()
    out_tf, extras = result if isinstance(result, tuple) else (result, [])
    targets = [out_tf, *extras]
    upstream = [tf.constant(dout, dtype=dtype)] + [tf.ones_like(e) for e in extras]
    grads_tf = tape.gradient(
        targets,
        sources,
        output_gradients=upstream,
        unconnected_gradients=tf.UnconnectedGradients.ZERO,
    )

    assert out_tf.dtype == tf.as_dtype(dtype), (
        f"{case.name}: TensorFlow computed in {out_tf.dtype.name}, expected {dtype}"
    )
    if isinstance(out_np, np.ndarray) and out_np.ndim:
        assert out_np.dtype == np.dtype(dtype), (
            f"{case.name}: NumPy computed in {out_np.dtype}, expected {dtype}"
        )
    assert len(grads_np) == len(grads_tf) == len(arrays), (
        f"{case.name}: {len(grads_np)} NumPy gradients, {len(grads_tf)} TF, {len(arrays)} inputs"
    )
    errors = {"out": assert_close(out_np, out_tf.numpy(), dtype, f"{case.name}: output")}
    for i, (g_np, g_tf) in enumerate(zip(grads_np, grads_tf, strict=True)):
        errors[f"grad[{i}]"] = assert_close(
            g_np, np.asarray(g_tf), dtype, f"{case.name}: gradient of input {i}"
        )
    return errors


def parametrize_cases(cases: Sequence[Case]) -> list[Any]:
    """``pytest.param(case, dtype, id="<dtype>-<name>")`` for each case and each of its dtypes."""
    import pytest

    names = [c.name for c in cases]
    duplicates = {n for n in names if names.count(n) > 1}
    assert not duplicates, f"duplicate case names: {sorted(duplicates)}"
    return [pytest.param(c, dt, id=f"{dt}-{c.name}") for c in cases for dt in c.dtypes]


# ---------------------------------------------------------------------- drawing the inputs


def normal(shape: tuple[int, ...]) -> Callable[[np.random.Generator], np.ndarray]:
    return lambda rng: rng.standard_normal(shape)


def uniform(
    shape: tuple[int, ...], low: float, high: float
) -> Callable[[np.random.Generator], np.ndarray]:
    return lambda rng: rng.uniform(low, high, size=shape)


def simplex(shape: tuple[int, ...]) -> Callable[[np.random.Generator], np.ndarray]:
    """Rows of probabilities (a softmax of normal draws)."""

    def draw(rng):
        e = np.exp(rng.standard_normal(shape))
        return e / e.sum(axis=-1, keepdims=True)

    return draw


# ------------------------------------------------------------------------- row builders


def function_row(
    name: str,
    np_forward: Callable,
    np_backward: Callable,
    tf_forward: Callable,
    draw: Callable[[np.random.Generator], np.ndarray],
    *,
    dtypes: tuple[str, ...] = DTYPES,
) -> Case:
    """A row for an elementwise or row-wise function ``out = f(x)``.

    ``np_backward(dout, x, out) -> dx`` is the NumPy reference's gradient.
    """

    def sample(rng, dtype):
        return [draw(rng)], {}

    def numpy(arrays, data):
        x = arrays[0]
        out = np_forward(x)
        return out, lambda dout: [np_backward(dout, x, out)]

    def tensorflow(arrays, data):
        x = tf.Variable(arrays[0])
        return [x], lambda: tf_forward(x)

    return Case(name, sample, numpy, tensorflow, dtypes)


def layer_row(
    name: str,
    np_factory: Callable[[], Any],
    tf_factory: Callable[[str, dict], Any],
    input_shape: tuple[int, ...],
    *,
    training: bool = False,
    draw: Callable | None = None,
    dtypes: tuple[str, ...] = DTYPES,
) -> Case:
    """A row for a layer: ``x`` and every weight are differentiated.

    ``np_factory()`` makes the NumPy layer; ``tf_factory(dtype, data)`` its Keras twin (or any
    Keras layer, e.g. a ``Lambda`` using the NumPy dropout mask from ``data["np_layer"]``). The
    weights are drawn from N(0, 0.5²) (not the initializers), so a bias is non-zero.
    """
    draw = draw or normal(input_shape)

    def sample(rng, dtype):
        probe = np_factory()
        probe.ensure_built((None,) + input_shape[1:], dtype=dtype, rng=np.random.default_rng(0))
        weights = [0.5 * rng.standard_normal(w.shape) for w in probe.get_weights()]
        return [draw(rng), *weights], {}

    def numpy(arrays, data):
        x = arrays[0]
        layer = np_factory()
        layer.ensure_built((None,) + x.shape[1:], dtype=x.dtype, rng=np.random.default_rng(0))
        layer.set_weights(arrays[1:])
        out = layer.forward(x, training=training)
        data["np_layer"] = layer

        def backward(dout):
            dx = layer.backward(dout)
            return [dx, *(layer.grads[key] for key in layer.params)]

        return out, backward

    def tensorflow(arrays, data):
        layer = tf_factory(arrays[0].dtype.name, data)
        layer.build(arrays[0].shape)
        if len(arrays) > 1:
            layer.set_weights(arrays[1:])
        x = tf.Variable(arrays[0])

        def forward():
            out = layer(x, training=training)
            return out, list(layer.losses)

        return [x, *layer.trainable_weights], forward

    return Case(name, sample, numpy, tensorflow, dtypes)


# ----------------------------------------------------------------------------- optimizers


def check_optimizer_parity(
    np_optimizer: Any, keras_optimizer: Any, dtype: str, steps: int = 25, seed: int = SEED
) -> list[float]:
    """Apply the same ``steps`` gradients to the same weights with both optimizers.

    The weights are a ``(3, 4)`` kernel and a ``(4,)`` bias drawn from N(0, 1); the gradients
    N(0, 2²), fresh each step. After every step the *displacements* ``w_t − w_0`` are compared
    with :func:`assert_close`: comparing the weights themselves would measure a step of size
    1e-3 against weights of size 1, and hide a relative error of the step below 1e-4.
    Returns the error after each step (largest over the two arrays).
    """
    rng = np.random.default_rng(seed)
    shapes = [(3, 4), (4,)]
    w0 = [rng.standard_normal(s).astype(dtype) for s in shapes]
    grads = [[(2.0 * rng.standard_normal(s)).astype(dtype) for s in shapes] for _ in range(steps)]
    params = [w.copy() for w in w0]
    variables = [keras.Variable(w.copy(), dtype=dtype) for w in w0]
    errors = []
    for step, g in enumerate(grads, start=1):
        np_optimizer.apply_gradients(zip([x.copy() for x in g], params, strict=True))
        keras_optimizer.apply_gradients(zip([tf.constant(x) for x in g], variables, strict=True))
        errors.append(
            max(
                assert_close(
                    p - w, v.numpy() - w, dtype, f"displacement of weights {i} after step {step}"
                )
                for i, (p, v, w) in enumerate(zip(params, variables, w0, strict=True))
            )
        )
        assert all(p.dtype == np.dtype(dtype) for p in params)
    return errors
