"""Correlations, grouped bests and summary statistics of one metric across revisions.

pandas does the maths: `DataFrame.corr(method="spearman")` and `method="pearson"` (pairwise
complete: a revision without the param or the metric is left out of that pair; Spearman ranks
ties by their average rank, as `scipy.stats.spearmanr` does), `groupby` for the metric per param
value, and `agg` for the summaries (`std` is the sample standard deviation, ddof=1).

- A param counts as numeric when every value it takes is an int or float (not a bool); any other
  param (text, bool, list, or mixed) is categorical: grouped, never correlated.
- Only finite numbers of the metric count; a revision without one is left out entirely.
- A param taking fewer than two distinct values among those revisions does not vary: left out.
- A correlation that is undefined (a constant side, fewer than two pairs) is None.
- The best value follows the metric's direction (`core.compare.metric_direction`: configured, or
  guessed from the name); a neutral metric has no best, only means.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cd4ml_tui.core.compare.deltas import MetricDirection, metric_direction
from cd4ml_tui.core.config import Settings
from cd4ml_tui.core.insight.rows import (
    InsightError,
    column_name,
    insight_rows,
    metric_columns,
    real_number,
)
from cd4ml_tui.core.model import ColumnKey, Revision, RevisionValues
from cd4ml_tui.core.table.columns import format_value, to_frame

if TYPE_CHECKING:
    import pandas


@dataclass(frozen=True)
class ValueGroup:
    """The revisions where a param takes one value, and what the metric did there."""

    value: Any  # the param's value (a list stays a list)
    text: str  # the value as `show --csv` writes it; the group's key
    count: int  # revisions in the group
    mean: float | None  # None only if the sum overflows
    best: float | None  # the best metric value in the group; None for a neutral metric
    best_rev: str | None  # the revision holding it (the first listed, on a tie)
    revs: tuple[str, ...]  # every revision in the group, in listed order


@dataclass(frozen=True)
class ParamInsight:
    """One param against the metric."""

    column: ColumnKey
    numeric: bool
    spearman: float | None  # None when undefined or the param is categorical
    pearson: float | None
    n_values: int  # distinct values the param takes
    pairs: int  # revisions with both a value of the param and of the metric
    groups: tuple[ValueGroup, ...]  # numbers in ascending order, other values by their text

    @property
    def strength(self) -> float | None:
        """|Spearman|, the rank used for sorting (monotonic effects count, not only linear)."""
        return None if self.spearman is None else abs(self.spearman)


@dataclass(frozen=True)
class MetricSummary:
    """A metric over the revisions that have a finite number for it."""

    column: ColumnKey
    direction: MetricDirection
    count: int
    mean: float | None
    std: float | None  # sample standard deviation; None for fewer than two values
    min: float | None
    max: float | None
    best_rev: str | None  # None for a neutral metric or no values
    best: float | None


@dataclass(frozen=True)
class Insight:
    """Which params move `metric`, over `revisions` (those with a finite value of it)."""

    metric: ColumnKey
    direction: MetricDirection
    revisions: tuple[Revision, ...]
    params: tuple[ParamInsight, ...]  # strongest first; categorical params after numeric ones
    summaries: tuple[MetricSummary, ...]  # every metric with a number, over every row counted
    listed: tuple[Revision, ...] = ()  # every row counted (a summary's best may lack `metric`)

    @property
    def n(self) -> int:
        return len(self.revisions)

    def revision(self, rev: str) -> Revision | None:
        return next((r for r in (*self.revisions, *self.listed) if r.rev == rev), None)

    def summary(self, column: ColumnKey | None = None) -> MetricSummary | None:
        wanted = column or self.metric
        return next((s for s in self.summaries if s.column == wanted), None)

    def strongest(self, count: int) -> list[ColumnKey]:
        """The `count` numeric params with the strongest defined correlation."""
        ranked = [p.column for p in self.params if p.strength is not None]
        return ranked[:count]


def numbers(frame: pandas.DataFrame, cols: Sequence[ColumnKey]) -> pandas.DataFrame:
    """The finite numbers of `cols` as floats (NaN where a cell is missing or not a number)."""
    return frame[list(cols)].apply(lambda col: col.map(real_number).astype(float))


def insight(values: Sequence[RevisionValues], metric: ColumnKey, settings: Settings) -> Insight:
    """Every varying param of `values` against `metric`; `InsightError` when no revision has a
    number for it. The workspace is left out and each sha counts once (`insight_rows`)."""
    import numpy

    with numpy.errstate(all="ignore"):  # an overflow is reported as a None statistic, not a warning
        return _insight(values, metric, settings)


def _insight(values: Sequence[RevisionValues], metric: ColumnKey, settings: Settings) -> Insight:
    rows = insight_rows(values)
    frame = to_frame(rows)
    summaries = _summaries(frame, metric_columns(rows), settings)
    direction = metric_direction(metric, settings)
    if metric not in frame.columns:
        raise InsightError(f"no listed revision has the metric {column_name(metric)}")
    y = numbers(frame, [metric])[metric]
    kept = y.notna()
    if not kept.any():
        raise InsightError(f"no listed revision has a number for {column_name(metric)}")
    frame, y = frame[kept], y[kept]
    by_rev = {row.revision.rev: row.revision for row in rows}
    revisions = tuple(by_rev[rev] for rev in frame.index)
    params = [c for c in frame.columns if c.kind == "param"]
    numeric = [c for c in params if _is_numeric(frame[c])]
    correlations = _correlations(frame, numeric, metric, y)
    found = []
    for column in params:
        groups = _groups(frame[column], y, direction)
        if len(groups) < 2:
            continue  # the param does not vary here
        spearman, pearson, pairs = correlations.get(column, (None, None, 0))
        if column not in correlations:
            pairs = int(frame[column].notna().sum())
        found.append(
            ParamInsight(column, column in numeric, spearman, pearson, len(groups), pairs, groups)
        )
    found.sort(key=_strength_order)
    listed = tuple(by_rev.values())
    return Insight(metric, direction, revisions, tuple(found), summaries, listed)


def _is_numeric(cells: pandas.Series) -> bool:
    present = cells.dropna()
    return bool(len(present)) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in present
    )


def _correlations(
    frame: pandas.DataFrame, numeric: list[ColumnKey], metric: ColumnKey, y: pandas.Series
) -> dict[ColumnKey, tuple[float | None, float | None, int]]:
    """(Spearman, Pearson, pairs) of each numeric param with the metric, by `DataFrame.corr`."""
    if not numeric:
        return {}
    table = numbers(frame, numeric)
    table[metric] = y
    spearman = table.corr(method="spearman")[metric]
    pearson = table.corr(method="pearson")[metric]
    pairs = table[numeric].notna().sum()
    return {c: (_float(spearman[c]), _float(pearson[c]), int(pairs[c])) for c in numeric}


def _groups(
    cells: pandas.Series, y: pandas.Series, direction: MetricDirection
) -> tuple[ValueGroup, ...]:
    """The metric per distinct value of a param (missing values are no group)."""
    import pandas as pd

    present = cells.dropna()
    if present.empty:
        return ()
    text = present.map(lambda v: format_value(v, 0))
    data = pd.DataFrame({"text": text, "y": y[present.index]})
    grouped = data.groupby("text", sort=False)["y"]
    stats = grouped.agg(["count", "mean"])
    best_revs: pandas.Series | None = None
    if direction.direction == "max":
        best_revs = grouped.idxmax()
    elif direction.direction == "min":
        best_revs = grouped.idxmin()
    members = data.groupby("text", sort=False).groups
    result = []
    for key in stats.index:
        best_rev = None if best_revs is None else str(best_revs[key])
        result.append(
            ValueGroup(
                value=present[members[key][0]],
                text=str(key),
                count=int(stats.loc[key, "count"]),
                mean=_float(stats.loc[key, "mean"]),
                best=None if best_rev is None else float(y[best_rev]),
                best_rev=best_rev,
                revs=tuple(str(r) for r in members[key]),
            )
        )
    result.sort(key=_group_order)
    return tuple(result)


def _group_order(group: ValueGroup) -> tuple[int, float, str]:
    number = real_number(group.value)
    return (0, number, "") if number is not None else (1, 0.0, group.text)


def _strength_order(param: ParamInsight) -> tuple[int, float, float, str]:
    """Strongest |Spearman| first, then |Pearson|; undefined and categorical last, by name."""
    spearman = -1.0 if param.spearman is None else abs(param.spearman)
    pearson = -1.0 if param.pearson is None else abs(param.pearson)
    return (0 if param.spearman is not None else 1, -spearman, -pearson, column_name(param.column))


def summarize(values: Sequence[RevisionValues], settings: Settings) -> tuple[MetricSummary, ...]:
    """Count, mean, std, min, max and the best revision of every metric with a number."""
    import numpy

    rows = insight_rows(values)
    with numpy.errstate(all="ignore"):
        return _summaries(to_frame(rows), metric_columns(rows), settings)


def _summaries(
    frame: pandas.DataFrame, metrics: list[ColumnKey], settings: Settings
) -> tuple[MetricSummary, ...]:
    if not metrics:
        return ()
    table = numbers(frame, metrics)
    stats = table.agg(["count", "mean", "std", "min", "max"])
    result = []
    for column in metrics:
        count = int(stats.loc["count", column])
        if count == 0:
            continue
        direction = metric_direction(column, settings)
        best_rev = None
        if direction.direction == "max":
            best_rev = str(table[column].idxmax())
        elif direction.direction == "min":
            best_rev = str(table[column].idxmin())
        result.append(
            MetricSummary(
                column=column,
                direction=direction,
                count=count,
                mean=_float(stats.loc["mean", column]),
                std=_float(stats.loc["std", column]),
                min=_float(stats.loc["min", column]),
                max=_float(stats.loc["max", column]),
                best_rev=best_rev,
                best=None if best_rev is None else float(table.loc[best_rev, column]),
            )
        )
    return tuple(result)


def _float(value: Any) -> float | None:
    """A numpy/pandas scalar as a float; None for NaN (an undefined statistic) or an overflow,
    so the JSON holds only numbers and nulls."""
    number = float(value)
    return number if math.isfinite(number) else None
