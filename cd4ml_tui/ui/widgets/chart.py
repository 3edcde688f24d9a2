"""Plotext chart widgets, made on demand.

textual-plotext (and plotext under it) take a noticeable share of start-up, and no chart is on
the main screen's first frame, so they load when the first chart is made (a heavy third-party
import, the one kind made lazily).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual_plotext import PlotextPlot


def new_chart(*, id: str | None = None, classes: str | None = None) -> PlotextPlot:
    """A `PlotextPlot` widget (query it back by id and `cast`, as its class loads lazily)."""
    from textual_plotext import PlotextPlot

    return PlotextPlot(id=id, classes=classes)
