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
from types import NoneType
from typing import Any, NamedTuple

from cd4ml_tui.core.model import ColumnKey, Revision, RevisionValues, column_of

Predicate = Callable[[RevisionValues], bool]
SortColumn = str | ColumnKey  # a revision field ("name", "created", ...) or a param or metric

# The revision columns every table has, before the value columns. `review` is the verdict glyph,
# `gate` the gate's pass/fail (hidden until asked for: it has to be computed).
REVISION_COLUMNS = ("name", "review", "gate", "sha", "created", "status")


class ViewRow(NamedTuple):
    """One shown row: `row`, the index of its loaded row, and how its name cell is decorated.
    A named tuple: at 10,000 rows a frozen dataclass took three times as long to make (and a
    view makes one for every row)."""

    row: int
    prefix: str = ""  # "├── " / "└── " for an experiment in the tree, else ""
    hidden_children: int = 0  # > 0 on a folded baseline
    context: bool = False  # shown only because some of its experiments match the filter


@dataclass(frozen=True)
class ViewSummary:
    """What is shown: `shown` of `total` rows, sorted by `sort_label` if any."""

    shown: int = 0
    total: int = 0
    sort_label: str | None = None


@dataclass
class ViewState:
    """What the user chose: sort, filter, narrowing to one group, folded groups."""

    sort_column: str | None = None
    sort_reverse: bool = False
    predicate: Predicate | None = None
    narrow_to: str | None = None  # the rev of a group head
    folded: set[str] = field(default_factory=set)  # revs of folded group heads

    def cycle_sort(self, column: str) -> None:
        """Sort by `column`: ascending, then descending, then back to the tree."""
        if self.sort_column != column:
            self.sort_column, self.sort_reverse = column, False
        elif not self.sort_reverse:
            self.sort_reverse = True
        else:
            self.sort_column, self.sort_reverse = None, False

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


# The revision fields a column can sort by, as the table shows them.
REVISION_SORT_VALUES: dict[str, Callable[[Revision], Any]] = {
    "name": lambda revision: revision.label.lower(),
    "sha": lambda revision: revision.rev,
    "created": lambda revision: revision.timestamp,
    "status": lambda revision: revision.status,
}


def column_values(rows: Sequence[RevisionValues], column: SortColumn) -> list[Any]:
    """The values `column` sorts `rows` by, a column at a time (the first sort of a column reads
    10,000 rows): revision fields by name, else the param or metric (None when missing)."""
    if isinstance(column, ColumnKey):
        return column_of(rows, column)
    field_value = REVISION_SORT_VALUES.get(column)
    if field_value is None:
        return [None] * len(rows)
    return [field_value(v.revision) for v in rows]


Rank = tuple[int, float, str]
MIDDLE, LAST = "├── ", "└── "  # the tree prefixes of an experiment's name


def _rank(value: Any) -> Rank:
    if isinstance(value, bool):
        return (1, float(value), "")
    if isinstance(value, int | float):
        return (0, float(value), "")
    if isinstance(value, str):
        return (2, 0.0, value.lower())
    return (3, 0.0, repr(value))


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _kind_of(values: Sequence[Any]) -> str | None:
    """ "numbers", "text" or "mixed" (booleans, lists, a mix); None when every value is missing."""
    kinds = set(map(type, values)) - {NoneType}
    if not kinds:
        return None
    if kinds <= {float, int}:  # exact types: a bool is not a number here
        return "numbers"
    return "text" if kinds == {str} else "mixed"


class ColumnRanks:
    """The sort ranks of one column's values, None for a missing one, grown as rows load.

    A column of one kind ranks in one pass: numbers by themselves (most of a sweep's columns),
    text by its lower case (names, optimizers). A mix turns every rank into a (kind, number,
    text) tuple, so that numbers sort before booleans before text."""

    def __init__(self) -> None:
        self.ranks: list[Any] = []
        self.kind: str | None = None  # of every value so far (None: none seen yet)

    def extend(self, values: Sequence[Any]) -> None:
        kind = _kind_of(values)
        if kind is None:
            self.ranks += [None] * len(values)
            return
        if self.kind is None:
            self.kind = kind
        elif kind != self.kind:
            self._mix()
        if self.kind == "numbers":
            self.ranks += [None if v is None or v != v else v for v in values]  # NaN: missing
        elif self.kind == "text":
            self.ranks += [None if v is None else v.lower() for v in values]
        else:
            self.ranks += [None if _is_missing(v) else _rank(v) for v in values]

    def _mix(self) -> None:
        """Turn the ranks so far into the tuples `_rank` gives their kind."""
        if self.kind == "numbers":
            self.ranks = [None if r is None else (0, float(r), "") for r in self.ranks]
        elif self.kind == "text":
            self.ranks = [None if r is None else (2, 0.0, r) for r in self.ranks]
        self.kind = "mixed"


