"""The data of a parallel-coordinates chart: one line per revision across params and a metric.

Each axis is scaled to 0..1 (pandas min/max over the revisions drawn): a numeric axis from its
smallest to its largest value (a constant one sits at 0.5), a categorical axis spreads its values
evenly, in the order of their text. A revision without a value on an axis has None there (a gap,
never 0). Revisions are those an insight counts (`insight_rows`) with a number for the metric.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cd4ml_tui.core.insight.rows import insight_rows
from cd4ml_tui.core.insight.stats import numbers
from cd4ml_tui.core.model import ColumnKey, RevisionValues
from cd4ml_tui.core.table.columns import format_value, to_frame


@dataclass(frozen=True)
class Axis:
    column: ColumnKey
    low: float | None  # a numeric axis's range; None for a categorical one
    high: float | None
    categories: tuple[str, ...] = ()  # a categorical axis's values, bottom to top


@dataclass(frozen=True)
class Line:
    rev: str
    label: str
    points: tuple[float | None, ...]  # one per axis, 0..1; None where the value is missing


@dataclass(frozen=True)
class ParallelCoordinates:
    axes: tuple[Axis, ...]  # the params, then the metric
    lines: tuple[Line, ...]  # in listed order


def parallel_coordinates(
    values: Sequence[RevisionValues], params: Sequence[ColumnKey], metric: ColumnKey
) -> ParallelCoordinates:
    """Lines for every counted revision with a number for `metric`, across `params` + metric."""
    import pandas as pd

    rows = insight_rows(values)
    wanted = [*params, metric]
    frame = to_frame(rows).reindex(columns=wanted)
    y = numbers(frame, [metric])[metric]
    frame = frame[y.notna()]
    axes: list[Axis] = []
    scaled: dict[ColumnKey, pd.Series] = {}
    for column in wanted:
        as_numbers = numbers(frame, [column])[column]
        cells = frame[column]
        if as_numbers.notna().sum() == cells.notna().sum():  # every present value is a number
            low, high = as_numbers.min(), as_numbers.max()
            if pd.isna(low):
                axes.append(Axis(column, None, None))
                scaled[column] = as_numbers
                continue
            span = high - low
            scaled[column] = (as_numbers - low) / span if span else as_numbers * 0 + 0.5
            axes.append(Axis(column, float(low), float(high)))
        else:
            text = cells.dropna().map(lambda v: format_value(v, 0))
            categories = sorted(text.unique())
            last = len(categories) - 1
            position = {c: (i / last if last else 0.5) for i, c in enumerate(categories)}
            scaled[column] = text.map(position).reindex(frame.index).astype(float)
            axes.append(Axis(column, None, None, tuple(categories)))
    labels = {row.revision.rev: row.revision.label for row in rows}
    lines = []
    for rev in frame.index:
        points = tuple(_point(scaled[c][rev]) for c in wanted)
        lines.append(Line(str(rev), labels[rev], points))
    return ParallelCoordinates(tuple(axes), tuple(lines))


def _point(value: float) -> float | None:
    number = float(value)
    return None if number != number else number  # NaN: the value is missing
