"""Saving and loading a NumPy model's weights, bit for bit (chapter 4).

``model.save_weights(path)`` writes every weight array to a NumPy ``.npz`` file together with
the layout (each layer's index, class, weight key, shape and dtype) and a format tag;
``model.load_weights(path)`` refuses a corrupt file, a file of another format, and a file made
for another architecture, each with a ``ValueError`` that says which. Keras 3 writes
``.weights.h5``; use :mod:`dlcourse.tfnn`'s ``to_keras`` / ``from_keras`` to move weights between
the two.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

__all__ = ["load_weights", "save_weights"]

_WEIGHTS_FORMAT = "dlcourse.weights.v1"


def save_weights(model: Any, filepath: str | os.PathLike) -> None:
    """Save every weight array, bit for bit, in a NumPy ``.npz`` file.

    The file also records each layer's name, class and weight shapes, so that
    :func:`load_weights` refuses a file made for another architecture. Keras 3 writes
    ``.weights.h5``; the NumPy reference writes ``.npz`` (use ``dlcourse.tfnn`` to move
    weights between the two).
    """
    model._require_built("save_weights")
    arrays: dict[str, np.ndarray] = {"__format__": np.array(_WEIGHTS_FORMAT)}
    layout = []
    for i, layer in enumerate(model.layers):
        for key, value in layer.params.items():
            arrays[f"{i}/{key}"] = value
            layout.append(
                f"{i}/{type(layer).__name__}/{key}/{'x'.join(map(str, value.shape))}/{value.dtype}"
            )
    arrays["__layout__"] = np.array(layout if layout else [""])
    path = os.fspath(filepath)
    # np.savez adds ".npz" to a name without it; write to the exact path the user gave.
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)


def load_weights(model: Any, filepath: str | os.PathLike) -> None:
    """Load weights saved by :func:`save_weights` into the built ``model``.

    Refuses, with a ``ValueError`` saying why, a corrupt file, a file of another format and a
    file made for another architecture; nothing is loaded unless everything matches.
    """
    model._require_built("load_weights")
    path = os.fspath(filepath)
    if not os.path.exists(path):
        raise FileNotFoundError(f"No weights file at {path!r}")
    try:
        data = np.load(path, allow_pickle=False)
        if not isinstance(data, np.lib.npyio.NpzFile):
            raise ValueError(f"it holds a single {type(data).__name__}, not a set of weights")
        with data:
            contents = {k: data[k] for k in data.files}
    except Exception as exc:  # zipfile and np.load raise many kinds for damaged files
        raise ValueError(
            f"{path!r} is not a readable weights file (corrupt or not made by save_weights): {exc}"
        ) from exc
    if str(contents.get("__format__", "")) != _WEIGHTS_FORMAT:
        raise ValueError(
            f"{path!r} was not written by dlcourse's save_weights (format tag missing)."
        )
    for i, layer in enumerate(model.layers):
        for key, param in layer.params.items():
            name = f"{i}/{key}"
            if name not in contents:
                raise ValueError(
                    f"{path!r} does not match this model: no weight {key!r} for "
                    f"layer {i} ({type(layer).__name__} {layer.name!r})."
                )
            if contents[name].shape != param.shape:
                raise ValueError(
                    f"{path!r} does not match this model: layer {i} ({layer.name!r}) weight "
                    f"{key!r} has shape {contents[name].shape} in the file, {param.shape} in "
                    "the model."
                )
    expected = {f"{i}/{k}" for i, layer in enumerate(model.layers) for k in layer.params}
    extra = sorted(set(contents) - expected - {"__format__", "__layout__"})
    if extra:
        raise ValueError(
            f"{path!r} does not match this model: it holds weights the model does not have: {extra}"
        )
    for i, layer in enumerate(model.layers):
        for key, param in layer.params.items():
            param[...] = contents[f"{i}/{key}"]
