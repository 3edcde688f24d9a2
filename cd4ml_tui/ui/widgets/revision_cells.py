"""The cells of the revisions table: every row's cell widths, measured once, and the cells of
the rows drawn.

A column is as wide as its widest cell over all loaded rows, so each (row, column) is measured
once, from the value's text; a cell (a rich `Text`) is built only when its row is drawn: at
10,000 rows building them all took a second and held 180,000 objects the cycle collector walks.
Equal values share one cell and one measure (cells are never mutated): a sweep repeats its params
a thousand times, and a reload, which replaces every row, keeps the widths of rows it reuses.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import repeat
from operator import attrgetter
from types import NoneType
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.text import Text

from cd4ml_tui.core.api import ColumnOrder as CoreColumnOrder
from cd4ml_tui.core.api import format_value
from cd4ml_tui.core.model import ColumnKey, Revision, RevisionValues, column_of
from cd4ml_tui.render.review_text import gate_cell, verdict_glyph
from cd4ml_tui.ui.widgets.kept_layout import packed_widths, rows_digest, unpacked_widths

if TYPE_CHECKING:  # only annotations: their modules (the gate's rules) load on first use
    from cd4ml_tui.core.api import GateResult, ReviewSummary

RowKey = Callable[[RevisionValues], object]
# for each new row the index of the old row it matches (or None), and the new rows unmatched
Match = tuple[list[int | None], list[RevisionValues]]
MEMO_LIMIT = 100_000  # distinct values whose cell is kept for sharing
# What a kept layout's widths were measured by (`CellStore.layout`): bump it when a width rule
# changes in a way these probe values do not show.
LAYOUT_VERSION = 2
PROBES: tuple[Any, ...] = (0.1234567, -1.5e-9, 12345678.9, 1e22, 42, -7, True, None, "naïve 漢字")


def memo_key(value: Any) -> tuple[type, Any] | None:
    """The key under which equal values share a cell, or None for what must not be shared:
    unhashable values, and float zeros (0.0 == -0.0, but they print differently)."""
    if isinstance(value, float) and value == 0.0:
        return None
    try:
        hash(value)
    except TypeError:
        return None
    return (type(value), value)


def compact_badges(labels: Sequence[str], own_name: str | None = None) -> str:
    """GTO labels in little room: `clf@v1.0.0 clf#prod` becomes `clf@v1.0.0 #prod`; a plain
    release tag equal to the row's own name (the tag's row) is left out."""
    parts: list[str] = []
    last_artifact: str | None = None
    for label in labels:
        if label == own_name:
            continue
        artifact, is_stage, stage = label.partition("#")
        if is_stage and artifact == last_artifact:
            parts.append(f"#{stage}")
            continue
        parts.append(label)
        last_artifact = artifact if is_stage else label.partition("@")[0]
    return " ".join(parts)


class ColumnOrder(CoreColumnOrder):
    """`core.table.columns(rows, unread=True)` kept up to date as rows stream in: a file that no
    revision could read (not in the local DVC cache, ...) keeps a column, marked `!`."""

    def columns(self, *, unread: bool = True) -> list[ColumnKey]:
        return super().columns(unread=unread)


# The plain text of the revision columns' cells: `CellStore.cell` styles it, and measures it.
REVISION_TEXT: dict[str, Callable[[Revision], str]] = {
    "sha": lambda revision: revision.short if not revision.is_workspace else "",
    "created": lambda revision: (revision.timestamp or "")[:16].replace("T", " "),
    "status": lambda revision: revision.status or "",
}


def text_width(text: str) -> int:
    """The cells `text` takes: its length when it is printable ASCII (shas, dates, most names),
    told five times as quickly as by `cell_len` (10,000 names, none cached)."""
    return len(text) if text.isascii() and text.isprintable() else cell_len(text)


class CellStore:
    """Column widths over every loaded row, and the cells of the rows drawn; `by_id` maps value
    column ids to their keys."""

    def __init__(self, precision: int) -> None:
        self.precision = precision
        self.by_id: dict[str, ColumnKey] = {}
        self.reviews: dict[str, ReviewSummary] = {}  # commit sha -> verdict, for `review`
        self.gates: dict[str, GateResult | str] = {}  # rev -> gate result or error, for `gate`
        self._widths: dict[str, list[int]] = {}  # column id -> cell width of every loaded row
        self._widest: dict[str, int] = {}
        self._shared: dict[tuple[type, Any], Text] = {}
        self._measured: dict[tuple[type, Any], int] = {}  # a value's width, shared as cells are

    def carry_over(self, old: Sequence[RevisionValues], new: Sequence[RevisionValues]) -> None:
        """Replace the rows `old` by `new`, keeping the widths of every row that holds the very
        same value objects: a refresh reuses the values of known commits, so it measures only
        the cells of new rows (and of the workspace) instead of every cell of every row. The
        revision columns keep the widths of every row whose revision shows the same: the values
        that replace the names shown first (`RevisionTable.set_names`) measure only themselves."""

        def shown(values: RevisionValues) -> tuple[object, ...]:
            revision = values.revision  # what the sha/created/status cells show
            return (revision.rev, revision.timestamp, revision.status)

        def identity(values: RevisionValues) -> tuple[object, ...]:
            parts = (values.params, values.metrics, values.errors)
            return (*shown(values), *map(id, parts))

        matched: dict[
            Callable[[RevisionValues], object], tuple[list[int | None], list[RevisionValues]]
        ] = {}

        def match(
            key: Callable[[RevisionValues], object],
        ) -> tuple[list[int | None], list[RevisionValues]]:
            """For each new row, the old row with the same `key` (or None); and the new rows
            without one. Ids are unique here: `old` keeps its values alive for the whole call."""
            if key not in matched:
                where = {key(v): i for i, v in enumerate(old)}
                sources = [where.get(key(v)) for v in new]
                matched[key] = sources, [v for v, j in zip(new, sources, strict=True) if j is None]
            return matched[key]

        widths: dict[str, list[int]] = {}
        for cid, column in self._widths.items():
            if len(column) != len(old) or cid in ("review", "gate"):  # keyed by sha: rebuild
                continue
            sources, fresh = match(shown if cid in REVISION_TEXT else identity)
            made = iter(self._widths_of(cid, fresh))
            widths[cid] = [column[j] if j is not None else next(made) for j in sources]
        self._widths = widths
        self._widest = {cid: max(column, default=0) for cid, column in widths.items()}

    def layout(self, rows: Sequence[RevisionValues]) -> dict[str, Any]:
        """The widths of the value columns and of sha, date and status over `rows` (the loaded
        rows), to keep with their listing for `adopt` at the next start; `fresh` are the rows
        whose values may change (the workspace, a pending run, a value that failed to read),
        measured again then."""
        return {
            "rules": self._rules(),
            "rows": rows_digest(rows),
            "fresh": [i for i, values in enumerate(rows) if not values.for_good],
            "widths": {
                cid: packed_widths(column)
                for cid, column in self._widths.items()
                if _kept(cid, self.by_id) and len(column) == len(rows)
            },
        }

    def adopt(self, rows: Sequence[RevisionValues], layout: Any) -> bool:
        """Take the widths of `layout` (`layout(rows)` at an earlier start on the same listing)
        in place of every width known: a commit's values, hence its cells, never change, so
        only its fresh rows and ours are measured (at 10,000 rows, 0.3 s saved); the columns it
        lacks are measured when shown. False, taking nothing, unless it is of these very rows,
        measured by these rules."""
        if not isinstance(layout, dict) or layout.get("rules") != self._rules():
            return False
        fresh_then, kept_widths = layout.get("fresh"), layout.get("widths")
        if not isinstance(fresh_then, list) or not isinstance(kept_widths, dict):
            return False
        if layout.get("rows") != rows_digest(rows):
            return False
        fresh = {i for i, values in enumerate(rows) if not values.for_good}
        gaps = sorted(fresh.union(fresh_then))
        gap_rows = [rows[i] for i in gaps]
        widths: dict[str, list[int]] = {}
        for cid, kept in kept_widths.items():
            column = unpacked_widths(kept)
            if column is None or len(column) != len(rows) or not _kept(cid, self.by_id):
                continue
            for i, width in zip(gaps, self._widths_of(cid, gap_rows), strict=True):
                column[i] = width
            widths[cid] = column
        self._widths = widths
        self._widest = {cid: max(column, default=0) for cid, column in widths.items()}
        return True

    def _rules(self) -> list[Any]:
        """What widths are measured by: the precision, and the widths of a few probe values
        (a change in how values are formatted changes some of them)."""
        return [LAYOUT_VERSION, self.precision, [self._value_width(v) for v in PROBES]]

    def set_reviews(self, reviews: Mapping[str, ReviewSummary]) -> None:
        self.reviews = dict(reviews)
        self.forget("review")

    def set_gates(self, gates: Mapping[str, GateResult | str]) -> None:
        self.gates = dict(gates)
        self.forget("gate")

    def forget(self, cid: str) -> None:
        """Drop the widths of column `cid` (its source changed); they are measured when shown."""
        self._widths.pop(cid, None)
        self._widest.pop(cid, None)

    def measure(self, cid: str, rows: Sequence[RevisionValues]) -> int:
        """The widest cell of column `cid` over `rows` (the loaded rows, which only grow until
        `carry_over`): only the rows not measured yet are, without building their cells."""
        widths = self._widths.setdefault(cid, [])
        if len(widths) < len(rows):
            new = self._widths_of(cid, rows[len(widths) :])
            widths += new
            self._widest[cid] = max(self._widest.get(cid, 0), max(new))
        return self._widest.get(cid, 0)

    def width(self, cid: str) -> int:
        """The widest cell of column `cid` measured so far."""
        return self._widest.get(cid, 0)

    def _widths_of(self, cid: str, rows: Sequence[RevisionValues]) -> list[int]:
        """`[self._width(v, cid) for v in rows]`, a column at a time: at 10,000 rows a call per
        cell was most of the cost of adding them. A column of plain floats or ints (the usual
        case) is measured in C loops, since their text is ASCII (`len` is its width)."""
        column = self.by_id.get(cid)
        if column is None:
            text = REVISION_TEXT.get(cid)
            if text is None:
                return [self._width(v, cid) for v in rows]
            texts = [text(v.revision) for v in rows]  # shas and dates: printable ASCII, mostly
            return list(map(text_width, texts))
        path = column.path
        values = column_of(rows, column)
        widths = self._plain_widths(values) or self._widths_by_repr(values)
        if any(map(attrgetter("errors"), rows)):  # rarely: a file that could not be read
            for index, values_ in enumerate(rows):
                if path in values_.errors:
                    widths[index] = 1  # "!"
        return widths

    def _plain_widths(self, values: list[Any]) -> list[int] | None:
        """The widths of a column of plain floats, ints, strings or missing values, as
        `_value_width` gives them, in C loops where it can; None for any other column."""
        kinds = set(map(type, values))  # exact types: a bool is not an int here
        spec = f".{self.precision}g"  # format_value's floats: ASCII, so `len` is their width
        if kinds <= {float} and self.precision:
            return list(map(len, map(format, values, repeat(spec))))
        if kinds <= {int}:
            return list(map(len, map(str, values)))
        if kinds <= {str}:
            measured = {text: cell_len(text) for text in set(values)}
            return list(map(measured.__getitem__, values))
        if kinds <= {float, int, NoneType} and self.precision:
            missing = cell_len(format_value(None, self.precision))
            return [
                missing if v is None else len(format(v, spec) if type(v) is float else str(v))
                for v in values
            ]
        return None

    def _widths_by_repr(self, values: list[Any]) -> list[int]:
        """Any other column (lists, booleans, a mix): values read from JSON or YAML that have the
        same `repr` are the same value, so each distinct one is measured once (a sweep's list
        param repeats a few values; measured one by one, 8,000 of them took 70-100 ms)."""
        reprs = list(map(repr, values))
        distinct = dict(zip(reprs, values, strict=True))
        measured = {text: self._value_width(value) for text, value in distinct.items()}
        return list(map(measured.__getitem__, reprs))

    def _value_width(self, value: Any) -> int:
        key = memo_key(value)
        width = self._measured.get(key) if key is not None else None
        if width is None:
            width = cell_len(format_value(value, self.precision))  # "-" for None
            if key is not None:
                if len(self._measured) > MEMO_LIMIT:
                    self._measured.clear()
                self._measured[key] = width
        return width

    def _width(self, values: RevisionValues, cid: str) -> int:
        """`cell_len(self.cell(values, cid).plain)`, quicker: values are measured once."""
        column = self.by_id.get(cid)
        if column is None:
            if cid in ("review", "gate") and values.revision.rev not in self._source(cid):
                return 0  # no verdict, no gate result: an empty cell
            return cell_len(self.cell(values, cid).plain)
        if column.path in values.errors:
            return 1  # "!"
        return self._value_width(values.get(column))

    def _source(self, cid: str) -> Mapping[str, object]:
        return self.reviews if cid == "review" else self.gates

    def cell(self, values: RevisionValues, cid: str) -> Text:
        """The cell of `values` in column `cid` (a revision column or a value column id)."""
        revision = values.revision
        of_revision = REVISION_TEXT.get(cid)
        if of_revision is not None:
            plain = of_revision(revision)
            if cid == "status":
                return Text(plain, style="red" if plain == "failed" else "")
            return Text(plain, style="dim")
        if cid == "review":
            return verdict_glyph(self.reviews.get(revision.rev))
        if cid == "gate":
            return gate_cell(self.gates.get(revision.rev))
        column = self.by_id[cid]
        if column.path in values.errors:
            return Text("!", style="bold red", justify="right")
        value = values.get(column)
        if revision.status == "failed" and column.kind == "metric" and value is not None:
            # A failed run's commit holds the metrics files it started from, not results of its
            # own: dim them so they do not read as what this run achieved.
            stale = self._value_text(value).copy()
            stale.stylize("dim strike")
            return stale
        key = memo_key(value)
        text = self._shared.get(key) if key is not None else None
        if text is None:
            text = self._value_text(value)
            if key is not None:
                if len(self._shared) > MEMO_LIMIT:
                    self._shared.clear()
                self._shared[key] = text
        return text

    def _value_text(self, value: Any) -> Text:
        if value is None:
            return Text("-", style="dim", justify="right")
        if isinstance(value, int | float) and not isinstance(value, bool):
            return Text(format_value(value, self.precision), justify="right")
        return Text(format_value(value, self.precision), justify="left")


def _kept(cid: str, by_id: Mapping[str, ColumnKey]) -> bool:
    """Whether a layout keeps the widths of column `cid`: a value column, or the sha, date or
    status (the review's and the gate's cells are by sha, and change without a new commit)."""
    return cid in by_id or cid in REVISION_TEXT
