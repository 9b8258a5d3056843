"""Tests of dlcourse.autodiff: every operation's gradient against finite differences (float64,
relative error < 1e-7), the graph machinery, numerical extremes, bad input, agreement with
tf.GradientTape, random compositions (hypothesis) and the matplotlib drawing."""

from __future__ import annotations

import ast
import math
import os
import subprocess
import sys
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcourse.autodiff import Value, draw_graph, topological_order
from dlcourse.gradcheck import numerical_gradient, rel_error

matplotlib.use("Agg")

REPO = Path(__file__).resolve().parents[1]


def gradients(fn, inputs):
    """Analytic gradients of ``fn(*leaves)`` by backward, and central differences of it."""
    leaves = [Value(v) for v in inputs]
    out = fn(*leaves)
    out.backward()
    analytic = np.array([leaf.grad for leaf in leaves])
    x = np.array(inputs, dtype=np.float64)
    numeric = numerical_gradient(lambda x: fn(*(Value(float(t)) for t in x)).data, x)
    return out, analytic, numeric


# (name, function usable on Values and on floats alike, inputs)
ARITHMETIC = [
    ("add", lambda a, b: a + b, (0.7, -1.3)),
    ("add_number", lambda a: a + 2.5, (0.7,)),
    ("radd", lambda a: 2.5 + a, (0.7,)),
    ("sub", lambda a, b: a - b, (0.7, -1.3)),
    ("sub_number", lambda a: a - 2.0, (0.7,)),
    ("rsub", lambda a: 2 - a, (0.7,)),
    ("mul", lambda a, b: a * b, (0.7, -1.3)),
    ("mul_number", lambda a: a * 3.0, (0.7,)),
    ("rmul", lambda a: 3 * a, (0.7,)),
    ("div", lambda a, b: a / b, (0.7, -1.3)),
    ("div_number", lambda a: a / 4.0, (0.7,)),
    ("rdiv", lambda a: 3 / a, (0.7,)),
    ("neg", lambda a: -a, (0.7,)),
    ("square", lambda a: a**2, (0.7,)),
    ("cube_negative_base", lambda a: a**3, (-1.3,)),
    ("negative_power", lambda a: a**-1.5, (0.7,)),
    ("sqrt", lambda a: a**0.5, (1.7,)),
    ("used_twice", lambda a: a * a + a, (0.7,)),
    ("used_in_both_operands", lambda a, b: (a - b) / (a + b) * a, (0.7, -1.3)),
]


@pytest.mark.parametrize("name, fn, inputs", ARITHMETIC, ids=[row[0] for row in ARITHMETIC])
def test_arithmetic_forward_and_gradient(name, fn, inputs):
    out, analytic, numeric = gradients(fn, inputs)
    assert out.data == fn(*inputs)  # the same float arithmetic as Python's
    assert rel_error(analytic, numeric) < 1e-7


# (name, method, reference forward, inputs)
FUNCTIONS = [
    ("exp", Value.exp, math.exp, 0.7),
    ("log", Value.log, math.log, 0.7),
    ("tanh", Value.tanh, math.tanh, 0.4),
    ("tanh_negative", Value.tanh, math.tanh, -1.9),
    ("relu_positive", Value.relu, lambda x: max(x, 0.0), 0.7),
    ("relu_negative", Value.relu, lambda x: max(x, 0.0), -0.7),
    ("sigmoid", Value.sigmoid, lambda x: 1 / (1 + math.exp(-x)), 0.3),
    ("sigmoid_negative", Value.sigmoid, lambda x: 1 / (1 + math.exp(-x)), -2.1),
]


@pytest.mark.parametrize("name, method, reference, x", FUNCTIONS, ids=[r[0] for r in FUNCTIONS])
def test_function_forward_and_gradient(name, method, reference, x):
    out, analytic, numeric = gradients(method, (x,))
    assert out.data == pytest.approx(reference(x), rel=1e-15)
    assert rel_error(analytic, numeric) < 1e-7


def test_value_used_twice_gets_both_contributions():
    a = Value(0.7)
    out = a * a + a
    out.backward()
    assert a.grad == pytest.approx(2 * 0.7 + 1, rel=1e-15)


