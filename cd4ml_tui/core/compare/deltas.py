"""Deltas of params and metrics against a baseline, with the direction that makes a change good.

A comparison is plain data: one row per param/metric column, one cell per compared revision. The
CLI and the TUI render the same rows, so what `cd4ml-tui compare --json` prints is what the compare
screen shows. Values are compared the way `dvc exp diff` compares them (lists as their `str`,
`diff = new - old` for numbers), so the two-revision JSON equals DVC's own.
"""

from __future__ import annotations

import math
import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from cd4ml_tui.core.config import Direction, Settings
from cd4ml_tui.core.model import MISSING, ColumnKey, Revision, RevisionValues
from cd4ml_tui.core.table.columns import columns

LOWER_IS_BETTER = frozenset(
    {"loss", "error", "err", "mae", "mse", "rmse", "latency", "size", "time"}
)
HIGHER_IS_BETTER = frozenset(
    {"accuracy", "acc", "f1", "auc", "precision", "recall", "r2", "dice", "iou"}
)
_TOKEN_SPLIT = re.compile(r"[^0-9a-zA-Z]+|(?<=[a-z])(?=[A-Z])")


@dataclass(frozen=True)
class MetricDirection:
    """Whether lower or higher is better for a metric, and whether we guessed it from its name."""

    direction: Direction  # "min", "max" or "none"
    inferred: bool  # True when read from the name, False when configured

    @property
    def arrow(self) -> str:
        """↑ higher is better, ↓ lower is better, · neutral."""
        return {"max": "↑", "min": "↓"}.get(self.direction, "·")


@dataclass(frozen=True)
class DeltaCell:
    """One compared revision's value in a row, and its change against the baseline."""

    value: Any  # MISSING (None) when the revision has no such value; never 0
    diff: float | int | None  # new - old, as DVC computes it; None unless both are numbers
    pct: float | None  # diff relative to |old|, in percent; None if undefined (old 0, missing)
    better: bool | None  # True/False against the direction; None when neutral or not comparable
    changed: bool  # differs from the baseline (as `dvc exp diff` decides)
    best: bool  # holds the best value of the row (among baseline and compared revisions)

    @property
    def missing(self) -> bool:
        return self.value is MISSING

    @property
    def arrow(self) -> str:
        """▲ up, ▼ down, = equal, '' when there is no numeric change to show."""
        if self.diff is None or _is_nan(self.diff):
            return ""
        return "▲" if self.diff > 0 else "▼" if self.diff < 0 else "="


@dataclass(frozen=True)
class DeltaRow:
    """One param or metric across the baseline and every compared revision."""

    column: ColumnKey
    direction: MetricDirection  # always neutral, not inferred, for params
    base: Any  # the baseline's value, MISSING when absent
    base_best: bool
    cells: tuple[DeltaCell, ...]  # one per compared revision, in their order

    @property
    def changed(self) -> bool:
        """Whether any compared revision differs from the baseline."""
        return any(cell.changed for cell in self.cells)


@dataclass(frozen=True)
class Comparison:
    """The baseline, the compared revisions, and a row per column: metrics first, then params."""

    baseline: Revision
    revisions: tuple[Revision, ...]
    rows: tuple[DeltaRow, ...]

    @property
    def metrics(self) -> list[DeltaRow]:
        return [row for row in self.rows if row.column.kind == "metric"]

    @property
    def params(self) -> list[DeltaRow]:
        return [row for row in self.rows if row.column.kind == "param"]

    def row(self, column: ColumnKey) -> DeltaRow | None:
        return next((row for row in self.rows if row.column == column), None)


def name_tokens(name: str) -> list[str]:
    """`model_size_kb` -> [model, size, kb]; `valLoss` -> [val, loss]; lower-cased."""
    return [t.lower() for t in _TOKEN_SPLIT.split(name) if t]


def _token_direction(token: str) -> Direction | None:
    if token in LOWER_IS_BETTER or token.endswith("loss"):
        return "min"
    if token in HIGHER_IS_BETTER:
        return "max"
    return None


def infer_direction(key: str) -> Direction:
    """Guess a metric's direction from its name, the last dotted part first (`val.f1` -> f1).

    Within a part the last recognised token wins (`error_rate` -> error, `latency_ms` -> latency),
    since the head word of a metric name usually comes last; earlier parts are a fallback
    (`loss.train` -> loss).
    """
    for part in reversed(key.split(".")):
        for token in reversed(name_tokens(part)):
            found = _token_direction(token)
            if found:
                return found
    return "none"


def metric_direction(column: ColumnKey, settings: Settings) -> MetricDirection:
    """The configured direction of a metric, else the one inferred from its name.

    Config keys may name the file too (`"eval/stats.yaml:latency_ms" = "min"`), the full dotted
    key (`"val.f1"`) or only its last part (`f1`); the most specific one wins.
    """
    configured = settings.metric_directions
    for name in (column.qualified_name, column.key, column.key.rsplit(".", 1)[-1]):
        if name in configured:
            return MetricDirection(configured[name], inferred=False)
    # A file holding a bare scalar (key ""): its name is the metric's name (`loss.yaml`).
    name = column.key or posixpath.splitext(posixpath.basename(column.path))[0]
    return MetricDirection(infer_direction(name), inferred=True)


