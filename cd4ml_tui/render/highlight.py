"""Syntax-highlighted diff lines: unified or side by side, from core hunks.

Whole texts are highlighted once (so multi-line strings lex right), then split into lines that the
hunks pick from; added and removed lines get a tinted background.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.style import Style
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Span, Text

from cd4ml_tui.core.api import DiffLine, Hunk, side_by_side

THEME = "monokai"
MAX_HIGHLIGHT_CHARS = 400_000  # bigger texts are shown without highlighting
ADDED_BG = Style(bgcolor="#12361f")
REMOVED_BG = Style(bgcolor="#3d1418")
SIGNS = {"context": " ", "added": "+", "removed": "-"}
SIGN_STYLES = {"context": "dim", "added": "bold green", "removed": "bold red"}
HUNK_STYLE = "cyan"
GUTTER_STYLE = "dim"


def lexer_for(path: str, code: str = "") -> str:
    """The Pygments lexer name for a file, from its name (then its content); 'text' if unknown."""
    try:
        return Syntax.guess_lexer(path, code[:2000] or None)
    except Exception:
        return "text"


def highlighted_lines(code: str | None, lexer: str) -> list[Text]:
    """`code` split into highlighted lines, with token backgrounds removed."""
    if not code:
        return []
    if len(code) > MAX_HIGHLIGHT_CHARS or lexer in ("text", "default"):
        return [Text(line) for line in code.splitlines()]
    text = Syntax(code, lexer, theme=THEME, background_color="default").highlight(code)
    text.spans = [
        Span(s.start, s.end, Style(color=s.style.color, bold=s.style.bold, italic=s.style.italic))
        if isinstance(s.style, Style)
        else s
        for s in text.spans
    ]
    lines = text.split("\n", allow_blank=True)
    return list(lines)


class LineSource:
    """Highlighted base and head lines, looked up by a DiffLine's line numbers."""

    def __init__(self, base: str | None, head: str | None, lexer: str) -> None:
        self.base = highlighted_lines(base, lexer)
        self.head = highlighted_lines(head, lexer)

    def text(self, line: DiffLine) -> Text:
        if line.kind == "removed" and line.base_no is not None:
            found = self.base[line.base_no - 1] if line.base_no <= len(self.base) else None
        elif line.head_no is not None:
            found = self.head[line.head_no - 1] if line.head_no <= len(self.head) else None
        else:
            found = None
        if found is None or found.plain != line.text:
            return Text(line.text)
        return found.copy()


def _styled(line: DiffLine, source: LineSource) -> Text:
    code = source.text(line)
    if line.kind == "added":
        code.stylize(ADDED_BG)
    elif line.kind == "removed":
        code.stylize(REMOVED_BG)
    return code


def _number(value: int | None, width: int) -> str:
    return f"{value:>{width}}" if value is not None else " " * width


def unified(hunks: Sequence[Hunk], source: LineSource, headers: bool = True) -> RenderableType:
    """Hunks as `diff -u` shows them, highlighted, with base and head line numbers."""
    width = max((len(str(h.base_start + h.base_len)) for h in hunks), default=1)
    width = max([width, *(len(str(h.head_start + h.head_len)) for h in hunks)])
    rows: list[Text] = []
    for hunk in hunks:
        if headers:
            rows.append(Text(hunk.header, style=HUNK_STYLE))
        for line in hunk.lines:
            row = Text()
            row.append(
                f"{_number(line.base_no, width)} {_number(line.head_no, width)} ", GUTTER_STYLE
            )
            row.append(SIGNS[line.kind] + " ", SIGN_STYLES[line.kind])
            row.append_text(_styled(line, source))
            rows.append(row)
    return Group(*rows)


def _signed(line: DiffLine | None, source: LineSource) -> Text:
    """A side-by-side cell: sign (readable without colour), then the highlighted line."""
    if line is None:
        return Text("")
    cell = Text(SIGNS[line.kind] + " ", SIGN_STYLES[line.kind])
    cell.append_text(_styled(line, source))
    return cell


def side_by_side_table(
    hunks: Sequence[Hunk], source: LineSource, headers: bool = True
) -> RenderableType:
    """Hunks as two columns, base left and head right; changed lines face each other."""
    table = Table(box=None, show_header=False, expand=True, padding=(0, 1, 0, 0))
    table.add_column(justify="right", style=GUTTER_STYLE, no_wrap=True)
    table.add_column(ratio=1, overflow="fold")
    table.add_column(justify="right", style=GUTTER_STYLE, no_wrap=True)
    table.add_column(ratio=1, overflow="fold")
    for hunk in hunks:
        if headers:
            table.add_row("", Text(hunk.header, style=HUNK_STYLE), "", "")
        for row in side_by_side(hunk):
            table.add_row(
                _number(row.base.base_no if row.base else None, 1).strip(),
                _signed(row.base, source),
                _number(row.head.head_no if row.head else None, 1).strip(),
                _signed(row.head, source),
            )
    return table


def render_hunks(
    hunks: Sequence[Hunk],
    base: str | None,
    head: str | None,
    lexer: str,
    side: bool = False,
    headers: bool = True,
) -> RenderableType:
    """Highlighted hunks, unified or side by side; `headers=False` drops the `@@` lines."""
    source = LineSource(base, head, lexer)
    if side:
        return side_by_side_table(hunks, source, headers)
    return unified(hunks, source, headers)
