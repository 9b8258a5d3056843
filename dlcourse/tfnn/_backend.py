"""Import TensorFlow and Keras once, quietly, for every module of :mod:`dlcourse.tfnn`.

TensorFlow prints C++ log lines (CPU feature hints, device placement notes) as it works. Before
the first import this module sets the environment variable ``TF_CPP_MIN_LOG_LEVEL`` to ``"2"``
(TensorFlow's C++ info and warning lines hidden, errors shown) with
``os.environ.setdefault``, so a value you set yourself, e.g. ``TF_CPP_MIN_LOG_LEVEL=0`` to see
everything, is kept. It has no effect once TensorFlow has already been imported by something
else.

Two lines escape it in TensorFlow 2.21: the notice "oneDNN custom operations are on ..." and
absl's "All log messages before absl::InitializeLog() ..." are written by C++ code during
``import tensorflow``, before TensorFlow's logging is initialised. ``TF_ENABLE_ONEDNN_OPTS=0``
would remove the first but also switch the oneDNN kernels off (slower on many CPUs, and float32
results then differ in the last bits). Instead, this module points the process's standard error
(file descriptor 2) at ``os.devnull`` for the duration of the import only, then restores it:
nothing else is hidden, and Python exceptions raised by the import still propagate. (In a
notebook these C++ lines would otherwise be stored as stderr output of whichever cell first
imports TensorFlow, and differ between a notebook run and an nbval run.) Notebooks should
therefore import TensorFlow through ``from dlcourse.tfnn import tf, keras`` (or import
``dlcourse.tfnn`` before ``tensorflow``).

The twin needs Keras on its TensorFlow backend (``KERAS_BACKEND`` unset or ``"tensorflow"``):
its functions are TensorFlow ops and its gradients come from ``tf.GradientTape``.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _import_quietly():
    """Import TensorFlow and Keras with file descriptor 2 pointed at ``os.devnull``."""
    saved, devnull = None, None
    try:
        saved = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
    except OSError:  # pragma: no cover - no usable fd 2 (e.g. some embedded interpreters)
        pass
    try:
        import keras
        import tensorflow as tf
    finally:
        if saved is not None:
            os.dup2(saved, 2)
            os.close(saved)
        if devnull is not None:
            os.close(devnull)
    return keras, tf


keras, tf = _import_quietly()

if keras.backend.backend() != "tensorflow":  # pragma: no cover - depends on the environment
    raise ImportError(
        "dlcourse.tfnn needs Keras on its TensorFlow backend. Received: KERAS_BACKEND="
        f"{keras.backend.backend()!r}. Unset KERAS_BACKEND (or set it to 'tensorflow') before "
        "importing keras."
    )

__all__ = ["keras", "tf"]
