"""Benchmark: one epoch of an MLP 784-128-10 on 60,000 MNIST-shaped rows, batch 128, plain SGD.

Compares the time of

1. ``dlcourse.nn.Sequential.fit`` (the NumPy reference, with its checks, callbacks and logs),
2. a hand-fused NumPy loop doing the same maths (forward, softmax cross-entropy from logits,
   backward, SGD update) with nothing else, and
3. Keras ``fit`` on the same CPU (skipped when TensorFlow is not installed),

from the same initial weights on the same data, and prints the ratios. Targets (DESIGN.md):
Sequential ≤ 1.3 × the hand loop, and faster than Keras.

Usage: ``python benchmarks/mlp.py [--rows 60000] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _util import machine, race, table  # noqa: E402

from dlcourse import nn  # noqa: E402

BATCH, LR = 128, 0.01


def make_data(rows: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    x = rng.random((rows, 784), dtype=np.float32)
    y = rng.integers(0, 10, rows).astype(np.uint8)
    return x, y


def numpy_model(seed: int = 0) -> nn.Sequential:
    model = nn.Sequential(
        [
            nn.layers.Dense(128, activation="relu", input_dim=784),
            nn.layers.Dense(10, activation="softmax"),
        ],
        seed=seed,
    )
    model.compile(
        optimizer=nn.optimizers.SGD(learning_rate=LR),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def hand_loop(weights, x, y):
    """The same epoch with no framework: the maths only, fused by hand."""
    W1, b1, W2, b2 = (w.copy() for w in weights)
    n = len(x)
    for start in range(0, n, BATCH):
        xb, yb = x[start : start + BATCH], y[start : start + BATCH]
        m = len(xb)
        h_pre = xb @ W1 + b1
        h = np.maximum(h_pre, 0)
        z = h @ W2 + b2
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        dz = p
        dz[np.arange(m), yb] -= 1
        dz /= m
        dW2 = h.T @ dz
        db2 = dz.sum(axis=0)
        dh = dz @ W2.T
        dh *= h_pre > 0
        dW1 = xb.T @ dh
        db1 = dh.sum(axis=0)
        W1 -= LR * dW1
        b1 -= LR * db1
        W2 -= LR * dW2
        b2 -= LR * db2
    return W1, b1, W2, b2


def keras_fit(weights, x, y):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    model = keras.Sequential(
        [
            keras.Input((784,)),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=LR),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    model.set_weights(weights)

    def run():
        model.fit(x, y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)

    return model, run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=60_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    x, y = make_data(args.rows)
    model = numpy_model()
    weights = model.get_weights()

    def run_sequential():
        model.set_weights(weights)
        model.fit(x, y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)

    fns = {"seq": run_sequential, "hand": lambda: hand_loop(weights, x, y)}
    try:
        _, fns["keras"] = keras_fit(weights, x, y)
    except ImportError:
        print("TensorFlow/Keras not installed: Keras column skipped.")
    times = race(fns, args.repeat)

    # Same maths: after one epoch from the same weights, the two NumPy paths agree.
    model.set_weights(weights)
    model.fit(x, y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
    hand = hand_loop(weights, x, y)
    diff = max(float(np.abs(a - b).max()) for a, b in zip(model.get_weights(), hand, strict=True))

    labels = {
        "seq": "dlcourse.nn Sequential.fit",
        "hand": "hand-fused NumPy loop",
        "keras": "Keras fit (TensorFlow, same CPU)",
    }
    wall_seq, cpu_seq = times["seq"]
    rows = [
        [labels[k], f"{w:.3f}", f"{c:.3f}", f"{wall_seq / w:.2f}", f"{cpu_seq / c:.2f}"]
        for k, (w, c) in times.items()
    ]
    print(
        f"MLP 784-128-10, {args.rows:,} rows, batch {BATCH}, one epoch of SGD "
        f"(best of {args.repeat}); {machine()}"
    )
    print(
        table(
            rows,
            [
                "implementation",
                "wall s",
                "CPU s",
                "Sequential / this (wall)",
                "Sequential / this (CPU)",
            ],
        )
    )
    print(
        f"\nSequential / hand loop: {wall_seq / times['hand'][0]:.2f} wall, "
        f"{cpu_seq / times['hand'][1]:.2f} CPU (target <= 1.3)"
    )
    if "keras" in times:
        print(
            f"Sequential / Keras:     {wall_seq / times['keras'][0]:.2f} wall, "
            f"{cpu_seq / times['keras'][1]:.2f} CPU (target < 1)"
        )
    print(f"largest weight difference, Sequential vs hand loop after one epoch: {diff:.2e}")


if __name__ == "__main__":
    main()
