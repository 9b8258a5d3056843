"""How the widgets draw: matplotlib's Agg renders a PNG that an ``ipywidgets.Image`` shows.

No ipympl and no pyplot: each widget owns a :class:`matplotlib.figure.Figure` on an Agg canvas.
:class:`FrameCanvas` draws the still parts once (axes, contours, legend: the *background*), keeps
that bitmap, and for each frame restores it and draws only the *animated* artists on top
(blitting), whose data the widget has changed in place with ``Line2D.set_data``. The bitmap is
encoded as a 256-colour PNG, which is small (tens of kB) and fast (a few ms).

:class:`PictureWidget` gives every widget the same display bundle: the live widget view, a
static ``image/png`` of its current state (what nbconvert, GitHub and a closed kernel show) and a
stable ``text/plain`` (no object addresses, no random ids, so nbval can compare it).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterable
from typing import Any

import ipywidgets
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image as PILImage

__all__ = ["FrameCanvas", "PictureWidget", "png_bytes"]

# Colours kept by the PNG palette: plenty for line plots and smooth colour maps.
_PALETTE_COLOURS = 256


def png_bytes(canvas: FigureCanvasAgg) -> bytes:
    """The canvas' current bitmap (as last drawn, not redrawn) as palette PNG bytes.

    Deterministic: the same bitmap always gives the same bytes (no time stamp or version).
    """
    width, height = canvas.get_width_height()
    rgb = PILImage.frombuffer("RGBA", (width, height), canvas.buffer_rgba()).convert("RGB")
    paletted = rgb.quantize(_PALETTE_COLOURS, method=PILImage.Quantize.FASTOCTREE)
    out = io.BytesIO()
    paletted.save(out, format="png", compress_level=1)
    return out.getvalue()


class FrameCanvas:
    """A figure drawn with Agg: background once, animated artists per frame, PNG out.

    Args:
        figsize: ``(width, height)`` in inches.
        dpi: dots per inch (pixels = inches × dpi).

    Attributes:
        figure: the :class:`~matplotlib.figure.Figure` to draw into.
        background_draws: how many times the whole figure has been drawn (a test can check
            that a frame only blits).
        frames: how many frames have been rendered.
    """

    def __init__(self, figsize: tuple[float, float], dpi: float = 90) -> None:
        self.figure = Figure(figsize=figsize, dpi=dpi)
        self.canvas = FigureCanvasAgg(self.figure)
        self._animated: list[Artist] = []
        self._background: Any = None
        self.background_draws = 0
        self.frames = 0

    def animate(self, artists: Iterable[Artist]) -> None:
        """Mark ``artists`` as drawn per frame, on top of the background, in the given order."""
        for artist in artists:
            artist.set_animated(True)
            self._animated.append(artist)

    def forget(self, artists: Iterable[Artist]) -> None:
        """Stop drawing ``artists`` per frame (before removing them from the figure)."""
        gone = {id(a) for a in artists}
        self._animated = [a for a in self._animated if id(a) not in gone]

    def invalidate(self) -> None:
        """Say the background changed (limits, legend, contours): the next render redraws it."""
        self._background = None

    def render(self) -> bytes:
        """Draw the frame (background from cache when valid) and return it as PNG bytes."""
        if self._background is None:
            self.canvas.draw()  # animated artists are skipped by a full draw
            self._background = self.canvas.copy_from_bbox(self.figure.bbox)
            self.background_draws += 1
        else:
            self.canvas.restore_region(self._background)
        renderer = self.canvas.get_renderer()
        for artist in self._animated:
            if artist.get_visible():
                artist.draw(renderer)
        self.frames += 1
        return png_bytes(self.canvas)


class PictureWidget(ipywidgets.VBox):
    """A ``VBox`` whose display bundle adds a static PNG and a stable ``text/plain``.

    Subclasses keep ``self._png`` (bytes of the current picture) up to date and define
    ``__repr__`` without addresses or ids. The bundle then holds:

    - ``application/vnd.jupyter.widget-view+json``: the live widget (JupyterLab shows it);
    - ``image/png``: the current picture (nbconvert and GitHub show it; nbval ignores it);
    - ``text/plain``: ``repr(self)`` (nbval compares it).
    """

    _png: bytes = b""

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        data = super()._repr_mimebundle_(**kwargs) or {}
        data["text/plain"] = repr(self)
        if self._png:
            data["image/png"] = base64.b64encode(self._png).decode("ascii")
        return data

    def _repr_png_(self) -> bytes:
        """The current picture as PNG bytes."""
        return self._png
