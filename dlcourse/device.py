"""What TensorFlow runs on, GPU options, and a ``tf.distribute`` strategy (chapters 1 and 4).

::

    from dlcourse import device
    print(device.report())                 # versions, CPU and GPU names, CUDA build
    device.configure(memory_growth=True)   # before the first model is built
    with device.strategy().scope():        # MirroredStrategy over all GPUs, if several
        model = build_and_compile()

TensorFlow places work on a GPU by itself when it finds one; nothing in the course names a
device. This module only reports what was found and switches the optional features:

* **memory growth**: TensorFlow normally reserves (almost) all GPU memory at start; with growth on
  it takes what it needs, so several notebooks can share one GPU. Must be set before a GPU is
  first used.
* **mixed precision**: Keras' ``mixed_float16`` policy computes in float16 and keeps float32
  weights: about twice as fast on GPUs with tensor cores, slower on a CPU.
* **XLA**: ``jit_compile`` compiles whole graphs (``tf.config.optimizer.set_jit``); for one
  Keras model pass ``model.compile(..., jit_compile=True)`` instead.

Importing this module imports TensorFlow (through :mod:`dlcourse.tfnn`'s quiet import, see
there for ``TF_CPP_MIN_LOG_LEVEL``); ``import dlcourse`` alone does not.
"""

from __future__ import annotations

import platform
from typing import Any

from dlcourse.tfnn._backend import keras, tf

__all__ = ["configure", "info", "report", "strategy"]


def info() -> dict[str, Any]:
    """What TensorFlow sees, as a dict.

    Returns:
        ``{"python", "tensorflow", "keras", "keras_backend", "cuda_build", "cpus", "gpus",
        "gpu_details", "logical_devices", "dtype_policy", "jit"}``: versions (str), whether this
        TensorFlow was built with CUDA (bool), the physical CPU and GPU device names (lists of
        str), per GPU ``{"name", "compute_capability"}`` where TensorFlow knows them, the logical
        device names, Keras' global dtype policy (``"float32"`` or ``"mixed_float16"``) and
        whether XLA auto-clustering is on (bool).

    Chapter 1 (environment check).
    """
    gpus = tf.config.list_physical_devices("GPU")
    details = []
    for gpu in gpus:
        try:
            d = tf.config.experimental.get_device_details(gpu)
        except (ValueError, RuntimeError):  # pragma: no cover - depends on the driver
            d = {}
        capability = d.get("compute_capability")
        details.append(
            {
                "name": d.get("device_name", gpu.name),
                "compute_capability": None
                if capability is None
                else ".".join(str(c) for c in capability),
            }
        )
    return {
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "keras_backend": keras.backend.backend(),
        "cuda_build": bool(tf.test.is_built_with_cuda()),
        "cpus": [d.name for d in tf.config.list_physical_devices("CPU")],
        "gpus": [d.name for d in gpus],
        "gpu_details": details,
        "logical_devices": [d.name for d in tf.config.list_logical_devices()],
        "dtype_policy": keras.config.dtype_policy().name,
        "jit": tf.config.optimizer.get_jit() == "autoclustering",
    }


def report() -> str:
    """A readable summary of :func:`info`, a few lines, e.g. for chapter 1's environment cell.

    Example::

        TensorFlow 2.21.0, Keras 3.15.1 (backend tensorflow), Python 3.11.9
        CUDA build: no
        CPU: /physical_device:CPU:0
        GPU: none found (training runs on the CPU)
        Keras dtype policy: float32; XLA auto-clustering: off
    """
    i = info()
    lines = [
        f"TensorFlow {i['tensorflow']}, Keras {i['keras']} (backend {i['keras_backend']}), "
        f"Python {i['python']}",
        f"CUDA build: {'yes' if i['cuda_build'] else 'no'}",
        "CPU: " + (", ".join(i["cpus"]) or "none found"),
    ]
    if i["gpus"]:
        for name, d in zip(i["gpus"], i["gpu_details"], strict=True):
            capability = d["compute_capability"]
            extra = f" (compute capability {capability})" if capability else ""
            lines.append(f"GPU: {name}: {d['name']}{extra}")
    else:
        lines.append("GPU: none found (training runs on the CPU)")
    lines.append(
        f"Keras dtype policy: {i['dtype_policy']}; XLA auto-clustering: "
        f"{'on' if i['jit'] else 'off'}"
    )
    return "\n".join(lines)


