"""A fast read-only table for thousands of rows: the Line API renders only the visible lines.

Textual's DataTable measures every cell whenever rows are re-added, which makes re-sorting or
re-filtering 1,000 rows take seconds. Here column widths come from cached cell lengths, rows are
plain lists of Rich `Text`, and a line is rendered only when it scrolls into view, so replacing
the rows is O(rows) list work. Features: a header line, fixed left columns, a cell cursor whose
row is tinted, mouse clicks (a header click posts `HeaderClicked`), and cursor keys.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, overload

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from cd4ml_tui.ui.messages import WidgetMessage

PADDING = 1  # blank cells on each side of a cell


@dataclass(frozen=True)
class GridColumn:
    key: str
    label: Text
    width: int  # content width, without padding


class LazyRows(Sequence[list[Text]]):
    """Rows built when first drawn or read: re-sorting 1,000 rows builds only the ones on screen."""

    def __init__(self, count: int, build: Callable[[int], list[Text]]) -> None:
        self._count = count
        self._build = build
        self._built: dict[int, list[Text]] = {}

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> list[Text]: ...

    @overload
    def __getitem__(self, index: slice) -> list[list[Text]]: ...

    def __getitem__(self, index: int | slice) -> list[Text] | list[list[Text]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(index)
        row = self._built.get(index)
        if row is None:
            row = self._built[index] = self._build(index)
        return row

    def __setitem__(self, index: int, row: list[Text]) -> None:
        self._built[index] = row


class Grid(ScrollView, can_focus=True):
    """Rows of `Text` cells under a header; `cursor_row`/`cursor_column` index the shown rows."""

    DEFAULT_CSS = """
    Grid { background: $surface; }
    Grid > .grid--header { text-style: bold; background: $panel; }
    Grid:focus > .grid--header { background: $accent-muted; }
    Grid > .grid--cursor { background: $block-cursor-background; color: $block-cursor-foreground; }
    Grid:blur > .grid--cursor { background: $block-cursor-blurred-background; }
    Grid > .grid--cursor-row { background: $boost; }
    Grid > .grid--fixed { }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "grid--header",
        "grid--cursor",
        "grid--cursor-row",
        "grid--fixed",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False, id="grid.up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="grid.down"),
        Binding("left,h", "cursor_left", "Left", show=False, id="grid.left"),
        Binding("right,l", "cursor_right", "Right", show=False, id="grid.right"),
        Binding("pageup", "page_up", "Page up", show=False, id="grid.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="grid.page_down"),
        Binding("home,g", "first_row", "First row", show=False, id="grid.first"),
        Binding("end,G", "last_row", "Last row", show=False, id="grid.last"),
        Binding("enter", "select", "Select", show=False),
    ]

    cursor_row: reactive[int] = reactive(0, always_update=False)
    cursor_column: reactive[int] = reactive(0, always_update=False)

    class _GridMessage(WidgetMessage):
        def __init__(self, grid: Grid) -> None:
            super().__init__(grid)
            self.grid = grid

    class CursorMoved(_GridMessage):
        def __init__(self, grid: Grid, row: int, column: int) -> None:
            super().__init__(grid)
            self.row = row
            self.column = column

    class Selected(_GridMessage):
        """`enter`, or a click on the cell under the cursor."""

        def __init__(self, grid: Grid, row: int, column: int) -> None:
            super().__init__(grid)
            self.row = row
            self.column = column

    class HeaderClicked(_GridMessage):
        def __init__(self, grid: Grid, column_key: str) -> None:
            super().__init__(grid)
            self.column_key = column_key

    def __init__(self, *, fixed_columns: int = 0, id: str | None = None) -> None:
        super().__init__(id=id)
        self.fixed_columns = fixed_columns
        self.grid_columns: list[GridColumn] = []
        self.grid_rows: list[list[Text]] | LazyRows = []
        self._cache: dict[tuple[int, int | None, bool], tuple[Strip, Strip]] = {}
        self._styles: dict[str, Style] = {}

    # --- data ----------------------------------------------------------------------------
    def set_data(self, columns: Sequence[GridColumn], rows: Sequence[list[Text]]) -> None:
        """Replace everything shown (`LazyRows` are kept lazy); the cursor is clamped into the
        new shape."""
        self.grid_columns = list(columns)
        self.grid_rows = rows if isinstance(rows, LazyRows) else list(rows)
        self._cache.clear()
        width = sum(c.width + 2 * PADDING for c in self.grid_columns)
        self._resize_content(Size(width, len(self.grid_rows) + 1))
        row = min(self.cursor_row, max(len(self.grid_rows) - 1, 0))
        column = min(self.cursor_column, max(len(self.grid_columns) - 1, 0))
        self.move_cursor(row, column)
        self.refresh()

    def _resize_content(self, size: Size) -> None:
        """Set the virtual size without laying the screen out again, as Textual's own
        `Widget._size_updated(layout=False)` does: the grid's region stays as it is, only its
        scrollbars change, and a scrollbar that comes or goes asks for the layout itself (its
        reactive does). A sort that narrows the name column otherwise re-laid out and redrew the
        whole screen: 40-50 ms of a 70-110 ms key-to-frame."""
        if size != self.virtual_size:
            self.set_reactive(Grid.virtual_size, size)
            self._scroll_update(size)

    def update_row(self, index: int, cells: list[Text]) -> None:
        self.grid_rows[index] = cells
        self._cache = {k: v for k, v in self._cache.items() if k[0] != index}
        self.refresh()

    @property
    def row_count(self) -> int:
        return len(self.grid_rows)

    # --- cursor --------------------------------------------------------------------------
    def move_cursor(self, row: int, column: int | None = None) -> None:
        self.cursor_row = max(0, min(row, len(self.grid_rows) - 1))
        if column is not None:
            self.cursor_column = max(0, min(column, len(self.grid_columns) - 1))
        self._scroll_cursor_into_view()

    def watch_cursor_row(self) -> None:
        self._cursor_moved()

    def watch_cursor_column(self) -> None:
        self._cursor_moved()

    def _cursor_moved(self) -> None:
        self.refresh()
        self.post_message(self.CursorMoved(self, self.cursor_row, self.cursor_column))

    def _scroll_cursor_into_view(self) -> None:
        visible_rows = max(self.scrollable_content_region.height - 1, 1)
        y = self.scroll_y
        if self.cursor_row < y:
            y = self.cursor_row
        elif self.cursor_row >= y + visible_rows:
            y = self.cursor_row - visible_rows + 1
        x = self.scroll_x
        if self.cursor_column >= self.fixed_columns and self.grid_columns:
            start = sum(c.width + 2 * PADDING for c in self._scrolling_columns_before())
            width = self.grid_columns[self.cursor_column].width + 2 * PADDING
            room = self.scrollable_content_region.width - self._fixed_width()
            if start < x:
                x = start
            elif start + width > x + room:
                x = start + width - room
        self.scroll_to(x=x, y=y, animate=False, immediate=True)

    def keep_cursor_visible(self) -> None:
        """Scroll so the cursor's row and column are on screen (after the grid changed size)."""
        self._scroll_cursor_into_view()

    def on_resize(self) -> None:
        # `enter` expands the details pane under the grid: the cursor's row must stay in view.
        self.call_after_refresh(self._scroll_cursor_into_view)

    def _scrolling_columns_before(self) -> list[GridColumn]:
        return self.grid_columns[self.fixed_columns : self.cursor_column]

    def _column_edge(self, x: int) -> int:
        """The first scrolling column edge at or after `x`: a column scrolled partly out of view
        is left out whole, never drawn as a fragment beside the pinned columns."""
        edge = 0
        for column in self.grid_columns[self.fixed_columns :]:
            if edge >= x:
                return edge
            edge += column.width + 2 * PADDING
        return max(edge, x)

    def _fixed_width(self) -> int:
        return sum(c.width + 2 * PADDING for c in self.grid_columns[: self.fixed_columns])

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor_row + 1)

    def action_cursor_left(self) -> None:
        self.move_cursor(self.cursor_row, self.cursor_column - 1)

    def action_cursor_right(self) -> None:
        self.move_cursor(self.cursor_row, self.cursor_column + 1)

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor_row - max(self.scrollable_content_region.height - 2, 1))

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor_row + max(self.scrollable_content_region.height - 2, 1))

    def action_first_row(self) -> None:
        self.move_cursor(0)

    def action_last_row(self) -> None:
        self.move_cursor(len(self.grid_rows) - 1)

    def action_select(self) -> None:
        if self.grid_rows:
            self.post_message(self.Selected(self, self.cursor_row, self.cursor_column))

    # --- mouse ---------------------------------------------------------------------------
    def _column_at(self, x: int) -> int | None:
        fixed = self._fixed_width()
        edge, columns = (0, range(self.fixed_columns))
        if x >= fixed:
            x = x - fixed + self._column_edge(int(self.scroll_x))
            columns = range(self.fixed_columns, len(self.grid_columns))
        for index in columns:
            edge += self.grid_columns[index].width + 2 * PADDING
            if x < edge:
                return index
        return None

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        column = self._column_at(offset.x)
        if offset.y == 0:
            if column is not None:
                self.post_message(self.HeaderClicked(self, self.grid_columns[column].key))
            return
        row = int(self.scroll_y) + offset.y - 1
        if row >= len(self.grid_rows):
            return
        if (row, column) == (self.cursor_row, self.cursor_column) or event.chain > 1:
            self.post_message(self.Selected(self, row, self.cursor_column))
        else:
            self.move_cursor(row, column)

    # --- rendering -----------------------------------------------------------------------
    # Styles are looked up once and kept until the CSS or the focus changes: computing a widget's
    # `rich_style` walks its ancestors, too slow to repeat for every cell of every line.
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._clear_render_caches()

    def _on_focus(self, event: events.Focus) -> None:
        self._clear_render_caches()

    def _on_blur(self, event: events.Blur) -> None:
        self._clear_render_caches()

    def _clear_render_caches(self) -> None:
        self._cache.clear()
        self._styles.clear()

    def _component_style(self, name: str) -> Style:
        """A component class's style ("" is the widget's own), cached."""
        style = self._styles.get(name)
        if style is None:
            style = self.rich_style if not name else self.get_component_rich_style(name)
            self._styles[name] = style
        return style

    def _text_style(self, style: str | Style) -> Style:
        """A cell's own style (e.g. "dim"), parsed once."""
        if isinstance(style, Style):
            return style
        parsed = self._styles.get(f"text:{style}")
        if parsed is None:
            parsed = self._styles[f"text:{style}"] = self.app.console.get_style(style)
        return parsed

    def _cell(self, text: Text, width: int, style: Style) -> list[Segment]:
        plain = text.plain
        length = cell_len(plain)
        if length > width:
            text = text.copy()
            text.truncate(width, overflow="ellipsis")
            plain, length = text.plain, width
        gap = width - length
        left = gap if text.justify == "right" else 0
        before, after = " " * (PADDING + left), " " * (PADDING + gap - left)
        style_in = style + self._text_style(text.style) if text.style else style
        if not text.spans and plain.isprintable():  # one style: no need to render the Text
            if style_in == style:
                return [Segment(before + plain + after, style)]
            return [Segment(before, style), Segment(plain, style_in), Segment(after, style)]
        segments = [Segment(before, style)]
        segments += [
            Segment(s.text, style_in + s.style if s.style else style_in)
            for s in text.render(self.app.console, end="")
        ]
        segments.append(Segment(after, style))
        return segments

    def _line(self, row: int | None) -> tuple[Strip, Strip]:
        """(fixed part, scrolling part) of the header (row None) or of a row."""
        cursor_column = self.cursor_column if row == self.cursor_row else None
        key = (row if row is not None else -1, cursor_column, self.has_focus)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        base = self._component_style("")
        if row is None:
            base += self._component_style("grid--header")
            cells = [c.label for c in self.grid_columns]
        else:
            if cursor_column is not None:
                base += self._component_style("grid--cursor-row")
            cells = self.grid_rows[row]
        fixed_style = base + self._component_style("grid--fixed") if row is not None else base
        cursor_style = self._component_style("grid--cursor")
        parts: tuple[list[Segment], list[Segment]] = ([], [])
        lengths = [0, 0]
        for index, column in enumerate(self.grid_columns):
            style = fixed_style if index < self.fixed_columns else base
            if index == cursor_column:
                style += cursor_style
            cell = cells[index] if index < len(cells) else Text()
            scrolling = index >= self.fixed_columns
            parts[scrolling].extend(self._cell(cell, column.width, style))
            lengths[scrolling] += column.width + 2 * PADDING
        strips = (Strip(parts[0], lengths[0]), Strip(parts[1], lengths[1]))
        self._cache[key] = strips
        return strips

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        row = None if y == 0 else int(self.scroll_y) + y - 1
        if row is not None and row >= len(self.grid_rows):
            return Strip.blank(width, self._component_style(""))
        fixed, scrolling = self._line(row)
        room = max(width - fixed.cell_length, 0)
        start = self._column_edge(int(self.scroll_x))
        line = Strip.join([fixed, scrolling.crop(start, start + room)])
        style = self._component_style("")
        if row is None:
            style += self._component_style("grid--header")
        return line.extend_cell_length(width, style).crop(0, width)
