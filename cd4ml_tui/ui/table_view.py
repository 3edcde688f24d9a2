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
from typing import Any, cast

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


def _ranks(rows: Sequence[RevisionValues], key: SortKey) -> list[Rank | None]:
    """The sort rank of every row's value (None for a missing one); plain floats and ints, most
    of a sweep's values, take a shortcut (the first sort of a column ranks 10,000 rows)."""
    ranks: list[Rank | None] = []
    for values in rows:
        value = key(values)
        kind = type(value)
        if kind is float:
            ranks.append((0, value, "") if value == value else None)  # NaN is missing
        elif kind is int:
            ranks.append((0, float(value), ""))
        else:
            ranks.append(None if _is_missing(value) else _rank(value))
    return ranks


def _ordered(indices: Sequence[int], ranks: Sequence[Rank | None], reverse: bool) -> list[int]:
    present = [index for index in indices if ranks[index] is not None]
    rank = cast("Callable[[int], Rank]", ranks.__getitem__)  # present: never None
    present.sort(key=rank, reverse=reverse)  # stable both ways
    return present + [index for index in indices if ranks[index] is None]


def sort_indices(
    rows: Sequence[RevisionValues], indices: Sequence[int], key: SortKey, reverse: bool
) -> list[int]:
    """`indices` ordered by `key`; numbers before booleans before text; missing values last."""
    return _ordered(indices, _ranks(rows, key), reverse)


class RowIndex:
    """What sorting and filtering need of the loaded rows, worked out once instead of on every
    key (at 10,000 rows each of these costs tens of milliseconds): the tree, every row's sort rank
    in a column and each sorted order, and the `ViewRow`s, reused. `rows` only grows (`append`)
    until it is replaced, with a new index; caches notice growth by its length."""

    def __init__(self, rows: Sequence[RevisionValues]) -> None:
        self.rows = rows
        self._tree: tuple[int, list[tuple[int, list[int]]]] = (-1, [])
        self._ranks: dict[str, list[Rank | None]] = {}
        self._orders: dict[tuple[str, bool], tuple[int, list[int]]] = {}
        self._positions: dict[str, int] = {}  # rev -> index in rows
        self.plain: list[ViewRow] = []  # ViewRow(i) for row i
        self.kids: dict[tuple[int, str], ViewRow] = {}  # (index, prefix) -> its ViewRow

    def tree(self) -> list[tuple[int, list[int]]]:
        if self._tree[0] != len(self.rows):
            self._tree = (len(self.rows), groups(self.rows))
        plain = self.plain
        plain.extend(ViewRow(index) for index in range(len(plain), len(self.rows)))
        return self._tree[1]

    def find(self, rev: str | None) -> int | None:
        """The index of the row of `rev` (None when it has none)."""
        positions, rows = self._positions, self.rows
        for index in range(len(positions), len(rows)):
            positions.setdefault(rows[index].revision.rev, index)
        return positions.get(rev) if rev is not None else None

    def order(self, column: str, key: SortKey, reverse: bool) -> list[int]:
        """Every row, in tree order, sorted by `key` (the value of `column`)."""
        count = len(self.rows)
        cached = self._orders.get((column, reverse))
        if cached is not None and cached[0] == count:
            return cached[1]
        ranks = self._ranks.setdefault(column, [])
        ranks += _ranks(self.rows[len(ranks) :], key)
        flat = [i for head, kids in self.tree() for i in (head, *kids)]
        order = _ordered(flat, ranks, reverse)
        self._orders[(column, reverse)] = (count, order)
        return order


def visible_rows(
    rows: Sequence[RevisionValues],
    state: ViewState,
    sort_key: SortKey | None = None,
    index: RowIndex | None = None,
) -> list[ViewRow]:
    """The rows to show for `state`, in order, with their tree decoration; `index` (of `rows`)
    keeps what does not change between calls."""
    index = index or RowIndex(rows)
    matches = state.predicate
    tree = index.tree()
    plain = index.plain
    if state.narrow_to is not None:
        tree = [g for g in tree if rows[g[0]].revision.rev == state.narrow_to]
    if sort_key is not None:
        if state.sort_column is not None:
            order = index.order(state.sort_column, sort_key, state.sort_reverse)
        else:
            flat = [i for head, kids in index.tree() for i in (head, *kids)]
            order = sort_indices(rows, flat, sort_key, state.sort_reverse)
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
                row = kid_rows[(kid, prefix)] = ViewRow(kid, prefix=prefix)
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
