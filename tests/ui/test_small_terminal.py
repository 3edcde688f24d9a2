"""Every size: at 80x24 the refs pane hides (`b` toggles it), the details pane shrinks (`e` hides
it), a metric column fits, the footer starts with the keys a reviewer needs; at 200x50 the refs
pane shows. The cursor's row stays visible after `enter`."""

from __future__ import annotations

from pathlib import Path

import pytest

from cd4ml_tui.ui.widgets.app_footer import AppFooter
from cd4ml_tui.ui.widgets.detail_pane import DetailPane
from cd4ml_tui.ui.widgets.refs_pane import RefsPane
from tests.ui.helpers import main_screen, running, settle, table

pytestmark = [pytest.mark.slow, pytest.mark.anyio]


def _visible_columns(app) -> list[str]:  # type: ignore[no-untyped-def]
    grid = table(app)
    room = grid.scrollable_content_region.width
    shown, used = [], 0
    for column in grid.grid_columns:
        used += column.width + 2
        if used > room:
            break
        shown.append(column.key)
    return shown


async def test_80x24_hides_the_refs_pane_and_shows_a_metric(demo_repo: Path) -> None:
    async with running(demo_repo, size=(80, 24)) as (app, pilot):
        screen = main_screen(app)
        refs = screen.query_one(RefsPane)
        assert not refs.display
        visible = _visible_columns(app)
        metrics = [cid for cid in visible if cid.startswith("metric:")]
        assert len(metrics) >= 3, visible  # sha and date make way (the details pane shows them)
        assert "sha" not in visible and "created" not in visible
        detail = screen.query_one(DetailPane)
        assert detail.display and detail.size.height <= 8
        footer = screen.query_one(AppFooter)
        keys, _palette = footer.keys()
        assert [k.key for k in keys[:4]] == ["question_mark", "c", "p", "slash"]
        assert str(footer.render()).startswith(" ? Help  c Compare  p Promote  / Filter ")
        await pilot.press("b")
        await pilot.pause()
        assert refs.display
        await pilot.press("b")
        await pilot.pause()
        assert not refs.display
        table_height = table(app).size.height
        await pilot.press("e")
        await pilot.pause()
        assert not detail.display and table(app).size.height > table_height
        await pilot.press("e")
        await pilot.pause()
        assert detail.display


async def test_200x50_shows_the_refs_pane(demo_repo: Path) -> None:
    async with running(demo_repo, size=(200, 50)) as (app, pilot):
        refs = main_screen(app).query_one(RefsPane)
        assert refs.display and refs.outer_size.width == 28
        assert {"sha", "created"} <= set(_visible_columns(app))
        await pilot.press("b")
        await pilot.pause()
        assert not refs.display


async def test_enter_keeps_the_cursor_row_on_screen(demo_repo: Path) -> None:
    async with running(demo_repo, size=(80, 24)) as (app, pilot):
        grid = table(app)
        await pilot.press("G")  # the last row: the bottom of the table
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.pause()
        visible = grid.scrollable_content_region.height - 1  # the header row
        assert grid.scroll_y <= grid.cursor_row < grid.scroll_y + visible


async def test_refs_pane_cuts_long_names_in_the_middle_with_the_full_name_in_a_tooltip(
    demo_copy: Path,
) -> None:
    from rich.text import Text

    from cd4ml_tui.ui.widgets.refs_pane import middle_ellipsis
    from tests.promote_support import git

    assert middle_ellipsis(Text("text-classification#prod#3"), 12).plain == "text-c…rod#3"
    tag = "text-classification#prod#3"
    git(demo_copy, "tag", tag, "main")
    async with running(demo_copy, size=(120, 40)) as (app, pilot):
        refs = main_screen(app).query_one(RefsPane)
        node = refs.leaf(f"refs/tags/{tag}")
        assert node is not None
        label = node.label
        room = refs.scrollable_content_region.width - refs.guide_depth - 1
        assert "…" in label.plain and label.cell_len <= room
        assert label.plain.startswith(tag[:5]) and label.plain.endswith("exp")
        refs.move_cursor(node)
        await pilot.pause()
        assert refs.tooltip is not None and tag in str(refs.tooltip)