def dvc_value(value: Any) -> Any:
    """A value as `dvc exp diff` reports it: lists become their Python `str` (DVC's format_dict)."""
    return str(value) if isinstance(value, list) else value


def _is_number(value: Any) -> bool:
    """A number as DVC's diff sees one (bools count, as in DVC, since bool is an int)."""
    return isinstance(value, (int, float))


def _is_real(value: Any) -> bool:
    """A number worth an arrow, a percentage and a best mark: not a bool, not NaN."""
    return _is_number(value) and not isinstance(value, bool) and not _is_nan(value)


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


def value_diff(old: Any, new: Any) -> float | int | None:
    """`new - old` exactly as `dvc.utils.diff._diff_vals` computes it, else None."""
    old, new = dvc_value(old), dvc_value(new)
    if _is_number(old) and _is_number(new):
        return new - old
    return None


def relative_change(old: Any, new: Any) -> float | None:
    """The change in percent of |old|; None when old is 0, missing or either is not a number."""
    if not (_is_real(old) and _is_real(new)) or old == 0 or math.isinf(old):
        return None
    return float((new - old) / abs(old) * 100.0)


def is_better(direction: Direction, old: Any, new: Any) -> bool | None:
    """Whether `new` is better than `old`; None when equal, neutral or not comparable."""
    if direction == "none" or not (_is_real(old) and _is_real(new)) or old == new:
        return None
    return bool(new < old) if direction == "min" else bool(new > old)


def values_differ(old: Any, new: Any) -> bool:
    """Whether `dvc exp diff` (without --all) would list this pair as a change."""
    return bool(dvc_value(old) != dvc_value(new))


def best_value(direction: Direction, values: Iterable[Any]) -> Any:
    """The best of the real numbers in `values` for `direction`; MISSING when none is."""
    numbers = [v for v in values if _is_real(v)]
    if direction == "none" or not numbers:
        return MISSING
    return min(numbers) if direction == "min" else max(numbers)


def compare_row(
    column: ColumnKey, direction: MetricDirection, base: Any, values: Sequence[Any]
) -> DeltaRow:
    """One row: each value against `base`, with the row's best value marked."""
    best = best_value(direction.direction, [base, *values])
    # When every value ties, no column stands out, so none is marked.
    has_best = best is not MISSING and len({v for v in [base, *values] if _is_real(v)}) > 1
    cells = tuple(
        DeltaCell(
            value=value,
            diff=value_diff(base, value),
            pct=relative_change(base, value),
            better=is_better(direction.direction, base, value),
            changed=values_differ(base, value),
            best=has_best and _is_real(value) and value == best,
        )
        for value in values
    )
    return DeltaRow(column, direction, base, has_best and _is_real(base) and base == best, cells)


def compare(
    base: RevisionValues, others: Sequence[RevisionValues], settings: Settings
) -> Comparison:
    """Compare every revision in `others` against `base`, column by column (in the order of
    `dvc exp show`: metrics, then params)."""
    neutral = MetricDirection("none", inferred=False)
    rows = []
    for column in columns([base, *others]):
        direction = metric_direction(column, settings) if column.kind == "metric" else neutral
        row_values = [other.get(column) for other in others]
        rows.append(compare_row(column, direction, base.get(column), row_values))
    return Comparison(base.revision, tuple(o.revision for o in others), tuple(rows))


@dataclass(frozen=True)
class Bar:
    """One revision's value of a metric, for the bar chart."""

    label: str
    value: float
    baseline: bool


def metric_bars(
    values: Sequence[RevisionValues],
    column: ColumnKey,
    direction: Direction,
    baseline: str | None = None,
    names: Sequence[str] | None = None,
) -> tuple[list[Bar], list[str]]:
    """Bars of `column` across revisions, best first (largest first when neutral), and the names
    of the revisions that have no numeric value (left out of the chart, never drawn as 0)."""
    labels = list(names) if names is not None else [v.revision.label for v in values]
    bars: list[Bar] = []
    missing: list[str] = []
    for label, revision_values in zip(labels, values, strict=True):
        value = revision_values.get(column)
        if _is_real(value):
            bars.append(Bar(label, float(value), revision_values.revision.rev == baseline))
        else:
            missing.append(label)
    bars.sort(key=lambda bar: bar.value, reverse=direction != "min")
    return bars, missing


@dataclass(frozen=True)
class ScatterPoint:
    label: str
    x: Any  # the param's value: a number, or text for a categorical param
    y: float


def param_metric_points(
    values: Sequence[RevisionValues], param: ColumnKey, metric: ColumnKey
) -> list[ScatterPoint]:
    """A point per revision that has both the param and a numeric value of the metric."""
    points = []
    for revision_values in values:
        x, y = revision_values.get(param), revision_values.get(metric)
        if x is not MISSING and _is_real(y):
            points.append(ScatterPoint(revision_values.revision.label, dvc_value(x), float(y)))
    return points