def test_composite_expression_matches_finite_differences():
    def fn(a, b, c):
        return ((a * b).tanh() + c / a - (b**2).exp() * c).sigmoid() * (1 + c * c).log() - 3 / b

    _, analytic, numeric = gradients(fn, (0.9, -0.6, 1.4))
    assert rel_error(analytic, numeric) < 1e-7


def test_operations_record_their_inputs_and_name():
    a, b = Value(2.0, "a"), Value(3.0, "b")
    out = a * b
    assert out.op == "*"
    assert out._prev == (a, b)
    assert a.op == "" and a._prev == ()
    assert (a**2).op == "**2"
    assert (2 - a)._prev[1] is a


def test_backward_accumulates_in_leaves_and_zero_grad_resets():
    a, b = Value(1.5), Value(-2.0)
    mid = a * b
    out = mid.tanh()
    out.backward()
    first = (a.grad, b.grad, mid.grad)
    out.backward()
    assert (a.grad, b.grad) == (2 * first[0], 2 * first[1])  # leaves accumulate, like PyTorch
    assert mid.grad == first[2]  # inner nodes are recomputed, not accumulated
    out.zero_grad()
    assert [v.grad for v in topological_order(out)] == [0.0, 0.0, 0.0, 0.0]
    out.backward()
    assert (a.grad, b.grad, mid.grad) == first


def test_topological_order_puts_inputs_first_once_each():
    a, b = Value(1.0, "a"), Value(2.0, "b")
    c = a * b
    d = c + a  # a diamond: a reaches d directly and through c
    e = d * c
    order = topological_order(e)
    assert order[-1] is e
    assert len(order) == len({id(v) for v in order}) == 5
    position = {id(v): k for k, v in enumerate(order)}
    for v in order:
        assert all(position[id(child)] < position[id(v)] for child in v._prev)


def test_deep_chain_has_no_recursion_error():
    x = Value(0.5, "x")
    y = x
    for _ in range(2500):  # each step adds a constant and a product: 5,000 new nodes
        y = y * 1.0001
    assert len(topological_order(y)) == 5001
    y.backward()
    assert x.grad == pytest.approx(1.0001**2500, rel=1e-12)


@pytest.mark.parametrize("x", [1e4, -1e4])
def test_sigmoid_and_tanh_are_stable_at_extremes(x):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for method, expected in [(Value.sigmoid, float(x > 0)), (Value.tanh, math.copysign(1, x))]:
            v = Value(x)
            out = method(v)
            out.backward()
            assert out.data == expected
            assert v.grad == 0.0


def test_repr_is_stable():
    assert repr(Value(0.5)) == "Value(data=0.5, grad=0.0)"
    v = Value(3, "w")
    v.grad = -1.25
    assert repr(v) == "Value(data=3.0, grad=-1.25, label='w')"


def test_numbers_become_floats():
    assert type(Value(3).data) is float
    assert type(Value(np.float32(0.5)).data) is float
    assert (Value(np.int64(2)) * 2).data == 4.0


