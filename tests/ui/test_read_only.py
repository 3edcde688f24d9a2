"""A read-only session (`--read-only`, and `serve` beyond loopback): every `@writes` action is
hidden from the footer, `?` help and ctrl+p and refused however it is reached, the footer says
READ ONLY, and the repo is untouched. A writable session offers the same keys. The compare
screen's `m` delivers the `compare --md` report (to the downloads folder outside a browser)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.message import Message

from cd4ml_tui.core.compare.deltas import compare
from cd4ml_tui.core.compare.report import markdown
from cd4ml_tui.core.config import Settings
from cd4ml_tui.ui.access import READ_ONLY_MESSAGE, Access, hidden_write, is_write
from cd4ml_tui.ui.app import Cd4mlApp
from cd4ml_tui.ui.screens.compare import CompareScreen
from cd4ml_tui.ui.screens.help import HelpScreen
from cd4ml_tui.ui.screens.main import MainScreen
from cd4ml_tui.ui.screens.promote import PromoteScreen
from cd4ml_tui.ui.widgets.app_footer import AppFooter
from tests.promote_support import fingerprint, tag_names
from tests.ui.helpers import main_screen, running, settle, table, toasts

pytestmark = [pytest.mark.slow, pytest.mark.anyio]

WRITES = ("promote", "undo", "fetch", "apply", "branch", "remove", "run_queued")


def footer_text(app: Cd4mlApp) -> str:
    return str(app.screen.query_one(AppFooter).render()).strip()


def help_text(app: Cd4mlApp) -> list[str]:
    screen = app.screen
    assert isinstance(screen, HelpScreen)
    return [entry.description for entry in screen.entries]


async def test_read_only_hides_and_refuses_every_write(demo_copy: Path) -> None:
    before_tags, before_files = tag_names(demo_copy), fingerprint(demo_copy)
    async with running(demo_copy, access=Access(read_only=True)) as (app, pilot):
        main = main_screen(app)
        assert all(is_write(main, action) and hidden_write(main, action) for action in WRITES)
        footer = footer_text(app)
        assert footer.startswith("READ ONLY") and "Compare" in footer and "Promote" not in footer
        table(app).move_cursor(2)  # an experiment: promotable in a writable session
        await pilot.press("p", "u", "F", "a", "B", "D", "x")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        main.action_promote()  # reached some other way than its key: refused too
        assert READ_ONLY_MESSAGE in await toasts(app, pilot, "warning")
        await pilot.press("question_mark")
        await settle(app, pilot)
        entries = help_text(app)
        assert "Compare" in entries
        assert not {"Promote", "Undo", "Fetch exps", "Apply", "Remove", "Run queue"} & set(entries)
    assert tag_names(demo_copy) == before_tags
    assert fingerprint(demo_copy) == before_files


async def test_a_writable_session_offers_the_writes(demo_repo: Path) -> None:
    async with running(demo_repo) as (app, pilot):
        assert not any(hidden_write(main_screen(app), action) for action in WRITES)
        footer = footer_text(app)
        assert "Promote" in footer and "READ ONLY" not in footer
        table(app).move_cursor(2)
        await pilot.press("p")
        await settle(app, pilot)
        assert isinstance(app.screen, PromoteScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("question_mark")
        await settle(app, pilot)
        assert {"Promote", "Undo", "Fetch exps", "Apply", "Remove"} <= set(help_text(app))


async def test_m_delivers_the_compare_markdown_report(demo_repo: Path) -> None:
    delivered: list[events.DeliveryComplete] = []

    def hook(message: Message) -> None:
        if isinstance(message, events.DeliveryComplete):
            delivered.append(message)

    async with running(demo_repo, message_hook=hook, access=Access(read_only=True)) as (
        app,
        pilot,
    ):
        grid = table(app)
        shown = [v.revision.label for v in grid.shown_values]
        for label in ("main", "epochs-20"):
            grid.move_cursor(shown.index(label))
            await pilot.press("space")
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, CompareScreen)
        await pilot.press("m")
        for _ in range(50):  # the driver writes the file in a thread, then posts the event
            if delivered:
                break
            await pilot.pause(0.05)
        rows = {v.revision.label: v for v in grid.rows_loaded}
    assert len(delivered) == 1 and delivered[0].path is not None
    expected = markdown(
        compare(rows["main"], [rows["epochs-20"]], Settings()), "main", ["epochs-20"], False, 4
    )
    assert "| accuracy" in expected
    assert Path(delivered[0].path).read_text(encoding="utf-8") == expected
