"""A parallel-coordinates chart on a plotext figure: one line per revision across the axes.

Each axis is scaled 0..1 by the core (`parallel_coordinates`), so the y axis reads low → high
per axis; each axis's own range is written at its foot and head. Lines of marked revisions are
drawn last, in a bright colour, so they stay on top; a missing value breaks the line.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from cd4ml_tui.core.api import Axis, ParallelCoordinates, format_value

MARKED_COLOR = "magenta+"
OTHER_COLOR = "gray"
AXIS_COLOR = "blue"


def _segments(points: Sequence[float | None]) -> list[tuple[list[int], list[float]]]:
    """Runs of consecutive present points as (xs, ys), x counting axes from 1."""
    runs: list[tuple[list[int], list[float]]] = []
    xs: list[int] = []
    ys: list[float] = []
    for x, y in enumerate(points, start=1):
        if y is None:
            if xs:
                runs.append((xs, ys))
            xs, ys = [], []
            continue
        xs.append(x)
        ys.append(y)
    if xs:
        runs.append((xs, ys))
    return runs


def axis_range(axis: Axis, precision: int) -> tuple[str, str]:
    """What the foot and the head of an axis stand for."""
    if axis.categories:
        return axis.categories[0], axis.categories[-1]
    if axis.low is None or axis.high is None:
        return "-", "-"
    return format_value(axis.low, precision), format_value(axis.high, precision)


def draw_parallel(
    figure: Any,
    chart: ParallelCoordinates,
    labels: Sequence[str],
    marked: Collection[str],
    precision: int = 3,
) -> None:
    """Draw `chart` (axes titled by `labels`), lines of `marked` revs highlighted."""
    count = len(chart.axes)
    for x in range(1, count + 1):
        figure.vline(x, AXIS_COLOR)
    for highlighted in (False, True):
        for line in chart.lines:
            if (line.rev in marked) != highlighted:
                continue
            color = MARKED_COLOR if highlighted else OTHER_COLOR
            for xs, ys in _segments(line.points):
                figure.plot(xs, ys, color=color, marker="braille" if not highlighted else "dot")
    for x, axis in enumerate(chart.axes, start=1):
        low, high = axis_range(axis, precision)
        figure.text(low, x, -0.08, alignment="center")
        figure.text(high, x, 1.08, alignment="center")
    figure.xticks(list(range(1, count + 1)), list(labels))
    figure.yticks([0, 0.5, 1], ["low", "", "high"])
    figure.xlim(0.6, count + 0.4)
    figure.ylim(-0.14, 1.14)
