"""The catalogue of known wrong answers, per exercise, each with its own hint (chapters 2–6).

Each entry is a :class:`~dlcourse.exercises._core.WrongAnswer`: an implementation that makes one
classic mistake, and the hint a student who made it needs. A check recognises a wrong answer by
behaviour: the student's function passes the same earlier properties as the catalogued one, and
gives the same output (or raises the same error) on the property that fails. Tests prove that
every entry fails its exercise's check with its own hint.
"""

from __future__ import annotations

import numpy as np

from dlcourse.autodiff import Value
from dlcourse.exercises._core import WrongAnswer as W
from dlcourse.nn.layers import Dense
from dlcourse.nn.models import Sequential

__all__ = ["WRONG_ANSWERS"]


# ------------------------------------------------------------------------------- chapter 2


def _mul_factory(mode: str):
    def mul(a: Value, b: Value) -> Value:
        out = Value(a.data * b.data)
        if mode != "no_graph":
            out._prev = (a, b)

        def _backward() -> None:
            if mode == "assign":
                a.grad = b.data * out.grad
                b.grad = a.data * out.grad
            elif mode == "no_chain":
                a.grad += b.data
                b.grad += a.data
            elif mode == "swapped":
                a.grad += a.data * out.grad
                b.grad += b.data * out.grad
            else:
                a.grad += b.data * out.grad
                b.grad += a.data * out.grad

        out._backward = _backward
        return out

    return mul


_CH2 = {
    "ch2.neuron": (
        W(
            "no_bias",
            lambda x, w, b: 1 / (1 + np.exp(-(x @ w))),
            "add the bias: the neuron computes σ(x @ w + b).",
        ),
        W(
            "no_activation",
            lambda x, w, b: x @ w + b,
            "apply the activation: x @ w + b is only the weighted sum z; the neuron returns σ(z).",
        ),
        W(
            "elementwise",
            lambda x, w, b: 1 / (1 + np.exp(-(x * w + b))),
            "x * w multiplies elementwise and keeps the feature axis: sum over the inputs with "
            "x @ w (one number per sample).",
        ),
        W(
            "relu",
            lambda x, w, b: np.maximum(x @ w + b, 0),
            "this neuron's activation is the sigmoid 1 / (1 + exp(-z)), not ReLU.",
        ),
    ),
    "ch2.value_mul": (
        W(
            "no_graph",
            _mul_factory("no_graph"),
            "set out._prev = (a, b): backward() walks the graph through _prev, so without it the "
            "inputs never receive a gradient.",
        ),
        W(
            "swapped",
            _mul_factory("swapped"),
            "the local derivative of a·b with respect to a is b (and with respect to b it is a): "
            "a.grad += b.data * out.grad.",
        ),
        W(
            "assign",
            _mul_factory("assign"),
            "accumulate with += instead of =: in mul(x, x) the value x receives two "
            "contributions, and they add up.",
        ),
        W(
            "no_chain",
            _mul_factory("no_chain"),
            "multiply by out.grad (the chain rule): a.grad += b.data * out.grad. Without it the "
            "gradient is only right when mul is the last operation.",
        ),
    ),
}

# ------------------------------------------------------------------------------- chapter 3

_OVERFLOW = (
    "your sigmoid overflows for large inputs: np.exp(-x) is inf at x = -1e4 (and "
    "np.where evaluates both branches on every element). Compute e = np.exp(-np.abs(x)) "
    "once, then np.where(x >= 0, 1 / (1 + e), e / (1 + e))."
)


def _sigmoid_branches_swapped(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, e / (1 + e), 1 / (1 + e))


def _softmax_in_place(x):
    x -= x.max(axis=-1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=-1, keepdims=True)


def _sgd(velocity_rule):
    def step(w, grad, velocity, learning_rate=0.01, momentum=0.9):
        velocity = velocity_rule(velocity, grad, learning_rate, momentum)
        return w + velocity, velocity

    return step


