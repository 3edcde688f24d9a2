"""Rich text for an insight: the CLI tables and the insight screen colour the numbers alike.

A correlation is green when raising the param goes with a better metric (by the metric's
direction), red when with a worse one, plain for a neutral metric; a bar shows |Spearman|.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.table import Table
from rich.text import Text

from cd4ml_tui.core.api import (
    Insight,
    MetricSummary,
    ParamInsight,
    best_group,
    best_label,
    format_value,
)
from cd4ml_tui.core.model import ColumnKey
from cd4ml_tui.render.delta_text import BETTER, INFERRED_MARK, MISSING_STYLE, WORSE

BAR_WIDTH = 8
BAR_BLOCKS = " ▏▎▍▌▋▊▉█"


def number_text(value: float | None, precision: int) -> Text:
    if value is None:
        return Text("-", style=MISSING_STYLE)
    return Text(format_value(value, precision))


def correlation_text(value: float | None, direction: str) -> Text:
    """`+0.415` / `-0.323`, coloured by whether raising the param helps the metric."""
    if value is None:
        return Text("-", style=MISSING_STYLE)
    style = ""
    if direction != "none" and value != 0:
        helps = (value > 0) == (direction == "max")
        style = BETTER if helps else WORSE
    return Text(f"{value:+.3f}", style=style)


def strength_bar(value: float | None, width: int = BAR_WIDTH) -> Text:
    """|r| as a bar of `width` cells, in eighths."""
    if value is None:
        return Text("")
    eighths = round(min(1.0, abs(value)) * width * 8)
    full, part = divmod(eighths, 8)
    return Text("█" * full + (BAR_BLOCKS[part] if part else ""), style="cyan")


def direction_label(insight: Insight, summary: MetricSummary | None = None) -> str:
    direction = summary.direction if summary else insight.direction
    mark = INFERRED_MARK if direction.inferred else ""
    return f"{direction.arrow} {direction.direction}{mark}"


def param_cells(
    insight: Insight, param: ParamInsight, labels: Mapping[ColumnKey, str]
) -> list[Text]:
    """param, spearman, bar, pearson, values, best value: one row of the params table."""
    direction = insight.direction.direction
    best = best_group(insight, param)
    return [
        Text(labels.get(param.column, param.column.key)),
        correlation_text(param.spearman, direction),
        strength_bar(param.spearman),
        correlation_text(param.pearson, direction),
        Text(str(param.n_values), justify="right"),
        Text(best.text if best else "-"),
    ]


def summary_cells(
    insight: Insight, summary: MetricSummary, labels: Mapping[ColumnKey, str], precision: int
) -> list[Text]:
    """metric, direction, count, mean, std, min, max, best, revision."""
    bold = "bold" if summary.column == insight.metric else ""
    return [
        Text(labels.get(summary.column, summary.column.key), style=bold),
        Text(direction_label(insight, summary), style="dim"),
        Text(str(summary.count)),
        *(
            number_text(v, precision)
            for v in (summary.mean, summary.std, summary.min, summary.max, summary.best)
        ),
        Text(best_label(insight, summary.best_rev)),
    ]


PARAM_HEADERS = ("param", "spearman", "|r|", "pearson", "values", "best value")
SUMMARY_HEADERS = ("metric", "dir", "count", "mean", "std", "min", "max", "best", "revision")


def insight_tables(
    insight: Insight, labels: Mapping[ColumnKey, str], precision: int
) -> list[Table]:
    """The params by strength, then the summaries, as the CLI prints them."""
    metric = labels.get(insight.metric, insight.metric.key)
    params = Table(
        title=f"{metric} {direction_label(insight)} over {insight.n} revisions",
        title_justify="left",
        box=None,
        header_style="bold",
    )
    for header in PARAM_HEADERS:
        params.add_column(
            header, justify="left" if header.startswith(("param", "best")) else "right"
        )
    for param in insight.params:
        params.add_row(*param_cells(insight, param, labels))
    if not insight.params:
        params.add_row(Text("no param varies across these revisions", style=MISSING_STYLE))
    summary = Table(title="summary", title_justify="left", box=None, header_style="bold")
    for header in SUMMARY_HEADERS:
        summary.add_column(header, justify="left" if header in ("metric", "revision") else "right")
    for item in insight.summaries:
        summary.add_row(*summary_cells(insight, item, labels, precision))
    return [params, summary]
