"""A scalar reverse-mode automatic differentiation engine, and a drawing of its graph.

Chapter 2, "Computational graph (计算图)": every expression built from :class:`Value` objects
records the graph that computed it. Each operation returns a new ``Value`` and, right beside it,
a small closure ``_backward`` that applies the chain rule for that one operation::

    out = a * b        a.grad += b.data * out.grad      (∂out/∂a = b)
                       b.grad += a.data * out.grad      (∂out/∂b = a)

The ``+=`` matters: a value used twice (``a * a + a``) receives one contribution per use, and the
contributions add up (the multivariable chain rule). :meth:`Value.backward` visits the graph in
reverse topological order, so a node's ``grad`` is complete before it is passed on to its inputs.
This is Andrej Karpathy's micrograd (https://github.com/karpathy/micrograd) with docstrings,
type hints and argument checks; chapter 3 derives the same chain rule for whole layers.

Example::

    >>> x, w, b = Value(2.0, "x"), Value(-0.5, "w"), Value(0.25, "b")
    >>> y = (x * w + b).tanh()
    >>> y.backward()
    >>> round(y.data, 4), round(w.grad, 4), round(x.grad, 4)
    (-0.6351, 1.1932, -0.2983)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from numbers import Real
from typing import TYPE_CHECKING

from dlcourse._checks import check_in, describe

if TYPE_CHECKING:  # pragma: no cover - for type checkers only; matplotlib loads on demand
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["Value", "draw_graph", "topological_order"]


def _check_number(x: object, name: str) -> float:
    """Return ``x`` as a finite Python float, or raise an error naming ``name``."""
    if isinstance(x, bool) or not isinstance(x, Real):
        raise TypeError(
            f"Argument `{name}` must be a real number (int or float). Received: {describe(x)}"
        )
    value = float(x)
    if not math.isfinite(value):
        raise ValueError(f"Argument `{name}` must be finite. Received: {name}={x!r}")
    return value


def _noop() -> None:
    """The backward step of a leaf: it has no inputs to pass a gradient to."""


class Value:
    """A scalar node of a computational graph: a number and the gradient of the output w.r.t. it.

    Build leaves (inputs, parameters) with ``Value(2.0, "x")``; every operation on them
    (``+ - * /``, ``**`` by a constant, ``exp``, ``log``, ``tanh``, ``relu``, ``sigmoid``) returns a
    new node that remembers its inputs. Plain numbers mix in on either side (``2 - v``, ``3 / v``).

    Args:
        data: the number this node holds; finite int or float.
        label: a name shown by :func:`draw_graph` and in ``repr``. Default ``""``.

    Attributes:
        data: the number (a Python ``float``).
        grad: ∂root/∂self after ``root.backward()``; ``0.0`` before.
        label: the name ('' if none).
        op: the operation that produced this node ('' for a leaf).

    Raises:
        TypeError: if ``data`` is not a real number or ``label`` not a string.
        ValueError: if ``data`` is NaN or infinite.
    """

    __slots__ = ("data", "grad", "label", "op", "_prev", "_backward")

    def __init__(self, data: float, label: str = "") -> None:
        self.data = _check_number(data, "data")
        if not isinstance(label, str):
            raise TypeError(f"Argument `label` must be a string. Received: label={label!r}")
        self.label = label
        self.grad = 0.0
        self.op = ""
        self._prev: tuple[Value, ...] = ()
        self._backward: Callable[[], None] = _noop

    @staticmethod
    def _node(data: float, children: tuple[Value, ...], op: str) -> Value:
        """Make the output node of ``op`` applied to ``children``, checking it did not overflow."""
        if not math.isfinite(data):
            inputs = ", ".join(repr(c) for c in children)
            raise OverflowError(f"The result of `{op}` overflows float64 for inputs {inputs}")
        out = Value(data)
        out._prev, out.op = children, op
        return out

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    # ---- arithmetic: each forward line sits beside its local derivative --------------------

    def __add__(self, other: Value | float) -> Value:
        """``self + other``; ∂out/∂self = 1, ∂out/∂other = 1."""
        other = _as_value(other)
        out = Value._node(self.data + other.data, (self, other), "+")

        def _backward() -> None:
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __sub__(self, other: Value | float) -> Value:
        """``self - other``; ∂out/∂self = 1, ∂out/∂other = -1."""
        other = _as_value(other)
        out = Value._node(self.data - other.data, (self, other), "-")

        def _backward() -> None:
            self.grad += out.grad
            other.grad -= out.grad

        out._backward = _backward
        return out

    def __mul__(self, other: Value | float) -> Value:
        """``self * other``; ∂out/∂self = other, ∂out/∂other = self."""
        other = _as_value(other)
        out = Value._node(self.data * other.data, (self, other), "*")

        def _backward() -> None:
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __truediv__(self, other: Value | float) -> Value:
        """``self / other``; ∂out/∂self = 1/other, ∂out/∂other = -self/other² = -out/other."""
        other = _as_value(other)
        if other.data == 0.0:
            raise ZeroDivisionError(f"Division by zero: the divisor {other!r} holds 0")
        out = Value._node(self.data / other.data, (self, other), "/")

        def _backward() -> None:
            self.grad += out.grad / other.data
            other.grad += -out.data / other.data * out.grad

        out._backward = _backward
        return out

    def __neg__(self) -> Value:
        """``-self``; ∂out/∂self = -1."""
        out = Value._node(-self.data, (self,), "neg")

        def _backward() -> None:
            self.grad -= out.grad

        out._backward = _backward
        return out

    def __pow__(self, exponent: float) -> Value:
        """``self ** n`` for a constant number ``n``; ∂out/∂self = n · self^(n-1).

        Raises:
            TypeError: if ``n`` is a ``Value`` (write ``(n * x.log()).exp()`` for x > 0) or not a
                number.
            ValueError: for a negative base with a non-integer ``n`` (the result is complex).
            ZeroDivisionError: for ``0 ** n`` with n < 0.
        """
        if isinstance(exponent, Value):
            raise TypeError(
                "Value ** Value is not supported: the exponent must be a constant number. "
                "For x ** y with x > 0 write (y * x.log()).exp(). "
                f"Received: exponent={exponent!r}"
            )
        n = _check_number(exponent, "exponent")
        if self.data < 0 and not n.is_integer():
            raise ValueError(
                f"A negative base needs an integer exponent (the result would be complex). "
                f"Received: {self!r} ** {n!r}"
            )
        if self.data == 0.0 and n < 0:
            raise ZeroDivisionError(f"0 cannot be raised to a negative power. Received: ** {n!r}")
        try:
            data = self.data**n
        except OverflowError:
            data = math.inf  # _node turns this into a clear OverflowError
        out = Value._node(data, (self,), f"**{n:g}")

        def _backward() -> None:
            if n == 0.0:
                return
            if self.data == 0.0 and n < 1:
                raise ZeroDivisionError(f"The derivative of x**{n:g} is infinite at x = 0")
            self.grad += n * self.data ** (n - 1) * out.grad

        out._backward = _backward
        return out

    def __radd__(self, other: float) -> Value:
        """``other + self`` for a plain number ``other``."""
        return _as_value(other) + self

    def __rsub__(self, other: float) -> Value:
        """``other - self`` for a plain number ``other``."""
        return _as_value(other) - self

    def __rmul__(self, other: float) -> Value:
        """``other * self`` for a plain number ``other``."""
        return _as_value(other) * self

    def __rtruediv__(self, other: float) -> Value:
        """``other / self`` for a plain number ``other``."""
        return _as_value(other) / self

    def __rpow__(self, base: float) -> Value:
        """``base ** self`` is not supported: powers are by constants only."""
        raise TypeError(
            "number ** Value is not supported: the exponent must be a constant number. "
            f"For a ** x with a > 0 write (x * math.log(a)).exp(). Received: {base!r} ** {self!r}"
        )

    # ---- functions --------------------------------------------------------------------------

    def exp(self) -> Value:
        """``e^self``; ∂out/∂self = e^self = out."""
        try:
            data = math.exp(self.data)
        except OverflowError:
            data = math.inf
        out = Value._node(data, (self,), "exp")

        def _backward() -> None:
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def log(self) -> Value:
        """Natural logarithm ``ln(self)``; ∂out/∂self = 1/self.

        Raises:
            ValueError: if ``self.data <= 0`` (the logarithm is defined for positive numbers).
        """
        if self.data <= 0.0:
            raise ValueError(f"log needs a positive number. Received: {self!r}")
        out = Value._node(math.log(self.data), (self,), "log")

        def _backward() -> None:
            self.grad += out.grad / self.data

        out._backward = _backward
        return out

    def tanh(self) -> Value:
        """``tanh(self)``; ∂out/∂self = 1 - tanh² = 1 - out² (``math.tanh`` never overflows)."""
        out = Value._node(math.tanh(self.data), (self,), "tanh")

        def _backward() -> None:
            self.grad += (1.0 - out.data * out.data) * out.grad

        out._backward = _backward
        return out

    def relu(self) -> Value:
        """``max(0, self)``; ∂out/∂self = 1 if self > 0 else 0 (0 at the kink, as in TensorFlow)."""
        out = Value._node(self.data if self.data > 0.0 else 0.0, (self,), "relu")

        def _backward() -> None:
            self.grad += (1.0 if self.data > 0.0 else 0.0) * out.grad

        out._backward = _backward
        return out

    def sigmoid(self) -> Value:
        """``σ(self) = 1 / (1 + e^-self)``; ∂out/∂self = σ(1 - σ) = out · (1 - out).

        Stable form: for x ≥ 0 use 1 / (1 + e^-x), for x < 0 use e^x / (1 + e^x), so ``exp`` only
        sees non-positive numbers and never overflows (σ(±1e4) is exactly 1.0 / 0.0).
        """
        x = self.data
        if x >= 0.0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)
            s = e / (1.0 + e)
        out = Value._node(s, (self,), "sigmoid")

        def _backward() -> None:
            self.grad += out.data * (1.0 - out.data) * out.grad

        out._backward = _backward
        return out

    # ---- the graph --------------------------------------------------------------------------

    def backward(self) -> None:
        """Fill ``grad`` of every node of the graph with ∂self/∂node (reverse-mode autodiff).

        Sets ``self.grad = 1`` (∂self/∂self), resets the other inner nodes to 0, then calls each
        node's ``_backward`` in reverse topological order, so each node has received every
        contribution from the nodes that use it before it passes its gradient on.

        Leaves (inputs, parameters) accumulate across calls, as in PyTorch: call
        :meth:`zero_grad` before a second ``backward`` to start from zero.
        """
        order = topological_order(self)
        for node in order:
            if node._prev:
                node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            node._backward()

    def zero_grad(self) -> None:
        """Set ``grad = 0`` on this node and on every node it was computed from."""
        for node in topological_order(self):
            node.grad = 0.0


def _as_value(x: Value | float) -> Value:
    """``x`` itself if it is a Value, else a new constant leaf holding the number ``x``."""
    if isinstance(x, Value):
        return x
    return Value(_check_number(x, "other"))


def topological_order(root: Value) -> list[Value]:
    """Every node that ``root`` was computed from, inputs before the nodes that use them.

    An iterative depth-first search (no recursion, so a chain of any length works): a node is
    appended after all of its inputs, which is the order a forward pass computes them in;
    :meth:`Value.backward` walks it in reverse. Each node appears once.

    Args:
        root: the output node.

    Returns:
        A list of ``Value``; the last element is ``root``.
    """
    if not isinstance(root, Value):
        raise TypeError(f"Argument `root` must be a Value. Received: {describe(root)}")
    order: list[Value] = []
    visited: set[int] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack.append((node, True))
        for child in reversed(node._prev):
            if id(child) not in visited:
                stack.append((child, False))
    return order


# ---- drawing ------------------------------------------------------------------------------

_FONT_PT = 9.0  # font size in points at scale 1
_LINE_IN = 1.45 * _FONT_PT / 72  # height of one text line, inches
_PAD_IN = 0.09  # padding inside a box, inches
_GAP_ALONG_IN = 0.42  # space between two depth columns, inches
_GAP_ACROSS_IN = 0.2  # space between two nodes of one column, inches
_MAX_DRAWN = 300  # values; a bigger drawing would be unreadable anyway


def _fmt(x: float) -> str:
    """``x`` to 4 significant digits, without a minus sign on zero."""
    return f"{x if x != 0.0 else 0.0:.4g}"


def _text_width_in(text: str, bold: bool = False) -> float:
    """Width in inches of ``text`` drawn at the default font and ``_FONT_PT`` points."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath

    if not text:
        return 0.0
    prop = FontProperties(size=_FONT_PT, weight="bold" if bold else "normal")
    return TextPath((0, 0), text, prop=prop).get_extents().width / 72


