"""The footer every screen yields: the keys in reach, drawn as one line by one widget.

Textual's `Footer` mounts a widget per key (18 on the main screen, half the screen's DOM) and
mounts them again whenever focus moves; at start-up that cost 0.15-0.25 s before the first rows.
This footer reads the same `Screen.active_bindings`, in the same way, and only repaints when
they change. It keeps Textual's look (its `footer-*` theme variables), the command palette key
on the right, clicks and hover, and opens with READ ONLY in a read-only session.

Textual lists the keys from the focused widget out to the app, so a binding of the app would
come last and be cut off at 80 columns; the keys a reviewer needs first are ranked first.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import events
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget

from cd4ml_tui.ui.access import writes_allowed

# The keys a reviewer needs first, so they are the ones still on screen at 80 columns; the rest
# follow in Textual's order (focused widget first, then the screen, then the app).
FIRST_ACTIONS = (
    "help",
    "compare",
    "promote",
    "filter",
    "toggle_mark",
    "select",
    "diff",
    "confirm",
    "cancel",
    "back",
    "quit",
    "toggle_refs",
    "toggle_details",
)
READ_ONLY = " READ ONLY "
PALETTE_EDGE = "▏"


@dataclass(frozen=True)
class FooterKey:
    """One key as the footer shows it."""

    key: str  # what a click simulates, e.g. "question_mark"
    display: str  # what the footer shows, e.g. "?"
    description: str
    action: str
    enabled: bool


def rank(key: FooterKey) -> int:
    """Stable sort key: listed actions by their place in FIRST_ACTIONS, everything else after
    (in its own order, as `sorted` is stable)."""
    action = key.action.rpartition(".")[2]
    return FIRST_ACTIONS.index(action) if action in FIRST_ACTIONS else len(FIRST_ACTIONS)


class AppFooter(Widget):
    """The screen's keys in one line: read-only label, ranked keys, the palette key on the right."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "footer-key--key",
        "footer-key--description",
        "footer-key--hover",
        "footer--palette-edge",
        "footer--read-only",
    }
    DEFAULT_CSS = """
    AppFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .footer-key--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .footer-key--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .footer-key--hover {
            background: $block-hover-background;
        }
        .footer--palette-edge {
            color: $foreground 20%;
        }
        .footer--read-only {
            background: $warning;
            color: $text;
            text-style: bold;
        }
    }
    """

    hovered: reactive[str | None] = reactive(None)  # the key under the mouse

    def __init__(self) -> None:
        super().__init__()
        self._spans: list[tuple[int, int, FooterKey]] = []  # as last drawn: [start, end) columns

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        self.refresh()

    def keys(self) -> tuple[list[FooterKey], FooterKey | None]:
        """The keys to show, ranked, one per action (as Textual's footer), and the palette's."""
        app = self.app
        by_action: dict[str, FooterKey] = {}
        palette = None
        for name, active in self.screen.active_bindings.items():
            binding = active.binding
            key = FooterKey(
                binding.key,
                app.get_key_display(binding),
                binding.description,
                binding.action,
                active.enabled,
            )
            if name == app.COMMAND_PALETTE_BINDING and app.ENABLE_COMMAND_PALETTE:
                palette = key
            elif binding.show:
                by_action.setdefault(binding.action, key)
        return sorted(by_action.values(), key=rank), palette

    def render(self) -> Text:
        keys, palette = self.keys()
        line = Text(no_wrap=True, overflow="crop", end="")
        if not writes_allowed(self):
            line.append(READ_ONLY, self.get_component_rich_style("footer--read-only"))
            line.append(" ")
        spans = []
        for key in keys:
            drawn = self._drawn(key)
            spans.append((line.cell_len, line.cell_len + drawn.cell_len, key))
            line.append_text(drawn)
        if palette is not None:  # docked right, over the keys that do not fit
            drawn = self._drawn(palette, padded=False)
            room = max(0, self.size.width - drawn.cell_len - len(PALETTE_EDGE))
            line.truncate(room, pad=True)
            spans = [span for span in spans if span[1] <= room]
            line.append(PALETTE_EDGE, self.get_component_rich_style("footer--palette-edge"))
            spans.append((line.cell_len, line.cell_len + drawn.cell_len, palette))
            line.append_text(drawn)
        self._spans = spans
        return line

    def _drawn(self, key: FooterKey, padded: bool = True) -> Text:
        """`key` as Textual's footer draws it: " k " bold, then "Description " (the palette's
        key unpadded: "^p palette ")."""
        dim = Style(dim=not key.enabled)
        shown = f" {key.display} " if padded else key.display
        drawn = Text(end="")
        drawn.append(shown, self.get_component_rich_style("footer-key--key") + dim)
        if key.description:
            style = self.get_component_rich_style("footer-key--description") + dim
            drawn.append(f"{key.description} " if padded else f" {key.description} ", style)
        if key.key == self.hovered:
            drawn.stylize(self.get_component_rich_style("footer-key--hover", partial=True))
        return drawn

    def _key_at(self, x: int) -> FooterKey | None:
        return next((key for start, end, key in self._spans if start <= x < end), None)

    def on_click(self, event: events.Click) -> None:
        key = self._key_at(event.x)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        key = self._key_at(event.x)
        self.hovered = key.key if key is not None else None

    def on_leave(self) -> None:
        self.hovered = None
