"""The right side of the diff view: pre-rendered lines of one file's diff, scrolled.

Laying out a diff of a notebook with MBs of outputs takes seconds, so it happens in a worker
(`render_strips`) and this widget only paints the visible lines: scrolling never re-renders.
"""

from __future__ import annotations

from io import StringIO
from typing import ClassVar

from rich.console import Console, RenderableType
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

FALLBACK_WIDTH = 100  # before the pane has been laid out


def render_strips(renderable: RenderableType, width: int) -> list[Strip]:
    """`renderable` laid out at `width` cells into lines; safe to call in a worker thread."""
    console = Console(
        width=max(width, 20),
        color_system="truecolor",
        force_terminal=True,
        legacy_windows=False,
        file=StringIO(),
    )
    lines = console.render_lines(renderable, console.options, pad=False, new_lines=False)
    return [Strip(line).simplify() for line in lines]


class DiffPane(ScrollView, can_focus=True):
    """Shows pre-rendered lines (`show`), or a short message (`message`)."""

    HELP_TITLE = "Diff text"
    DEFAULT_CSS = """
    DiffPane {
        height: 1fr;
        width: 1fr;
        padding: 0 1;
        scrollbar-gutter: stable;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Scroll down", show=False, id="diffpane.down"),
        Binding("k", "scroll_up", "Scroll up", show=False, id="diffpane.up"),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.strips: list[Strip] = []

    @property
    def render_width(self) -> int:
        """The width lines should be rendered at to fit without horizontal scrolling."""
        width = self.scrollable_content_region.width
        return width if width > 0 else FALLBACK_WIDTH

    def show(self, strips: list[Strip], *, keep_scroll: bool) -> None:
        """Show `strips`; a new file starts at the top, a re-render keeps the place."""
        self.strips = strips
        widest = max((strip.cell_length for strip in strips), default=0)
        self.virtual_size = Size(widest, len(strips))
        if not keep_scroll:
            self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()

    def message(self, renderable: RenderableType) -> None:
        """A small renderable (a note, 'Loading…'), rendered right here."""
        self.show(render_strips(renderable, self.render_width), keep_scroll=False)

    def text(self) -> str:
        """What the pane shows, as plain text (for tests and copying)."""
        return "\n".join("".join(s.text for s in strip).rstrip() for strip in self.strips)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        index = scroll_y + y
        if index >= len(self.strips):
            return Strip.blank(width, self.rich_style)
        line = self.strips[index].crop_extend(scroll_x, scroll_x + width, self.rich_style)
        return line.apply_style(self.rich_style)
