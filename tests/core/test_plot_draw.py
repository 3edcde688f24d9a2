"""What the charts say: bars start at zero, legends sit outside the data, axes name their fields.

Charts are drawn by plotext from the demo's real plot data and read back as text."""

from __future__ import annotations

import re
from pathlib import Path

from plotext import uncolorize

from cd4ml_tui.core.api import Bar, Plot, list_revisions, load_plots, open_repo, resolve_revision
from cd4ml_tui.render.plot_draw import draw_metric_bars, draw_plot, legend_text, new_figure


def _chart(figure: object) -> list[str]:
    return uncolorize(figure.build()).splitlines()  # type: ignore[attr-defined]


def _inside(lines: list[str]) -> list[str]:
    """The plot area: the rows between the frame's top and bottom borders."""
    top = next(i for i, line in enumerate(lines) if "┌" in line)
    bottom = next(i for i, line in enumerate(lines) if "└" in line)
    return [re.sub(r"^[^┤│]*[┤│]", "", line).rstrip("│") for line in lines[top + 1 : bottom]]


def _y_ticks(lines: list[str]) -> list[float]:
    return [float(m.group(1)) for line in lines if (m := re.match(r"^\s*(-?[\d.]+)┤", line))]


def test_metric_bars_start_at_zero() -> None:
    figure = new_figure(60, 16)
    draw_metric_bars(figure, "accuracy", [Bar("a", 0.97, True), Bar("b", 1.0, False)])
    lines = _chart(figure)
    assert min(_y_ticks(lines)) == 0.0
    # bar "a" is 97% as tall as bar "b": on 14 rows both fill at least 13 of them
    bar_rows = [line for line in _inside(lines) if "█" in line]
    assert len(bar_rows) >= len(_inside(lines)) - 2
    assert any("accuracy" in line for line in lines[-2:])  # the y axis names the metric


def _demo_plot(root: Path, plot_id: str) -> Plot:
    with open_repo(root) as repo:
        listed = list_revisions(repo)
        revisions = [resolve_revision(repo, name, listed) for name in ("main", "lr-0.1")]
        plots = load_plots(repo, revisions, ["main", "lr-0.1"])
    return next(p for p in plots if p.plot_id == plot_id)


def test_legend_is_outside_the_plot_area_and_axes_name_the_fields(demo_repo: Path) -> None:
    plot = _demo_plot(demo_repo, "Training curves")
    assert plot.y_label == "loss, accuracy"  # two y fields: both named, never a bare "y"
    figure = new_figure(80, 20)
    drawn = draw_plot(figure, plot)
    lines = _chart(figure)
    labels = [label for label, _ in drawn.legend]
    assert labels == ["main loss", "main accuracy", "lr-0.1 loss", "lr-0.1 accuracy"]
    assert not any(label in line for line in _inside(lines) for label in labels)
    assert lines[-1].startswith("loss, accuracy") and "epoch" in lines[-1]
    assert legend_text(drawn.legend).plain == "   ".join(f"━━ {label}" for label in labels)


def test_grouped_bars_keep_their_legend_outside_too(demo_repo: Path) -> None:
    plot = _demo_plot(demo_repo, "plots/confusion.json")
    figure = new_figure(80, 20)
    drawn = draw_plot(figure, plot)
    lines = _chart(figure)
    assert [label for label, _ in drawn.legend] == ["main", "lr-0.1"]
    assert not any("main" in line or "lr-0.1" in line for line in _inside(lines))
    assert min(_y_ticks(lines)) == 0.0
