"""The detail pane: everything known about one revision, values shown exactly (not rounded)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from cd4ml_tui.core import api  # `api.name`: imported on first use, off the start-up path
from cd4ml_tui.core.model import FlatValues, Revision, RevisionValues
from cd4ml_tui.render.review_text import summary_text, thread

if TYPE_CHECKING:
    from cd4ml_tui.core.api import Verdict


def exact(value: Any) -> str:
    """A value as read: floats in their shortest exact form, lists as JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value)
    return str(value)


def _files_table(title: str, files: Mapping[str, FlatValues]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    table.add_row(Text(title, style="bold underline"), "")
    for path, flat in files.items():
        table.add_row(Text(path, style="italic"), "")  # a file, then its keys
        for key, value in flat.items():
            table.add_row(Text("  " + key), Text(exact(value)))
    return table


def render_details(
    values: RevisionValues,
    revisions: Mapping[str, Revision],
    badges: Mapping[str, list[str]] | None = None,
    verdicts: Sequence[Verdict] | None = None,
    *,
    reading: bool = False,
) -> RenderableType:
    """The pane's content for `values`; `revisions` (by rev) names the baseline, `badges` (by
    commit) are its GTO versions and stages, `verdicts` its review thread (oldest first);
    `reading`: its values are still being read."""
    revision = values.revision
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    title = Text(revision.label, style="bold")
    facts: list[str] = [revision.kind] if revision.kind != revision.label else []
    facts += [revision.status] if revision.status else []
    title.append(("  " + " · ".join(facts)) if facts else "", style="italic")
    head.add_row("name", title)
    if not revision.is_workspace:
        head.add_row("sha", Text(revision.rev))
    if revision.baseline:
        base = revisions.get(revision.baseline)
        head.add_row("baseline", Text(f"{revision.baseline[:7]} {base.label if base else ''}"))
    if revision.refs:
        head.add_row("refs", Text("\n".join(revision.refs)))
    registry = (badges or {}).get(revision.rev)
    if registry:
        head.add_row("registry", Text(", ".join(registry), style="bold"))
    if revision.author:
        head.add_row("author", Text(revision.author))
    if revision.timestamp:
        head.add_row("date", Text(revision.timestamp))
    if revision.message:
        head.add_row("message", Text(revision.message.strip()))
    parts: list[RenderableType] = [head, ""]
    if verdicts:
        title = Text("Review  ", style="bold underline")
        parts += [title + summary_text(api.summarize_thread(verdicts)), thread(verdicts), ""]
    if values.metrics:
        parts += [_files_table("Metrics", values.metrics), ""]
    if values.params:
        parts += [_files_table("Params", values.params), ""]
    if values.errors:
        errors = Table.grid(padding=(0, 2))
        errors.add_column(style="bold red")
        errors.add_column()
        errors.add_row(Text("Errors", style="bold underline red"), "")
        for path, message in values.errors.items():
            errors.add_row(Text(path), Text(message))
        parts.append(errors)
    if reading:
        parts.append(Text("Reading its params and metrics…", style="dim"))
    elif not (values.metrics or values.params or values.errors):
        parts.append(Text("No params or metrics in this revision.", style="dim"))
    return Group(*parts)


class DetailPane(VerticalScroll):
    """A scrollable view of one revision; `enter` on the table expands it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Scroll down", show=False, id="detail.down"),
        Binding("k", "scroll_up", "Scroll up", show=False, id="detail.up"),
    ]
    HELP_TITLE = "Detail pane"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.badges: dict[str, list[str]] = {}  # commit sha -> GTO versions and stages
        self.reviews: dict[str, tuple[Verdict, ...]] = {}  # commit sha -> review thread
        self.rev: str | None = None  # the revision shown

    def compose(self) -> ComposeResult:
        yield Static(Text("No revision selected.", style="dim"), id="detail-body")

    def show(
        self,
        values: RevisionValues | None,
        revisions: Mapping[str, Revision],
        *,
        reading: bool = False,
    ) -> None:
        body = self.query_one("#detail-body", Static)
        self.rev = values.revision.rev if values is not None else None
        if values is None:
            body.update(Text("No revision selected.", style="dim"))
        else:
            verdicts = self.reviews.get(values.revision.rev)
            body.update(render_details(values, revisions, self.badges, verdicts, reading=reading))
        self.scroll_home(animate=False)