def _ordered(indices: Sequence[int], ranks: Sequence[Any], reverse: bool) -> list[int]:
    present = [index for index in indices if ranks[index] is not None]
    present.sort(key=ranks.__getitem__, reverse=reverse)  # stable both ways
    return present + [index for index in indices if ranks[index] is None]


def sort_indices(
    rows: Sequence[RevisionValues], indices: Sequence[int], column: SortColumn, reverse: bool
) -> list[int]:
    """`indices` ordered by `column`; numbers before booleans before text; missing values last."""
    ranks = ColumnRanks()
    ranks.extend(column_values(rows, column))
    return _ordered(indices, ranks.ranks, reverse)


class RowIndex:
    """What sorting and filtering need of the loaded rows, worked out once instead of on every
    key (at 10,000 rows each of these costs tens of milliseconds): the tree, every row's sort rank
    in a column and each sorted order, and the `ViewRow`s, reused. `rows` only grows (`append`)
    until it is replaced, with a new index; caches notice growth by its length."""

    def __init__(self, rows: Sequence[RevisionValues]) -> None:
        self.rows = rows
        self._tree: tuple[int, list[tuple[int, list[int]]]] = (-1, [])
        self._ranks: dict[SortColumn, ColumnRanks] = {}
        self._orders: dict[tuple[SortColumn, bool], tuple[int, list[int]]] = {}
        self._positions: dict[str, int] = {}  # rev -> index in rows
        self.plain: list[ViewRow] = []  # ViewRow(i) for row i
        self.kids: dict[tuple[int, str], ViewRow] = {}  # (index, prefix) -> its ViewRow

    def tree(self) -> list[tuple[int, list[int]]]:
        if self._tree[0] != len(self.rows):
            self._tree = (len(self.rows), groups(self.rows))
        plain = self.plain
        plain.extend(map(ViewRow, range(len(plain), len(self.rows))))
        return self._tree[1]

    def find(self, rev: str | None) -> int | None:
        """The index of the row of `rev` (None when it has none)."""
        positions, rows = self._positions, self.rows
        for index in range(len(positions), len(rows)):
            positions.setdefault(rows[index].revision.rev, index)
        return positions.get(rev) if rev is not None else None

    def order(self, column: SortColumn, reverse: bool) -> list[int]:
        """Every row, in tree order, sorted by `column`."""
        count = len(self.rows)
        cached = self._orders.get((column, reverse))
        if cached is not None and cached[0] == count:
            return cached[1]
        ranks = self._ranks.setdefault(column, ColumnRanks())
        ranks.extend(column_values(self.rows[len(ranks.ranks) :], column))
        flat = [i for head, kids in self.tree() for i in (head, *kids)]
        order = _ordered(flat, ranks.ranks, reverse)
        self._orders[(column, reverse)] = (count, order)
        return order


def visible_rows(
    rows: Sequence[RevisionValues],
    state: ViewState,
    sort_by: SortColumn | None = None,
    index: RowIndex | None = None,
) -> list[ViewRow]:
    """The rows to show for `state`, in order, with their tree decoration; `sort_by` is the
    column `state.sort_column` names; `index` (of `rows`) keeps what does not change between
    calls."""
    index = index or RowIndex(rows)
    matches = state.predicate
    tree = index.tree()
    plain = index.plain
    if state.narrow_to is not None:
        tree = [g for g in tree if rows[g[0]].revision.rev == state.narrow_to]
    if sort_by is not None:
        order = index.order(sort_by, state.sort_reverse)
        if state.narrow_to is not None:
            group = {i for head, kids in tree for i in (head, *kids)}
            order = [i for i in order if i in group]
        if matches is None:
            return [plain[i] for i in order]
        return [plain[i] for i in order if matches(rows[i])]
    shown: list[ViewRow] = []
    kid_rows, folded = index.kids, state.folded
    for head, kids in tree:
        head_matches = matches is None or matches(rows[head])
        kept = kids if matches is None else [k for k in kids if matches(rows[k])]
        if not head_matches and not kept:
            continue
        if folded and kept and rows[head].revision.rev in folded:
            shown.append(ViewRow(head, hidden_children=len(kept), context=not head_matches))
            continue
        shown.append(plain[head] if head_matches else ViewRow(head, context=True))
        for position, kid in enumerate(kept, start=1 - len(kept)):
            prefix = LAST if position == 0 else MIDDLE
            row = kid_rows.get((kid, prefix))
            if row is None:
                row = kid_rows[(kid, prefix)] = ViewRow(kid, prefix)
            shown.append(row)
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
            value = rows[view_row.row].get(column)
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
