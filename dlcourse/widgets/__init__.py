"""Widgets that let a reader watch optimisation happen (chapters 2 and 3).

========================  ==================================================================
:func:`trajectories`      every optimizer's path over a teaching surface, precomputed
:func:`optimizer_race`    those paths animated: contours, loss per step, Play (chapter 3)
:class:`LiveLoss`         training and validation curves drawn while a model trains, as a
                          ``dlcourse.nn`` callback or (``LiveLoss.keras()``) a Keras one
:func:`neuron`            one neuron: sliders for its weights, bias and activation (chapter 2)
:func:`playground`        a small network trained by ``dlcourse.nn`` on 2-D data, in the
                          notebook (chapter 3)
========================  ==================================================================

All drawing is matplotlib's Agg rendering PNGs into ``ipywidgets.Image`` (ipywidgets 8,
JupyterLab 4; no ipympl). Every widget's display bundle also carries a static PNG of its
current state and a stable ``text/plain``, so nbval, nbconvert and GitHub show something
meaningful. Importing this package never imports TensorFlow or Keras.
"""

from dlcourse.widgets.liveloss import LiveLoss
from dlcourse.widgets.neuron import Neuron, neuron
from dlcourse.widgets.playground import Playground, playground
from dlcourse.widgets.race import OptimizerRace, optimizer_race
from dlcourse.widgets.surfaces import OPTIMIZERS, SURFACES, Surface, trajectories

__all__ = [
    "OPTIMIZERS",
    "SURFACES",
    "LiveLoss",
    "Neuron",
    "OptimizerRace",
    "Playground",
    "Surface",
    "neuron",
    "optimizer_race",
    "playground",
    "trajectories",
]
