"""Shared fixtures of the unit tests.

``run_notebook`` executes a notebook with nbclient in a kernel running this interpreter (the
venv's). ``keras`` gives the real Keras 3 (TensorFlow backend) to the few spot checks that
compare the NumPy reference with it; the test is skipped where TensorFlow is not installed.
TensorFlow is imported only when a test asks for the fixture, so the NumPy tests never load it.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture
def run_notebook(tmp_path, monkeypatch) -> Callable:
    """``run_notebook(nb, cwd, timeout=120)`` executes ``nb`` (errors recorded, not raised).

    The kernelspec runs this interpreter and is found first through ``JUPYTER_PATH``, so a
    user-level "python3" kernelspec of another Python cannot take its place.
    """
    from nbclient import NotebookClient

    spec = tmp_path / "jupyter" / "kernels" / "dlcourse-tests"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel_json = {"argv": argv, "display_name": "dlcourse tests", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel_json))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))

    def run(nb, cwd: Path, timeout: int = 120):
        client = NotebookClient(
            nb,
            kernel_name="dlcourse-tests",
            timeout=timeout,
            allow_errors=True,
            record_timing=False,
            resources={"metadata": {"path": str(cwd)}},
        )
        return client.execute()

    return run


@pytest.fixture(scope="session")
def keras():
    """The ``keras`` module (TensorFlow backend), or skip the test without TensorFlow."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # silence TensorFlow's C++ start-up log
    pytest.importorskip("tensorflow")
    import keras as keras_module

    if keras_module.backend.backend() != "tensorflow":  # pragma: no cover - other backends
        pytest.skip("the spot checks compare with Keras on its TensorFlow backend")
    return keras_module
