"""The name cells of the revisions table: tree prefix, label, folded count and GTO badges.

A name cell depends on the view row (its tree decoration) and on the badges of its commit, not on
the column values, so it is cached by view row apart from `revision_cells`, and only the cells of
commits whose badges change are rebuilt.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text

from cd4ml_tui.core.model import RevisionValues
from cd4ml_tui.ui.table_view import ViewRow
from cd4ml_tui.ui.widgets.revision_cells import compact_badges, text_width


class NameCells:
    """Name cells by view row, kept until the rows are replaced (`clear`) or the badges of
    their commit change (`set_badges`)."""

    def __init__(self) -> None:
        self._cells: dict[ViewRow, Text] = {}
        self._badges: dict[str, tuple[str, ...]] = {}  # commit sha -> GTO versions and stages
        self._widths: list[int] = []  # by loaded row: the width of its label and badges

    def clear(self) -> None:
        self._cells.clear()
        self._widths.clear()

    def set_badges(
        self, badges: Mapping[str, Sequence[str]], rows: Sequence[RevisionValues]
    ) -> bool:
        """Take new labels by commit sha, dropping the cells (indexing `rows`) of commits whose
        labels changed; False when none did."""
        new = {rev: tuple(labels) for rev, labels in badges.items() if labels}
        old = self._badges
        changed = {rev for rev in new.keys() | old.keys() if new.get(rev) != old.get(rev)}
        self._badges = new
        if not changed:
            return False
        self._widths.clear()
        self._cells = {
            row: text
            for row, text in self._cells.items()
            if rows[row.row].revision.rev not in changed
        }
        return True

    def badge_text(self, values: RevisionValues) -> str:
        """The GTO versions and stages the name cell of `values` shows ("" when none)."""
        revision = values.revision
        labels = self._badges.get(revision.rev)
        return compact_badges(labels, revision.name) if labels else ""

    def cell(self, view_row: ViewRow, values: RevisionValues, badge_style: Style) -> Text:
        """The name cell of `view_row` (whose loaded row is `values`)."""
        text = self._cells.get(view_row)
        if text is not None:
            return text
        revision = values.revision
        style = "dim" if view_row.context else ("bold" if revision.kind != "experiment" else "")
        text = Text(view_row.prefix, style="dim")
        text.append(revision.label, style=style)
        if view_row.hidden_children:
            text.append(f" ▸ +{view_row.hidden_children}", style="dim italic")
        badge = self.badge_text(values)
        if badge:
            text.append(f"  {badge}", style=badge_style)
        self._cells[view_row] = text
        return text

    def widest(self, shown: Sequence[ViewRow], rows: Sequence[RevisionValues]) -> int:
        """The width of the widest name cell of `shown` (indexing `rows`), without building them:
        the label and badges of each row are measured once."""
        widths = self._widths
        for values in rows[len(widths) :]:
            badge = self.badge_text(values)
            widths.append(text_width(values.revision.label) + (cell_len(badge) + 2 if badge else 0))
        widest = 0
        prefix_widths: dict[str, int] = {}  # "├── " and "└── ": measured once, not per row
        for row in shown:
            width = widths[row.row]
            if row.prefix:
                prefix = prefix_widths.get(row.prefix)
                if prefix is None:
                    prefix = prefix_widths[row.prefix] = cell_len(row.prefix)
                width += prefix
            if row.hidden_children:
                width += cell_len(f" ▸ +{row.hidden_children}")
            if width > widest:
                widest = width
        return widest
