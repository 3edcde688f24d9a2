"""`Grid`: new data resizes its scrollable area without a screen layout, and its scrollbars and
scroll position still follow the new size."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from cd4ml_tui.ui.widgets.grid import Grid, GridColumn

pytestmark = pytest.mark.anyio


class GridApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Grid(fixed_columns=1, id="grid")


def _data(grid: Grid, widths: list[int], rows: int) -> None:
    columns = [GridColumn(f"c{i}", Text(f"c{i}"), width) for i, width in enumerate(widths)]
    grid.set_data(columns, [[Text("x" * w) for w in widths] for _ in range(rows)])


@asynccontextmanager
async def shown(widths: list[int], rows: int) -> AsyncIterator[tuple[Grid, Pilot[None]]]:
    """A 60x12 app whose grid shows `rows` rows of columns `widths` wide."""
    app = GridApp()
    async with app.run_test(size=(60, 12)) as pilot:
        grid = app.query_one(Grid)
        _data(grid, widths, rows)
        await pilot.pause()
        yield grid, pilot


async def test_narrower_columns_drop_the_scrollbar_and_clamp_the_scroll() -> None:
    async with shown([4, 40, 40], rows=30) as (grid, pilot):
        assert grid.show_horizontal_scrollbar and grid.show_vertical_scrollbar
        grid.scroll_to(x=grid.max_scroll_x, y=grid.max_scroll_y, animate=False)
        await pilot.pause()
        assert grid.scroll_x > 0
        _data(grid, [4, 10, 10], rows=5)  # fits: both scrollbars go, the scroll goes back to 0
        await pilot.pause()
        assert not grid.show_horizontal_scrollbar and not grid.show_vertical_scrollbar
        assert (grid.scroll_x, grid.scroll_y) == (0, 0)
        assert grid.virtual_size.width == 4 + 10 + 10 + 6


async def test_a_new_width_moves_the_scrollbar_thumb_and_the_scroll_limit() -> None:
    async with shown([4, 60, 60], rows=30) as (grid, pilot):
        wide = grid.max_scroll_x
        _data(grid, [4, 30, 60], rows=30)  # still too wide: the scrollbar stays, but shrinks
        await pilot.pause()
        assert grid.show_horizontal_scrollbar
        assert grid.max_scroll_x == wide - 30
        assert grid.horizontal_scrollbar.window_virtual_size == grid.virtual_size.width