def _adam(correct: bool = True, sqrt: bool = True, swap: bool = False, t_shift: int = 0):
    def step(w, grad, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        b1, b2 = (beta_2, beta_1) if swap else (beta_1, beta_2)
        m = b1 * m + (1 - b1) * grad
        v = b2 * v + (1 - b2) * grad**2
        if correct:
            m_hat, v_hat = m / (1 - beta_1 ** (t + t_shift)), v / (1 - beta_2 ** (t + t_shift))
        else:
            m_hat, v_hat = m, v
        root = np.sqrt(v_hat) if sqrt else v_hat
        return w - learning_rate * m_hat / (root + epsilon), m, v

    return step


def _conv(flip: bool = False, bias: bool = True, same: bool = False):
    def conv(x, W, b):
        kh, kw = W.shape[:2]
        if flip:
            W = W[::-1, ::-1]
        if same:
            x = np.pad(x, ((0, 0), ((kh - 1) // 2, kh // 2), ((kw - 1) // 2, kw // 2), (0, 0)))
        h_out, w_out = x.shape[1] - kh + 1, x.shape[2] - kw + 1
        out = np.zeros((x.shape[0], h_out, w_out, W.shape[3])) + (b if bias else 0.0)
        for di in range(kh):
            for dj in range(kw):
                out += x[:, di : di + h_out, dj : dj + w_out, :] @ W[di, dj]
        return out

    return conv


def _pool_wrong_reshape(x, pool_size=2):
    n, h, w, c = x.shape
    p = pool_size
    x = x[:, : h // p * p, : w // p * p, :]
    return x.reshape(n, h // p, w // p, p, p, c).max(axis=(3, 4))


def _pool_average(x, pool_size=2):
    n, h, w, c = x.shape
    p = pool_size
    x = x[:, : h // p * p, : w // p * p, :]
    return x.reshape(n, h // p, p, w // p, p, c).mean(axis=(2, 4))


def _pool_overlapping(x, pool_size=2):
    from numpy.lib.stride_tricks import sliding_window_view

    return sliding_window_view(x, (pool_size, pool_size), axis=(1, 2)).max(axis=(-2, -1))


_CH3 = {
    "ch3.sigmoid": (
        W("naive", lambda x: 1 / (1 + np.exp(-x)), _OVERFLOW),
        W(
            "where_both_branches",
            lambda x: np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x))),
            _OVERFLOW,
        ),
        W(
            "branches_swapped",
            _sigmoid_branches_swapped,
            "your branches are swapped: with e = exp(-|x|), σ(x) = 1 / (1 + e) for x >= 0 (above "
            "1/2) and e / (1 + e) for x < 0.",
        ),
    ),
    "ch3.softmax": (
        W(
            "no_max_shift",
            lambda x: np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True),
            "your softmax overflows for large inputs: subtract the row maximum first, "
            "x - x.max(axis=-1, keepdims=True) (the result is unchanged, and e^0 = 1 is the "
            "largest term).",
        ),
        W(
            "global_max_shift",
            lambda x: np.exp(x - x.max()) / np.exp(x - x.max()).sum(axis=-1, keepdims=True),
            "subtract each row's own maximum, x.max(axis=-1, keepdims=True), not the maximum of "
            "the whole array: a row far below the global maximum underflows to 0 / 0.",
        ),
        W(
            "wrong_axis",
            lambda x: np.exp(x - x.max(axis=0)) / np.exp(x - x.max(axis=0)).sum(axis=0),
            "normalise over the classes, the last axis (axis=-1), so that each row (sample) sums "
            "to 1; axis=0 normalises over the batch.",
        ),
        W(
            "no_keepdims",
            lambda x: np.exp(x - x.max(axis=-1)) / np.exp(x - x.max(axis=-1)).sum(axis=-1),
            "use keepdims=True in max and sum: x.max(axis=-1) has shape (N,), which does not "
            "broadcast against (N, C) the way you mean.",
        ),
        W(
            "in_place",
            _softmax_in_place,
            "do not modify the input: x -= ... changes the caller's array. Write "
            "z = x - x.max(axis=-1, keepdims=True) instead.",
        ),
    ),
    "ch3.cross_entropy": (
        W(
            "no_clip",
            lambda y, p: -(y * np.log(p)).sum(axis=-1),
            "clip the probabilities before the log, np.clip(y_pred, 1e-7, 1 - 1e-7) (Keras' "
            "epsilon): log(0) is -inf when the model gives the true class probability 0.",
        ),
        W(
            "batch_mean",
            lambda y, p: np.mean(-(y * np.log(np.clip(p, 1e-7, 1 - 1e-7))).sum(-1)),
            "return one loss per sample, shape (N,): sum over the classes (axis=-1) only, and "
            "leave the mean over the batch to the caller.",
        ),
        W(
            "wrong_axis",
            lambda y, p: -(y * np.log(np.clip(p, 1e-7, 1 - 1e-7))).sum(axis=0),
            "sum over the classes, axis=-1: summing over axis=0 adds up the samples.",
        ),
        W(
            "no_minus",
            lambda y, p: (y * np.log(np.clip(p, 1e-7, 1 - 1e-7))).sum(axis=-1),
            "H(p, q) = -Σ p log q has a minus sign: log q ≤ 0, so the loss is ≥ 0.",
        ),
    ),
    "ch3.gd_step": (
        W(
            "ascent",
            lambda w, b, x, y, lr: (
                w + lr * np.mean((w * x + b - y) * x),
                b + lr * np.mean(w * x + b - y),
            ),
            "step against the gradient: θ := θ - α ∇J (a plus sign climbs the loss).",
        ),
        W(
            "sum_not_mean",
            lambda w, b, x, y, lr: (
                w - lr * np.sum((w * x + b - y) * x),
                b - lr * np.sum(w * x + b - y),
            ),
            "J = 1/(2m) Σ (ŷ - y)² averages over the m samples: the gradient is a mean, "
            "(1/m) Σ (ŷ - y) x, not a sum.",
        ),
        W(
            "twice",
            lambda w, b, x, y, lr: (
                w - lr * 2 * np.mean((w * x + b - y) * x),
                b - lr * 2 * np.mean(w * x + b - y),
            ),
            "the 1/2 in J = 1/(2m) Σ (ŷ - y)² cancels the 2 of the square's derivative: "
            "∂J/∂w = (1/m) Σ (ŷ - y) x.",
        ),
        W(
            "bias_not_updated",
            lambda w, b, x, y, lr: (w - lr * np.mean((w * x + b - y) * x), b),
            "update the bias too: b := b - α (1/m) Σ (ŷ - y).",
        ),
    ),
    "ch3.dense_forward": (
        W(
            "kernel_transposed",
            lambda x, W_, b: x @ W_.T + b,
            "Keras' kernel W has shape (in, units): z = x @ W + b, without transposing W.",
        ),
        W(
            "transposed_output",
            lambda x, W_, b: W_.T @ x.T + b[:, None],
            "return one row per sample, shape (N, units): z = x @ W + b (samples are rows, as "
            "in Keras), not W.T @ x.T.",
        ),
        W("no_bias", lambda x, W_, b: x @ W_, "add the bias b (broadcast over the rows)."),
    ),
    "ch3.dense_backward": (
        W(
            "dW_transposed",
            lambda dout, x, W_: (dout @ W_.T, dout.T @ x, dout.sum(axis=0)),
            "your weight gradient is transposed: dW must have W's shape (in, units), "
            "dW = x.T @ dout.",
        ),
        W(
            "db_not_summed",
            lambda dout, x, W_: (dout @ W_.T, x.T @ dout, dout),
            "sum the bias gradient over the batch: b is added to every row, so "
            "db = dout.sum(axis=0), shape (units,).",
        ),
        W(
            "db_mean",
            lambda dout, x, W_: (dout @ W_.T, x.T @ dout, dout.mean(axis=0)),
            "sum, do not average, over the batch: db = dout.sum(axis=0). Any 1/N belongs in "
            "the loss (its dout already contains it).",
        ),
        W(
            "dx_not_transposed",
            lambda dout, x, W_: (dout @ W_, x.T @ dout, dout.sum(axis=0)),
            "dx = dout @ W.T, shape (N, in): the gradient flows back through W transposed.",
        ),
    ),
    "ch3.momentum_step": (
        W(
            "ascent",
            _sgd(lambda v, g, lr, mu: mu * v + lr * g),
            "the velocity moves against the gradient: v := μ v - α g.",
        ),
        W(
            "no_decay",
            _sgd(lambda v, g, lr, mu: v - lr * g),
            "decay the old velocity by the momentum: v := μ v - α g (without μ the steps keep "
            "growing).",
        ),
        W(
            "no_velocity",
            lambda w, g, v, learning_rate=0.01, momentum=0.9: (w - learning_rate * g, v),
            "update and return the velocity, v := μ v - α g, then w := w + v: your step is plain "
            "gradient descent, which forgets the previous steps.",
        ),
        W(
            "decay_after",
            _sgd(lambda v, g, lr, mu: mu * (v - lr * g)),
            "apply the momentum to the old velocity only: v := μ v - α g, not μ (v - α g).",
        ),
    ),
    "ch3.adam_step": (
        W(
            "no_bias_correction",
            _adam(correct=False),
            "correct the bias of the moments: m̂ = m / (1 - β₁ᵗ), v̂ = v / (1 - β₂ᵗ). Without it "
            "the first steps are far too large (or too small), because m and v start at zero.",
        ),
        W(
            "no_sqrt",
            _adam(sqrt=False),
            "divide by the square root of the second moment: w := w - α m̂ / (√v̂ + ε).",
        ),
        W(
            "betas_swapped",
            _adam(swap=True),
            "β₁ (0.9) is the decay of the first moment m, β₂ (0.999) of the second moment v.",
        ),
        W(
            "t_from_zero",
            _adam(t_shift=-1),
            "the step count t starts at 1: with t = 0 the bias correction divides by 1 - β⁰ = 0.",
        ),
    ),
    "ch3.l2_penalty": (
        W(
            "half",
            lambda W_, l2=0.01: (0.5 * l2 * np.sum(W_**2), l2 * W_),
            "Keras' L2 regularizer has no 1/2: the penalty is l2 · Σ W², and its gradient "
            "2 · l2 · W.",
        ),
        W(
            "gradient_without_2",
            lambda W_, l2=0.01: (l2 * np.sum(W_**2), l2 * W_),
            "the derivative of l2 · w² is 2 · l2 · w: you forgot the 2.",
        ),
        W(
            "l1",
            lambda W_, l2=0.01: (l2 * np.sum(np.abs(W_)), l2 * np.sign(W_)),
            "that is the L1 penalty (Σ |W|): L2 squares the weights, l2 · Σ W².",
        ),
        W(
            "mean",
            lambda W_, l2=0.01: (l2 * np.mean(W_**2), 2 * l2 * W_ / W_.size),
            "sum the squares, do not average them: l2 · Σ W² (Keras' form).",
        ),
    ),
    "ch3.dropout": (
        W(
            "no_scaling",
            lambda x, rate, rng: x * (rng.random(x.shape) >= rate),
            "scale the kept entries by 1 / (1 - rate) (inverted dropout), so the expected output "
            "equals x and nothing changes at test time.",
        ),
        W(
            "scaled_by_keep",
            lambda x, rate, rng: x * (rng.random(x.shape) >= rate) * (1 - rate),
            "divide the kept entries by (1 - rate), do not multiply: inverted dropout makes them "
            "larger to make up for the dropped ones.",
        ),
        W(
            "rate_is_keep",
            lambda x, rate, rng: x * (rng.random(x.shape) < rate) / (1 - rate),
            "rate is the fraction DROPPED (Keras' convention): keep an entry where "
            "rng.random(x.shape) >= rate.",
        ),
        W(
            "ignores_rng",
            lambda x, rate, rng: x * (np.random.default_rng().random(x.shape) >= rate) / (1 - rate),
            "draw the mask from the generator you are given, rng.random(x.shape), so that a seed "
            "reproduces it.",
        ),
    ),
    "ch3.conv2d_forward": (
        W(
            "flipped_kernel",
            _conv(flip=True),
            "deep-learning 'convolution' is cross-correlation: do not flip the kernel; multiply "
            "x[n, i + di, j + dj, :] by W[di, dj] directly.",
        ),
        W("no_bias", _conv(bias=False), "add the bias b[f] to every output of filter f."),
        W(
            "same_padding",
            _conv(same=True),
            "use 'valid' padding: no padding, so the output is (H - kh + 1, W - kw + 1).",
        ),
    ),
    "ch3.max_pool": (
        W(
            "average",
            _pool_average,
            "take the maximum of each window (.max), not its mean: that is average pooling.",
        ),
        W(
            "wrong_reshape",
            _pool_wrong_reshape,
            "your reshape groups the wrong pixels: reshape to (N, H/p, p, W/p, p, C) and take the "
            "max over axes 2 and 4, so that each window is a p × p block.",
        ),
        W(
            "overlapping",
            _pool_overlapping,
            "the windows do not overlap: the stride equals the pool size, so the output is "
            "(H // p, W // p).",
        ),
    ),
}

# ------------------------------------------------------------------------------- chapter 4


def _mlp(layers):
    def build(input_dim=784):
        return Sequential(layers(input_dim))

    return build


_CH4 = {
    "ch4.build_mlp": (
        W(
            "extra_input_layer",
            _mlp(
                lambda d: [
                    Dense(d, activation="relu", input_shape=(d,)),
                    Dense(32, activation="relu"),
                    Dense(10, activation="softmax"),
                ]
            ),
            "the input layer has no weights: it is the input_shape=(input_dim,) argument of the "
            "first Dense. Document [0]'s model has two Dense layers, the hidden Dense(32, relu) "
            "and the output Dense(10, softmax).",
        ),
        W(
            "activations_swapped",
            _mlp(
                lambda d: [
                    Dense(32, activation="softmax", input_shape=(d,)),
                    Dense(10, activation="relu"),
                ]
            ),
            "the hidden layer uses relu and the output layer softmax (one probability per class).",
        ),
        W(
            "no_output_activation",
            _mlp(lambda d: [Dense(32, activation="relu", input_shape=(d,)), Dense(10)]),
            "give the output layer activation='softmax', so that it outputs probabilities for "
            "sparse_categorical_crossentropy.",
        ),
        W(
            "input_dim_ignored",
            _mlp(
                lambda d: [
                    Dense(32, activation="relu", input_shape=(784,)),
                    Dense(10, activation="softmax"),
                ]
            ),
            "use the argument: input_shape=(input_dim,), not a fixed 784 (the digits have 64 "
            "features).",
        ),
    ),
    "ch4.accuracy": (
        W(
            "argmax_axis0",
            lambda y, p: float(np.mean(p.argmax(axis=0) == y)),
            "take the most probable class of each sample, probs.argmax(axis=1) (one per row).",
        ),
        W(
            "percent",
            lambda y, p: 100 * float(np.mean(p.argmax(axis=1) == y)),
            "return a fraction between 0 and 1, not a percentage.",
        ),
        W(
            "count",
            lambda y, p: int(np.sum(p.argmax(axis=1) == y)),
            "divide by the number of samples (np.mean, not np.sum).",
        ),
    ),
}

# ------------------------------------------------------------------------------- chapter 5


def _prune_signed(W_, sparsity):
    k = int(sparsity * W_.size)
    out = W_.copy()
    out.flat[np.argsort(W_, axis=None)[:k]] = 0.0
    return out


def _prune_keep(W_, sparsity):
    k = int((1 - sparsity) * W_.size)
    out = W_.copy()
    out.flat[np.argsort(np.abs(W_), axis=None)[:k]] = 0.0
    return out


def _prune_in_place(W_, sparsity):
    k = int(sparsity * W_.size)
    W_.flat[np.argsort(np.abs(W_), axis=None)[:k]] = 0.0
    return W_


_CH5 = {
    "ch5.prune": (
        W(
            "in_place",
            _prune_in_place,
            "work on a copy (W.copy()): pruning must not change the caller's weights.",
        ),
        W(
            "keeps_fraction",
            _prune_keep,
            "sparsity is the fraction of weights set to ZERO: zero the "
            "k = int(sparsity * W.size) smallest.",
        ),
        W(
            "signed",
            _prune_signed,
            "prune by magnitude, np.abs(W): a large negative weight matters as much as a large "
            "positive one.",
        ),
    ),
    "ch5.quantize_int8": (
        W(
            "scale_255",
            lambda W_: (
                np.round(W_ / (np.abs(W_).max() / 255)).astype(np.int8),
                float(np.abs(W_).max() / 255),
            ),
            "int8 holds -128..127: use scale = max|W| / 127 so that the largest weight maps to "
            "±127 (with 255 it wraps around).",
        ),
        W(
            "max_not_abs",
            lambda W_: (np.round(W_ / (W_.max() / 127)).astype(np.int8), float(W_.max() / 127)),
            "scale by the largest MAGNITUDE, np.abs(W).max(): the most negative weight may be "
            "larger in size than the largest positive one.",
        ),
        W(
            "truncate",
            lambda W_: (
                (W_ / (np.abs(W_).max() / 127)).astype(np.int8),
                float(np.abs(W_).max() / 127),
            ),
            "round before casting: .astype(np.int8) truncates toward zero, which doubles the "
            "error. Use np.round(W / scale).astype(np.int8).",
        ),
    ),
    "ch5.soft_targets": (
        W(
            "times_temperature",
            lambda z, t: _stable_softmax(z * t),
            "divide the logits by the temperature, softmax(z / T): a higher T must make the "
            "distribution softer.",
        ),
        W(
            "no_max_shift",
            lambda z, t: np.exp(z / t) / np.exp(z / t).sum(axis=-1, keepdims=True),
            "your softmax overflows for large logits: subtract the row maximum of z / T first.",
        ),
        W(
            "divide_after",
            lambda z, t: _stable_softmax(z) / t,
            "apply the temperature to the logits, softmax(z / T), not to the probabilities: "
            "softmax(z) / T no longer sums to 1.",
        ),
    ),
}


def _stable_softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


# ------------------------------------------------------------------------------- chapter 6


def _weights(formula):
    def class_weights(y):
        labels, counts = np.unique(y, return_counts=True)
        return {
            int(c): formula(len(y), len(labels), n, counts)
            for c, n in zip(labels, counts, strict=True)
        }

    return class_weights


def _weights_bincount(y):
    counts = np.bincount(y)
    return {c: len(y) / (len(counts) * counts[c]) for c in range(len(counts))}


def _impute_in_place(X):
    medians = np.nanmedian(X, axis=0)
    rows, cols = np.nonzero(np.isnan(X))
    X[rows, cols] = medians[cols]
    return X


def _prf(swap: bool = False, arithmetic: bool = False, guard: bool = True):
    def precision_recall_f1(y_true, y_pred):
        tp = np.sum((y_pred == 1) & (y_true == 1))
        fp = np.sum((y_pred == 1) & (y_true == 0))
        fn = np.sum((y_pred == 0) & (y_true == 1))
        if guard:
            p = tp / (tp + fp) if tp + fp else 0.0
            r = tp / (tp + fn) if tp + fn else 0.0
        else:
            p, r = tp / (tp + fp), tp / (tp + fn)
        if swap:
            p, r = r, p
        if arithmetic:
            return float(p), float(r), float((p + r) / 2)
        if not guard:
            return float(p), float(r), float(2 * p * r / (p + r))
        return float(p), float(r), float(2 * p * r / (p + r) if p + r else 0.0)

    return precision_recall_f1


_CH6 = {
    "ch6.class_weights": (
        W(
            "inverse_count",
            _weights(lambda n, k, n_c, counts: 1 / n_c),
            "scale 1 / n_c by n / k: w_c = n / (k · n_c), so that a balanced data set gets "
            "weights of 1 and the average weight per sample stays 1.",
        ),
        W(
            "proportional",
            _weights(lambda n, k, n_c, counts: n_c / n),
            "the rare class needs the LARGER weight: w_c = n / (k · n_c) is inversely "
            "proportional to the class count.",
        ),
        W(
            "max_over_count",
            _weights(lambda n, k, n_c, counts: counts.max() / n_c),
            "max(n_c) / n_c balances the classes too, but the exercise asks for scikit-learn's "
            "'balanced' weights w_c = n / (k · n_c), whose average per sample is 1.",
        ),
        W(
            "bincount",
            _weights_bincount,
            "labels need not be 0 … k-1: count them with np.unique(y, return_counts=True) and "
            "use the labels themselves as keys.",
        ),
    ),
    "ch6.impute_median": (
        W(
            "in_place",
            _impute_in_place,
            "fill a copy: do not change the caller's array (np.where(np.isnan(X), medians, X) "
            "returns a new one).",
        ),
        W(
            "median_with_nan",
            lambda X: np.where(np.isnan(X), np.median(X, axis=0), X),
            "np.median of a column that holds NaN is NaN: use np.nanmedian, which ignores them.",
        ),
        W(
            "mean",
            lambda X: np.where(np.isnan(X), np.nanmean(X, axis=0), X),
            "fill with the median (np.nanmedian), not the mean: the median resists outliers.",
        ),
        W(
            "row_median",
            lambda X: np.where(np.isnan(X), np.nanmedian(X, axis=1)[:, None], X),
            "take the median of each COLUMN (a feature), axis=0, not of each row (a sample).",
        ),
        W(
            "zero_fill",
            lambda X: np.nan_to_num(X, nan=0.0),
            "fill each NaN with its column's median (np.nanmedian(X, axis=0)), not with 0.",
        ),
    ),
    "ch6.precision_recall_f1": (
        W(
            "swapped",
            _prf(swap=True),
            "precision = TP / (TP + FP) (how many predicted positives are right); recall = "
            "TP / (TP + FN) (how many real positives are found). You swapped them.",
        ),
        W(
            "f1_arithmetic_mean",
            _prf(arithmetic=True),
            "F1 is the harmonic mean, 2 P R / (P + R), not the arithmetic mean (P + R) / 2.",
        ),
        W(
            "no_zero_division",
            _prf(guard=False),
            "with no predicted positives TP + FP = 0: return 0 for the precision (and F1) "
            "instead of dividing by zero, like scikit-learn's zero_division=0.",
        ),
    ),
}

WRONG_ANSWERS: dict[str, tuple[W, ...]] = {**_CH2, **_CH3, **_CH4, **_CH5, **_CH6}
