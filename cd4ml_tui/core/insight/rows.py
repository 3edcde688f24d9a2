"""Which revisions an insight counts, and which metric it is about.

Every listed commit and experiment counts once: the workspace is left out (it is not a recorded
result, and usually repeats HEAD's values), and a sha listed twice counts once. A metric is named
as the table's `/` filter names a column (`core.table.query.resolve_column`): its key, a unique
key suffix, or `path:key` when the key is in several files.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from cd4ml_tui.core.errors import Cd4mlError
from cd4ml_tui.core.model import ColumnKey, RevisionValues
from cd4ml_tui.core.table.columns import columns
from cd4ml_tui.core.table.query import QueryError, resolve_column


class InsightError(Cd4mlError):
    """A metric that cannot be analysed: unknown, ambiguous, or without numeric values."""


def insight_rows(values: Sequence[RevisionValues]) -> list[RevisionValues]:
    """`values` without the workspace, each sha once (the first time it is listed)."""
    seen: set[str] = set()
    rows = []
    for row in values:
        rev = row.revision.rev
        if row.revision.is_workspace or rev in seen:
            continue
        seen.add(rev)
        rows.append(row)
    return rows


def metric_columns(values: Sequence[RevisionValues]) -> list[ColumnKey]:
    """The metric columns of `values`, in `dvc exp show`'s order."""
    return [c for c in columns(values) if c.kind == "metric"]


def resolve_metric(name: str, values: Sequence[RevisionValues]) -> ColumnKey:
    """The metric column `name` means among `values`; `InsightError` naming the options."""
    metrics = metric_columns(values)
    if not metrics:
        raise InsightError(f"no metrics in any listed revision, so none called {name!r}")
    known = ", ".join(column_name(c) for c in metrics)
    try:
        found = resolve_column(name, metrics)
    except QueryError as err:
        params = [c for c in columns(values) if c.kind == "param"]
        if isinstance(_try_resolve(name, params), ColumnKey):
            raise InsightError(f"{name!r} is a param, not a metric; metrics: {known}") from None
        # the filter's own words ("unknown column 'x'; did you mean ...") about a metric
        words = str(err).replace("column", "metric", 1)
        raise InsightError(words + _unread(values)) from None
    if isinstance(found, str):
        raise InsightError(f"{name!r} is a revision field, not a metric; metrics: {known}")
    return found


def _unread(values: Sequence[RevisionValues]) -> str:
    """`; unread: FILE (why)` for files no revision could read, whose metrics are therefore
    unknown (a clone without the DVC cache), or "" when every file was read somewhere."""
    read = {c.path for c in columns(values)}
    reasons: dict[str, str] = {}
    for row in values:
        for path, reason in row.errors.items():
            if path not in read:
                reasons.setdefault(path, reason)
    if not reasons:
        return ""
    return "; unread: " + ", ".join(f"{path} ({why})" for path, why in reasons.items())


def _try_resolve(name: str, cols: Sequence[ColumnKey]) -> ColumnKey | str | None:
    try:
        return resolve_column(name, cols)
    except QueryError:
        return None


def column_name(column: ColumnKey) -> str:
    """`path:key`, the unambiguous name the JSON uses."""
    return column.qualified_name


def real_number(value: Any) -> float | None:
    """A finite int or float (not a bool) as a float, else None: what correlations can use."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None
