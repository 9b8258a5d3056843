"""Time one training epoch of each of the documents' models: NumPy reference against Keras.

For each model of ``dlcourse.models_zoo`` (the documents' layers, loss, optimizer and batch
size), train on the same random data with ``shuffle=False`` and measure the time per epoch of

* the NumPy reference (``dlcourse.nn.Sequential.fit``),
* Keras ``fit`` on the CPU, and on a GPU when Keras' backend finds one,

then print a Markdown table with the ratios. Each backend first runs one warm-up epoch (Keras
traces and compiles its training step there); the figure is the median of the next
``--repeats`` epochs, measured by an epoch-begin/epoch-end callback inside one ``fit`` call.

Usage::

    python benchmarks/parity_speed.py                      # documents' shapes, 2048 samples
    python benchmarks/parity_speed.py --shapes course      # the course's digits-sized shapes
    KERAS_BACKEND=jax python benchmarks/parity_speed.py    # Keras on JAX (no TensorFlow needed)

The Keras side only uses ``keras`` (never ``dlcourse.tfnn`` or TensorFlow directly), so it runs on
any Keras 3 backend; devices are chosen with ``tf.device`` (TensorFlow) or
``jax.default_device`` (JAX); other backends run on their default device only.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from dlcourse import models_zoo as zoo  # noqa: E402
from dlcourse import nn  # noqa: E402


class _EpochTimes:
    """Record ``time.perf_counter`` around each epoch (mixed into a backend's Callback)."""

    def _start(self) -> None:
        self._t0 = time.perf_counter()

    def _stop(self) -> None:
        self.times.append(time.perf_counter() - self._t0)


class NumpyTimer(nn.callbacks.Callback, _EpochTimes):
    def __init__(self) -> None:
        super().__init__()
        self.times: list[float] = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start()

    def on_epoch_end(self, epoch, logs=None):
        self._stop()


def keras_timer():
    import keras

    class KerasTimer(keras.callbacks.Callback, _EpochTimes):
        def __init__(self) -> None:
            super().__init__()
            self.times: list[float] = []

        def on_epoch_begin(self, epoch, logs=None):
            self._start()

        def on_epoch_end(self, epoch, logs=None):
            self._stop()

    return KerasTimer()


def keras_devices() -> dict[str, contextlib.AbstractContextManager]:
    """``{"cpu": context, "gpu": context}`` for Keras' backend (``gpu`` only when one exists)."""
    import keras

    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        devices = {"cpu": lambda: tf.device("/CPU:0")}
        if tf.config.list_logical_devices("GPU"):
            devices["gpu"] = lambda: tf.device("/GPU:0")
        return devices
    if backend == "jax":
        import jax

        devices = {"cpu": lambda: jax.default_device(jax.devices("cpu")[0])}
        try:
            gpus = jax.devices("gpu")
        except RuntimeError:
            gpus = []
        if gpus:
            devices["gpu"] = lambda: jax.default_device(gpus[0])
        return devices
    return {"default": contextlib.nullcontext}


def time_numpy(name: str, x, y, repeats: int) -> float:
    model = zoo.build(name, "numpy", seed=0, input_shape=x.shape[1:])
    timer = NumpyTimer()
    model.fit(
        x,
        y,
        batch_size=zoo.fit_args(name)["batch_size"],
        epochs=1 + repeats,
        shuffle=False,
        verbose=0,
        callbacks=[timer],
    )
    return statistics.median(timer.times[1:])


def time_keras(name: str, x, y, repeats: int, device) -> float:
    with device():
        model = zoo.build(name, "keras", seed=0, input_shape=x.shape[1:])
        timer = keras_timer()
        model.fit(
            x,
            y,
            batch_size=zoo.fit_args(name)["batch_size"],
            epochs=1 + repeats,
            shuffle=False,
            verbose=0,
            callbacks=[timer],
        )
    return statistics.median(timer.times[1:])


def machine() -> str:
    import keras

    parts = [
        f"Python {platform.python_version()}",
        f"NumPy {np.__version__}",
        f"Keras {keras.__version__} on {keras.backend.backend()}",
    ]
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        parts.append(f"TensorFlow {tf.__version__}")
    parts.append(f"{os.cpu_count()} CPU cores ({platform.processor() or platform.machine()})")
    return ", ".join(parts)


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=2048, help="rows per epoch (2048)")
    parser.add_argument("--repeats", type=int, default=3, help="timed epochs (median, 3)")
    parser.add_argument(
        "--shapes",
        choices=["documents", "course"],
        default="documents",
        help="input shapes: the documents' (784, 28x28x1, ...) or the course's "
        "offline data (64, 8x8x1, 30)",
    )
    parser.add_argument(
        "--models", default=",".join(zoo.names()), help="comma-separated model names"
    )
    args = parser.parse_args(argv)

    devices = keras_devices()
    rows = []
    for name in args.models.split(","):
        spec = zoo.spec(name)
        shape = spec.input_shape if args.shapes == "documents" else spec.course_input_shape
        x, y = zoo.random_data(name, args.samples, seed=0, input_shape=shape)
        row = {
            "model": name,
            "input": "×".join(map(str, shape)),
            "params": zoo.build(name, "numpy", seed=0, input_shape=shape).count_params(),
            "batch": zoo.fit_args(name)["batch_size"],
            "numpy": time_numpy(name, x, y, args.repeats),
        }
        for label, device in devices.items():
            row[f"keras_{label}"] = time_keras(name, x, y, args.repeats, device)
        rows.append(row)
        print(
            f"  {name}: "
            + ", ".join(
                f"{k} {v:.3f} s" for k, v in row.items() if k == "numpy" or k.startswith("keras_")
            ),
            file=sys.stderr,
        )

    labels = list(devices)
    print(
        f"\nTime per epoch, {args.samples} samples, median of {args.repeats} epochs after "
        f"one warm-up; {machine()}.\n"
    )
    head = ["model", "input", "params", "batch", "NumPy s/epoch"]
    for label in labels:
        head += [f"Keras {label.upper()} s/epoch", f"Keras {label.upper()} ÷ NumPy"]
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join(["---"] * 4 + ["---:"] * (len(head) - 4)) + "|")
    for r in rows:
        cells = [r["model"], r["input"], f"{r['params']:,}", str(r["batch"]), f"{r['numpy']:.3f}"]
        for label in labels:
            t = r[f"keras_{label}"]
            cells += [f"{t:.3f}", f"{t / r['numpy']:.2f}"]
        print("| " + " | ".join(cells) + " |")
    print("\nA ratio above 1 means the NumPy reference is faster than Keras on that device.")
    return rows


if __name__ == "__main__":
    main()