@pytest.mark.parametrize("x", [0.0, -2.0])
def test_log_of_non_positive_value_raises(x):
    with pytest.raises(ValueError, match=rf"log needs a positive number.*{x}.*label='z'"):
        Value(x, "z").log()


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda: Value(float("nan")), ValueError, "`data` must be finite"),
        (lambda: Value(math.inf), ValueError, "`data` must be finite"),
        (lambda: Value("1.0"), TypeError, "`data` must be a real number"),
        (lambda: Value(None), TypeError, "`data` must be a real number"),
        (lambda: Value(True), TypeError, "`data` must be a real number"),
        (lambda: Value(1.0, label=3), TypeError, "`label` must be a string"),
        (lambda: Value(1.0) + float("nan"), ValueError, "`other` must be finite"),
        (lambda: Value(1.0) * "2", TypeError, "`other` must be a real number"),
        (lambda: Value(2.0) ** Value(2.0), TypeError, "exponent must be a constant"),
        (lambda: 2.0 ** Value(2.0), TypeError, "exponent must be a constant"),
        (lambda: Value(2.0) ** "2", TypeError, "`exponent` must be a real number"),
        (lambda: Value(-2.0) ** 0.5, ValueError, "negative base needs an integer exponent"),
        (lambda: Value(0.0) ** -1, ZeroDivisionError, "negative power"),
        (lambda: Value(1.0) / 0, ZeroDivisionError, "divisor"),
        (lambda: 1 / Value(0.0), ZeroDivisionError, "divisor"),
        (lambda: Value(1000.0).exp(), OverflowError, "`exp` overflows"),
        (lambda: Value(1e200) * 1e200, OverflowError, r"`\*` overflows"),
        (lambda: Value(1e200) ** 2, OverflowError, r"`\*\*2` overflows"),
        (lambda: (Value(0.0) ** 0.5).backward(), ZeroDivisionError, "infinite at x = 0"),
        (lambda: topological_order(1.0), TypeError, "`root` must be a Value"),
    ],
)
def test_bad_input_raises_clear_errors(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_gradients_match_tensorflow():
    tf = pytest.importorskip("tensorflow")

    def expression(a, b, c, f):
        t = f["tanh"](a * b) + c / a - 0.5 * b**2 + (2 - a)
        return f["sigmoid"](t) * f["log"](c) + f["relu"](a - 0.5) * f["exp"](-b) / (1 + c * c)

    names = ["tanh", "sigmoid", "log", "relu", "exp"]
    value_ops = {name: getattr(Value, name) for name in names}
    tf_ops = {
        "tanh": tf.math.tanh,
        "sigmoid": tf.math.sigmoid,
        "log": tf.math.log,
        "relu": tf.nn.relu,
        "exp": tf.math.exp,
    }
    inputs = [1.3, -0.4, 2.2]
    leaves = [Value(v) for v in inputs]
    out = expression(*leaves, value_ops)
    out.backward()
    variables = [tf.Variable(v, dtype=tf.float64) for v in inputs]
    with tf.GradientTape() as tape:
        tf_out = expression(*variables, tf_ops)
    tf_grads = tape.gradient(tf_out, variables)
    assert rel_error(out.data, tf_out.numpy()) < 1e-12
    assert rel_error([v.grad for v in leaves], [g.numpy() for g in tf_grads]) < 1e-12


# ---- random compositions ----------------------------------------------------------------------

UNARY = {
    "tanh": lambda v: v.tanh(),
    "sigmoid": lambda v: v.sigmoid(),
    "neg": lambda v: -v,
    "square": lambda v: v**2,
    "log(1+v²)": lambda v: (1 + v * v).log(),
    "exp(tanh)": lambda v: v.tanh().exp(),
}
BINARY = {
    "add": lambda u, v: u + v,
    "sub": lambda u, v: u - v,
    "mul": lambda u, v: u * v,
    "u/(1+v²)": lambda u, v: u / (1 + v * v),
    "2.5-u*v": lambda u, v: 2.5 - u * v,
}
STEP = st.tuples(
    st.sampled_from(sorted(UNARY) + sorted(BINARY)),
    st.integers(0, 100),
    st.integers(0, 100),
)


def run_program(program, inputs):
    """Apply each (op, i, j) step to earlier results (indices taken modulo); return the last."""
    pool = list(inputs)
    for op, i, j in program:
        u, v = pool[i % len(pool)], pool[j % len(pool)]
        pool.append(UNARY[op](u) if op in UNARY else BINARY[op](u, v))
    return pool[-1]


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    inputs=st.lists(st.floats(-2.0, 2.0), min_size=3, max_size=3),
    program=st.lists(STEP, min_size=1, max_size=8),
)
def test_random_compositions_match_finite_differences(inputs, program):
    out, analytic, numeric = gradients(lambda *v: run_program(program, v), inputs)
    # Finite differences round off ~ ε · (largest value in the graph) / h per operation, so the
    # absolute part of the tolerance scales with that value; the relative part is 1e-7.
    scale = max(1.0, *(abs(v.data) for v in topological_order(out)))
    assert np.all(np.abs(analytic - numeric) <= 1e-7 * np.abs(numeric) + 1e-8 * scale)


# ---- drawing --------------------------------------------------------------------------------


def neuron():
    """tanh(x1*w1 + x2*w2 + b) after backward, every node labelled (micrograd's example)."""
    x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
    w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
    b = Value(6.8813735870195432, "b")
    x1w1, x2w2 = x1 * w1, x2 * w2
    x1w1.label, x2w2.label = "x1*w1", "x2*w2"
    s = x1w1 + x2w2
    s.label = "x1*w1 + x2*w2"
    n = s + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    return o


