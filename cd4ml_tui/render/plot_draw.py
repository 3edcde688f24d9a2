"""Drawing plots on a plotext figure, shared by the CLI (plotext) and the TUI (textual-plotext).

Both hand in a figure object with plotext's API (`plot`, `scatter`, `bar`, `title`, ...), so the
terminal output and the compare screen draw the same chart from the same core data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text

from cd4ml_tui.core.api import Bar, Plot, ScatterPoint

MAX_SERIES = 6  # more lines than this in one chart is noise
BASELINE_SUFFIX = " (base)"
# One colour per series, as (plotext name, rich name) of the same terminal colour: the chart draws
# with the first, the legend (printed outside the chart, never over the data) with the second.
SERIES_COLOURS = (
    ("blue+", "bright_blue"),
    ("red+", "bright_red"),
    ("green+", "bright_green"),
    ("magenta+", "bright_magenta"),
    ("cyan+", "bright_cyan"),
    ("yellow", "yellow"),
)


@dataclass(frozen=True)
class Drawn:
    """What `draw_plot` says beside the chart: a note ('' when nothing needs saying) and the
    legend, as (series label, rich colour) pairs, to show outside the plot area."""

    note: str = ""
    legend: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def legend_text(legend: Sequence[tuple[str, str]]) -> Text:
    """`━━ main loss   ━━ lr-0.1 loss`: one line (wrapping if narrow) under the chart."""
    text = Text()
    for index, (label, colour) in enumerate(legend):
        if index:
            text.append("   ")
        text.append("━━ ", style=colour).append(label)
    return text


def _colour(index: int) -> tuple[str, str]:
    return SERIES_COLOURS[index % len(SERIES_COLOURS)]


def new_figure(width: int, height: int) -> Any:
    """A standalone plotext figure (no global state), for the CLI."""
    from plotext._figure import _figure_class

    figure = _figure_class()
    figure.plotsize(width, height)
    return figure


def _numeric(values: Sequence[Any]) -> bool:
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def draw_metric_bars(figure: Any, title: str, bars: Sequence[Bar]) -> None:
    """Vertical bars, in the order given (best first), the baseline labelled and drawn as a line."""
    labels = [bar.label + (BASELINE_SUFFIX if bar.baseline else "") for bar in bars]
    values = [bar.value for bar in bars]
    # Bars start at zero: a bar's length is its value, so a 3% gap looks like 3%, not 3x.
    low, high = min(0.0, *values), max(0.0, *values)
    spread = (high - low) or 1.0
    figure.bar(labels, values, width=0.6, minimum=0.0)
    figure.ylim(low - spread * 0.05 if low < 0 else 0.0, high + spread * 0.1)
    for bar in bars:
        if bar.baseline:
            figure.hline(bar.value, "red")
    figure.ylabel(title)
    figure.title(title)


def draw_scatter(figure: Any, points: Sequence[ScatterPoint], x_label: str, y_label: str) -> None:
    """One point per revision; a text-valued param becomes categories along x."""
    xs = [p.x for p in points]
    if _numeric(xs):
        figure.scatter(xs, [p.y for p in points], marker="dot")
    else:
        categories = list(dict.fromkeys(str(x) for x in xs))
        figure.scatter([categories.index(str(x)) + 1 for x in xs], [p.y for p in points])
        figure.xticks(list(range(1, len(categories) + 1)), categories)
    figure.xlabel(x_label)
    figure.ylabel(y_label)
    figure.title(f"{y_label} vs {x_label}")


def draw_plot(figure: Any, plot: Plot, max_series: int = MAX_SERIES) -> Drawn:
    """Draw one dvc.yaml plot; return its note and legend (drawn outside the chart)."""
    figure.title(plot.title)
    if not plot.series:
        return Drawn("no data in any revision")
    if plot.template in ("confusion", "confusion_normalized"):
        return _draw_confusion(figure, plot, max_series)
    if plot.template in ("bar_horizontal", "bar_horizontal_sorted"):
        return _draw_horizontal_bars(figure, plot, max_series)
    lines = [(rev, key) for rev, series in plot.series.items() for key in series.y]
    shown = lines[:max_series]
    scatter = plot.template in ("scatter", "scatter_jitter")
    categories: list[str] = []
    legend: list[tuple[str, str]] = []
    for rev, key in shown:
        series = plot.series[rev]
        xs, ys = series.x_for(key), series.y[key]
        pairs = [(x, y) for x, y in zip(xs, ys, strict=False) if _numeric([y])]
        if not pairs:
            continue
        x_values = [x for x, _ in pairs]
        if not _numeric(x_values):
            for x in x_values:
                if str(x) not in categories:
                    categories.append(str(x))
            x_values = [categories.index(str(x)) + 1 for x in x_values]
        label = rev if len(plot.y_fields) == 1 else f"{rev} {key}"
        draw = figure.scatter if scatter else figure.plot
        chart_colour, legend_colour = _colour(len(legend))
        draw(x_values, [y for _, y in pairs], color=chart_colour)
        legend.append((label, legend_colour))
    if categories:
        figure.xticks(list(range(1, len(categories) + 1)), categories)
    figure.xlabel(plot.x_label)
    figure.ylabel(plot.y_label)
    note = ""
    if len(lines) > max_series:
        note = f"showing {max_series} of {len(lines)} series; compare fewer revisions to see all"
    return Drawn(note, tuple(legend))


def _draw_confusion(figure: Any, plot: Plot, max_series: int) -> Drawn:
    """Counts of each (actual, predicted) pair as grouped bars, one group member per revision."""
    revs = list(plot.series)[:max_series]
    counts: dict[str, Counter[str]] = {}
    for rev in revs:
        series = plot.series[rev]
        key = next(iter(series.y))
        counts[rev] = Counter(
            f"{x}→{y}" for x, y in zip(series.x_for(key), series.y[key], strict=False)
        )
    pairs = sorted({pair for counter in counts.values() for pair in counter})
    colours = [_colour(i) for i in range(len(revs))]
    figure.multiple_bar(
        pairs, [[counts[rev][p] for p in pairs] for rev in revs], color=[c for c, _ in colours]
    )
    figure.xlabel(f"{plot.x_label}→{plot.y_label}")
    figure.ylabel("count")
    return Drawn(_hidden_note(plot, revs), tuple(zip(revs, [c for _, c in colours], strict=True)))


def _hidden_note(plot: Plot, revs: Sequence[str]) -> str:
    hidden = len(plot.series) - len(revs)
    return f"showing {len(revs)} of {len(plot.series)} revisions" if hidden > 0 else ""


def _draw_horizontal_bars(figure: Any, plot: Plot, max_series: int) -> Drawn:
    """`bar_horizontal` templates: x is the value, y the category."""
    revs = list(plot.series)[:max_series]
    categories: list[str] = []
    by_rev: dict[str, dict[str, float]] = {}
    for rev in revs:
        series = plot.series[rev]
        key = next(iter(series.y))
        by_rev[rev] = {}
        for value, name in zip(series.x_for(key), series.y[key], strict=False):
            if _numeric([value]):
                by_rev[rev][str(name)] = float(value)
                if str(name) not in categories:
                    categories.append(str(name))
    data = [[by_rev[rev].get(c, 0.0) for c in categories] for rev in revs]
    colours = [_colour(i) for i in range(len(revs))]
    figure.multiple_bar(
        categories, data, orientation="horizontal", color=[c for c, _ in colours], minimum=0.0
    )
    figure.xlabel(plot.x_label)
    figure.ylabel(plot.y_label)
    return Drawn(_hidden_note(plot, revs), tuple(zip(revs, [c for _, c in colours], strict=True)))
