"""dlcourse: an interactive course on deep learning, and its companion package.

Every piece of a neural network exists twice: a NumPy reference you can read line by line
(:mod:`dlcourse.nn`, mirroring Keras' API) and its TensorFlow twin (:mod:`dlcourse.tfnn`), with
tests proving that the two agree.

``import dlcourse`` is light: it loads NumPy and the NumPy reference only. The TensorFlow half,
the widgets and the plots load when first used (``dlcourse.tfnn``, ``dlcourse.widgets``, …), so
the NumPy half works without TensorFlow installed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from dlcourse import nn
from dlcourse.nn import Sequential

__version__ = "0.1.0"

# Submodules loaded on first access (PEP 562), because they import heavy libraries
# (TensorFlow, matplotlib, ipywidgets, scikit-learn).
_LAZY_SUBMODULES = (
    "autodiff",
    "compression",
    "data",
    "device",
    "exercises",
    "glossary",
    "gradcheck",
    "models_zoo",
    "plots",
    "tfnn",
    "widgets",
)

__all__ = ["Sequential", "__version__", "nn", *_LAZY_SUBMODULES]

if TYPE_CHECKING:  # pragma: no cover
    from dlcourse import autodiff, data, gradcheck  # noqa: F401


def __getattr__(name: str):
    if name in _LAZY_SUBMODULES:
        return importlib.import_module(f"dlcourse.{name}")
    raise AttributeError(f"module 'dlcourse' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
