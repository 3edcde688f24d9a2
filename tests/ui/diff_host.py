"""A tiny app that opens only the diff screen, as the main screen does on `d`.

Shared by the diff Pilot tests and the diff snapshot.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.core.revisions import list_revisions, resolve_revision
from cd4ml_tui.ui.screens.diff import DiffScreen
from cd4ml_tui.ui.widgets.diff_view import DiffView
from cd4ml_tui.ui.widgets.file_list import FileList


class DiffHost(App[None]):
    """Pushes one DiffScreen of `base` → `head` on mount (the caller closes `repo`)."""

    def __init__(self, path: Path, base: str, head: str, paths: Sequence[str] = ()) -> None:
        super().__init__()
        self.repo = open_repo(path)
        revisions = list_revisions(self.repo)
        self.base = resolve_revision(self.repo, base, revisions)
        self.head = resolve_revision(self.repo, head, revisions)
        self.paths = tuple(paths)

    def on_mount(self) -> None:
        self.push_screen(DiffScreen(self.repo, self.base, self.head, self.paths))


async def settle(pilot: Pilot[Any]) -> None:
    """Wait for the workers and the messages they post (a file loads after the list).

    A worker superseded by a newer one (a resize or a key press re-renders) ends cancelled; that
    is expected, so wait for whatever is still running instead.
    """
    for _ in range(3):
        for _attempt in range(50):
            try:
                await pilot.app.workers.wait_for_complete()
                break
            except WorkerCancelled:
                await pilot.pause()
        await pilot.pause()


async def open_file(pilot: Pilot[Any], path: str) -> DiffView:
    """Move the file list's cursor to `path` with j/k and wait until its diff is shown."""
    view = pilot.app.screen.query_one(DiffView)
    files = view.query_one(FileList)
    target = [c.path for c in files.changes].index(path)
    files.focus()
    while files.highlighted != target:
        await pilot.press("j" if (files.highlighted or 0) < target else "k")
    await settle(pilot)
    assert view.shown is not None and view.shown.change.path == path
    return view