def _spread(order: list[int], desired: list[float], size: dict[int, float]) -> dict[int, float]:
    """Place ``order``'s nodes near ``desired`` without overlapping, keeping their order."""
    placed = [desired[0]]
    for k in range(1, len(order)):
        sep = (size[order[k - 1]] + size[order[k]]) / 2 + _GAP_ACROSS_IN
        placed.append(max(desired[k], placed[-1] + sep))
    shift = (sum(desired) - sum(placed)) / len(order)
    return {node: p + shift for node, p in zip(order, placed, strict=True)}


def _layout(values: list[Value], across: dict[int, float]) -> tuple[dict, list, dict]:
    """Columns and positions of the nodes of a graph, in the manner of graphviz' ``dot``.

    Nodes are integers: value ``i`` is node ``i``, the operation that produced it node ``n + i``,
    and each arrow that skips columns passes through invisible nodes (``>= 2n``), one per
    skipped column, so that it gets a lane of its own instead of running behind boxes. ``across``
    holds each node's size across the columns; it gains the lanes' entries.

    Returns:
        ``depth`` (node -> column), ``chains`` (one list of nodes per arrow, from its input to its
        output, through its invisible nodes) and ``pos`` (node -> position across, in inches).
    """
    n = len(values)
    index = {id(v): i for i, v in enumerate(values)}
    depth: dict[int, int] = {}
    arrows: list[tuple[int, int]] = []  # repeated for an input used twice by one operation
    for i, v in enumerate(values):
        if v._prev:
            depth[n + i] = max(depth[index[id(c)]] for c in v._prev) + 1
            depth[i] = depth[n + i] + 1
            arrows += [(index[id(c)], n + i) for c in v._prev] + [(n + i, i)]
        else:
            depth[i] = 0
    for i, v in enumerate(values):  # a leaf sits just before the first operation using it
        uses = [depth[b] for a, b in arrows if a == i]
        if not v._prev and uses:
            depth[i] = min(uses) - 1
    chains, next_lane = [], 2 * n
    for a, b in arrows:
        lanes = list(range(next_lane, next_lane + depth[b] - depth[a] - 1))
        next_lane += len(lanes)
        for c, lane in enumerate(lanes, start=depth[a] + 1):
            depth[lane], across[lane] = c, 0.12
        chains.append([a, *lanes, b])

    # Barycentre sweeps: each node moves towards the mean position of its neighbours on the side
    # already placed, then the column is spread so that no two nodes overlap.
    n_cols = max(depth.values()) + 1
    columns: list[list[int]] = [[] for _ in range(n_cols)]
    for node in sorted(depth):
        columns[depth[node]].append(node)
    neighbours: dict[int, list[int]] = {node: [] for node in depth}
    for chain in chains:
        for a, b in zip(chain[:-1], chain[1:], strict=True):
            neighbours[a].append(b)
            neighbours[b].append(a)
    pos: dict[int, float] = {}
    for col in columns:
        pos.update(_spread(col, [0.0] * len(col), across))
    for sweep in range(8):
        forward = sweep % 2 == 0
        for c in range(1, n_cols) if forward else range(n_cols - 2, -1, -1):
            desired = {}
            for node in columns[c]:
                side = [m for m in neighbours[node] if (depth[m] < c if forward else depth[m] > c)]
                desired[node] = sum(pos[m] for m in side) / len(side) if side else pos[node]
            columns[c].sort(key=lambda m, d=desired: d[m])
            pos.update(_spread(columns[c], [desired[m] for m in columns[c]], across))
    return depth, chains, pos


