"""An insight as the CLI prints it: the JSON the README documents, and Markdown.

```json
{"metric": "path:key", "n": N,
 "params": [{"param": "path:key", "spearman": r, "pearson": r, "n_values": k,
             "best": {"<value>": {"count": c, "mean": m, "value": v, "rev": "<sha>", "name": n}}}],
 "summary": {"path:key": {"count": c, "mean": m, "std": s, "min": a, "max": b,
             "direction": "max", "inferred": true,
             "best": {"rev": "<sha>", "name": n, "value": v}}}}
```
Values are keyed by their text as `show --csv` writes it. Undefined numbers are null, never 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cd4ml_tui.core.insight.rows import column_name
from cd4ml_tui.core.insight.stats import Insight, MetricSummary, ParamInsight, ValueGroup
from cd4ml_tui.core.model import ColumnKey
from cd4ml_tui.core.table.columns import format_value
from cd4ml_tui.core.table.export import md_row


def _name(insight: Insight, rev: str | None) -> str | None:
    revision = insight.revision(rev) if rev else None
    return revision.name if revision else None


def _param_json(insight: Insight, param: ParamInsight) -> dict[str, Any]:
    best = {
        group.text: {
            "count": group.count,
            "mean": group.mean,
            "value": group.best,
            "rev": group.best_rev,
            "name": _name(insight, group.best_rev),
        }
        for group in param.groups
    }
    return {
        "param": column_name(param.column),
        "spearman": param.spearman,
        "pearson": param.pearson,
        "n_values": param.n_values,
        "best": best,
    }


def _summary_json(insight: Insight, summary: MetricSummary) -> dict[str, Any]:
    best = None
    if summary.best_rev is not None:
        best = {
            "rev": summary.best_rev,
            "name": _name(insight, summary.best_rev),
            "value": summary.best,
        }
    return {
        "count": summary.count,
        "mean": summary.mean,
        "std": summary.std,
        "min": summary.min,
        "max": summary.max,
        "direction": summary.direction.direction,
        "inferred": summary.direction.inferred,
        "best": best,
    }


def insight_json(insight: Insight) -> dict[str, Any]:
    """The documented JSON document of an insight."""
    return {
        "metric": column_name(insight.metric),
        "n": insight.n,
        "params": [_param_json(insight, p) for p in insight.params],
        "summary": {column_name(s.column): _summary_json(insight, s) for s in insight.summaries},
    }


def format_number(value: float | None, precision: int) -> str:
    """A statistic as the table shows a float (`precision` significant digits), `-` if None."""
    return format_value(value, precision)


def best_label(insight: Insight, rev: str | None) -> str:
    """The revision's name, or its short sha; `-` when there is none."""
    revision = insight.revision(rev) if rev else None
    return revision.label if revision else "-"


def insight_markdown(insight: Insight, labels: Mapping[ColumnKey, str], precision: int) -> str:
    """Markdown: the params by strength, each param's best per value, the summaries."""
    metric = labels.get(insight.metric, column_name(insight.metric))
    arrow = insight.direction.arrow
    lines = [f"## {metric} {arrow} over {insight.n} revisions", ""]
    lines += [md_row(["param", "spearman", "pearson", "values", "best value"])]
    lines += [md_row(["---"] * 5)]
    for param in insight.params:
        best = best_group(insight, param)
        lines.append(
            md_row(
                [
                    labels.get(param.column, column_name(param.column)),
                    format_number(param.spearman, 3),
                    format_number(param.pearson, 3),
                    str(param.n_values),
                    best.text if best else "-",
                ]
            )
        )
    for param in insight.params:
        label = labels.get(param.column, column_name(param.column))
        lines += ["", f"### {metric} per {label}", ""]
        lines += [md_row([label, "count", "mean", "best", "revision"]), md_row(["---"] * 5)]
        for group in param.groups:
            lines.append(
                md_row(
                    [
                        group.text,
                        str(group.count),
                        format_number(group.mean, precision),
                        format_number(group.best, precision),
                        best_label(insight, group.best_rev),
                    ]
                )
            )
    lines += ["", "### Summary", ""]
    lines += [md_row(["metric", "count", "mean", "std", "min", "max", "best", "revision"])]
    lines += [md_row(["---"] * 8)]
    for s in insight.summaries:
        label = f"{labels.get(s.column, column_name(s.column))} {s.direction.arrow}"
        cells = [s.mean, s.std, s.min, s.max, s.best]
        lines.append(
            md_row(
                [
                    label,
                    str(s.count),
                    *(format_number(c, precision) for c in cells),
                    best_label(insight, s.best_rev),
                ]
            )
        )
    return "\n".join(lines) + "\n"


def best_group(insight: Insight, param: ParamInsight) -> ValueGroup | None:
    """The group holding the param's best metric value (None for a neutral metric)."""
    with_best = [g for g in param.groups if g.best is not None]
    if not with_best:
        return None
    pick = min if insight.direction.direction == "min" else max
    return pick(with_best, key=lambda g: g.best if g.best is not None else 0.0)