def bigger_graph():
    """About 25 values, one of them used six times, unlabelled inner nodes."""
    a = Value(1.5, "a")
    e = (a * a + a) / (a - 3) + (2 - a).sigmoid() * a.exp().log() - a**2
    e.label = "e"
    e.backward()
    return e


def node_patches(fig):
    from matplotlib.patches import Ellipse, FancyBboxPatch

    return [p for p in fig.axes[0].patches if isinstance(p, FancyBboxPatch | Ellipse)]


def test_draw_graph_returns_figure_with_every_label_data_and_grad():
    from matplotlib.figure import Figure

    root = neuron()
    fig = draw_graph(root)
    try:
        assert isinstance(fig, Figure)
        texts = [t.get_text() for t in fig.axes[0].texts]
        for v in topological_order(root):
            assert v.label in texts
        assert {"data 0.7071", "grad 1", "grad -1.5", "data 6.881", "grad 0.5"} <= set(texts)
        assert {"tanh", "*", "+"} <= set(texts)
        n_ops = sum(bool(v.op) for v in topological_order(root))
        assert len(node_patches(fig)) == len(topological_order(root)) + n_ops
    finally:
        matplotlib.pyplot.close(fig)


@pytest.mark.parametrize("make_root", [neuron, bigger_graph])
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_draw_graph_has_no_overlaps_and_no_cut_off_text(make_root, rankdir):
    fig = draw_graph(make_root(), rankdir=rankdir)
    try:
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        boxes = [p.get_window_extent(renderer) for p in node_patches(fig)]
        for k, box in enumerate(boxes):
            assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1
            assert fig.bbox.y0 <= box.y0 and box.y1 <= fig.bbox.y1
            assert not any(box.overlaps(other) for other in boxes[k + 1 :])
        for text in fig.axes[0].texts:
            t = text.get_window_extent(renderer)
            assert any(
                b.x0 <= t.x0 and t.x1 <= b.x1 and b.y0 <= t.y0 and t.y1 <= b.y1 for b in boxes
            ), f"text {text.get_text()!r} sticks out of its box"
    finally:
        matplotlib.pyplot.close(fig)


def test_draw_graph_into_given_axes():
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3))
    try:
        assert draw_graph(neuron(), ax=right) is fig
        assert not left.texts
        assert "o" in [t.get_text() for t in right.texts]
    finally:
        plt.close(fig)


def test_draw_graph_of_a_single_value_and_of_negative_zero():
    fig = draw_graph(Value(-0.0, "z"))
    try:
        assert [t.get_text() for t in fig.axes[0].texts] == ["z", "data 0", "grad 0"]
    finally:
        matplotlib.pyplot.close(fig)


def test_draw_graph_bad_input():
    with pytest.raises(TypeError, match="`root` must be a Value"):
        draw_graph(1.0)
    with pytest.raises(ValueError, match="`rankdir` must be one of"):
        draw_graph(Value(1.0), rankdir="RL")
    y = Value(1.0)
    for _ in range(150):
        y = y + 1.0
    with pytest.raises(ValueError, match="at most 300 values; this one has 301"):
        draw_graph(y)


def test_autodiff_import_is_light_and_drawing_needs_only_matplotlib():
    script = """
import sys
import dlcourse.autodiff as ad
assert "matplotlib" not in sys.modules, "importing dlcourse.autodiff loaded matplotlib"
import io, matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot
before = {name.split(".")[0] for name in sys.modules}
a = ad.Value(1.5, "a")
out = (a * a + a.exp()).tanh()
out.backward()
ad.draw_graph(out).savefig(io.BytesIO(), format="png")
new = {name.split(".")[0] for name in sys.modules} - before
print(sorted(new))
"""
    # An empty PATH: no system binary (graphviz' dot) could be found even if the code tried.
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env={**os.environ, "PATH": "", "PYTHONPATH": str(REPO), "MPLBACKEND": "Agg"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    new_modules = ast.literal_eval(result.stdout.strip().splitlines()[-1])
    assert set(new_modules) <= {"matplotlib"}, new_modules
