"""Benchmark: the documents' CNN layer, Conv2D(32, 3×3) on 28×28×1 images, batch 64.

Times one forward + backward pass (gradients for the input, kernel and bias, under a random
upstream gradient) of ``dlcourse.nn.layers.Conv2D`` (im2col through a strided view) against
TensorFlow's ``Conv2D`` on the same CPU, from the same weights, and prints the ratio. Target
(DESIGN.md): NumPy within 3 × TensorFlow.

Usage: ``python benchmarks/conv.py [--batch 64] [--repeat 20]``
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _util import machine, race, table  # noqa: E402

from dlcourse import nn  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    x = rng.random((args.batch, 28, 28, 1), dtype=np.float32)
    layer = nn.layers.Conv2D(32, (3, 3), activation="relu")
    layer.ensure_built(x.shape, dtype=np.float32, rng=rng)
    dout = rng.standard_normal((args.batch, 26, 26, 32)).astype(np.float32)

    def numpy_step():
        layer.forward(x, training=True)
        return layer.backward(dout)

    fns = {"numpy": numpy_step}
    try:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import keras
        import tensorflow as tf
    except ImportError:
        print("TensorFlow not installed: only the NumPy time is shown.")
    else:
        klayer = keras.layers.Conv2D(32, (3, 3), activation="relu")
        klayer.build(x.shape)
        klayer.set_weights(layer.get_weights())
        tx, tdout = tf.constant(x), tf.constant(dout)

        @tf.function
        def tf_step():
            with tf.GradientTape() as tape:
                tape.watch(tx)
                out = klayer(tx)
            return tape.gradient(out, [tx, *klayer.trainable_weights], output_gradients=tdout)

        fns["tensorflow"] = lambda: [g.numpy() for g in tf_step()]
        # Same numbers first: the input gradient of both agrees.
        np_dx = numpy_step()
        tf_dx = fns["tensorflow"]()[0]
        print(
            f"largest |dx| difference, NumPy vs TensorFlow: "
            f"{float(np.abs(np_dx - tf_dx).max()):.2e}"
        )

    times = race(fns, args.repeat, warmup=3)
    wall_np, cpu_np = times["numpy"]
    rows = [
        [name, f"{w * 1e3:.2f}", f"{c * 1e3:.2f}", f"{w / wall_np:.2f}"]
        for name, (w, c) in times.items()
    ]
    print(
        f"Conv2D(32, 3x3, relu) on ({args.batch}, 28, 28, 1), forward + backward "
        f"(best of {args.repeat}); {machine()}"
    )
    print(table(rows, ["implementation", "wall ms", "CPU ms", "time / NumPy"]))
    if "tensorflow" in times:
        wall_tf, cpu_tf = times["tensorflow"]
        print(
            f"\nNumPy / TensorFlow: {wall_np / wall_tf:.2f} wall, {cpu_np / cpu_tf:.2f} CPU "
            "(target <= 3)"
        )


if __name__ == "__main__":
    main()