def draw_graph(root: Value, ax: Axes | None = None, rankdir: str = "LR") -> Figure:
    """Draw the computational graph of ``root`` with matplotlib (no graphviz needed).

    One box per ``Value`` showing its label, ``data`` and ``grad`` (4 significant digits): blue
    for leaves, orange for ``root``, grey otherwise. One oval per operation; arrows run from the
    inputs to the operation to its output. Nodes sit in columns by depth, the longest path from
    the leaves (a leaf sits just before the first operation that uses it), and a few
    barycentre sweeps order each column to keep arrows short and uncrossed. Chapter 2,
    "Computational graph (计算图)".

    Args:
        root: the output node; everything it was computed from is drawn (at most 300 values).
        ax: Axes to draw in; the drawing is scaled to fit it. Default ``None``: a new figure
            sized to the graph.
        rankdir: ``"LR"`` (inputs on the left, default) or ``"TB"`` (inputs at the top).

    Returns:
        The matplotlib ``Figure`` (``ax.figure`` when ``ax`` is given).
    """
    if not isinstance(root, Value):
        raise TypeError(f"Argument `root` must be a Value. Received: {describe(root)}")
    check_in(rankdir, "rankdir", ("LR", "TB"))
    values = topological_order(root)
    if len(values) > _MAX_DRAWN:
        raise ValueError(
            f"draw_graph draws graphs of at most {_MAX_DRAWN} values; this one has "
            f"{len(values)}. Draw a smaller expression."
        )
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Ellipse, FancyArrowPatch, FancyBboxPatch

    # Text lines and sizes in inches (at scale 1) of the boxes (values) and ovals (operations).
    n = len(values)
    lines: dict[int, list[tuple[str, bool]]] = {}
    width: dict[int, float] = {}
    height: dict[int, float] = {}
    for i, v in enumerate(values):
        lines[i] = [(v.label, True)] if v.label else []
        lines[i] += [(f"data {_fmt(v.data)}", False), (f"grad {_fmt(v.grad)}", False)]
        width[i] = max(_text_width_in(t, b) for t, b in lines[i]) + 2 * _PAD_IN
        height[i] = 3 * _LINE_IN + 2 * _PAD_IN
        if v._prev:
            lines[n + i] = [(v.op, False)]
            width[n + i] = max(1.35 * _text_width_in(v.op) + 2 * _PAD_IN, 0.36)
            height[n + i] = 0.36
    horizontal = rankdir == "LR"
    along, across = (width, height) if horizontal else (height, width)
    depth, chains, pos = _layout(values, across)

    # Coordinates in inches at scale 1: `centre` of each column along the depth axis, `pos`
    # across it; then the Axes' limits, widened to its shape when it was given.
    columns = range(max(depth.values()) + 1)
    col_size = [max(along.get(m, 0.0) for m in depth if depth[m] == c) for c in columns]
    centre = [0.0]
    for c in columns[1:]:
        centre.append(centre[-1] + (col_size[c - 1] + col_size[c]) / 2 + _GAP_ALONG_IN)
    margin = 0.12
    lo_a, hi_a = -col_size[0] / 2 - margin, centre[-1] + col_size[-1] / 2 + margin
    lo_p = min(pos[m] - across[m] / 2 for m in depth) - margin
    hi_p = max(pos[m] + across[m] / 2 for m in depth) + margin

    def xy(node: int) -> tuple[float, float]:
        a, p = centre[depth[node]], pos[node]
        return (a, hi_p + lo_p - p) if horizontal else (p, hi_a + lo_a - a)

    (x_lo, x_hi), (y_lo, y_hi) = ((lo_a, hi_a), (lo_p, hi_p))[:: 1 if horizontal else -1]
    if ax is None:
        fig = plt.figure(figsize=(x_hi - x_lo, y_hi - y_lo))
        ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    fig = ax.figure
    box_w, box_h = ax.get_position().size * fig.get_size_inches()
    scale = min(box_w / (x_hi - x_lo), box_h / (y_hi - y_lo))
    x_mid, y_mid = (x_lo + x_hi) / 2, (y_lo + y_hi) / 2
    ax.set_xlim(x_mid - box_w / scale / 2, x_mid + box_w / scale / 2)
    ax.set_ylim(y_mid - box_h / scale / 2, y_mid + box_h / scale / 2)
    ax.set_axis_off()

    patches = {}
    for node in lines:
        x, y = xy(node)
        w, h = width[node], height[node]
        if node >= n:
            patch = Ellipse((x, y), w, h, facecolor="#fff2b3", edgecolor="#8a7a2a")
        else:
            leaf = not values[node]._prev
            color = "#fcd9b6" if node == n - 1 else "#d6e6f5" if leaf else "#eeeeee"
            corner = (x - w / 2, y - h / 2)
            rounded = "round,pad=0,rounding_size=0.06"
            patch = FancyBboxPatch(corner, w, h, boxstyle=rounded, fc=color, ec="#444444")
        patch.set(linewidth=0.9 * scale, zorder=2)
        patches[node] = ax.add_patch(patch)
        for k, (text, bold) in enumerate(lines[node]):
            y_text = y + ((len(lines[node]) - 1) / 2 - k) * _LINE_IN
            font = {"fontsize": _FONT_PT * scale, "fontweight": "bold" if bold else "normal"}
            ax.text(x, y_text, text, ha="center", va="center", zorder=3, **font)

    style = {"color": "#555555", "linewidth": 0.9 * scale, "zorder": 1}
    for k, chain in enumerate(chains):
        a, b = chain[0], chain[-1]
        twins = sum(c == chain for c in chains)  # 2 for the two arrows of a * a
        rad = 0.3 * (sum(c == chain for c in chains[:k]) - (twins - 1) / 2)
        if len(chain) > 2:  # through the lanes: a line from a, a polyline, the arrow to b
            points = [xy(m) for m in chain[:-1]]
            plain = {"arrowstyle": "-", "shrinkA": 0, "shrinkB": 0}
            ax.add_patch(FancyArrowPatch(*points[:2], patchA=patches[a], **plain, **style))
            ax.add_line(Line2D(*zip(*points[1:], strict=True), **style))
            a = chain[-2]
        arrow = {"arrowstyle": "-|>", "mutation_scale": 9 * scale, "shrinkA": 0, "shrinkB": 1}
        ax.add_patch(
            FancyArrowPatch(
                xy(a),
                xy(b),
                patchA=patches.get(a),
                patchB=patches[b],
                connectionstyle=f"arc3,rad={rad}",
                **arrow,
                **style,
            )
        )
    return fig
