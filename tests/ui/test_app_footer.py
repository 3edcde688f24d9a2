"""The footer: one widget that draws the keys in reach, follows focus, and acts on a click."""

from __future__ import annotations

from pathlib import Path

import pytest

from cd4ml_tui.ui.screens.compare import CompareScreen
from cd4ml_tui.ui.widgets.app_footer import AppFooter
from tests.ui.helpers import main_screen, running, settle

pytestmark = [pytest.mark.slow, pytest.mark.anyio]


def footer_of(app) -> AppFooter:  # type: ignore[no-untyped-def]
    return app.screen.query_one(AppFooter)


async def test_the_footer_follows_focus_and_keeps_the_palette_on_the_right(
    demo_repo: Path,
) -> None:
    async with running(demo_repo, size=(120, 30)) as (app, pilot):
        footer = footer_of(app)
        line = str(footer.render())
        assert len(line) == 120 and line.rstrip().endswith("^p palette")
        assert "Clear filter" not in line
        await pilot.press("slash")  # the filter bar takes focus: its escape key joins in
        await pilot.pause()
        assert "esc Clear filter" in str(footer.render())
        keys, palette = footer.keys()
        assert palette is not None and palette.display == "^p"
        assert len({key.action for key in keys}) == len(keys)  # one key per action


async def test_a_click_on_a_key_presses_it(demo_repo: Path) -> None:
    async with running(demo_repo) as (app, pilot):
        main_screen(app).query_one("#revisions").focus()
        footer = footer_of(app)
        line = str(footer.render())
        column = line.index(" c Compare ") + 2
        await pilot.hover(AppFooter, offset=(column, 0))
        assert footer.hovered == "c"
        await pilot.click(AppFooter, offset=(column, 0))
        await settle(app, pilot)
        assert isinstance(app.screen, CompareScreen)
