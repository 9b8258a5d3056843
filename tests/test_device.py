"""Tests for dlcourse.device (report, GPU options, strategies) and for the TensorFlow-free import.

The MirroredStrategy test runs in a subprocess: splitting the CPU into two logical devices must
happen before TensorFlow initialises its devices, which in this process has already happened
(and would change every later test).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def run_python(code: str, timeout: int = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "TF_CPP_MIN_LOG_LEVEL": "2"}
    env.pop("KERAS_BACKEND", None)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=REPO,
    )


def test_import_dlcourse_and_nn_leaves_tensorflow_out():
    result = run_python("""
        import sys
        import dlcourse, dlcourse.nn, dlcourse.models_zoo
        model = dlcourse.models_zoo.build("doc3_binary", "numpy", seed=0)
        heavy = sorted(m for m in ("tensorflow", "keras") if m in sys.modules)
        print("HEAVY", heavy)
    """)
    assert result.returncode == 0, result.stderr
    assert "HEAVY []" in result.stdout


def test_mirrored_strategy_on_two_cpus_matches_one_device():
    """doc3's model (batch 10), one epoch under MirroredStrategy on two logical CPUs and on the
    default (one-device) strategy, from the same weights: float64 weights, loss and accuracy
    agree to 1e-7 relative (each replica takes 5 rows of every batch; the gradients are summed
    across replicas, so only the order of additions differs)."""
    result = run_python(
        """
        import json
        import numpy as np
        import tensorflow as tf
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
        import keras
        from dlcourse import device, models_zoo as zoo
        keras.config.set_floatx("float64")
        x, y = zoo.random_data("doc3_binary", 40, seed=0, dtype="float64")
        start = zoo.build("doc3_binary", "keras", seed=1, dtype="float64",
                          compile=False).get_weights()

        def train(strategy):
            with strategy.scope():
                model = zoo.build("doc3_binary", "keras", dtype="float64", compile=False)
                model.set_weights(start)
                model.compile(optimizer=keras.optimizers.Adam(beta_1=0.875, beta_2=1 - 2**-10),
                              loss="binary_crossentropy", metrics=["accuracy"])
            history = model.fit(x, y, batch_size=10, epochs=1, shuffle=False, verbose=0)
            return model.get_weights(), history.history

        mirrored = device.strategy(["/cpu:0", "/cpu:1"])
        w2, h2 = train(mirrored)
        w1, h1 = train(device.strategy())

        def err(a, b):
            a, b = np.asarray(a, float), np.asarray(b, float)
            scale = max(np.abs(a).max(), np.abs(b).max())
            return float(np.abs(a - b).max() / scale) if scale else 0.0

        print("RESULT", json.dumps({
            "replicas": [mirrored.num_replicas_in_sync, device.strategy().num_replicas_in_sync],
            "kind": type(mirrored).__name__,
            "moved": err(w1[0], start[0]),
            "weights": max(err(a, b) for a, b in zip(w1, w2)),
            "loss": err(h1["loss"], h2["loss"]),
            "accuracy": err(h1["accuracy"], h2["accuracy"]),
            "logical_cpus": len(tf.config.list_logical_devices("CPU")),
        }))
    """,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("RESULT "))
    r = json.loads(line[len("RESULT ") :])
    assert r["kind"] == "MirroredStrategy" and r["replicas"] == [2, 1]
    assert r["logical_cpus"] == 2
    assert r["moved"] > 1e-4  # training changed the weights
    assert r["weights"] <= 1e-7 and r["loss"] <= 1e-7 and r["accuracy"] <= 1e-7, r


# ------------------------------------------------------------------ in-process (TF loaded)


@pytest.fixture
def device_module():
    """dlcourse.device, with Keras' dtype policy and XLA setting restored afterwards."""
    from dlcourse import device
    from dlcourse.tfnn import keras, tf

    policy, jit = keras.config.dtype_policy().name, tf.config.optimizer.get_jit()
    yield device
    keras.config.set_dtype_policy(policy)
    tf.config.optimizer.set_jit(jit == "autoclustering")


def test_info_reports_versions_and_devices(device_module):
    from dlcourse.tfnn import keras, tf

    info = device_module.info()
    assert info["tensorflow"] == tf.__version__ and info["keras"] == keras.__version__
    assert info["keras_backend"] == "tensorflow"
    assert isinstance(info["cuda_build"], bool)
    assert info["cpus"] and all(name.startswith("/physical_device:CPU") for name in info["cpus"])
    assert len(info["gpus"]) == len(info["gpu_details"])
    assert info["dtype_policy"] == "float32" and info["jit"] is False
    text = device_module.report()
    assert f"TensorFlow {tf.__version__}" in text and f"Keras {keras.__version__}" in text
    assert "CPU: /physical_device:CPU:0" in text
    assert ("GPU: none found" in text) == (not info["gpus"])


def test_configure_switches_policy_and_xla(device_module):
    applied = device_module.configure(mixed_precision=True, jit_compile=True)
    assert applied["dtype_policy"] == "mixed_float16" and applied["jit"] is True
    assert device_module.info()["dtype_policy"] == "mixed_float16"
    assert "XLA auto-clustering: on" in device_module.report()
    applied = device_module.configure(mixed_precision="mixed_bfloat16", jit_compile=False)
    assert applied == {
        "memory_growth": applied["memory_growth"],
        "dtype_policy": "mixed_bfloat16",
        "jit": False,
    }
    assert device_module.configure()["dtype_policy"] == "float32"
    assert device_module.configure(mixed_precision=None)["dtype_policy"] == "float32"


def test_configure_and_strategy_refuse_bad_arguments(device_module):
    with pytest.raises(ValueError, match="memory_growth"):
        device_module.configure(memory_growth="yes")
    with pytest.raises(ValueError, match="mixed_precision"):
        device_module.configure(mixed_precision=16)
    with pytest.raises(ValueError, match="mixed_precision"):
        device_module.configure(mixed_precision="float8_please")
    with pytest.raises(ValueError, match="jit_compile"):
        device_module.configure(jit_compile="auto")
    with pytest.raises(ValueError, match="devices"):
        device_module.strategy("/cpu:0")
    with pytest.raises(ValueError, match="does not have"):
        device_module.strategy(["/cpu:0", "/cpu:7"])
    with pytest.raises(ValueError, match="does not have"):
        device_module.strategy(["banana"])


def test_strategy_is_the_default_one_on_a_single_device(device_module):
    from dlcourse.tfnn import tf

    if len(tf.config.list_logical_devices("GPU")) > 1:  # pragma: no cover - multi-GPU machine
        pytest.skip("this machine has several GPUs")
    s = device_module.strategy()
    assert s is tf.distribute.get_strategy() and s.num_replicas_in_sync == 1
