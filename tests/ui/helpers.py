"""Shared bits of the Pilot tests: open the real app on a real repo and wait for it to load."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from textual.message import Message
from textual.pilot import Pilot

from cd4ml_tui.core.config import load_settings
from cd4ml_tui.core.git.repo import open_repo
from cd4ml_tui.core.model import ColumnKey, RevisionValues
from cd4ml_tui.ui.app import Cd4mlApp, create_app
from cd4ml_tui.ui.screens.main import MainScreen
from cd4ml_tui.ui.widgets.revision_table import RevisionTable

SIZE = (160, 48)


async def settle(app: Cd4mlApp, pilot: Pilot[Any]) -> None:
    """Wait for every worker and for the messages they posted to be handled."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def settled(pilot: Pilot[Any]) -> None:
    """`settle` for the running app, in the shape snapshot tests take as `run_before`."""
    await settle(pilot.app, pilot)


@asynccontextmanager
async def running(
    path: Path, message_hook: Callable[[Message], None] | None = None, **options: Any
) -> AsyncIterator[tuple[Cd4mlApp, Pilot[Any]]]:
    """The app on `path` (the read-only fixtures are read without the persistent cache).
    `message_hook` sees every message the app processes."""
    options.setdefault("use_cache", False)
    size = options.pop("size", SIZE)
    repo = open_repo(path)
    app = create_app(repo, load_settings(repo.root), **options)
    try:
        async with app.run_test(size=size, notifications=True, message_hook=message_hook) as pilot:
            await settle(app, pilot)
            yield app, pilot
    finally:
        repo.close()


def main_screen(app: Cd4mlApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen


def table(app: Cd4mlApp) -> RevisionTable:
    return main_screen(app).table


def labels(app: Cd4mlApp) -> list[str]:
    return [v.revision.label for v in table(app).shown_values]


def column(rows: list[RevisionValues], key: str) -> ColumnKey:
    """The one column whose key is `key` in `rows`."""
    found = {c for row in rows for c in row.columns() if c.key == key}
    assert len(found) == 1, found
    return found.pop()


def plain(renderable: Any, width: int = 200) -> str:
    console = Console(width=width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(renderable)
    return console.export_text()


async def toasts(app: Cd4mlApp, pilot: Pilot[Any], severity: str) -> list[str]:
    """The text of the notifications on screen with `severity` (once they are mounted)."""
    for _ in range(3):  # notify -> call_later(show) -> mount: a few turns of the loop
        await pilot.pause()
    return [str(t.render()) for t in app.screen.query("Toast") if t.has_class(f"-{severity}")]


async def move_to_column(app: Cd4mlApp, pilot: Pilot[Any], cid: str) -> None:
    grid = table(app)
    target = ["mark", *grid.shown_column_ids].index(cid)
    grid.move_cursor(grid.cursor_row, target)
    await pilot.pause()
