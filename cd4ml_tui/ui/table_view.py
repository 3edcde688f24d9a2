"""Which rows the revisions table shows, in what order: the tree, folding, filtering, sorting.

Plain logic without Textual, so it is fast to test and cheap to rerun on every keystroke.

The tree (like `dvc exp show`): each commit (and the workspace) heads a group; experiments follow
their baseline commit. A filter keeps matching rows; a baseline whose experiments match stays as a
dimmed context row. While sorted, the view is a flat list of every row that passes the filter and
the branch narrowing (folding is ignored, since groups are not kept together), and rows with a
missing value sort last in both directions.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cd4ml_tui.core.model import ColumnKey, Revision, RevisionValues

Predicate = Callable[[RevisionValues], bool]
SortKey = Callable[[RevisionValues], Any]

# The revision columns every table has, before the value columns. `review` is the verdict glyph,
# `gate` the gate's pass/fail (hidden until asked for: it has to be computed).
REVISION_COLUMNS = ("name", "review", "gate", "sha", "created", "status")


@dataclass(frozen=True)
class ViewRow:
    """One shown row: `index` into the loaded rows, plus how its name cell is decorated."""

    index: int
    prefix: str = ""  # "├── " / "└── " for an experiment in the tree, else ""
    hidden_children: int = 0  # > 0 on a folded baseline
    context: bool = False  # shown only because some of its experiments match the filter


@dataclass
class ViewState:
    """What the user chose: sort, filter, narrowing to one group, folded groups."""

    sort_column: str | None = None
    sort_reverse: bool = False
    predicate: Predicate | None = None
    narrow_to: str | None = None  # the rev of a group head
    folded: set[str] = field(default_factory=set)  # revs of folded group heads

    def toggle_fold(self, revision: Revision) -> str | None:
        """Fold or unfold the group of `revision` (an experiment's baseline, else itself);
        the group head's rev, or None when it has none."""
        head = revision.baseline if revision.kind == "experiment" else revision.rev
        if head is not None:
            self.folded ^= {head}
        return head

    def toggle_fold_all(self, rows: Sequence[RevisionValues]) -> None:
        """Fold every group, or unfold them all when all are folded."""
        heads = {v.revision.baseline for v in rows if v.revision.baseline}
        self.folded = set() if self.folded >= heads else heads


def groups(rows: Sequence[RevisionValues]) -> list[tuple[int, list[int]]]:
    """(head index, experiment indices) in load order; an orphan experiment heads its own group."""
    heads: dict[str, int] = {}
    result: list[tuple[int, list[int]]] = []
    for index, values in enumerate(rows):
        revision = values.revision
        if revision.kind != "experiment" and revision.rev not in heads:
            heads[revision.rev] = len(result)
            result.append((index, []))
    for index, values in enumerate(rows):
        revision = values.revision
        if revision.kind == "experiment":
            slot = heads.get(revision.baseline or "")
            if slot is None:
                result.append((index, []))
            else:
                result[slot][1].append(index)
    return result


def column_value(values: RevisionValues, column: str | ColumnKey) -> Any:
    """The value a column shows for sorting: revision fields by name, else the param/metric."""
    if isinstance(column, ColumnKey):
        return values.get(column)
    revision = values.revision
    if column == "name":
        return revision.label.lower()
    if column == "sha":
        return revision.rev
    if column == "created":
        return revision.timestamp
    if column == "status":
        return revision.status
    return None


def _rank(value: Any) -> tuple[int, float, str]:
    if isinstance(value, bool):
        return (1, float(value), "")
    if isinstance(value, int | float):
        return (0, float(value), "")
    if isinstance(value, str):
        return (2, 0.0, value.lower())
    return (3, 0.0, repr(value))


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def sort_indices(
    rows: Sequence[RevisionValues], indices: Sequence[int], key: SortKey, reverse: bool
) -> list[int]:
    """`indices` ordered by `key`; numbers before booleans before text; missing values last."""
    present: list[tuple[tuple[int, float, str], int]] = []
    missing: list[int] = []
    for index in indices:
        value = key(rows[index])
        if _is_missing(value):
            missing.append(index)
        else:
            present.append((_rank(value), index))
    present.sort(key=lambda pair: pair[0], reverse=reverse)
    return [index for _, index in present] + missing


def visible_rows(
    rows: Sequence[RevisionValues], state: ViewState, sort_key: SortKey | None = None
) -> list[ViewRow]:
    """The rows to show for `state`, in order, with their tree decoration."""
    matches = state.predicate or (lambda values: True)
    tree = groups(rows)
    if state.narrow_to is not None:
        tree = [g for g in tree if rows[g[0]].revision.rev == state.narrow_to]
    if sort_key is not None:
        flat = [i for head, kids in tree for i in (head, *kids) if matches(rows[i])]
        return [ViewRow(i) for i in sort_indices(rows, flat, sort_key, state.sort_reverse)]
    shown: list[ViewRow] = []
    for head, kids in tree:
        head_matches = matches(rows[head])
        kept = [k for k in kids if matches(rows[k])]
        if not head_matches and not kept:
            continue
        if rows[head].revision.rev in state.folded and kept:
            shown.append(ViewRow(head, hidden_children=len(kept), context=not head_matches))
            continue
        shown.append(ViewRow(head, context=not head_matches))
        for position, kid in enumerate(kept):
            last = position == len(kept) - 1
            shown.append(ViewRow(kid, prefix="└── " if last else "├── "))
    return shown


def differing_columns(
    rows: Sequence[RevisionValues], shown: Sequence[ViewRow], columns: Sequence[ColumnKey]
) -> list[ColumnKey]:
    """The columns whose value differs between shown rows that have one: a param that old tags
    lack is not a change when every row that has it has the same value."""
    result = []
    for column in columns:
        seen: set[str] = set()
        for view_row in shown:
            value = rows[view_row.index].get(column)
            if value is None:
                continue
            seen.add(repr(value))
            if len(seen) > 1:
                result.append(column)
                break
    return result


# --- which revisions compare and diff pick from the table -------------------------------------
def diff_pair(marked: list[Revision]) -> tuple[Revision, Revision]:
    """Two marked revisions as (base, head): the older one is the base; the workspace is newest."""
    first, second = marked

    def age(revision: Revision) -> str:
        return "\uffff" if revision.is_workspace else (revision.timestamp or "")

    return (first, second) if age(first) <= age(second) else (second, first)