def configure(
    memory_growth: bool = True,
    mixed_precision: bool | str | None = False,
    jit_compile: bool | None = None,
) -> dict[str, Any]:
    """Switch TensorFlow's GPU options; call it before building a model.

    Args:
        memory_growth: let TensorFlow take GPU memory as needed instead of all at start
            (``tf.config.experimental.set_memory_growth`` on every GPU). Defaults to True.
            Without GPUs nothing happens. Raises ``RuntimeError`` if a GPU is already in use.
        mixed_precision: False (default) sets Keras' global policy to ``"float32"``; True sets
            ``"mixed_float16"``; a string sets that policy (``"mixed_bfloat16"``, ...); None
            leaves the policy as it is.
        jit_compile: True or False switches XLA auto-clustering
            (``tf.config.optimizer.set_jit``); None (default) leaves TensorFlow's setting.

    Returns:
        What was applied: ``{"memory_growth": [GPU names], "dtype_policy": str,
        "jit": bool}``.

    Chapter 4 (GPU and several devices).
    """
    if not isinstance(memory_growth, bool):
        raise ValueError(
            "Argument `memory_growth` must be True or False. Received: "
            f"memory_growth={memory_growth!r}"
        )
    if mixed_precision is not None and not isinstance(mixed_precision, (bool, str)):
        raise ValueError(
            "Argument `mixed_precision` must be True, False, None or a Keras policy "
            f"name. Received: mixed_precision={mixed_precision!r}"
        )
    if jit_compile is not None and not isinstance(jit_compile, bool):
        raise ValueError(
            "Argument `jit_compile` must be True, False or None. Received: "
            f"jit_compile={jit_compile!r}"
        )
    grown = []
    for gpu in tf.config.list_physical_devices("GPU"):
        try:
            tf.config.experimental.set_memory_growth(gpu, memory_growth)
        except RuntimeError as exc:  # pragma: no cover - needs a GPU
            raise RuntimeError(
                "GPU memory growth must be set before TensorFlow first uses the GPU: call "
                "dlcourse.device.configure() at the top of the notebook, then restart the "
                f"kernel. TensorFlow said: {exc}"
            ) from exc
        grown.append(gpu.name)
    if mixed_precision is not None:
        policy = {True: "mixed_float16", False: "float32"}.get(mixed_precision, mixed_precision)
        try:
            keras.config.set_dtype_policy(policy)
        except ValueError as exc:
            raise ValueError(
                "Argument `mixed_precision` names an unknown policy. Received: "
                f"mixed_precision={mixed_precision!r}"
            ) from exc
    if jit_compile is not None:
        tf.config.optimizer.set_jit(jit_compile)
    return {
        "memory_growth": grown if memory_growth else [],
        "dtype_policy": keras.config.dtype_policy().name,
        "jit": info()["jit"],
    }


def strategy(devices: list[str] | None = None) -> tf.distribute.Strategy:
    """The ``tf.distribute`` strategy to build and train a model under.

    Args:
        devices: None (default): ``MirroredStrategy`` over all GPUs when there are two or more,
            else the default strategy (one device: the GPU if there is one, else the CPU). A list
            of device names (``["/cpu:0", "/cpu:1"]``, ``["/gpu:0", "/gpu:1"]``) mirrors over
            exactly those.

    Returns:
        A ``tf.distribute.Strategy``. Use it as ``with strategy.scope(): model = ...`` around
        building and compiling; ``fit`` then splits each batch across the replicas and sums
        their gradients.

    ``MirroredStrategy`` keeps one copy of the weights per device, runs each replica on its
    slice of the batch, and all-reduces the gradients, so the update is the same as on one
    device up to the order of float additions. Chapter 4 (several devices).
    """
    if devices is not None:
        if (
            isinstance(devices, str)
            or not all(isinstance(d, str) for d in devices)
            or not (devices)
        ):
            raise ValueError(
                "Argument `devices` must be None or a non-empty list of device "
                f"names such as ['/cpu:0', '/cpu:1']. Received: devices={devices!r}"
            )
        known = {_device_key(d.name): d.name for d in tf.config.list_logical_devices()}
        for d in devices:
            try:
                key = _device_key(d)
            except ValueError:
                key = None
            if key not in known:
                raise ValueError(
                    f"Argument `devices` names {d!r}, which TensorFlow does not "
                    f"have. Logical devices: {sorted(known.values())}"
                )
        return tf.distribute.MirroredStrategy(devices=list(devices))
    gpus = tf.config.list_logical_devices("GPU")
    if len(gpus) > 1:
        return tf.distribute.MirroredStrategy()
    return tf.distribute.get_strategy()


def _device_key(name: str) -> tuple[str, int]:
    """``("CPU", 1)`` for ``"/cpu:1"``, ``"/device:CPU:1"`` or ``"/job:localhost/.../CPU:1"``."""
    spec = tf.DeviceSpec.from_string(name)
    if spec.device_type is None or spec.device_index is None:
        raise ValueError(f"not a device name: {name!r}")
    return spec.device_type.upper(), int(spec.device_index)
